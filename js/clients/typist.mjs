// A y-websocket editor that types one character every --interval ms and prints a line with the wall-clock
// time of every echo of its own edits (the server echoes an update to its sender only after journaling it),
// so a failover shows up as a gap in the echoes. Used by bench/bench-cluster.sh (failover time).
//   node typist.mjs --url ws://127.0.0.1:3001/realtime --room r1 [--interval 100] [--timeout 600000]
//     [--fallback-urls ws://127.0.0.1:3002/realtime,...]   (after a close, reconnect to the next url)
// stdout: {"event":"synced","at":epochMs} once, {"event":"echo","at":epochMs} per echo, {"event":"closed",...}
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import WebSocket from 'ws'
import { emit, hardTimeout, parseArgs, SYNC_UPDATE, syncPayloadOf } from './common.mjs'

const args = parseArgs(process.argv.slice(2))
const interval = Number(args.interval || 100)
hardTimeout(Number(args.timeout || 600000), 'typist')
const urls = [args.url, ...(args['fallback-urls'] || '').split(',').filter(u => u.length > 0)]
let urlIndex = 0
const doc = new Y.Doc()
const text = doc.getText('content')

class TappedWebSocket extends WebSocket {
  constructor (...a) {
    super(...a)
    this.addEventListener('message', (event) => {
      const update = syncPayloadOf(event.data, SYNC_UPDATE)
      if (update === null) return
      for (const struct of Y.decodeUpdate(update).structs) {
        if (struct.id.client === doc.clientID) { emit({ event: 'echo', at: Date.now() }); return }
      }
    })
    this.addEventListener('close', (event) => {
      emit({ event: 'closed', code: event.code, at: Date.now() })
      urlIndex = (urlIndex + 1) % urls.length
      provider.serverUrl = urls[urlIndex] // y-websocket builds provider.url from serverUrl on each reconnect
    })
  }
}

const provider = new WebsocketProvider(args.url, args.room, doc, {
  WebSocketPolyfill: TappedWebSocket, maxBackoffTime: 500, resyncInterval: -1
})
provider.once('sync', () => {
  emit({ event: 'synced', at: Date.now() })
  // Appends, like typing at the end of a paragraph; offline edits are resent on resync.
  setInterval(() => text.insert(text.length, String.fromCharCode(97 + (text.length % 26))), interval)
})
