// Writes the Jazzer seed corpus: node js/fixtures-gen/fuzz-seeds.mjs ycrdt/src/test/resources/org/civicpress/ycrdt/fuzz/UpdateDecoderFuzzTestInputs/applyArbitraryBytes
import * as Y from 'yjs'
import fs from 'fs'
const dir = process.argv[2]
const d = new Y.Doc(); d.clientID = 1
d.getText('t').insert(0, 'hello', { bold: true }); d.getText('t').insertEmbed(1, { img: 'x' })
d.getMap('m').set('k', { a: [1, 2.5, 'x', null, true] }); d.getMap('m').set('b', new Uint8Array([1, 2]))
d.getArray('a').insert(0, [1, new Y.Map()]); d.getXmlFragment('x').insert(0, [new Y.XmlElement('p'), new Y.XmlText('t')])
d.getText('t').delete(0, 2)
const e = new Y.Doc(); e.clientID = 2; Y.applyUpdate(e, Y.encodeStateAsUpdate(d)); e.getText('t').insert(2, 'zz')
fs.writeFileSync(dir + '/seed-v1-full', Y.encodeStateAsUpdate(d))
fs.writeFileSync(dir + '/seed-v2-full', Y.encodeStateAsUpdateV2(d))
fs.writeFileSync(dir + '/seed-v1-incremental', Y.encodeStateAsUpdate(e, Y.encodeStateVector(d)))
fs.writeFileSync(dir + '/seed-v2-incremental', Y.encodeStateAsUpdateV2(e, Y.encodeStateVector(d)))
fs.writeFileSync(dir + '/seed-empty-v1', Y.encodeStateAsUpdate(new Y.Doc()))
fs.writeFileSync(dir + '/seed-empty-v2', Y.encodeStateAsUpdateV2(new Y.Doc()))
