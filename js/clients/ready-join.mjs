// Restart to serving, timed: polls a starting server until its port accepts (GET /alive answers) and
// until it is ready (GET /ready 200), then joins a room at once with a real y-websocket provider and
// waits for its "sync" (the server's SyncStep2 answering the provider's SyncStep1). Used by
// bench/bench-jvm.sh after a kill -9 and restart.
//   node ready-join.mjs --base http://127.0.0.1:3001 --url ws://127.0.0.1:3001/realtime --room r1
//     [--timeout 120000] [--poll 5]
// stdout: {"event":"joined","aliveAt":..,"readyAt":..,"openAt":..,"syncedAt":..,"textLength":..}
// (epoch milliseconds with sub-ms fraction, so the caller can subtract its own process start time)
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import WebSocket from 'ws'
import { emit, hardTimeout, parseArgs } from './common.mjs'

const args = parseArgs(process.argv.slice(2))
hardTimeout(Number(args.timeout || 120000), 'ready-join')
const poll = Number(args.poll || 5)
// performance.timeOrigin + now(): epoch ms with a monotonic sub-ms part
const now = () => performance.timeOrigin + performance.now()
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

const status = async (path) => {
  try {
    const res = await fetch(args.base + path, { signal: AbortSignal.timeout(2000) })
    await res.arrayBuffer()
    return res.status
  } catch {
    return 0 // refused: the port is not bound yet
  }
}

let aliveAt = null
for (;;) {
  const ready = await status('/ready')
  if (ready !== 0 && aliveAt === null) aliveAt = now()
  if (ready === 200) break
  await sleep(poll)
}
const readyAt = now()
let openAt = null
class TimedWebSocket extends WebSocket {
  constructor (...a) {
    super(...a)
    this.addEventListener('open', () => { if (openAt === null) openAt = now() })
  }
}
const doc = new Y.Doc()
const provider = new WebsocketProvider(args.url, args.room, doc, { WebSocketPolyfill: TimedWebSocket, resyncInterval: -1 })
let done = false
provider.on('connection-close', (event) => {
  if (done) return
  emit({ event: 'closed', code: event?.code, reason: String(event?.reason ?? '') })
  process.exit(1)
})
provider.on('sync', (synced) => {
  if (!synced) return
  const syncedAt = now()
  done = true
  emit({ event: 'joined', aliveAt, readyAt, openAt, syncedAt, textLength: doc.getText('content').length })
  provider.destroy()
  setTimeout(() => process.exit(0), 20)
})
