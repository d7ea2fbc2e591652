#!/usr/bin/env node
// Turns the editing traces (../shared/traces, format in its README.md) into Yjs 13.6.33 updates and a
// compact patch file the Java side reads without a JSON parser.
//
//   node js/conformance/traces.mjs <tracesDir> <outDir> [name ...]
//
// For each trace NAME it writes (all integers are 32-bit big-endian, strings are length + UTF-8):
//   NAME.patches.bin  sequential: 'S', endContent, startContent, nPatches, then per patch: pos, del, text
//                     concurrent: 'C', endContent, startContent, nAgents, nTxns, then per txn:
//                                  agent, nParents, parents..., nPatches, per patch: pos, del, text
//   NAME.updates.bin  count, then per update: length, bytes
//                     sequential: one update per patch by client 1; concurrent: one per txn by client agent+1
//   NAME.state.bin    Yjs encodeStateAsUpdate of the final doc (concurrent: all updates applied in txn order)
// Positions are converted from code points to UTF-16 units (the traces here have no astral characters;
// the script refuses a trace that has, rather than converting wrongly).
import * as Y from 'yjs'
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'

const ASTRAL = /[\u{10000}-\u{10FFFF}]/u

class Out {
  constructor () { this.chunks = []; this.buf = Buffer.alloc(1 << 20); this.pos = 0 }
  ensure (n) {
    if (this.pos + n > this.buf.length) {
      this.chunks.push(this.buf.subarray(0, this.pos))
      this.buf = Buffer.alloc(Math.max(1 << 20, n))
      this.pos = 0
    }
  }
  int (v) { this.ensure(4); this.buf.writeInt32BE(v, this.pos); this.pos += 4 }
  bytes (u8) { this.int(u8.length); this.ensure(u8.length); this.buf.set(u8, this.pos); this.pos += u8.length }
  str (s) { this.bytes(Buffer.from(s, 'utf8')) }
  byte (c) { this.ensure(1); this.buf[this.pos++] = c }
  write (file) { this.chunks.push(this.buf.subarray(0, this.pos)); fs.writeFileSync(file, Buffer.concat(this.chunks)) }
}

export const readTrace = (tracesDir, name) =>
  JSON.parse(zlib.gunzipSync(fs.readFileSync(path.join(tracesDir, `${name}.json.gz`))).toString('utf8'))

const assertBmp = (name, trace) => {
  const bad = ASTRAL.test(trace.startContent || '') || ASTRAL.test(trace.endContent) ||
    trace.txns.some(t => t.patches.some(p => ASTRAL.test(p[2])))
  if (bad) throw new Error(`${name}: astral characters; code point -> UTF-16 position conversion is not implemented`)
}

const applyPatch = (text, [pos, del, ins]) => {
  if (del > 0) text.delete(pos, del)
  if (ins.length > 0) text.insert(pos, ins)
}

/** Sequential trace: one transaction (and one update) per patch on a doc with clientID 1. */
export const sequentialUpdates = (trace) => {
  const doc = new Y.Doc()
  doc.clientID = 1
  const text = doc.getText('text')
  const updates = []
  doc.on('update', u => updates.push(u))
  if (trace.startContent) text.insert(0, trace.startContent)
  for (const txn of trace.txns) for (const p of txn.patches) doc.transact(() => applyPatch(text, p))
  return { updates, doc, text }
}

/** Concurrent trace: one replica per agent; before each txn it merges every ancestor it has not seen. */
export const concurrentUpdates = (trace) => {
  const docs = []
  const applied = []
  for (let a = 0; a < trace.numAgents; a++) {
    const d = new Y.Doc()
    d.clientID = a + 1
    if (trace.startContent) throw new Error('concurrent trace with startContent is not supported')
    docs.push(d)
    applied.push(new Uint8Array(trace.txns.length))
  }
  const updates = []
  trace.txns.forEach((txn, i) => {
    const doc = docs[txn.agent]
    const seen = applied[txn.agent]
    const need = []
    const stack = [...txn.parents]
    while (stack.length > 0) {
      const t = stack.pop()
      if (seen[t]) continue
      seen[t] = 1
      need.push(t)
      stack.push(...trace.txns[t].parents)
    }
    need.sort((a, b) => a - b) // parents have smaller indexes: ascending is a causal order
    for (const t of need) Y.applyUpdate(doc, updates[t])
    let update = null
    const off = (u) => { update = u }
    doc.on('update', off)
    const text = doc.getText('text')
    doc.transact(() => { for (const p of txn.patches) applyPatch(text, p) })
    doc.off('update', off)
    seen[i] = 1
    updates.push(update || Y.encodeStateAsUpdate(new Y.Doc())) // a txn without effect still gets a (no-op) update
  })
  return { updates, docs }
}

const main = () => {
  const [tracesDir, outDir, ...names] = process.argv.slice(2)
  if (!tracesDir || !outDir) {
    process.stderr.write('usage: traces.mjs <tracesDir> <outDir> [name ...]\n')
    process.exit(2)
  }
  fs.mkdirSync(outDir, { recursive: true })
  const all = names.length > 0 ? names : ['automerge-paper', 'seph-blog1', 'friendsforever']
  for (const name of all) {
    const trace = readTrace(tracesDir, name)
    assertBmp(name, trace)
    const patches = new Out()
    const updatesOut = new Out()
    let check
    if (trace.kind === 'concurrent') {
      patches.byte(0x43)
      patches.str(trace.endContent)
      patches.str(trace.startContent || '')
      patches.int(trace.numAgents)
      patches.int(trace.txns.length)
      for (const t of trace.txns) {
        patches.int(t.agent)
        patches.int(t.parents.length)
        for (const p of t.parents) patches.int(p)
        patches.int(t.patches.length)
        for (const [pos, del, ins] of t.patches) { patches.int(pos); patches.int(del); patches.str(ins) }
      }
      const { updates } = concurrentUpdates(trace)
      updatesOut.int(updates.length)
      for (const u of updates) updatesOut.bytes(u)
      const merged = new Y.Doc()
      for (const u of updates) Y.applyUpdate(merged, u)
      check = merged.getText('text').toString()
      fs.writeFileSync(path.join(outDir, `${name}.state.bin`), Y.encodeStateAsUpdate(merged))
    } else {
      patches.byte(0x53)
      patches.str(trace.endContent)
      patches.str(trace.startContent || '')
      let n = 0
      for (const t of trace.txns) n += t.patches.length
      patches.int(n)
      for (const t of trace.txns) for (const [pos, del, ins] of t.patches) { patches.int(pos); patches.int(del); patches.str(ins) }
      const { updates, text, doc } = sequentialUpdates(trace)
      fs.writeFileSync(path.join(outDir, `${name}.state.bin`), Y.encodeStateAsUpdate(doc))
      updatesOut.int(updates.length)
      for (const u of updates) updatesOut.bytes(u)
      check = text.toString()
    }
    if (check !== trace.endContent) throw new Error(`${name}: Yjs replay does not reach endContent`)
    patches.write(path.join(outDir, `${name}.patches.bin`))
    updatesOut.write(path.join(outDir, `${name}.updates.bin`))
    process.stdout.write(`${name}: ok\n`)
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main()
