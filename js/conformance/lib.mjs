// Shared helpers of the conformance scripts: seeded PRNG, base64, comparable trees.
import * as Y from 'yjs'

/** mulberry32: tiny, fast, identical on every node version (Math.random is not seedable). */
export class Prng {
  constructor (seed) { this.s = (seed >>> 0) ^ 0x9e3779b9 }
  next () {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0)
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  /** integer in [0, n) */
  int (n) { return Math.floor(this.next() * n) }
  range (lo, hi) { return lo + this.int(hi - lo + 1) }
  bool (p = 0.5) { return this.next() < p }
  pick (arr) { return arr[this.int(arr.length)] }
  uint32 () { return Math.floor(this.next() * 4294967296) >>> 0 }
}

export const b64 = (u8) => Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength).toString('base64')
export const unb64 = (s) => new Uint8Array(Buffer.from(s, 'base64'))

/**
 * A JSON-safe, comparable view of a value returned by Yjs toJSON()/toDelta():
 * JSON.stringify would lose undefined and turn Uint8Array into {"0":..}, so they get explicit markers.
 * The Java side builds the same markers from its own values.
 */
export const norm = (v) => {
  if (v === undefined) return { $undefined: true }
  if (v === null) return null
  if (v instanceof Uint8Array) return { $bin: b64(v) }
  if (typeof v === 'bigint') return { $bigint: v.toString() }
  // a subdocument shows as JSON.stringify shows it: its own toJSON() (an unloaded one is {})
  if (v instanceof Y.Doc) return norm(v.toJSON())
  if (v instanceof Y.AbstractType) return { $type: v.toJSON() === undefined ? null : norm(v.toJSON()) }
  if (Array.isArray(v)) return v.map(norm)
  if (typeof v === 'object') {
    const o = {}
    for (const k of Object.keys(v)) o[k] = norm(v[k])
    return o
  }
  return v
}

/** Decoded state vector as a plain object {client: clock} (clients as decimal strings). */
export const svObject = (svBytes) => {
  const o = {}
  for (const [client, clock] of Y.decodeStateVector(svBytes)) o[String(client)] = clock
  return o
}

export const hasPending = (doc) => doc.store.pendingStructs !== null || doc.store.pendingDs !== null

/** The four top-level types every scenario uses; calling getX types them (as the Java side does). */
export const typeShares = (doc) => {
  const text = doc.getText('text')
  doc.getArray('array')
  doc.getMap('map')
  doc.getXmlFragment('xml')
  return text
}

/** Everything the Java side compares against: toJSON, the top-level text's delta, and the exact JSON string. */
export const docView = (doc) => {
  const text = typeShares(doc)
  const json = doc.toJSON()
  return { json: norm(json), delta: norm(text.toDelta()), jsonString: JSON.stringify(json) }
}

export const deepEqual = (a, b, path = '$', out = []) => {
  if (out.length > 5) return out
  if (a === b) return out
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') {
    out.push(`${path}: expected ${JSON.stringify(a)} but was ${JSON.stringify(b)}`)
    return out
  }
  if (Array.isArray(a) !== Array.isArray(b)) {
    out.push(`${path}: array vs object`)
    return out
  }
  if (Array.isArray(a)) {
    if (a.length !== b.length) out.push(`${path}: expected length ${a.length} but was ${b.length}`)
    for (let i = 0; i < Math.min(a.length, b.length); i++) deepEqual(a[i], b[i], `${path}[${i}]`, out)
    return out
  }
  const ka = Object.keys(a).sort()
  const kb = Object.keys(b).sort()
  if (ka.join('\u0000') !== kb.join('\u0000')) out.push(`${path}: expected keys ${JSON.stringify(ka)} but was ${JSON.stringify(kb)}`)
  for (const k of ka) if (k in b) deepEqual(a[k], b[k], `${path}.${k}`, out)
  return out
}

export const bytesEqual = (a, b) => a.length === b.length && a.every((x, i) => x === b[i])
