// Generates type-fixtures.json.gz: random local edits on YText/YArray/YMap and XML trees in
// 2-3 Yjs docs with syncs, and what Yjs 13.6.33 produced (update bytes, deltas, events, JSON).
// TypeFixturesTest replays the same edits on ycrdt and expects identical results.
// Run from the repo root:  NODE_PATH=js/node_modules node ycrdt/src/test/resources/org/civicpress/ycrdt/types/gen-type-fixtures.cjs
const Y = require('yjs')
const zlib = require('zlib')
const fs = require('fs')
const path = require('path')
const hex = u => Buffer.from(u).toString('hex')
let seed = 2024
const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648 }
const ri = n => Math.floor(rnd() * n)
const tj = v => JSON.stringify(v)
function textCases (count, opsPerCase) {
const cases = []
for (let c = 0; c < count; c++) {
  const docs = [1, 2, 3].map(id => { const d = new Y.Doc(); d.clientID = id; return d })
  const ops = []
  const attrKeys = ['bold', 'italic', 'color']
  const randAttrs = () => { const a = {}; const n = ri(3); for (let i = 0; i < n; i++) { const k = attrKeys[ri(3)]; a[k] = ri(3) === 0 ? null : (k === 'color' ? ['red', 'blue'][ri(2)] : true) } return a }
  const deltas = []
  const evs = []
  docs.forEach((d, i) => {
    d.getText('t').observe(e => evs.push(i + 't' + JSON.stringify(e.delta)))
    d.getArray('a').observe(e => evs.push(i + 'a' + JSON.stringify(e.delta)))
    d.getMap('m').observe(e => { const o = {}; e.keys.forEach((v, k) => { o[k] = v }); evs.push(i + 'm' + JSON.stringify(o)) })
  })
  for (let i = 0; i < opsPerCase; i++) {
    const di = ri(3); const d = docs[di]; const t = d.getText('t'); const a = d.getArray('a'); const m = d.getMap('m')
    const r = ri(12)
    let op
    if (r < 3) { const pos = ri(t.length + 1); const s = ['a', 'bc', 'xyz', '😀', '\n'][ri(5)]; const at = ri(2) ? randAttrs() : undefined; op = ['ins', di, pos, s, at]; t.insert(pos, s, at) }
    else if (r < 5 && t.length > 0) { const pos = ri(t.length); const len = 1 + ri(Math.min(3, t.length - pos)); op = ['del', di, pos, len]; t.delete(pos, len) }
    else if (r < 7 && t.length > 0) { const pos = ri(t.length); const len = 1 + ri(Math.min(4, t.length - pos)); const at = randAttrs(); op = ['fmt', di, pos, len, at]; t.format(pos, len, at) }
    else if (r < 8) { const pos = ri(t.length + 1); const e = { k: ri(5) }; op = ['emb', di, pos, e]; t.insertEmbed(pos, e) }
    else if (r < 9) { const pos = ri(a.length + 1); const v = [ri(9), 'q', null, { z: 1 }][ri(4)]; op = ['ains', di, pos, v]; a.insert(pos, [v]) }
    else if (r < 10 && a.length > 0) { const pos = ri(a.length); op = ['adel', di, pos]; a.delete(pos, 1) }
    else if (r < 11) { const k = ['x', 'y', '1'][ri(3)]; const v = ri(4); if (v === 3) { op = ['mdel', di, k]; m.delete(k) } else { op = ['mset', di, k, v]; m.set(k, v) } }
    else { const j = ri(3); op = ['sync', di, j]; Y.applyUpdate(docs[j], Y.encodeStateAsUpdate(d)) }
    ops.push(op)
  }
  // full sync
  for (const x of docs) for (const y of docs) if (x !== y) Y.applyUpdate(y, Y.encodeStateAsUpdate(x))
  cases.push({ ops, states: docs.map(d => hex(Y.encodeStateAsUpdate(d))), deltas: docs.map(d => JSON.stringify(d.getText('t').toDelta())), json: docs.map(d => JSON.stringify(d.toJSON())), evs })
}
return cases
}

