// The admin inspector: the server's /api/* admin endpoints as linked views, refreshed live by the hook event
// stream (Server-Sent Events). Views (in the address's #fragment, so they can be linked and reloaded):
//   #/                cluster: members, shard locations, rooms per node
//   #/node/ADDRESS    a node: its rooms (listed for the node that served this page; counts for the others)
//   #/room/ROOM       a room: connections with user ids, journal position, last snapshot, document JSON
//   #/room/ROOM/history  the room's history (/api/rooms/ROOM/history...): a slider over its journal positions,
//                     the update at the chosen point, the document then, the diff from the point before, rollback
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
const historyHref = (roomId) => roomHref(roomId) + '/history'
const demoHref = (roomId) => '/demo/' + encodeURIComponent(roomId)
const shortNode = (address) => address.replace(/^pekko:\/\/[^@]+@/, '')

class ApiError extends Error {
  constructor (status, body) {
    super((body && body.error && body.error.message) || 'HTTP ' + status)
    this.status = status
    this.code = body && body.error && body.error.code
    this.details = (body && body.error && body.error.details) || {}
  }
}

async function api (path, method = 'GET') {
  const response = await fetch(path, { method, headers: token ? { Authorization: 'Bearer ' + token } : {}, cache: 'no-store' })
  const body = await response.json().catch(() => null)
  if (!response.ok) throw new ApiError(response.status, body)
  return body
}

// ------------------------------------------------------------------------------------------------ views

