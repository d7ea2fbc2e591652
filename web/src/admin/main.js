// The admin inspector: the server's /api/* admin endpoints as linked views, refreshed live by the hook event
// stream (Server-Sent Events). Views (in the address's #fragment, so they can be linked and reloaded):
//   #/                cluster: members, shard locations, rooms per node
//   #/node/ADDRESS    a node: its rooms (listed for the node that served this page; counts for the others)
//   #/room/ROOM       a room: connections with user ids, journal position, last snapshot, document JSON
// With auth on the page needs a token with the realtime:admin role (?token= or the token field, kept for the tab).
import './admin.css'

const $ = (id) => document.getElementById(id)
const TOKEN_KEY = 'civicpress-realtime-admin-token'
const MAX_EVENTS = 200 // the server keeps as many (RealtimeServer.RECENT_HOOK_EVENTS)

/**
 * The admin token from ?token= (taken out of the address bar, kept for this tab), else the one entered
 * before in this tab. Its own key: the demo page's token (shared/connection.js) is usually not an admin's.
 */
function initialToken () {
  const query = new URLSearchParams(location.search)
  const fromUrl = query.get('token')
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl)
    query.delete('token')
    history.replaceState(null, '', location.pathname + (query.size > 0 ? '?' + query : '') + location.hash)
  }
  return fromUrl || sessionStorage.getItem(TOKEN_KEY)
}

let token = initialToken()
if (token) $('token').value = token
$('token-form').addEventListener('submit', (e) => {
  e.preventDefault()
  token = $('token').value.trim() || null
  if (token) sessionStorage.setItem(TOKEN_KEY, token)
  else sessionStorage.removeItem(TOKEN_KEY)
  connectStream()
  render()
})

/** Builds an element: h('a', { href }, 'text', child...); strings become text nodes (never HTML). */
function h (tag, attrs, ...children) {
  const el = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue
    if (k === 'class') el.className = v
    else if (k.startsWith('data-')) el.setAttribute(k, v)
    else if (k in el) el[k] = v
    else el.setAttribute(k, v)
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : String(c))
  return el
}
const link = (href, text, attrs) => h('a', { href, ...attrs }, text)
const nodeHref = (address) => '#/node/' + encodeURIComponent(address)
const roomHref = (roomId) => '#/room/' + encodeURIComponent(roomId)
const demoHref = (roomId) => '/demo/' + encodeURIComponent(roomId)
const shortNode = (address) => address.replace(/^pekko:\/\/[^@]+@/, '')

class ApiError extends Error {
  constructor (status, body) {
    super((body && body.error && body.error.message) || 'HTTP ' + status)
    this.status = status
    this.code = body && body.error && body.error.code
  }
}

async function api (path) {
  const response = await fetch(path, { headers: token ? { Authorization: 'Bearer ' + token } : {}, cache: 'no-store' })
  const body = await response.json().catch(() => null)
  if (!response.ok) throw new ApiError(response.status, body)
  return body
}

// ------------------------------------------------------------------------------------------------ views

