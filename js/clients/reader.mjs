// Joins a room late, waits for the server's full state (y-websocket "sync"), prints it and exits.
//   node reader.mjs --url ws://127.0.0.1:3001/realtime --room r1 [--timeout 30000] [--token T]
// stdout: {"event":"state","text":"...","json":{...}}
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import WebSocket from 'ws'
import { emit, hardTimeout, parseArgs } from './common.mjs'

const args = parseArgs(process.argv.slice(2))
hardTimeout(Number(args.timeout || 30000), 'reader')
const doc = new Y.Doc()
const provider = new WebsocketProvider(args.url, args.room, doc, {
  WebSocketPolyfill: WebSocket, resyncInterval: -1, params: args.token ? { token: args.token } : {}
})
provider.on('sync', (synced) => {
  if (!synced) return
  emit({ event: 'state', text: doc.getText('content').toString() })
  provider.destroy()
  setTimeout(() => process.exit(0), 50)
})
