// Reads the RESULT_JSON lines of bench/bench-server.sh (results.jsonl: one line per load-tool run, plus the
// class histogram diffs) and prints markdown:
//   node bench/summarize-server.mjs RESULTS_JSONL [--summary] [--details]
// --summary: the one-screen table of docs/benchmarks.md (every server side by side against the targets of
//   issue 11), headed by date, machine and command from meta.json next to the results file;
// --details (default when neither is given): per scenario, medians per server with ratios to the Hocuspocus
//   peers, the storms, the heap per idle connection.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

const args = process.argv.slice(2)
const file = args.find((a) => !a.startsWith('--'))
if (!file) {
  console.error('usage: summarize-server.mjs RESULTS_JSONL [--summary] [--details]')
  process.exit(2)
}
const wantSummary = args.includes('--summary')
const wantDetails = args.includes('--details') || !wantSummary

const runs = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l))
const metaFile = join(dirname(file), 'meta.json')
const meta = existsSync(metaFile) ? JSON.parse(readFileSync(metaFile, 'utf8')) : {}

const median = (xs) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b)
  if (s.length === 0) return NaN
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}
const ORDER = ['ours-h2', 'ours-h2-hocuspocus', 'ours-pg', 'hocuspocus', 'hocuspocus-sqlite', 'y-websocket']
const rank = (s) => (ORDER.includes(s) ? ORDER.indexOf(s) : ORDER.length)
const servers = [...new Set(runs.map((r) => r.server))].sort((a, b) => rank(a) - rank(b))
const ours = servers.filter((s) => s.startsWith('ours'))
const hpPeers = ['hocuspocus', 'hocuspocus-sqlite'].filter((p) => servers.includes(p))
const of = (server, scenario) => runs.filter((r) => r.server === server && r.scenario === scenario)
// derived figures, computed per run before taking medians
const derived = {
  idleCpuPercent: (r) => (r.durationSeconds > 0 ? (100 * r.serverCpuSeconds) / r.durationSeconds : NaN),
  failuresTotal: (r) => (r.errors ?? 0) + (r.closedByServer ?? 0) + (r.connectFailures ?? 0),
  rssMibAfter: (r) => r.serverRssKibAfter / 1024,
  stormFailures: (r) => (r.failures ? Object.values(r.failures).reduce((a, b) => a + b, 0) : NaN)
}
const value = (server, scenario, key) =>
  median(of(server, scenario).map((r) => (derived[key] ? derived[key](r) : r[key])))
const fmt = (v, digits) => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a')
const ratio = (a, b) => (Number.isFinite(a) && b > 0 ? (a / b).toFixed(2) : '')

