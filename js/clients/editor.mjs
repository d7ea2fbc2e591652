// A y-websocket editor: types unique markers "[name:seq]" into the Y.Text "content" and records which
// of them the server confirmed, i.e. echoed back as a sync Update message (the server echoes an update
// to its sender only after journaling it).
//   node editor.mjs --url ws://127.0.0.1:3001/realtime --room r1 --name a [--interval 50] [--timeout 240000]
//     [--fallback-urls ws://127.0.0.1:3002/realtime,ws://127.0.0.1:3003/realtime] [--token T]
//   --token: sent as y-websocket params: { token } (the ?token= query parameter); a y-protocols
//   permission-denied auth message from the server is printed as {"event":"denied","reason":..}.
//   With fallback urls (cluster tests), every closed connection moves on to the next url in the ring
//   url, fallback1, fallback2, ...: a client of a killed or leaving node reconnects to another node.
// stdin commands: "start" (begin typing), "stop" (stop typing), "report" (print state),
//   "state" (print {"event":"state","clientID":..,"update":base64 of Y.encodeStateAsUpdate(doc)}),
//   "disconnect" / "connect" (go offline and back, typing goes on offline), "quit".
// stdout: {"event":"synced"}, {"event":"report",...}, {"event":"closed","code":..,"url":..,"at":ms} lines;
//   the report lists every close so far ("closes").
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import WebSocket from 'ws'
import { emit, onCommand, hardTimeout, parseArgs, SYNC_UPDATE, syncPayloadOf, permissionDeniedReasonOf } from './common.mjs'

const args = parseArgs(process.argv.slice(2))
const name = args.name || 'editor'
const interval = Number(args.interval || 50)
hardTimeout(Number(args.timeout || 240000), 'editor ' + name)

const urls = [args.url, ...(args['fallback-urls'] || '').split(',').filter(u => u.length > 0)]
let urlIndex = 0
const doc = new Y.Doc()
const text = doc.getText('content')
const confirmedClocks = new Set() // own clocks seen in echoed updates
const typed = [] // { marker, start, end, at, confirmedAt } in own clock units, at = Date.now() when typed
let firstUnconfirmed = 0 // typed entries before this index have confirmedAt
const closes = [] // every close of a socket: { code, reason, url, wasOpen, at }
const denied = [] // reasons of the server's permission-denied auth messages

const markConfirmed = (update) => {
  for (const struct of Y.decodeUpdate(update).structs) {
    if (struct.id.client !== doc.clientID || struct.constructor.name === 'Skip') continue
    for (let c = struct.id.clock; c < struct.id.clock + struct.length; c++) confirmedClocks.add(c)
  }
  // latency = typed -> echoed (the server echoes in order, once journaled)
  while (firstUnconfirmed < typed.length && isConfirmed(typed[firstUnconfirmed])) typed[firstUnconfirmed++].confirmedAt = Date.now()
}

// Reads every message the server sends before y-websocket handles it: sync Update (0, 2) = echo/broadcast.
class TappedWebSocket extends WebSocket {
  constructor (...a) {
    super(...a)
    this.addEventListener('message', (event) => {
      try {
        const update = syncPayloadOf(event.data, SYNC_UPDATE)
        if (update !== null) markConfirmed(update)
        const reason = permissionDeniedReasonOf(event.data)
        if (reason !== null) { denied.push(reason); emit({ event: 'denied', reason }) }
      } catch (e) { emit({ event: 'tap-error', message: String(e) }) }
    })
    this.addEventListener('open', () => { this.wasOpen = true })
    this.addEventListener('close', (event) => {
      // at: wall clock, compared with the server's log times (same machine) by ClusterIT
      const close = { code: event.code, reason: event.reason, url: this.url, wasOpen: this.wasOpen === true, at: Date.now() }
      closes.push(close)
      emit({ event: 'closed', ...close })
      if (urls.length > 1) {
        urlIndex = (urlIndex + 1) % urls.length
        provider.serverUrl = urls[urlIndex] // y-websocket builds provider.url from serverUrl on each reconnect
      }
    })
  }
}

const provider = new WebsocketProvider(args.url, args.room, doc, {
  WebSocketPolyfill: TappedWebSocket, maxBackoffTime: 500, resyncInterval: -1,
  params: args.token ? { token: args.token } : {}
})
provider.awareness.setLocalStateField('user', { name })
let syncedOnce = false
provider.on('sync', (synced) => {
  if (synced && !syncedOnce) { syncedOnce = true; emit({ event: 'synced' }) }
})

let seq = 0
let timer = null
const typeOne = () => {
  const marker = `[${name}:${seq++}]`
  const start = Y.getState(doc.store, doc.clientID)
  // Insert only after a "]" (or at 0): markers are never split by other markers.
  const s = text.toString()
  const boundaries = [0]
  for (let i = 0; i < s.length; i++) if (s[i] === ']') boundaries.push(i + 1)
  text.insert(boundaries[Math.floor(Math.random() * boundaries.length)], marker)
  typed.push({ marker, start, end: start + marker.length, at: Date.now() })
}

const isConfirmed = ({ start, end }) => {
  for (let c = start; c < end; c++) if (!confirmedClocks.has(c)) return false
  return true
}

onCommand((command) => {
  if (command === 'start' && timer === null) timer = setInterval(typeOne, interval)
  else if (command === 'stop') { clearInterval(timer); timer = null; emit({ event: 'stopped', typed: typed.length }) }
  else if (command === 'disconnect') { provider.disconnect(); emit({ event: 'disconnected' }) }
  else if (command === 'connect') { provider.connect(); emit({ event: 'connecting' }) }
  else if (command === 'report') {
    const users = []
    provider.awareness.getStates().forEach((state, clientID) => {
      if (clientID !== doc.clientID && state.user) users.push(state.user.name)
    })
    emit({
      event: 'report',
      name,
      connected: provider.wsconnected,
      url: provider.url,
      synced: provider.synced,
      text: text.toString(),
      typed: typed.map(t => t.marker),
      confirmed: typed.filter(isConfirmed).map(t => t.marker),
      latencies: typed.map(t => t.confirmedAt !== undefined ? t.confirmedAt - t.at : null), // ms, null = not yet
      users: users.sort(),
      closes,
      denied
    })
  } else if (command === 'state') {
    emit({ event: 'state', clientID: doc.clientID, update: Buffer.from(Y.encodeStateAsUpdate(doc)).toString('base64') })
  } else if (command === 'quit') {
    provider.destroy()
    doc.destroy()
    setTimeout(() => process.exit(0), 100)
  }
})
