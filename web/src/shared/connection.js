// What every page that talks to the server over y-websocket shares: where the server is, the token, and
// the durable-echo tracker behind the status line.
import * as Y from 'yjs'
import * as decoding from 'lib0/decoding'

/** ws(s)://host/<path> of the server that served this page (its path is written into the page's meta tag). */
export function realtimeUrl () {
  return wsUrl('realtime-path', '/realtime')
}

/** ws(s)://host/<hocuspocus.path> of this server, or null when its Hocuspocus endpoint is disabled. */
export function hocuspocusUrl () {
  return wsUrl('hocuspocus-path', '/hocuspocus')
}

function wsUrl (metaName, fallback) {
  const meta = document.querySelector(`meta[name="${metaName}"]`)
  // Unfilled placeholder (page opened from disk or a dev server): assume the defaults.
  let path = meta && !meta.content.startsWith('%') ? meta.content : fallback
  if (!path) return null // the server wrote an empty path: endpoint disabled
  if (!path.startsWith('/')) path = '/' + path
  return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + path
}

/**
 * The token from ?token= (kept for this tab and taken out of the address bar, so it is not in the history
 * or a copied link), else the one entered before in this tab, else null.
 */
export function initialToken () {
  const query = new URLSearchParams(location.search)
  const fromUrl = query.get('token')
  if (fromUrl) {
    sessionStorage.setItem('civicpress-realtime-token', fromUrl)
    query.delete('token')
    history.replaceState(null, '', location.pathname + (query.size > 0 ? '?' + query : '') + location.hash)
  }
  return fromUrl || sessionStorage.getItem('civicpress-realtime-token')
}

export function rememberToken (token) {
  if (token) sessionStorage.setItem('civicpress-realtime-token', token)
  else sessionStorage.removeItem('civicpress-realtime-token')
}

/**
 * The payload of a sync Update (0, 2) or SyncStep2 (0, 1) y-websocket message, else null. The server sends
 * both only with content the journal already has (README "The durability promise").
 */
function syncPayload (data) {
  if (!(data instanceof ArrayBuffer)) return null
  const decoder = decoding.createDecoder(new Uint8Array(data))
  if (decoding.readVarUint(decoder) !== 0) return null
  const syncType = decoding.readVarUint(decoder)
  return syncType === 1 || syncType === 2 ? decoding.readVarUint8Array(decoder) : null
}

/**
 * Counts this tab's edits the server has not confirmed yet. y-websocket has no acknowledgements; the server
 * echoes every update to its sender only after journaling it, so an edit (one local Yjs transaction) is
 * durable once a message from the server contains it: its own items (clock range of this client) and its
 * deletions. Edits made offline stay pending until the server echoes what the provider re-sends on reconnect.
 */
export class DurableEchoTracker {
  /**
   * @param {Y.Doc} doc
   * @param {() => void} onChange
   * Call {@link fromServer} with the provider before it connects: updates with that origin are not own edits.
   */
  constructor (doc, onChange) {
    this.doc = doc
    this.onChange = onChange
    this.serverOrigin = null
    this.pending = [] // { end: own clock after the edit, deletes: [client, clock, len][] }
    this.confirmedClock = 0
    doc.on('update', (update, origin) => {
      if (origin === this.serverOrigin) return // applied by y-websocket from the server: nothing to confirm
      const end = Y.parseUpdateMeta(update).to.get(doc.clientID) || 0
      const deletes = []
      Y.decodeUpdate(update).ds.clients.forEach((items, client) => {
        for (const item of items) deletes.push([client, item.clock, item.len])
      })
      if (end > this.confirmedClock || deletes.length > 0) {
        this.pending.push({ end, deletes })
        onChange()
      }
    })
  }

  /** y-websocket applies what the server sends with the provider as origin. */
  fromServer (provider) {
    this.serverOrigin = provider
  }

  /** A WebSocket class for the provider's WebSocketPolyfill option that shows this tracker every server message. */
  socketClass () {
    const tracker = this
    return class TrackedWebSocket extends WebSocket {
      constructor (...args) {
        super(...args)
        this.addEventListener('message', (event) => {
          const payload = syncPayload(event.data)
          if (payload !== null) tracker.confirm(payload)
        })
      }
    }
  }

  confirm (update) {
    if (this.pending.length === 0) return
    const own = Y.parseUpdateMeta(update).to.get(this.doc.clientID) || 0
    if (own > this.confirmedClock) this.confirmedClock = own
    let ds = null
    const before = this.pending.length
    this.pending = this.pending.filter(edit => {
      if (edit.end > this.confirmedClock) return true
      if (edit.deletes.length === 0) return false
      ds = ds || Y.decodeUpdate(update).ds
      return !edit.deletes.every(([client, clock, len]) => {
        for (let c = clock; c < clock + len; c++) if (!Y.isDeleted(ds, { client, clock: c })) return false
        return true
      })
    })
    if (this.pending.length !== before) this.onChange()
  }

  get waiting () {
    return this.pending.length
  }
}

/** A close code's meaning for the status line (README "WebSocket close codes"). */
export function closeReason (code) {
  return {
    1009: 'message too large',
    1012: 'server restarting',
    1013: 'too slow to read',
    4400: 'invalid message',
    4401: 'authentication failed: enter a token',
    4403: 'permission denied',
    4404: 'room not found',
    4429: 'limit reached',
    4500: 'server error'
  }[code] || null
}