function route () {
  const [, kind, arg] = location.hash.match(/^#\/(node|room)\/(.+)$/) || []
  return kind ? { kind, arg: decodeURIComponent(arg) } : { kind: 'cluster' }
}

function crumbs (...parts) {
  $('crumbs').replaceChildren(link('#/', 'cluster'), ...parts)
}

function section (title, ...content) {
  return h('section', {}, h('h2', {}, title), ...content)
}

function table (headers, rows, attrs) {
  return h('table', attrs, h('thead', {}, h('tr', {}, headers.map(([text, cls]) => h('th', { class: cls }, text)))),
    h('tbody', {}, rows))
}

async function clusterView () {
  crumbs()
  const [cluster, rooms] = await Promise.all([api('/api/cluster'), api('/api/rooms')])
  const members = table([['node'], ['status'], ['roles'], ['rooms', 'num'], ['shards', 'num']],
    cluster.members.map(m => h('tr', { 'data-node': m.address },
      h('td', {}, link(nodeHref(m.address), shortNode(m.address)), ' ',
        m.address === cluster.self ? h('span', { class: 'tag self' }, 'this node') : null,
        m.address === cluster.leader ? h('span', { class: 'tag' }, 'leader') : null,
        cluster.unreachable.includes(m.address) ? h('span', { class: 'tag bad' }, 'unreachable') : null),
      h('td', {}, h('span', { class: 'tag ' + (m.status === 'Up' ? 'up' : 'bad') }, m.status)),
      h('td', {}, m.roles.join(', ')),
      h('td', { class: 'num' }, m.rooms),
      h('td', { class: 'num' }, m.shards))), { id: 'members' })
  const shardRows = []
  for (const [node, shards] of Object.entries(cluster.shardsPerNode)) {
    for (const [shard, count] of Object.entries(shards)) {
      shardRows.push(h('tr', {}, h('td', {}, shard), h('td', {}, link(nodeHref(node), shortNode(node))),
        h('td', { class: 'num' }, count)))
    }
  }
  return [
    section(`Cluster: ${cluster.members.length} member${cluster.members.length === 1 ? '' : 's'}, ${cluster.rooms} live room${cluster.rooms === 1 ? '' : 's'}`, members),
    section('Shard locations', shardRows.length === 0 ? h('p', { class: 'muted' }, 'no shard holds a live room')
      : table([['shard'], ['node'], ['rooms', 'num']], shardRows, { id: 'shards' }),
    cluster.failedShards.length ? h('p', { class: 'error' }, 'shards not answering: ' + cluster.failedShards.join(', ')) : null),
    section(`Rooms on this node (${shortNode(rooms.node)})`, roomsTable(rooms))
  ]
}

function roomsTable (rooms) {
  if (rooms.rooms.length === 0) return h('p', { class: 'muted' }, 'no live room on this node: open a ', link('/demo', 'demo page'))
  return table([['room'], ['connections', 'num'], ['users'], ['journal seqNr', 'num'], ['']],
    rooms.rooms.map(r => h('tr', { 'data-room-id': r.roomId },
      h('td', {}, link(roomHref(r.roomId), r.roomId)),
      h('td', { class: 'num', 'data-connections': r.connections ?? '' }, r.connections ?? '?'),
      h('td', {}, (r.users || []).join(', ')),
      h('td', { class: 'num' }, r.sequenceNr ?? '?'),
      h('td', {}, link(demoHref(r.roomId), 'open demo ↗', { target: '_blank' })))), { id: 'rooms' })
}

async function nodeView (address) {
  crumbs(h('span', {}, 'node ' + shortNode(address)))
  const [cluster, rooms] = await Promise.all([api('/api/cluster'), api('/api/rooms')])
  const member = cluster.members.find(m => m.address === address)
  const shards = Object.entries(cluster.shardsPerNode[address] || {})
  const facts = h('dl', { class: 'facts' },
    h('dt', {}, 'address'), h('dd', {}, address),
    h('dt', {}, 'status'), h('dd', {}, member ? member.status : 'not a member'),
    h('dt', {}, 'roles'), h('dd', {}, member ? member.roles.join(', ') : ''),
    h('dt', {}, 'live rooms'), h('dd', {}, cluster.roomsPerNode[address] ?? 0),
    h('dt', {}, 'shards'), h('dd', {}, shards.map(([s, n]) => `${s} (${n})`).join(', ') || 'none'))
  const list = address === rooms.node ? roomsTable(rooms)
    : h('p', { class: 'muted' }, 'Sharding reports only counts for other nodes: open this page on that node to list its rooms.')
  return [section('Node', facts), section('Rooms', list)]
}

async function roomView (roomId) {
  crumbs(h('span', {}, 'room ' + roomId))
  const room = await api('/api/rooms/' + encodeURIComponent(roomId))
  const facts = h('dl', { class: 'facts', id: 'room-facts' },
    h('dt', {}, 'room'), h('dd', {}, room.roomId, ' ', link(demoHref(room.roomId), 'open demo ↗', { target: '_blank' })),
    h('dt', {}, 'type'), h('dd', {}, room.roomType),
    h('dt', {}, 'journal seqNr'), h('dd', { 'data-fact': 'sequenceNr' }, room.sequenceNr),
    h('dt', {}, 'updates since snapshot'), h('dd', { 'data-fact': 'updatesSinceSnapshot' }, room.updatesSinceSnapshot),
    h('dt', {}, 'last snapshot'), h('dd', { 'data-fact': 'lastSnapshotSequenceNr' },
      room.lastSnapshotSequenceNr === 0 ? 'none yet' : 'at seqNr ' + room.lastSnapshotSequenceNr))
  const connections = room.connections.length === 0 ? h('p', { class: 'muted' }, 'no connection')
    : table([['connection id'], ['user id']], room.connections.map(c => h('tr', { 'data-connection-id': c.connectionId },
      h('td', {}, h('code', {}, c.connectionId)), h('td', {}, c.userId ?? h('span', { class: 'muted' }, 'anonymous')))),
    { id: 'connections' })
  return [
    section('Room', facts),
    section(`Connections (${room.connections.length})`, connections),
    section('Document (JSON)', h('pre', { class: 'json', id: 'document' }, JSON.stringify(room.document, null, 2)))
  ]
}

let rendering = null
let again = false
let askedForToken = false
/** Renders the current view; a render asked for while one runs runs once after it. */
async function render () {
  if (rendering) { again = true; return rendering }
  rendering = (async () => {
    const r = route()
    renderEvents()
    try {
      const content = r.kind === 'room' ? await roomView(r.arg) : r.kind === 'node' ? await nodeView(r.arg) : await clusterView()
      $('view').replaceChildren(...content.filter(Boolean))
      $('view').dataset.view = r.kind
      if (askedForToken) { $('auth').open = false; askedForToken = false } // the token works: fold the form away
    } catch (e) {
      const auth = e.status === 401 || e.status === 403
      if (auth) { $('auth').open = true; askedForToken = true }
      $('view').replaceChildren(section('Error', h('p', { class: 'error', id: 'view-error', 'data-status': e.status || '' },
        auth ? `${e.status} ${e.code}: ${e.message}. Enter an admin token (realtime:admin role).` : e.message)))
    }
  })()
  await rendering
  rendering = null
  if (again) { again = false; return render() }
}

// ------------------------------------------------------------------------------------------------ events

let events = [] // newest first
let seen = 0

function renderEvents () {
  const r = route()
  const shown = r.kind === 'room' ? events.filter(e => e.roomId === r.arg) : events
  $('events-room').textContent = r.kind === 'room' ? 'in ' + r.arg : ''
  if (shown.length === 0) {
    $('events').replaceChildren(h('li', { class: 'muted' }, 'none yet'))
    return
  }
  $('events').replaceChildren(...shown.map(e => h('li', { 'data-event': e.event, 'data-seq': e.seq, class: e.seq > seen ? 'fresh' : '' },
    h('div', {}, h('span', { class: 'name' }, e.event.replace(/^realtime:/, '')), ' ',
      h('span', { class: 'muted small' }, new Date(e.timestamp).toLocaleTimeString())),
    h('div', { class: 'small' },
      e.roomId ? link(roomHref(e.roomId), e.roomId) : null,
      e.userId ? ' · ' + e.userId : null,
      e.clientId ? h('span', { class: 'muted' }, ' · ', e.clientId) : null))))
  seen = Math.max(seen, ...shown.map(e => e.seq))
}

let stream = null
let refreshTimer = null

function setStatus (connection, text) {
  $('status').dataset.connection = connection
  $('status').textContent = text
}

/** The live stream: the recent events first (so a reconnect starts from a full list), then each new one. */
function connectStream () {
  if (stream) stream.close()
  setStatus('connecting', 'connecting to the event stream…')
  stream = new EventSource('/api/events/stream' + (token ? '?token=' + encodeURIComponent(token) : ''))
  let fresh = true
  stream.addEventListener('open', () => { fresh = true; setStatus('connected', 'live') })
  stream.addEventListener('hook', (message) => {
    const event = JSON.parse(message.data)
    if (fresh) { events = []; fresh = false } // the stream replays the recent events after each (re)connect
    events = [event, ...events.filter(e => e.seq !== event.seq)].slice(0, MAX_EVENTS)
    renderEvents()
    // Something changed: refresh the view, at most once a second however busy the cluster is (a listing asks
    // every live room of the node).
    if (!refreshTimer) refreshTimer = setTimeout(() => { refreshTimer = null; render() }, 1000)
  })
  stream.addEventListener('error', () => {
    // EventSource retries by itself; refused (401/403) streams are closed and stay closed until a new token.
    setStatus(stream.readyState === EventSource.CLOSED ? 'disconnected' : 'connecting',
      stream.readyState === EventSource.CLOSED ? 'event stream refused: admin token needed?' : 'reconnecting…')
  })
}

window.addEventListener('hashchange', render)
// Besides the stream: a slow poll, for what events do not announce (the journal position of a busy room).
setInterval(() => { if (!document.hidden) render() }, 10000)
connectStream()
render()
