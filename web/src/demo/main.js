// The demo editor: TipTap 3 on a Yjs doc synced through y-websocket with the server that served the page, or
// with ?provider=hocuspocus through @hocuspocus/provider and the server's Hocuspocus endpoint (same rooms).
// Room from /demo/NAME or /demo?room=NAME (default "demo"); ?token=... (or the token field) when auth is on.
import './demo.css'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
// Declared in the root package.json workspace install (js/), not in web/package.json: declaring it here would
// change package-lock.json; it resolves from the shared node_modules as it is.
import { HocuspocusProvider } from '@hocuspocus/provider'
import { Editor } from '@tiptap/core'
// The few extensions the toolbar offers, not StarterKit: links, code blocks, history and the rest of it would
// add ~60 KB of bundle a demo does not need (and Collaboration brings its own undo).
import Document from '@tiptap/extension-document'
import Paragraph from '@tiptap/extension-paragraph'
import Text from '@tiptap/extension-text'
import Bold from '@tiptap/extension-bold'
import Italic from '@tiptap/extension-italic'
import Heading from '@tiptap/extension-heading'
import HardBreak from '@tiptap/extension-hard-break'
import { BulletList, ListItem } from '@tiptap/extension-list'
import Collaboration from '@tiptap/extension-collaboration'
import CollaborationCaret from '@tiptap/extension-collaboration-caret'
import { DurableEchoTracker, closeReason, hocuspocusUrl, initialToken, realtimeUrl, rememberToken } from '../shared/connection.js'

const ROOM_ID = /^[A-Za-z0-9._:-]{1,256}$/ // RoomIds in the server
const $ = (id) => document.getElementById(id)

function roomFromUrl () {
  const fromPath = decodeURIComponent(location.pathname.replace(/^\/demo\/?/, '').replace(/\/+$/, ''))
  return fromPath || new URLSearchParams(location.search).get('room') || 'demo'
}

const NAMES = ['Ada', 'Alan', 'Barbara', 'Claude', 'Donald', 'Edsger', 'Frances', 'Grace', 'Hedy', 'John',
  'Katherine', 'Ken', 'Leslie', 'Linus', 'Margaret', 'Radia', 'Shafi', 'Tim']
const COLOURS = ['#d1495b', '#2a7ab0', '#2e9e5b', '#8e44ad', '#e07b00', '#0f8b8d', '#c2185b', '#5d6d7e']
const pick = (list) => list[Math.floor(Math.random() * list.length)]

