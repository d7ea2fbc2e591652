// Fills a room with N separate updates (one inserted character each) and waits until the server echoed
// all of them (= journaled); used to measure room recovery time per room size (docs/cluster.md).
//   node filler.mjs --url ws://127.0.0.1:3001/realtime --room big --count 100000 [--batch 200] [--round 400]
//     [--timeout 600000]   (--round: send that many, wait for their echo, then the next round; --round 1
//     sends each update after the previous one was echoed, so each becomes its own journal event, as
//     human-speed typing does; bigger rounds let the server batch many updates into one event)
// stdout: {"event":"filled","count":N,"millis":...}
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import WebSocket from 'ws'
import { emit, hardTimeout, parseArgs, SYNC_UPDATE, syncPayloadOf } from './common.mjs'

const args = parseArgs(process.argv.slice(2))
const count = Number(args.count || 1000)
const batch = Number(args.batch || 200) // updates sent per event-loop turn
const round = Number(args.round || count) // updates in flight at most
hardTimeout(Number(args.timeout || 600000), 'filler')

const doc = new Y.Doc()
const text = doc.getText('content')
let echoedUpTo = 0 // highest own clock seen echoed (updates are echoed in order)
let waiting = false // sendSome is parked until the next echo

class TappedWebSocket extends WebSocket {
  constructor (...a) {
    super(...a)
    this.addEventListener('message', (event) => {
      const update = syncPayloadOf(event.data, SYNC_UPDATE)
      if (update === null) return
      for (const struct of Y.decodeUpdate(update).structs) {
        if (struct.id.client === doc.clientID) echoedUpTo = Math.max(echoedUpTo, struct.id.clock + struct.length)
      }
      if (waiting) { waiting = false; setImmediate(sendSome) }
    })
  }
}

const provider = new WebsocketProvider(args.url, args.room, doc, { WebSocketPolyfill: TappedWebSocket, resyncInterval: -1 })
const start = Date.now()
let sent = 0
const sendSome = () => {
  const roundEnd = Math.min(count, (Math.floor(echoedUpTo / round) + 1) * round)
  if (sent >= roundEnd) { waiting = true; return } // the round's echo resumes it
  for (let i = 0; i < batch && sent < roundEnd; i++, sent++) text.insert(text.length, String.fromCharCode(97 + (sent % 26)))
  if (sent < count) setImmediate(sendSome)
}
provider.once('sync', () => sendSome())
const check = setInterval(() => {
  if (echoedUpTo >= count) {
    clearInterval(check)
    emit({ event: 'filled', count, millis: Date.now() - start })
    provider.destroy()
    setTimeout(() => process.exit(0), 50)
  }
}, 50)
