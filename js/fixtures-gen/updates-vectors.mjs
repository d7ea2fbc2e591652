// Generates ycrdt/src/test/resources/org/civicpress/ycrdt/utils/updates-vectors.jsonl with real Yjs 13.6.33:
//   node js/fixtures-gen/updates-vectors.mjs > ycrdt/src/test/resources/org/civicpress/ycrdt/utils/updates-vectors.jsonl
// One JSON object per line: the inputs (hex V1 and V2 updates, a state vector) and what Yjs computes from them.
import * as Y from 'yjs'
const hex = u => Buffer.from(u).toString('hex')
let seed = 42
const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648 }
const ri = n => Math.floor(rnd() * n)
const shuffle = a => { for (let i = a.length - 1; i > 0; i--) { const j = ri(i + 1); [a[i], a[j]] = [a[j], a[i]] } return a }

function edit (doc) {
  const t = doc.getText('t'), m = doc.getMap('m'), a = doc.getArray('a'), x = doc.getXmlFragment('x')
  const r = ri(12)
  if (r < 4) t.insert(ri(t.length + 1), ['a', 'bc', '😀', 'xyz', 'é'][ri(5)], ri(3) === 0 ? { bold: true } : undefined)
  else if (r < 6 && t.length > 0) { const p = ri(t.length); t.delete(p, Math.min(1 + ri(3), t.length - p)) }
  else if (r === 6 && t.length > 1) t.format(0, ri(t.length), { italic: ri(2) === 0 ? true : null })
  else if (r === 7) m.set(['k1', 'k2', 'k3'][ri(3)], [1, 'v', { o: [1.5, null] }, new Uint8Array([1, 2]), 12345678901, true][ri(6)])
  else if (r === 8) a.insert(ri(a.length + 1), [ri(100), 'q', -0.25])
  else if (r === 9 && a.length > 0) a.delete(ri(a.length), 1)
  else if (r === 10) { const e = new Y.XmlElement('p'); e.setAttribute('class', 'c' + ri(3)); e.insert(0, [new Y.XmlText('hi')]); x.insert(0, [e]) }
  else { const mm = new Y.Map(); mm.set('n', ri(10)); m.set('sub', mm); t.insertEmbed(0, { img: 'x.png' }) }
}

const cases = []
function record (name, updatesV1, updatesV2, extra = {}) {
  const merged = Y.mergeUpdates(updatesV1)
  const mergedV2 = Y.mergeUpdatesV2(updatesV2)
  const c = { name, v1: updatesV1.map(hex), v2: updatesV2.map(hex), merged: hex(merged), mergedV2: hex(mergedV2) }
  c.sv = hex(Y.encodeStateVectorFromUpdate(merged))
  c.svV2 = hex(Y.encodeStateVectorFromUpdateV2(mergedV2))
  c.toV2 = hex(Y.convertUpdateFormatV1ToV2(merged))
  c.toV1 = hex(Y.convertUpdateFormatV2ToV1(mergedV2))
  const meta = Y.parseUpdateMeta(merged)
  c.metaFrom = [...meta.from.entries()]; c.metaTo = [...meta.to.entries()]
  if (extra.diffSv) {
    c.diffSv = hex(extra.diffSv)
    c.diff = hex(Y.diffUpdate(merged, extra.diffSv))
    c.diffV2 = hex(Y.diffUpdateV2(mergedV2, extra.diffSv))
  }
  const d = new Y.Doc(); Y.applyUpdate(d, merged); c.json = JSON.stringify(d.toJSON())
  d.getText('t'); d.getMap('m'); d.getArray('a'); d.getXmlFragment('x'); c.typedJson = JSON.stringify(d.toJSON())
  cases.push(c)
}

