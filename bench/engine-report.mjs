#!/usr/bin/env node
// Combines the JSON lines of EngineBenchmark (ycrdt) and yjs-engine.mjs (Yjs) into the markdown table of
// docs/benchmarks.md, with ratios and whether each target is met.
//   node bench/engine-report.mjs YCRDT_JSON_FILE YJS_JSON_FILE
import fs from 'node:fs'

const [jf, yf] = process.argv.slice(2)
const last = (f) => JSON.parse(fs.readFileSync(f, 'utf8').trim().split('\n').pop())
const j = last(jf)
const y = last(yf)
const ratio = (a, b) => (a / b).toFixed(2)
const rows = [
  ['(1) apply ' + y.updates.toLocaleString('en') + ' single-edit updates', `${j.applyMs} ms`, `${y.applyMs} ms`, ratio(j.applyMs, y.applyMs), '<= 0.5', j.applyMs <= y.applyMs / 2],
  ['(2) encodeStateAsUpdate + parse into a fresh doc', `${j.encodeParseMs} ms`, `${y.encodeParseMs} ms`, ratio(j.encodeParseMs, y.encodeParseMs), '<= 1, same size', j.encodeParseMs <= y.encodeParseMs && j.stateBytes === y.stateBytes],
  ['    state size', `${j.stateBytes} B`, `${y.stateBytes} B`, ratio(j.stateBytes, y.stateBytes), '= 1', j.stateBytes === y.stateBytes],
  ['(3) mergeUpdates of the first 10,000 updates', `${j.merge10kMs} ms`, `${y.merge10kMs} ms`, ratio(j.merge10kMs, y.merge10kMs), '<= 0.1', j.merge10kMs <= y.merge10kMs / 10],
  ['(4) retained heap of the final doc', `${(j.heapBytes / 1048576).toFixed(2)} MiB`, `${(y.heapBytes / 1048576).toFixed(2)} MiB`, ratio(j.heapBytes, y.heapBytes), '<= 1', j.heapBytes <= y.heapBytes]
]
let out = '| measurement | ycrdt (Java) | Yjs (node) | ratio | target | met |\n| --- | ---: | ---: | ---: | --- | --- |\n'
for (const [m, a, b, r, t, ok] of rows) out += `| ${m} | ${a} | ${b} | ${r} | ${t} | ${ok ? 'met' : 'NOT met'} |\n`
out += `\nMedians of ${j.runs} runs after warm-up; final text ${j.textLength} chars (ycrdt) / ${y.textLength} (Yjs).\n`
process.stdout.write(out)