/** This tab's name and colour: random at first, kept for the tab (sessionStorage), editable. */
function initialUser () {
  try {
    const saved = JSON.parse(sessionStorage.getItem('civicpress-demo-user'))
    if (saved && saved.name && /^#[0-9a-f]{6}$/i.test(saved.color)) return saved
  } catch { /* none saved */ }
  return { name: pick(NAMES), color: pick(COLOURS) }
}

const room = roomFromUrl()
$('room-name').textContent = room
if (!ROOM_ID.test(room)) {
  const status = $('status')
  status.dataset.error = 'room'
  status.textContent = 'invalid room name: use 1 to 256 of A-Z a-z 0-9 . _ : -'
  throw new Error('invalid room name ' + room)
}
document.title = room + ': CivicPress realtime demo'

let user = initialUser()
const token = initialToken()
const doc = new Y.Doc()
const status = { connection: 'connecting', synced: false, closed: null, unsynced: 0, denied: false }
const useHocuspocus = new URLSearchParams(location.search).get('provider') === 'hocuspocus' && hocuspocusUrl() !== null
const tracker = useHocuspocus ? null : new DurableEchoTracker(doc, renderStatus)
const provider = useHocuspocus ? hocuspocusProvider() : websocketProvider()

/** y-websocket: one socket per room, the token as ?token=. */
function websocketProvider () {
  const p = new WebsocketProvider(realtimeUrl(), room, doc, {
    connect: false,
    // Tabs collaborate through the server only (no BroadcastChannel shortcut): what you see is what it relays.
    disableBc: true,
    params: token ? { token } : {},
    WebSocketPolyfill: tracker.socketClass()
  })
  tracker.fromServer(p)
  p.on('status', ({ status: s }) => { status.connection = s; if (s === 'connected') status.closed = null; renderStatus() })
  p.on('sync', (synced) => { status.synced = synced; renderStatus() })
  p.on('connection-close', (event) => { status.closed = event ? event.code : null; renderStatus() })
  return p
}

/**
 * @hocuspocus/provider: the token in its Auth message. Its unsynced changes count the updates the server has
 * not answered with SyncStatus yet, which the server sends only once the journal has them (the durable echo).
 */
function hocuspocusProvider () {
  const p = new HocuspocusProvider({ url: hocuspocusUrl(), name: room, document: doc, token: token || '' })
  p.on('status', ({ status: s }) => {
    status.connection = s
    if (s === 'connected') status.closed = null
    else status.synced = false
    renderStatus()
  })
  p.on('synced', ({ state }) => { status.synced = state; if (state) status.denied = false; renderStatus() })
  p.on('unsyncedChanges', ({ number }) => { status.unsynced = number; renderStatus() })
  p.on('close', ({ event }) => { status.closed = event ? event.code : null; renderStatus() })
  // The socket stays open (it may carry other documents): only this document was refused its token.
  p.on('authenticationFailed', () => { status.denied = true; status.synced = false; renderStatus() })
  return p
}

$('provider-name').textContent = useHocuspocus ? 'Hocuspocus' : 'y-websocket'
const otherProvider = new URLSearchParams(location.search)
if (useHocuspocus) otherProvider.delete('provider')
else otherProvider.set('provider', 'hocuspocus')
$('provider-toggle').href = location.pathname + (otherProvider.size > 0 ? '?' + otherProvider : '')
$('provider-toggle').textContent = useHocuspocus ? 'use y-websocket' : 'use Hocuspocus'
if (hocuspocusUrl() === null) $('provider-toggle').parentElement.hidden = true

function renderStatus () {
  const el = $('status')
  const waiting = tracker ? tracker.waiting : status.unsynced
  el.dataset.connection = status.connection
  el.dataset.synced = String(status.synced && status.connection === 'connected')
  el.dataset.pending = String(waiting)
  const parts = [status.connection === 'connected' ? 'connected' : status.connection === 'connecting' ? 'connecting…' : 'disconnected']
  const reason = closeReason(status.closed)
  if (status.connection !== 'connected' && reason) parts.push(`(${status.closed} ${reason})`)
  if (status.denied) parts.push('(4401 ' + closeReason(4401) + ')')
  else if (status.connection === 'connected') parts.push(status.synced ? 'synced' : 'syncing…')
  parts.push(waiting === 0 ? 'all edits saved'
    : `${waiting} ${waiting === 1 ? 'edit' : 'edits'} waiting for the durable echo`)
  el.textContent = parts.join(' · ')
}

const editor = new Editor({
  element: $('editor'),
  extensions: [
    Document, Paragraph, Text, Bold, Italic, Heading.configure({ levels: [2] }), HardBreak, BulletList, ListItem,
    Collaboration.configure({ document: doc }),
    CollaborationCaret.configure({ provider, user })
  ],
  editorProps: { attributes: { 'aria-label': 'document', spellcheck: 'false' } }
})

for (const button of document.querySelectorAll('#toolbar button')) {
  button.addEventListener('click', () => {
    const command = button.dataset.command
    const chain = editor.chain().focus()
    ;(button.dataset.level ? chain[command]({ level: Number(button.dataset.level) }) : chain[command]()).run()
  })
}
editor.on('transaction', () => {
  for (const button of document.querySelectorAll('#toolbar button')) {
    const mark = { toggleBold: 'bold', toggleItalic: 'italic', toggleHeading: 'heading', toggleBulletList: 'bulletList' }[button.dataset.command]
    button.classList.toggle('active', !!mark && editor.isActive(mark))
  }
})

function setUser (changes) {
  user = { ...user, ...changes }
  sessionStorage.setItem('civicpress-demo-user', JSON.stringify(user))
  editor.commands.updateUser(user)
}
$('user-name').value = user.name
$('user-color').value = user.color
$('user-name').addEventListener('input', (e) => { if (e.target.value.trim()) setUser({ name: e.target.value.trim() }) })
$('user-color').addEventListener('input', (e) => setUser({ color: e.target.value }))
sessionStorage.setItem('civicpress-demo-user', JSON.stringify(user))

function renderPeers () {
  const list = $('peers')
  const peers = []
  provider.awareness.getStates().forEach((state, clientId) => {
    if (clientId !== doc.clientID && state.user && state.user.name) peers.push(state.user)
  })
  peers.sort((a, b) => a.name.localeCompare(b.name))
  list.replaceChildren(...(peers.length === 0
    ? [Object.assign(document.createElement('li'), { className: 'muted', textContent: 'nobody else yet: open this page in another tab' })]
    : peers.map(peer => {
      const li = document.createElement('li')
      li.className = 'peer'
      const swatch = document.createElement('span')
      swatch.className = 'swatch'
      swatch.style.background = /^#[0-9a-f]{6}$/i.test(peer.color) ? peer.color : '#999'
      li.append(swatch, document.createTextNode(peer.name))
      return li
    })))
}
provider.awareness.on('change', renderPeers)

if (token) $('token').value = token
$('token-form').addEventListener('submit', (e) => {
  e.preventDefault()
  const value = $('token').value.trim()
  rememberToken(value)
  if (useHocuspocus) {
    provider.configuration.token = value
    provider.disconnect()
    provider.connect()
    return
  }
  provider.params = value ? { token: value } : {}
  provider.disconnect()
  provider.connect()
})

renderStatus()
renderPeers()
if (!useHocuspocus) provider.connect() // the Hocuspocus provider connects itself
// For the browser tests and the curious (devtools): the live objects of this page.
window.demo = { editor, doc, provider, tracker, status, kind: useHocuspocus ? 'hocuspocus' : 'y-websocket' }