function xmlCases (count, opsPerCase) {
const cases = []
// paths: list of child indexes from the fragment to an element
const nodeAt = (f, path) => { let n = f; for (const i of path) n = n.get(i); return n }
const randomPath = (f) => { const path = []; let n = f; while (true) { const els = []; n.toArray().forEach((c, i) => { if (c instanceof Y.XmlElement) els.push(i) }); if (els.length === 0 || ri(2) === 0) return path; const i = els[ri(els.length)]; path.push(i); n = n.get(i) } }
for (let c = 0; c < count; c++) {
  const docs = [1, 2].map(id => { const d = new Y.Doc(); d.clientID = id; return d })
  const ops = []
  const evs = []
  docs.forEach((d, i) => d.getXmlFragment('x').observeDeep(es => es.forEach(e => evs.push(i + JSON.stringify(e.path) + JSON.stringify(e.delta) + JSON.stringify([...(e.attributesChanged || [])].sort())))))
  for (let i = 0; i < opsPerCase; i++) {
    const di = ri(2); const d = docs[di]; const f = d.getXmlFragment('x')
    const path = randomPath(f); const n = nodeAt(f, path)
    const r = ri(7)
    let op
    if (r < 2) { const pos = ri(n.length + 1); const k = ri(3); op = ['insNode', di, path, pos, k]; n.insert(pos, [k === 0 ? new Y.XmlElement(['p', 'DIV', 'span'][ri(3)]) : k === 1 ? new Y.XmlText('t' + ri(9)) : new Y.XmlHook('h')]); op[5] = n.get(pos) instanceof Y.XmlElement ? n.get(pos).nodeName : n.get(pos) instanceof Y.XmlText ? n.get(pos).toString() : null }
    else if (r < 3 && n.length > 0) { const pos = ri(n.length); op = ['delNode', di, path, pos]; n.delete(pos, 1) }
    else if (r < 4 && path.length > 0) { const k = ['a', 'b', 'class'][ri(3)]; const v = ri(3) === 0 ? null : 'v' + ri(5); op = ['attr', di, path, k, v]; if (v === null) n.removeAttribute(k); else n.setAttribute(k, v) }
    else if (r < 6) { const texts = []; n.toArray().forEach((c, i) => { if (c instanceof Y.XmlText) texts.push(i) }); if (texts.length === 0) { op = ['nop', di]; } else { const ti = texts[ri(texts.length)]; const t = n.get(ti); const pos = ri(t.length + 1); if (ri(2) && t.length > 0) { const len = 1 + ri(t.length - Math.min(pos, t.length - 1) ); const p2 = Math.min(pos, t.length - 1); const l2 = Math.min(len, t.length - p2); const at = { b: ri(2) ? true : null }; op = ['fmt', di, path, ti, p2, l2, at]; t.format(p2, l2, at) } else { op = ['txt', di, path, ti, pos, 'ab']; t.insert(pos, 'ab') } } }
    else { op = ['sync', di]; Y.applyUpdate(docs[1 - di], Y.encodeStateAsUpdate(d)) }
    ops.push(op)
  }
  Y.applyUpdate(docs[1], Y.encodeStateAsUpdate(docs[0])); Y.applyUpdate(docs[0], Y.encodeStateAsUpdate(docs[1]))
  cases.push({ ops, states: docs.map(d => hex(Y.encodeStateAsUpdate(d))), strs: docs.map(d => d.getXmlFragment('x').toString()), evs })
}
return cases
}

