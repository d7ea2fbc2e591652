// Random edits on real Yjs shared types, driven by a seeded Prng (see lib.mjs).
// Every edit is first chosen as a plain JSON descriptor {path, op, args} and then executed by execOp, so the
// Java side (ConformanceTest lockstep) can execute the very same edits through the Java API.
//
// Descriptor values are JSON with markers for what JSON lacks: {$bin: base64}, {$undefined: true},
// {$ytext: "initial"}, {$ymap: [[key, value]...]}, {$yarray: [values]}, {$subdoc: guid},
// {$xmlel: {name, attrs: [[k, v]...], children: [nodes]}}, {$xmltext: "initial", attrs: {...}|null}.
import * as Y from 'yjs'
import { b64, unb64 } from './lib.mjs'

const TEXT_CHUNKS = ['a', 'b', 'xy', 'hello ', '\n', 'é', '€uro', '中文', '😀', 'a😀b', '"q"\\', 'tab\t']
const ATTR_SETS = [
  { bold: true }, { italic: true }, { bold: null }, { italic: null }, { color: '#f00' }, { color: 'blue' },
  { link: { href: 'https://x.y/z' } }, { bold: true, italic: true }, { size: 12 }, { color: null }
]
const EMBEDS = [{ image: 'a.png' }, { formula: 'x^2' }, { mention: { id: 7, name: 'Ann' } }]
// fresh copies on every use: Yjs keeps (and mutates: insertText adds key: null) the objects it is given
const attrs = (r) => structuredClone(r.pick(ATTR_SETS))
const embed = (r) => structuredClone(r.pick(EMBEDS))
const MAP_KEYS = ['a', 'b', 'c', 'key', 'ünï', '', 'x y', '10', '2', '😀k']
const XML_NAMES = ['p', 'h1', 'li', 'span']
const XML_ATTRS = ['class', 'id', 'data-x', 'title']

/** JSON-able Any values (as descriptors), including the awkward ones (big ints as floats, escapes, nesting). */
export const randomAny = (r, depth = 0) => {
  switch (r.int(depth > 1 ? 9 : 11)) {
    case 0: return r.int(100)
    case 1: return -r.range(1, 100000)
    case 2: return r.pick([2147483647, 2147483648, -2147483649, 4294967296, 9007199254740991, -9007199254740991, 1073741824])
    case 3: return r.pick([0.5, -3.25, 1.1, 1e-7, 1e21, 123456.789, 3.4028234663852886e38, 0.1])
    case 4: return r.bool(0.1) ? 'long ' + 'abcdefghij😀'.repeat(r.range(11, 40)) : r.pick(['', 'str', 'émoji 😀', 'line\nbreak', 'quote " and \\ slash', '\u0001ctl', '中'])
    case 5: return r.bool()
    case 6: return null
    case 7: {
      if (r.bool(0.1)) return { $bin: b64(new Uint8Array(r.range(128, 300)).map((_, i) => (i * 7 + 3) & 255)) } // multi-byte length
      return { $bin: b64(r.int(3) === 0 ? new Uint8Array([]) : new Uint8Array([r.int(256), r.int(256), 0, 255])) }
    }
    case 8: return r.pick(['k', 'v', 'w'])
    case 9: {
      const o = {}
      const n = r.int(4)
      for (let i = 0; i < n; i++) o[r.pick(MAP_KEYS)] = r.bool(0.1) ? { $undefined: true } : randomAny(r, depth + 1)
      return o
    }
    default: {
      const n = r.bool(0.05) ? r.range(128, 200) : r.int(4) // sometimes a multi-byte element count
      const a = []
      for (let i = 0; i < n; i++) a.push(randomAny(r, depth + 1))
      return a
    }
  }
}

/** A value for YArray.insert / YMap.set: Any, binary or a preliminary (not yet integrated) shared type. */
const randomContent = (r, ctx) => {
  const k = r.int(10)
  if (k === 0) return { $ytext: r.bool() ? '' : r.pick(TEXT_CHUNKS) + 'nested' }
  if (k === 1) return { $ymap: r.bool() ? [] : [['p', r.int(9)], ['q', 'v']] }
  if (k === 2) return { $yarray: r.bool() ? [] : [1, 'two', { three: 3 }] }
  if (k === 3) return { $bin: b64(new Uint8Array([1, 2, r.int(256)])) }
  if (k === 4 && ctx.subdocs) return { $subdoc: `sub-${ctx.seed}-${ctx.subdocCounter++}` }
  return randomAny(r)
}