// 1. one client, incremental single edits
for (let k = 0; k < 3; k++) {
  const doc = new Y.Doc(); doc.clientID = 1000 + k
  const u1 = [], u2 = []
  doc.on('update', u => u1.push(u)); doc.on('updateV2', u => u2.push(u))
  for (let i = 0; i < 40; i++) edit(doc)
  const mid = new Y.Doc(); u1.slice(0, 20).forEach(u => Y.applyUpdate(mid, u))
  record('single-client-' + k, u1, u2, { diffSv: Y.encodeStateVector(mid) })
}
// 2. three clients, concurrent, synced now and then; inputs shuffled
for (let k = 0; k < 4; k++) {
  const docs = [1, 2, 3].map(c => { const d = new Y.Doc(); d.clientID = c * 7 + k; return d })
  const u1 = [], u2 = []
  docs.forEach(d => { d.on('update', (u, origin) => { if (origin !== 'sync') u1.push(u) }); d.on('updateV2', (u, origin) => { if (origin !== 'sync') u2.push(u) }) })
  for (let i = 0; i < 60; i++) {
    edit(docs[ri(3)])
    if (ri(5) === 0) { const a = docs[ri(3)], b = docs[ri(3)]; Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)), 'sync') }
  }
  const order = shuffle([...u1.keys()])
  record('three-clients-' + k, order.map(i => u1[i]), order.map(i => u2[i]), { diffSv: Y.encodeStateVector(docs[0]) })
}
// 3. overlapping: full states of diverged replicas + some incremental updates + duplicates
{
  const a = new Y.Doc(); a.clientID = 5; const b = new Y.Doc(); b.clientID = 9
  for (let i = 0; i < 30; i++) edit(a)
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a))
  const inc1 = [], inc2 = []
  b.on('update', u => inc1.push(u)); b.on('updateV2', u => inc2.push(u))
  for (let i = 0; i < 30; i++) edit(b)
  for (let i = 0; i < 10; i++) edit(a)
  const fa1 = Y.encodeStateAsUpdate(a), fa2 = Y.encodeStateAsUpdateV2(a)
  const fb1 = Y.encodeStateAsUpdate(b), fb2 = Y.encodeStateAsUpdateV2(b)
  record('overlap-full-states', [fa1, fb1, ...inc1, fa1], [fa2, fb2, ...inc2, fa2], { diffSv: Y.encodeStateVector(a) })
  record('overlap-reversed', [...inc1.slice().reverse(), fb1, fa1], [...inc2.slice().reverse(), fb2, fa2], { diffSv: new Uint8Array([0]) })
}
// 4. gaps: a client's updates with the middle missing -> Skips
{
  const doc = new Y.Doc(); doc.clientID = 77
  const u1 = [], u2 = []
  doc.on('update', u => u1.push(u)); doc.on('updateV2', u => u2.push(u))
  for (let i = 0; i < 30; i++) edit(doc)
  const pick = [0, 1, 2, 9, 10, 20, 29, 3]
  record('gaps', pick.map(i => u1[i]), pick.map(i => u2[i]), { diffSv: Y.encodeStateVector(new Y.Doc()) })
  record('gaps-reverse', pick.slice().reverse().map(i => u1[i]), pick.slice().reverse().map(i => u2[i]))
  // a merge of a merge with gaps (Skips inside inputs)
  const m1 = Y.mergeUpdates([u1[0], u1[5]]), m2 = Y.mergeUpdatesV2([u2[0], u2[5]])
  const n1 = Y.mergeUpdates([u1[3], u1[8]]), n2 = Y.mergeUpdatesV2([u2[3], u2[8]])
  record('merge-of-merges-with-skips', [m1, n1, u1[1]], [m2, n2, u2[1]])
}
// 5. empty and single inputs
{
  const d = new Y.Doc(); d.clientID = 3; d.getText('t').insert(0, 'hello'); d.getText('t').delete(1, 2)
  record('single-input', [Y.encodeStateAsUpdate(d)], [Y.encodeStateAsUpdateV2(d)], { diffSv: Y.encodeStateVector(d) })
  record('empty-inputs', [Y.encodeStateAsUpdate(new Y.Doc()), Y.encodeStateAsUpdate(new Y.Doc())], [Y.encodeStateAsUpdateV2(new Y.Doc()), Y.encodeStateAsUpdateV2(new Y.Doc())])
}
// 6. GC'd content next to live items (same clock as GC in one input, item in another)
{
  const d = new Y.Doc(); d.clientID = 11
  const u1 = [], u2 = []
  d.on('update', u => u1.push(u)); d.on('updateV2', u => u2.push(u))
  d.getText('t').insert(0, 'abcdef'); d.getArray('a').insert(0, [1, 2, 3])
  const early1 = Y.encodeStateAsUpdate(d), early2 = Y.encodeStateAsUpdateV2(d)
  d.getText('t').delete(0, 6); d.getArray('a').delete(0, 3); d.getText('t').insert(0, 'z')
  record('gc-vs-item', [Y.encodeStateAsUpdate(d), early1, ...u1], [Y.encodeStateAsUpdateV2(d), early2, ...u2], { diffSv: Y.encodeStateVector(new Y.Doc()) })
}
// 7. many clients, one struct each
{
  const u1 = [], u2 = []
  for (let c = 0; c < 50; c++) {
    const d = new Y.Doc(); d.clientID = 100 + ri(1000000)
    d.on('update', u => u1.push(u)); d.on('updateV2', u => u2.push(u))
    d.getMap('m').set('k' + (c % 7), c)
  }
  record('many-clients', u1, u2)
}
for (const c of cases) console.log(JSON.stringify(c))
