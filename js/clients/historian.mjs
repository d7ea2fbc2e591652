// A y-websocket client driven step by step, for the history tests: edits a Y.Text "content" and a Y.Map
// "meta" on command and prints its replica (toJSON and encodeStateAsUpdate) on request.
//   node historian.mjs --url ws://127.0.0.1:3001/realtime --room r1 [--token JWT] [--timeout 240000]
// stdin commands (one JSON object per line):
//   {"op":"insert","index":0,"text":"abc"}, {"op":"delete","index":0,"length":2},
//   {"op":"set","key":"k","value":any}, {"op":"remove","key":"k"}, {"op":"capture"}, {"op":"quit"}
// stdout: {"event":"synced"}, {"event":"done","op":..} after each edit,
//   {"event":"captured","json":doc.toJSON(),"update":base64 encodeStateAsUpdate,"text":...} on capture.
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import WebSocket from 'ws'
import { emit, onCommand, hardTimeout, parseArgs } from './common.mjs'

const args = parseArgs(process.argv.slice(2))
hardTimeout(Number(args.timeout || 240000), 'historian')

const doc = new Y.Doc()
const text = doc.getText('content')
const meta = doc.getMap('meta')
const params = args.token ? { token: args.token } : {}
const provider = new WebsocketProvider(args.url, args.room, doc, {
  WebSocketPolyfill: WebSocket, params, maxBackoffTime: 500, resyncInterval: -1
})
let syncedOnce = false
provider.on('sync', (synced) => {
  if (synced && !syncedOnce) { syncedOnce = true; emit({ event: 'synced' }) }
})
provider.on('connection-close', (event) => {
  if (event) emit({ event: 'closed', code: event.code, reason: event.reason })
})

onCommand((line) => {
  if (line.length === 0) return
  const cmd = JSON.parse(line)
  switch (cmd.op) {
    case 'insert': text.insert(cmd.index, cmd.text); break
    case 'delete': text.delete(cmd.index, cmd.length); break
    case 'set': meta.set(cmd.key, cmd.value); break
    case 'remove': meta.delete(cmd.key); break
    case 'capture':
      emit({
        event: 'captured',
        json: doc.toJSON(),
        text: text.toString(),
        update: Buffer.from(Y.encodeStateAsUpdate(doc)).toString('base64')
      })
      return
    case 'quit': provider.destroy(); process.exit(0)
  }
  emit({ event: 'done', op: cmd.op })
})