/** Descriptor value -> the live value Yjs takes. */
export const toLive = (v) => {
  if (v === null || typeof v !== 'object') return v
  if (Array.isArray(v)) return v.map(toLive)
  if ('$bin' in v) return unb64(v.$bin)
  if ('$undefined' in v) return undefined
  if ('$ytext' in v) return new Y.Text(v.$ytext)
  if ('$ymap' in v) return new Y.Map(v.$ymap.map(([k, x]) => [k, toLive(x)]))
  if ('$yarray' in v) return Y.Array.from(v.$yarray.map(toLive))
  if ('$subdoc' in v) return new Y.Doc({ guid: v.$subdoc, shouldLoad: false })
  if ('$xmlel' in v) {
    const e = new Y.XmlElement(v.$xmlel.name)
    for (const [k, x] of v.$xmlel.attrs) e.setAttribute(k, x)
    if (v.$xmlel.children.length > 0) e.insert(0, v.$xmlel.children.map(toLive))
    return e
  }
  if ('$xmltext' in v) {
    const t = new Y.XmlText()
    if (v.$xmltext !== '') t.insert(0, v.$xmltext, v.attrs === null ? undefined : v.attrs)
    return t
  }
  const o = {}
  for (const k of Object.keys(v)) o[k] = toLive(v[k])
  return o
}

/** Every shared type reachable from the four top-level types, with its path (top-level name, then indexes/keys). */
export const collectTypes = (doc) => {
  const out = []
  const walk = (t, path) => {
    out.push({ t, path })
    if (t instanceof Y.Array || t instanceof Y.XmlFragment) { // XmlElement extends XmlFragment
      t.toArray().forEach((c, i) => { if (c instanceof Y.AbstractType) walk(c, [...path, i]) })
    } else if (t instanceof Y.Map) {
      for (const [k, v] of t.entries()) if (v instanceof Y.AbstractType) walk(v, [...path, k])
    }
  }
  walk(doc.getText('text'), ['text'])
  walk(doc.getArray('array'), ['array'])
  walk(doc.getMap('map'), ['map'])
  walk(doc.getXmlFragment('xml'), ['xml'])
  return out
}

const resolve = (doc, path) => {
  const top = { text: () => doc.getText('text'), array: () => doc.getArray('array'), map: () => doc.getMap('map'), xml: () => doc.getXmlFragment('xml') }
  let t = top[path[0]]()
  for (const step of path.slice(1)) t = typeof step === 'number' ? t.get(step) : t.get(step)
  return t
}

const textOp = (r, t) => {
  const len = t.length
  const pos = r.int(len + 1)
  switch (r.int(9)) {
    case 0: case 1: case 2: return { op: 'insert', args: [pos, r.pick(TEXT_CHUNKS), null] }
    case 3: return { op: 'insert', args: [pos, r.pick(TEXT_CHUNKS), attrs(r)] }
    case 4: case 5: {
      if (len === 0) return null
      const start = Math.min(pos, len - 1)
      return { op: 'delete', args: [start, r.range(1, Math.min(5, len - start))] }
    }
    case 6: return len > 0 ? { op: 'format', args: [Math.min(pos, len - 1), r.range(1, 6), attrs(r)] } : null
    case 7: return { op: 'insertEmbed', args: [pos, embed(r), r.bool(0.3) ? attrs(r) : null] }
    default: {
      const delta = []
      if (pos > 0) delta.push({ retain: pos })
      if (r.bool()) {
        const ins = { insert: r.pick(TEXT_CHUNKS) }
        if (r.bool()) ins.attributes = attrs(r)
        delta.push(ins)
      }
      if (len - pos > 0 && r.bool()) delta.push({ delete: 1 })
      if (len - pos > 2 && r.bool()) delta.push({ retain: 2, attributes: attrs(r) })
      return { op: 'applyDelta', args: [delta] }
    }
  }
}