function printDetails() {
  const loadMetrics = [
    ['sendRatio', 'updates sent / target', 3], ['deliveriesPerSecond', 'deliveries/s', 0],
    ['deliveryRatio', 'delivered / expected', 3], ['p50Ms', 'p50 latency ms', 2], ['p99Ms', 'p99 latency ms', 2],
    ['cpuMicrosPerDelivery', 'server CPU µs / delivery', 1], ['cpuMicrosPerSentUpdate', 'server CPU µs / sent update', 1],
    ['rssMibAfter', 'server RSS MiB (end)', 1], ['loadToolCpuSeconds', 'load tool CPU s (window)', 2],
    ['failuresTotal', 'errors + server closes + connect failures', 0]
  ]
  const specs = {
    load: loadMetrics,
    'c-idle-2000': [
      ['connected', 'connected', 0], ['rssKibPerConnection', 'RSS KiB / connection (baseline after warm-up + GC)', 1],
      ['serverRssKibBefore', 'server RSS KiB (baseline)', 0], ['rssMibAfter', 'server RSS MiB (end)', 1],
      ['serverCpuSeconds', 'server CPU s while idle', 2], ['idleCpuPercent', 'idle CPU % of a core', 2],
      ['failuresTotal', 'errors + server closes + connect failures', 0]
    ],
    storm: [
      ['opened', 'open within the deadline', 0], ['openP50Ms', 'open time p50 ms', 0], ['openP99Ms', 'open time p99 ms', 0],
      ['openMaxMs', 'open time max ms', 0], ['stormFailures', 'failures (all kinds)', 0],
      ['listenOverflows', 'listen queue overflows (machine-wide)', 0], ['serverCpuSeconds', 'server CPU s', 2],
      ['loadToolCpuSeconds', 'load tool CPU s', 2], ['loopThreadCpuSeconds', 'load tool NIO loop thread CPU s', 2],
      ['wallSeconds', 'storm wall s', 2], ['loopLongestIterationMs', 'longest NIO loop iteration ms', 0]
    ]
  }
  const scenarios = [...new Set(runs.map((r) => r.scenario))].filter((s) => s !== 'c-idle-histogram').sort((a, b) => {
    const key = (s) => [s.startsWith('a-') ? 0 : s.startsWith('b-') ? 1 : s.startsWith('c-') ? 2 : 3, Number(s.replace(/\D+/g, ' ').trim().split(' ').pop()) || 0]
    const [x, y] = [key(a), key(b)]
    return x[0] - y[0] || x[1] - y[1] || a.localeCompare(b)
  })
  for (const scenario of scenarios) {
    const spec = scenario.startsWith('storm-') ? specs.storm : specs[scenario] ?? loadMetrics
    const present = servers.filter((s) => of(s, scenario).length)
    const ratioCols = scenario.startsWith('storm-')
      ? ours.filter((o) => present.includes(o)).flatMap((o) => (present.includes('y-websocket') ? [[o, 'y-websocket']] : []))
      : ours.filter((o) => present.includes(o)).flatMap((o) => hpPeers.filter((p) => present.includes(p)).map((p) => [o, p]))
    const rate = of(present[0], scenario)[0]?.updatesPerSecond
    const label = scenario.startsWith('a-200x10') && scenario !== 'a-200x10' ? ` (${rate}/s per writer)` : ''
    console.log(`### ${scenario}${label} (medians of ${present.map((s) => of(s, scenario).length).join('/')} run(s))\n`)
    const header = ['metric', ...present, ...ratioCols.map(([o, p]) => `${o} / ${p}`)]
    console.log(`| ${header.join(' | ')} |`)
    console.log(`|---|${header.slice(1).map(() => '---:').join('|')}|`)
    for (const [key, text, digits] of spec) {
      const vals = present.map((s) => fmt(value(s, scenario, key), digits))
      const ratios = ratioCols.map(([o, p]) => (key.startsWith('failures') || key === 'stormFailures' ? '' : ratio(value(o, scenario, key), value(p, scenario, key))))
      console.log(`| ${[text, ...vals, ...ratios].join(' | ')} |`)
    }
    if (scenario.startsWith('storm-')) {
      for (const s of present) {
        const kinds = {}
        for (const r of of(s, scenario)) for (const [k, v] of Object.entries(r.failures ?? {})) kinds[k] = (kinds[k] ?? 0) + v
        if (Object.keys(kinds).length) console.log(`\n${s} failures by kind (all runs): ${Object.entries(kinds).map(([k, v]) => `${k}: ${v}`).join('; ')}`)
      }
    }
    console.log()
  }
  for (const h of runs.filter((r) => r.scenario === 'c-idle-histogram')) {
    console.log(`### ${h.server}: live heap per idle connection (class histogram diff, ${h.connections} connections)\n`)
    console.log(`${(h.bytesPerConnection / 1024).toFixed(1)} KiB and ${h.instancesPerConnection} objects per connection; top 15 classes:\n`)
    console.log('| class | bytes / connection | instances / connection |')
    console.log('|---|---:|---:|')
    for (const t of h.top) console.log(`| \`${t.name}\` | ${t.bytesPerConnection.toFixed(0)} | ${t.instancesPerConnection.toFixed(2)} |`)
    console.log()
  }
}

