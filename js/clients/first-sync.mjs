// A fresh client's first sync, timed: opens a raw WebSocket to a room, sends SyncStep1 with an empty
// state vector and waits for the server's SyncStep2 (the whole document). Used by bench/bench-cluster.sh
// to time a room's recovery from the journal plus its first sync: when the room is not loaded, the
// server starts it (snapshot + event replay) before it can answer.
//   node first-sync.mjs --url ws://127.0.0.1:3001/realtime --room r1 [--timeout 600000]
// stdout: {"event":"synced","openMs":..,"syncMs":..,"bytes":..,"textLength":..}  (ms since the connect call)
// A raw socket, not y-websocket's provider, so the time is exactly connect -> SyncStep2 received.
import * as Y from 'yjs'
import WebSocket from 'ws'
import { emit, hardTimeout, parseArgs, SYNC_STEP2, syncPayloadOf } from './common.mjs'

const args = parseArgs(process.argv.slice(2))
hardTimeout(Number(args.timeout || 600000), 'first-sync')
const start = process.hrtime.bigint()
const msSince = () => Number(process.hrtime.bigint() - start) / 1e6
let openMs = -1
const ws = new WebSocket(`${args.url}/${args.room}`)
ws.binaryType = 'nodebuffer'
ws.on('open', () => {
  openMs = msSince()
  ws.send(Buffer.from([0, 0, 1, 0])) // messageSync, SyncStep1, state vector of an empty doc
})
ws.on('message', (data) => {
  const update = syncPayloadOf(data, SYNC_STEP2)
  if (update === null) return
  const syncMs = msSince()
  // Applying it proves it is a whole, valid document (and gives its size in characters).
  const doc = new Y.Doc()
  Y.applyUpdate(doc, update)
  emit({ event: 'synced', openMs, syncMs, bytes: update.length, textLength: doc.getText('content').length })
  ws.close()
  setTimeout(() => process.exit(0), 50)
})
ws.on('close', (code, reason) => { emit({ event: 'closed', code, reason: reason.toString() }); process.exit(1) })
ws.on('error', (e) => { emit({ event: 'error', message: String(e) }); process.exit(1) })