function nestedCases (count, opsPerCase) {
const cases = []
for (let c = 0; c < count; c++) {
  const gc = ri(2) === 0
  const docs = [1, 2].map(id => { const d = new Y.Doc({ gc }); d.clientID = id; return d })
  const ops = []
  const evs = []
  docs.forEach((d, i) => { d.getMap('m').observeDeep(es => es.forEach(e => evs.push(i + tj(e.path) + tj(e.delta) + tj([...e.keys.entries()])))) ; d.getText('t').observeDeep(es => es.forEach(e => evs.push(i + 'T' + tj(e.path) + tj(e.delta)))) })
  for (let i = 0; i < opsPerCase; i++) {
    const di = ri(2); const d = docs[di]; const m = d.getMap('m'); const t = d.getText('t')
    const r = ri(10); let op
    if (r === 0) { const k = ['arr', 'txt', 'map'][ri(3)]; op = ['newType', di, k]; m.set(k, k === 'arr' ? new Y.Array() : k === 'txt' ? new Y.Text('init') : new Y.Map()) }
    else if (r === 1) { const a = m.get('arr'); if (a instanceof Y.Array) { const pos = ri(a.length + 1); const v = [ri(100), 'ü😀', [1, [2]], { n: null }][ri(4)]; op = ['arrIns', di, pos, v]; a.insert(pos, [v]) } else op = ['nop', di] }
    else if (r === 2) { const a = m.get('arr'); if (a instanceof Y.Array && a.length > 0) { const pos = ri(a.length); const len = 1 + ri(a.length - pos); op = ['arrDel', di, pos, len]; a.delete(pos, len) } else op = ['nop', di] }
    else if (r === 3) { const x = m.get('txt'); if (x instanceof Y.Text) { const pos = ri(x.length + 1); const s = ['😀', 'ab', 'é'][ri(3)]; op = ['txtIns', di, pos, s]; x.insert(pos, s) } else op = ['nop', di] }
    else if (r === 4) { const x = m.get('txt'); if (x instanceof Y.Text && x.length > 0) { const pos = ri(x.length); const len = 1 + ri(Math.min(3, x.length - pos)); op = ['txtDel', di, pos, len]; x.delete(pos, len) } else op = ['nop', di] }
    else if (r === 5) { const x = m.get('map'); if (x instanceof Y.Map) { const k = 'k' + ri(3); const v = ri(3) ? ri(10) : null; op = ['mapSet', di, k, v]; x.set(k, v) } else op = ['nop', di] }
    else if (r === 6) {
      const len = t.length; const delta = []; let p = 0
      while (p < len && ri(3)) { const n = 1 + ri(Math.min(3, len - p)); const k = ri(3); if (k === 0) delta.push({ retain: n }); else if (k === 1) delta.push({ retain: n, attributes: { b: ri(2) ? true : null } }); else delta.push({ delete: n }); p += n }
      delta.push(ri(2) ? { insert: 'Q' + ri(9), attributes: ri(2) ? { i: true } : undefined } : { insert: { emb: ri(3) } })
      const clean = JSON.parse(JSON.stringify(delta)); op = ['delta', di, clean]; t.applyDelta(clean)
    }
    else if (r === 7) { const pos = ri(t.length + 1); op = ['embType', di, pos]; const sub = new Y.Text('sub'); t.insertEmbed(pos, sub, { k: 1 }) }
    else if (r === 8 && t.length > 0) { const pos = ri(t.length); const len = 1 + ri(Math.min(4, t.length - pos)); op = ['tDel', di, pos, len]; t.delete(pos, len) }
    else { op = ['sync', di]; Y.applyUpdate(docs[1 - di], Y.encodeStateAsUpdate(d)) }
    ops.push(op)
  }
  Y.applyUpdate(docs[1], Y.encodeStateAsUpdate(docs[0])); Y.applyUpdate(docs[0], Y.encodeStateAsUpdate(docs[1]))
  cases.push({ gc, ops, states: docs.map(d => hex(Y.encodeStateAsUpdate(d))), json: docs.map(d => tj(d.toJSON())), deltas: docs.map(d => tj(d.getText('t').toDelta())), evs })
}
return cases
}

const out = { yjs: require('yjs/package.json').version, text: textCases(25, 50), xml: xmlCases(20, 40), nested: nestedCases(25, 80) }
fs.writeFileSync(path.join(__dirname, 'type-fixtures.json.gz'), zlib.gzipSync(JSON.stringify(out), { level: 9 }))
