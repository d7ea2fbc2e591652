// Reads the RESULT_JSON lines of bench/bench-flood.sh and prints one markdown table: medians per mode
// (flood-none, flood-same, flood-separate) of the normal clients' latency and throughput, the flooder's
// figures and the server CPU, with each flooded mode's ratio to the baseline.
import { readFileSync } from 'node:fs'

const runs = readFileSync(process.argv[2], 'utf8').split('\n').filter(l => l.trim()).map(l => JSON.parse(l))
const median = xs => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b)
  if (s.length === 0) return NaN
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}
const order = ['flood-none', 'flood-same', 'flood-separate']
const modes = [...new Set(runs.map(r => r.scenario))].sort((a, b) => order.indexOf(a) - order.indexOf(b))
const of = mode => runs.filter(r => r.scenario === mode)
const perSec = (r, k) => r[k] / r.durationSeconds
const metrics = [
  ['normal clients: p50 latency ms', r => r.p50Ms, 2, true],
  ['normal clients: p99 latency ms', r => r.p99Ms, 2, true],
  ['normal clients: p99.9 latency ms', r => r.p999Ms, 2, true],
  ['normal clients: max latency ms', r => r.maxMs, 1, true],
  ['normal clients: p99 in the first 10 s of the window ms', r => (r.p99BySliceMs ?? [])[0], 2, true],
  ['normal clients: worst p99 of a later 10 s slice ms', r => Math.max(...(r.p99BySliceMs ?? []).slice(1)), 2, true],
  ['normal clients: deliveries/s', r => r.deliveriesPerSecond, 1, true],
  ['normal clients: delivered / expected', r => r.deliveryRatio, 3, false],
  ['normal writers: updates sent / target', r => r.sendRatio, 3, false],
  ['server CPU % of one core (window)', r => 100 * r.serverCpuSeconds / r.durationSeconds, 1, true],
  ['flooder: updates written to its socket', r => r.floodSent, 0, false],
  ['flooder: updates accepted (echoed back to it)', r => r.floodEchoed, 0, false],
  ['flooder: accepted/s over the window', r => r.floodEchoedPerSecond, 1, false],
  ['flooder: accepted in the first 10 s (burst credit + shaped rate)', r => r.flooders ? (r.floodEchoedBySlice ?? [])[0] : NaN, 0, false],
  ['flooder: accepted/s after the first 10 s', r => r.flooders ? (r.floodEchoedBySlice ?? []).slice(1).reduce((a, b) => a + b, 0) / Math.max(1, r.durationSeconds - 10) : NaN, 1, false],
  ['flooder: its updates at the normal clients /s', r => perSec(r, 'floodToNormal'), 1, false],
  ['flooder: p99 latency of its updates to the others ms', r => r.floodToNormalP99Ms, 0, false],
  ['flooder: share of ticks its socket was full', r => r.floodBlockedShare, 2, false],
  ['load tool: longest gap between its ticks ms', r => r.longestTickGapMs, 0, false],
  ['errors + server closes + connect failures', r => r.errors + r.closedByServer + r.connectFailures, 0, false]
]
const fmt = (v, d) => Number.isFinite(v) ? v.toFixed(d) : 'n/a'
const base = modes.includes('flood-none') ? 'flood-none' : null
const others = modes.filter(m => m !== base)
const header = ['metric', ...modes.map(m => `${m} (${of(m).length} runs)`), ...(base ? others.map(m => `${m} / ${base}`) : [])]
console.log(`| ${header.join(' | ')} |`)
console.log(`|---|${header.slice(1).map(() => '---:').join('|')}|`)
for (const [label, get, digits, ratio] of metrics) {
  const vals = modes.map(m => median(of(m).map(get)))
  const ratios = base ? others.map(m => {
    const a = median(of(m).map(get)); const b = median(of(base).map(get))
    return ratio && b > 0 ? (a / b).toFixed(2) : ''
  }) : []
  console.log(`| ${[label, ...vals.map(v => fmt(v, digits)), ...ratios].join(' | ')} |`)
}
console.log()
console.log('Per run (mode: p99 ms, p99 by 10 s slice, flooder accepted):')
for (const r of runs) {
  console.log(`- ${r.scenario}: p99 ${fmt(r.p99Ms, 2)} ms; slices [${(r.p99BySliceMs ?? []).map(v => fmt(v, 1)).join(', ')}]` +
    (r.flooders ? `; flooder wrote ${r.floodSent}, accepted ${r.floodEchoed} [per 10 s: ${(r.floodEchoedBySlice ?? []).join(', ')}]` : '') +
    `; load tool longest tick gap ${fmt(r.longestTickGapMs, 0)} ms`)
}