function route () {
  const history = location.hash.match(/^#\/room\/([^/]+)\/history$/)
  if (history) return { kind: 'history', arg: decodeURIComponent(history[1]) }
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
    h('dt', {}, 'history'), h('dd', {}, link(historyHref(room.roomId), 'slider, diff, restore ›', { id: 'history-link' })),
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

// ------------------------------------------------------------------------------------------------ history

/** The history view's state, kept across renders so a refresh does not move the slider. */
let hist = { roomId: null, points: [], gone: null, selected: null }

/**
 * All history entries of the room, grouped by journal event (one sequence number = one point; a group commit
 * may hold several updates). History the journal no longer holds (410) is noted and skipped.
 */
async function loadHistory (roomId) {
  const base = '/api/rooms/' + encodeURIComponent(roomId)
  let after = 0
  let gone = null
  const points = []
  for (;;) {
    let page
    try {
      page = await api(`${base}/history?after=${after}&limit=1000`)
    } catch (e) {
      if (e.status !== 410 || gone !== null) throw e
      gone = e.details.oldestSequenceNr ?? 0
      after = gone
      continue
    }
    for (const entry of page.entries) {
      const last = points[points.length - 1]
      if (last && last.sequenceNr === entry.sequenceNr) last.entries.push(entry)
      else points.push({ sequenceNr: entry.sequenceNr, entries: [entry] })
    }
    if (!page.more) break
    after = page.nextAfter
  }
  return { points, gone }
}

/** A change summary ({name: {type, charactersInserted, keysSet, ...}}) as one short line per type. */
function changeSummary (changes) {
  return Object.entries(changes || {}).map(([name, c]) => {
    const parts = []
    if (c.charactersInserted) parts.push(`+${c.charactersInserted} chars`)
    if (c.charactersDeleted) parts.push(`−${c.charactersDeleted} chars`)
    if (c.itemsInserted) parts.push(`+${c.itemsInserted} items`)
    if (c.itemsDeleted) parts.push(`−${c.itemsDeleted} items`)
    if (c.keysSet && c.keysSet.length) parts.push('set ' + c.keysSet.join(', '))
    if (c.keysRemoved && c.keysRemoved.length) parts.push('removed ' + c.keysRemoved.join(', '))
    return `${name} (${c.type}): ${parts.join('; ') || 'no visible change'}`
  }).join('\n')
}

/** A diff answer's changes as lines: inserted/deleted content, keys set/removed, nested changes by path. */
function diffLines (changes) {
  const lines = []
  const describe = (where, c) => {
    const value = (v) => typeof v === 'string' ? v : JSON.stringify(v)
    for (const op of (Array.isArray(c) ? c : c.delta) || []) {
      if (op.insert !== undefined) lines.push(['ins', `${where}: + ${value(op.insert)}`])
      if (op.delete !== undefined) lines.push(['del', `${where}: − ${value(op.delete)}`])
    }
    for (const [key, k] of Object.entries(c.keys || {})) {
      if (k.action === 'delete') lines.push(['del', `${where}.${key}: removed (was ${JSON.stringify(k.oldValue)})`])
      else lines.push(['ins', `${where}.${key}: set to ${JSON.stringify(k.newValue)}`])
    }
    for (const n of c.nested || []) describe(`${where}/${n.path.join('/')}`, n)
  }
  for (const [name, c] of Object.entries(changes || {})) describe(name, c)
  return lines
}

async function historyView (roomId) {
  crumbs(link(roomHref(roomId), 'room ' + roomId), h('span', {}, 'history'))
  if (hist.roomId !== roomId) hist = { roomId, points: [], gone: null, selected: null }
  Object.assign(hist, await loadHistory(roomId))
  const { points, gone } = hist
  const goneNote = gone ? h('p', { class: 'error', id: 'history-gone', 'data-oldest': gone },
    `History before journal seqNr ${gone} is gone: the journal no longer holds those events (see history.retain_events in docs/history.md).`) : null
  if (points.length === 0) return [section('History', goneNote, h('p', { class: 'muted' }, 'no update in the journal'))]
  let at = points.findIndex(p => p.sequenceNr === hist.selected)
  if (at < 0) at = points.length - 1
  const slider = h('input', { type: 'range', id: 'history-slider', min: 0, max: points.length - 1, step: 1, value: at })
  const label = h('span', { id: 'history-label', class: 'small' })
  const detail = h('div', { id: 'history-detail' })
  const showLabel = (i) => { label.textContent = `seqNr ${points[i].sequenceNr} (${i + 1} of ${points.length})` }
  slider.addEventListener('input', () => showLabel(Number(slider.value)))
  slider.addEventListener('change', () => showPoint(Number(slider.value)))
  showLabel(at)

  let shown = 0
  async function showPoint (i) {
    const ticket = ++shown
    const point = points[i]
    hist.selected = point.sequenceNr
    const before = i > 0 ? points[i - 1].sequenceNr : gone
    const base = '/api/rooms/' + encodeURIComponent(roomId)
    const [doc, diff] = await Promise.all([
      api(`${base}/document?at=${point.sequenceNr}`).catch(e => e),
      before === null ? null : api(`${base}/diff?from=${before}&to=${point.sequenceNr}`).catch(e => e)])
    if (ticket !== shown) return // a later choice is being shown
    const restore = h('button', { id: 'history-restore', type: 'button' }, `restore this version (seqNr ${point.sequenceNr})`)
    restore.addEventListener('click', async () => {
      if (!confirm(`Restore room ${roomId} to its document as of journal seqNr ${point.sequenceNr}? This is journaled as a new edit that every connected client receives.`)) return
      restore.disabled = true
      try {
        const result = await api(`${base}/rollback?at=${point.sequenceNr}`, 'POST')
        hist.selected = result.sequenceNr // show the restoring update
      } catch (e) {
        alert('Restore failed: ' + e.message)
      }
      render()
    })
    const diffLinesOf = diff instanceof Error ? null : diff ? diffLines(diff.changes) : []
    detail.replaceChildren(
      h('dl', { class: 'facts', id: 'history-point', 'data-sequence-nr': point.sequenceNr },
        ...point.entries.flatMap(e => [
          h('dt', {}, 'seqNr ' + e.sequenceNr + (point.entries.length > 1 ? ' #' + e.index : '')),
          h('dd', { 'data-entry': e.sequenceNr + '.' + e.index },
            new Date(e.time).toLocaleString(), ' · ', e.userId ?? h('span', { class: 'muted' }, 'anonymous'),
            ' · ', h('code', {}, e.connectionId), ` · ${e.size} bytes`,
            h('pre', { class: 'summary' }, changeSummary(e.changes)))])),
      h('h3', {}, before === null ? 'Changes (the first update: no point before it)' : `Changes since seqNr ${before}`),
      diff instanceof Error ? h('p', { class: 'error' }, diff.message)
        : h('pre', { class: 'diff', id: 'history-diff' }, diffLinesOf.length === 0 ? h('span', { class: 'muted' }, 'none')
          : diffLinesOf.map(([cls, text]) => h('div', { class: cls }, text))),
      h('h3', {}, `Document as of seqNr ${point.sequenceNr}`),
      doc instanceof Error ? h('p', { class: 'error' }, doc.message)
        : h('pre', { class: 'json', id: 'history-document' }, JSON.stringify(doc, null, 2)),
      h('p', {}, restore))
  }
  await showPoint(at)
  return [section(`History of ${roomId}: ${points.length} journal point${points.length === 1 ? '' : 's'}`, goneNote,
    h('p', { class: 'slider' }, slider, label), detail)]
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
      const content = r.kind === 'history' ? await historyView(r.arg) : r.kind === 'room' ? await roomView(r.arg)
        : r.kind === 'node' ? await nodeView(r.arg) : await clusterView()
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
  const inRoom = r.kind === 'room' || r.kind === 'history'
  const shown = inRoom ? events.filter(e => e.roomId === r.arg) : events
  $('events-room').textContent = inRoom ? 'in ' + r.arg : ''
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
    if (!refreshTimer) refreshTimer = setTimeout(() => { refreshTimer = null; refresh() }, 1000)
  })
  stream.addEventListener('error', () => {
    // EventSource retries by itself; refused (401/403) streams are closed and stay closed until a new token.
    setStatus(stream.readyState === EventSource.CLOSED ? 'disconnected' : 'connecting',
      stream.readyState === EventSource.CLOSED ? 'event stream refused: admin token needed?' : 'reconnecting…')
  })
}

/** A refresh nobody asked for: not of the history view, where it would replace what is being read. */
function refresh () {
  if (route().kind !== 'history') render()
}

window.addEventListener('hashchange', () => render())
// Besides the stream: a slow poll, for what events do not announce (the journal position of a busy room).
setInterval(() => { if (!document.hidden) refresh() }, 10000)
connectStream()
render()
