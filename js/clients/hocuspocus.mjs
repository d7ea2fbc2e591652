// A @hocuspocus/provider client: one HocuspocusProviderWebsocket carrying one HocuspocusProvider per document.
//   node hocuspocus.mjs --url ws://127.0.0.1:3001/hocuspocus --docs a,b,c --name n [--token JWT] [--timeout 120000]
// stdin commands (space separated, the rest of the line is the argument):
//   "insert <doc> <text>"   appends text to the Y.Text "content" of <doc>
//   "stateless <doc> <payload>"   provider.sendStateless(payload)
//   "report"   prints every document's text, unsynced changes, scope and the other clients' awareness names
//   "quit"
// stdout: {"event":"authenticated","doc","scope"} {"event":"authenticationFailed","doc","reason"}
//   {"event":"synced","doc"} {"event":"saved","doc","at"} (unsyncedChanges back to 0: every update of this
//   provider got its SyncStatus) {"event":"stateless","doc","payload"} {"event":"close","code","reason"}
//   {"event":"report","docs":{...}}
import * as Y from 'yjs'
import WebSocket from 'ws'
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider'
import { emit, onCommand, hardTimeout, parseArgs } from './common.mjs'

const args = parseArgs(process.argv.slice(2))
const name = args.name || 'hp'
hardTimeout(Number(args.timeout || 120000), 'hocuspocus ' + name)

// The provider closes a socket that is still connecting when it retries (server down): ws then emits 'error',
// which would end the process without a listener.
class QuietWebSocket extends WebSocket {
  constructor (...a) { super(...a); this.on('error', (e) => emit({ event: 'socketError', message: String(e.message) })) }
}

const socket = new HocuspocusProviderWebsocket({
  url: args.url, WebSocketPolyfill: QuietWebSocket, delay: 200, minDelay: 200, maxDelay: 1000, jitter: false
})
socket.on('close', ({ event }) => emit({ event: 'close', code: event.code, reason: String(event.reason || '') }))

const providers = new Map()
for (const doc of (args.docs || 'doc').split(',')) {
  const provider = new HocuspocusProvider({
    websocketProvider: socket,
    name: doc,
    token: args.token || null,
    onAuthenticated: ({ scope }) => emit({ event: 'authenticated', doc, scope }),
    onAuthenticationFailed: ({ reason }) => emit({ event: 'authenticationFailed', doc, reason }),
    onSynced: () => emit({ event: 'synced', doc }),
    onStateless: ({ payload }) => emit({ event: 'stateless', doc, payload }),
    onUnsyncedChanges: ({ number }) => { if (number === 0) emit({ event: 'saved', doc, at: Date.now() }) }
  })
  provider.setAwarenessField('user', { name })
  provider.attach()
  providers.set(doc, provider)
}

onCommand((line) => {
  const [command, doc, ...rest] = line.split(' ')
  const provider = providers.get(doc)
  if (command === 'insert' && provider) {
    const text = provider.document.getText('content')
    text.insert(text.length, rest.join(' '))
    emit({ event: 'inserted', doc, unsynced: provider.unsyncedChanges })
  } else if (command === 'stateless' && provider) {
    provider.sendStateless(rest.join(' '))
    emit({ event: 'sent', doc })
  } else if (command === 'report') {
    const docs = {}
    providers.forEach((p, d) => {
      const users = []
      p.awareness.getStates().forEach((state, clientID) => {
        if (clientID !== p.document.clientID && state.user) users.push(state.user.name)
      })
      docs[d] = {
        text: p.document.getText('content').toString(),
        unsynced: p.unsyncedChanges,
        synced: p.synced,
        scope: p.authorizedScope || null,
        users: users.sort()
      }
    })
    emit({ event: 'report', name, docs })
  } else if (command === 'quit') {
    providers.forEach(p => p.destroy())
    socket.destroy()
    setTimeout(() => process.exit(0), 100)
  }
})
