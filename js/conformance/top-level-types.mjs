// Documents whose top-level types a server has to type by their content (ycrdt TopLevelTypes).
// Prints one JSON line per case: the V1 state update, doc.toJSON() of the doc that wrote it (every
// top-level type typed as its editor typed it) and doc.toJSON() of a fresh doc that only applied it.
import * as Y from 'yjs'
import { b64 } from './lib.mjs'

const cases = {
  'text map array xml': (d) => {
    d.getText('content').insert(0, 'Minutes')
    d.getText('content').format(0, 3, { bold: true })
    d.getMap('meta').set('status', 'draft')
    d.getArray('tags').push(['parks', 'budget'])
    const p = new Y.XmlElement('paragraph')
    p.insert(0, [new Y.XmlText('hello')])
    d.getXmlFragment('prosemirror').insert(0, [p])
  },
  'map with every entry deleted': (d) => {
    const m = d.getMap('meta')
    m.set('a', 1)
    m.set('b', 'x')
    m.delete('a')
    m.delete('b')
  },
  'map with a deleted and a live entry': (d) => {
    const m = d.getMap('meta')
    m.set('gone', 1)
    m.set('kept', [1, 2])
    m.delete('gone')
  },
  'text with every character deleted': (d) => {
    d.getText('emptied').insert(0, 'abc')
    d.getText('emptied').delete(0, 3)
  },
  'text with a deleted prefix': (d) => {
    d.getText('t').insert(0, 'abcdef')
    d.getText('t').delete(0, 3)
  },
  'array of shared types': (d) => {
    const a = d.getArray('items')
    const m = new Y.Map()
    a.push([m, 3])
    m.set('k', 'v')
    a.push([new Y.Text('inner')])
  },
  'array holding a map and an xml element': (d) => {
    d.getArray('mixed').push([new Y.Map(), new Y.XmlElement('p')])
  },
  'xml fragment with text only': (d) => {
    d.getXmlFragment('x').insert(0, [new Y.XmlText('plain')])
  },
  'text with an embed': (d) => {
    d.getText('rich').insertEmbed(0, { image: 'a.png' })
  }
}

for (const [name, build] of Object.entries(cases)) {
  const d = new Y.Doc()
  build(d)
  const update = Y.encodeStateAsUpdate(d)
  const fresh = new Y.Doc()
  Y.applyUpdate(fresh, update)
  console.log(JSON.stringify({ name, update: b64(update), typedJson: JSON.stringify(d.toJSON()), json: JSON.stringify(fresh.toJSON()) }))
}
