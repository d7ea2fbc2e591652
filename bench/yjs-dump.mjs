#!/usr/bin/env node
// The node side of bench/bench-ydoc-cli.sh: what `java -jar ydoc.jar dump --stream --json FILE` does, in Yjs
// 13.6.33, as one whole process: read a stream of varUint-length-prefixed V1 updates (lib0
// writeVarUint8Array framing), apply them one by one to a fresh Y.Doc, print JSON.stringify(doc.toJSON()).
//   node bench/yjs-dump.mjs STREAM_FILE
//   node bench/yjs-dump.mjs --make-stream UPDATES_BIN STREAM_FILE   (from js/conformance/traces.mjs output)
// Top-level types: Yjs leaves a type it only received in updates untyped (toJSON omits it); ydoc types each
// by its content (utils/TopLevelTypes). The traces only hold text, so every top-level type is typed as
// Y.Text here, as the editor that wrote it did, and both print the same JSON.
import * as Y from 'yjs'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import fs from 'node:fs'

const args = process.argv.slice(2)
if (args[0] === '--make-stream') {
  const buf = fs.readFileSync(args[1])
  const n = buf.readInt32BE(0)
  const enc = encoding.createEncoder()
  let pos = 4
  for (let i = 0; i < n; i++) {
    const len = buf.readInt32BE(pos)
    pos += 4
    encoding.writeVarUint8Array(enc, new Uint8Array(buf.buffer, buf.byteOffset + pos, len))
    pos += len
  }
  fs.writeFileSync(args[2], encoding.toUint8Array(enc))
} else {
  const dec = decoding.createDecoder(new Uint8Array(fs.readFileSync(args[0])))
  const doc = new Y.Doc()
  while (decoding.hasContent(dec)) Y.applyUpdate(doc, decoding.readVarUint8Array(dec))
  for (const name of [...doc.share.keys()]) doc.getText(name)
  process.stdout.write(JSON.stringify(doc.toJSON()) + '\n')
}
