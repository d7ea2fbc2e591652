#!/usr/bin/env node
// The Yjs side of bench/bench-ycrdt.sh: the four measurements EngineBenchmark makes in Java, on the same
// update bytes (written by js/conformance/traces.mjs). Prints one JSON line with medians.
//   node --expose-gc bench/yjs-engine.mjs UPDATES_FILE [runs=7] [warmups=3]
import * as Y from 'yjs'
import fs from 'node:fs'

const MERGE_COUNT = 10000

const readUpdates = (file) => {
  const buf = fs.readFileSync(file)
  const n = buf.readInt32BE(0)
  const out = new Array(n)
  let pos = 4
  for (let i = 0; i < n; i++) {
    const len = buf.readInt32BE(pos)
    pos += 4
    out[i] = new Uint8Array(buf.buffer, buf.byteOffset + pos, len)
    pos += len
  }
  return out
}

const applyAll = (updates) => {
  const doc = new Y.Doc()
  doc.getText('text')
  for (const u of updates) Y.applyUpdate(doc, u)
  return doc
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

const settledUsed = () => {
  let used = Infinity
  for (let i = 0; i < 5; i++) { global.gc(); used = Math.min(used, process.memoryUsage().heapUsed) }
  return used
}

const main = () => {
  const [file, runsArg, warmArg] = process.argv.slice(2)
  if (!file || typeof global.gc !== 'function') {
    process.stderr.write('usage: node --expose-gc bench/yjs-engine.mjs UPDATES_FILE [runs] [warmups]\n')
    process.exit(2)
  }
  const updates = readUpdates(file)
  const runs = Number(runsArg || 7)
  const warmups = Number(warmArg || 3)
  const first = updates.slice(0, MERGE_COUNT)
  const apply = []; const roundTrip = []; const merge = []
  let stateBytes = -1; let textLength = -1
  for (let i = -warmups; i < runs; i++) {
    const t0 = performance.now()
    const doc = applyAll(updates)
    const t1 = performance.now()
    const state = Y.encodeStateAsUpdate(doc)
    const copy = new Y.Doc()
    Y.applyUpdate(copy, state)
    const t2 = performance.now()
    const merged = Y.mergeUpdates(first)
    const t3 = performance.now()
    if (i >= 0) { apply.push(t1 - t0); roundTrip.push(t2 - t1); merge.push(t3 - t2) }
    stateBytes = state.length
    const text = copy.getText('text').toString()
    textLength = text.length
    if (merged.length === 0 || text !== doc.getText('text').toString()) throw new Error('round trip lost content')
  }
  const before = settledUsed()
  const doc = applyAll(updates)
  const after = settledUsed()
  if (doc.getText('text').length < 0) throw new Error('unreachable') // keeps doc alive past the reading
  const r1 = (x) => Math.round(x * 10) / 10
  process.stdout.write(JSON.stringify({
    engine: 'yjs', updates: updates.length, runs, applyMs: r1(median(apply)), encodeParseMs: r1(median(roundTrip)), stateBytes,
    merge10kMs: Math.round(median(merge) * 100) / 100, heapBytes: after - before, textLength
  }) + '\n')
}

main()