const arrayOp = (r, a, ctx) => {
  const len = a.length
  if (r.int(6) <= 2 || len === 0) {
    const n = r.range(1, 3)
    const items = []
    for (let i = 0; i < n; i++) items.push(randomContent(r, ctx))
    const where = r.int(4)
    if (where === 0) return { op: 'push', args: [items] }
    if (where === 1) return { op: 'unshift', args: [items] }
    return { op: 'insert', args: [r.int(len + 1), items] }
  }
  const pos = r.int(len)
  return { op: 'delete', args: [pos, r.range(1, Math.min(3, len - pos))] }
}

const mapOp = (r, m, ctx) => {
  const key = r.pick(MAP_KEYS)
  const k = r.int(6)
  if (k === 0 && m.size > 0) return { op: 'delete', args: [r.pick([...m.keys()])] }
  if (k === 1) return { op: 'delete', args: [key] }
  if (k === 2) return { op: 'set', args: [key, r.bool(0.5) ? { $undefined: true } : null] }
  return { op: 'set', args: [key, randomContent(r, ctx)] }
}

const newXmlNode = (r) => {
  if (r.bool(0.4)) {
    return r.bool() ? { $xmltext: '', attrs: null } : { $xmltext: r.pick(TEXT_CHUNKS), attrs: r.bool(0.3) ? { bold: true } : null }
  }
  const attrsList = r.bool() ? [[r.pick(XML_ATTRS), r.pick(['a', 'b c', '1'])]] : []
  const children = r.bool(0.3) ? [{ $xmltext: 'inner', attrs: null }] : []
  return { $xmlel: { name: r.pick(XML_NAMES), attrs: attrsList, children } }
}

const xmlOp = (r, x) => {
  const len = x.length
  const k = r.int(6)
  if (x instanceof Y.XmlElement && k <= 1) {
    if (k === 0) return { op: 'setAttribute', args: [r.pick(XML_ATTRS), r.pick(['a', 'b c', '1', '<&>'])] }
    return { op: 'removeAttribute', args: [r.pick(XML_ATTRS)] }
  }
  if (k <= 3 || len === 0) {
    const n = r.range(1, 2)
    const nodes = []
    for (let i = 0; i < n; i++) nodes.push(newXmlNode(r))
    return { op: 'insert', args: [r.int(len + 1), nodes] }
  }
  const pos = r.int(len)
  return { op: 'delete', args: [pos, r.range(1, Math.min(2, len - pos))] }
}

/** Executes one edit descriptor on doc (inside the caller's transaction). */
export const execOp = (doc, d) => {
  const t = resolve(doc, d.path)
  const a = d.args
  switch (d.op) {
    case 'insert':
      if (t instanceof Y.Text) return a[2] === null ? t.insert(a[0], a[1]) : t.insert(a[0], a[1], a[2])
      return t.insert(a[0], a[1].map(toLive))
    case 'delete': return t instanceof Y.Map ? t.delete(a[0]) : t.delete(a[0], a[1])
    case 'format': return t.format(a[0], a[1], a[2])
    case 'insertEmbed': return a[2] === null ? t.insertEmbed(a[0], a[1]) : t.insertEmbed(a[0], a[1], a[2])
    case 'applyDelta': return t.applyDelta(a[0])
    case 'push': return t.push(a[0].map(toLive))
    case 'unshift': return t.unshift(a[0].map(toLive))
    case 'set': return t.set(a[0], toLive(a[1]))
    case 'setAttribute': return t.setAttribute(a[0], a[1])
    case 'removeAttribute': return t.removeAttribute(a[0])
    default: throw new Error(`unknown op ${d.op}`)
  }
}

/** Chooses one random edit on a random reachable shared type of doc; returns its descriptor (or null). */
export const randomEdit = (r, doc, ctx) => {
  const types = collectTypes(doc)
  // favour the top-level types so nested ones do not crowd everything out
  const { t, path } = r.bool(0.5) ? types[r.int(Math.min(4, types.length))] : r.pick(types)
  let d
  if (t instanceof Y.Text) d = textOp(r, t) // XmlText included
  else if (t instanceof Y.XmlFragment) d = xmlOp(r, t)
  else if (t instanceof Y.Array) d = arrayOp(r, t, ctx)
  else if (t instanceof Y.Map) d = mapOp(r, t, ctx)
  return d === null ? null : { path, ...d }
}