// The one-screen summary: rows are the figures the targets of issue 11 judge, columns the servers, then
// the target and whether each of our servers meets it.
function printSummary() {
  if (meta.date) {
    console.log(`${meta.date}, ${meta.machine}; ${meta.java}, node ${meta.node}; ${meta.mode}.`)
    console.log(`Command: \`${meta.command}\` (${meta.minutes} min); load average before ${meta.loadBefore}, after ${meta.loadAfter}.\n`)
  }
  const hp = (scenario, key) => hpPeers.map((p) => value(p, scenario, key)).filter(Number.isFinite)
  const rows = []
  const row = (label, scenario, key, digits, target, check) => {
    const vals = servers.map((s) => value(s, scenario, key))
    if (!vals.some(Number.isFinite)) return
    const met = ours.map((o) => {
      const v = value(o, scenario, key)
      if (!check || !Number.isFinite(v)) return '–'
      const ok = check(v, o)
      return ok === null ? '–' : ok ? 'yes' : 'no'
    })
    rows.push([label, ...vals.map((v) => fmt(v, digits)), target, met.join(' / ')])
  }
  const hpMax = (scenario) => Math.min(...hp(scenario, 'cpuMicrosPerDelivery'))
  const cpuTarget = (scenario) => (hp(scenario, 'cpuMicrosPerDelivery').length ? (v) => v <= hpMax(scenario) : null)
  row('a 200×10 at 5/s: CPU µs / delivery', 'a-200x10', 'cpuMicrosPerDelivery', 1, '≤ 1.0× Hocuspocus (memory and SQLite)', cpuTarget('a-200x10'))
  row('a: delivered / expected', 'a-200x10', 'deliveryRatio', 3, '≥ 0.99 (everything)', (v) => v >= 0.99)
  row('a: p99 latency ms', 'a-200x10', 'p99Ms', 1, '≤ 100', (v) => v <= 100)
  row('b 1×200, 5 writers at 10/s: CPU µs / delivery', 'b-1x200', 'cpuMicrosPerDelivery', 1, '≤ 1.0× Hocuspocus (memory and SQLite)', cpuTarget('b-1x200'))
  row('b: p99 latency ms', 'b-1x200', 'p99Ms', 1, '', null)
  row('idle 2,000: RSS KiB / connection', 'c-idle-2000', 'rssKibPerConnection', 1, '≤ 40', (v) => v <= 40)
  const hpIdle = servers.includes('hocuspocus') ? value('hocuspocus', 'c-idle-2000', 'idleCpuPercent') : NaN
  row('idle 2,000: CPU % of a core', 'c-idle-2000', 'idleCpuPercent', 2, '≤ 2× Hocuspocus', Number.isFinite(hpIdle) ? (v) => v <= 2 * hpIdle : null)
  const heap = servers.map((s) => runs.find((r) => r.server === s && r.scenario === 'c-idle-histogram'))
  if (heap.some(Boolean)) {
    rows.push(['idle: live heap KiB / connection (histogram)', ...heap.map((h) => (h ? (h.bytesPerConnection / 1024).toFixed(1) : '')), '', ours.map(() => '–').join(' / ')])
  }
  for (const n of [...new Set(runs.filter((r) => r.scenario.startsWith('storm-')).map((r) => r.clients))].sort((a, b) => a - b)) {
    const sc = `storm-${n}`
    row(`storm ${n.toLocaleString('en')}: open within ${of(servers.find((s) => of(s, sc).length), sc)[0].deadlineSeconds} s`, sc, 'opened', 0, 'all', (v) => v === n)
    const yws = servers.includes('y-websocket') ? value('y-websocket', sc, 'openP99Ms') : NaN
    row(`storm ${n.toLocaleString('en')}: open time p99 ms`, sc, 'openP99Ms', 0, n === 2000 ? '≤ 2× y-websocket' : '',
      n === 2000 && Number.isFinite(yws) ? (v, o) => v <= 2 * yws && value(o, sc, 'opened') === n : null)
  }
  const header = ['', ...servers, 'target', `met (${ours.join(' / ') || 'no ours'})`]
  console.log(`| ${header.join(' | ')} |`)
  console.log(`|---|${servers.map(() => '---:').join('|')}|---|---|`)
  for (const r of rows) console.log(`| ${r.join(' | ')} |`)
  console.log()
}

if (wantSummary) printSummary()
if (wantDetails) printDetails()
