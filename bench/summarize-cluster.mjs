// Reads target/bench-cluster/results.jsonl of bench/bench-cluster.sh and prints the markdown tables of
// docs/benchmarks.md "Cluster": failover, recovery per room size, 1 node vs 3 nodes, saturation ramp.
// Medians everywhere (the machine is shared and noisy); min-max where there are several runs.
import { readFileSync } from 'node:fs'

const rows = readFileSync(process.argv[2], 'utf8').split('\n').filter(l => l.trim()).map(l => JSON.parse(l))
const median = xs => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b)
  if (s.length === 0) return NaN
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}
const fmt = (v, d = 0) => Number.isFinite(v) ? v.toFixed(d) : 'n/a'
const spread = (xs, d = 0) => {
  const s = xs.filter(Number.isFinite)
  if (s.length < 2) return ''
  return ` (${fmt(Math.min(...s), d)}-${fmt(Math.max(...s), d)})`
}
const out = []

const failovers = rows.filter(r => r.kind === 'failover')
if (failovers.length) {
  const s = key => failovers.map(r => r[key] == null ? NaN : r[key] / 1000)
  out.push(`### Failover: kill -9 of the room's host -> a client on a surviving node gets an echo again (${failovers.length} run(s))`, '')
  out.push('| figure | median | min-max | runs |', '|---|---:|---:|---|')
  const line = (label, xs, d) => out.push(`| ${label} | ${fmt(median(xs), d)} s | ${spread(xs, d).replace(/[()]/g, '') || '-'} | ${xs.map(x => fmt(x, d)).join(', ')} |`)
  line('first surviving client echoed again', s('firstEchoMs'), 1)
  line('every surviving client echoed again', s('allSurvivorsMs'), 1)
  line("the dead node's client echoed again (reconnected elsewhere)", s('deadNodeClientMs'), 1)
  line('restart of the killed node (local-cluster start-node, to /ready)', failovers.map(r => r.restartSeconds), 0)
  out.push('')
}

const recoveries = rows.filter(r => r.kind === 'recovery')
if (recoveries.length) {
  out.push('### Recovery per room size: one node + PostgreSQL, server killed (-9) after the fill, then started again', '')
  out.push('| snapshots | updates in the room | fill time s | journal rows (not deleted / all) | highest seq nr | snapshots kept: count, largest, total bytes | document bytes (SyncStep2) | connect -> SyncStep2 ms, median (min-max) |')
  out.push('|---|---:|---:|---:|---:|---:|---:|---:|')
  const keys = [...new Set(recoveries.map(r => `${r.snapshots}|${r.size}`))]
  for (const k of keys) {
    const rs = recoveries.filter(r => `${r.snapshots}|${r.size}` === k)
    const r = rs[0]
    const ms = rs.map(x => x.syncMs)
    out.push(`| ${r.snapshots} | ${r.size.toLocaleString('en-US')} | ${fmt(r.fillMs / 1000, 1)} | ${r.journalRowsLive} / ${r.journalRows} | ${r.highestSeqNr} | ${r.snapshots_kept}, ${r.snapshotBytes}, ${r.snapshotBytesTotal} | ${r.syncBytes} | ${fmt(median(ms), 0)}${spread(ms, 0)} |`)
  }
  out.push('')
}

const loads = rows.filter(r => r.kind === 'load')
if (loads.length) {
  const setups = [...new Set(loads.map(r => r.server))]
  const cell = (setup, scenario, key) => median(loads.filter(r => r.server === setup && r.scenario === scenario).map(r => r[key]))
  const runs = (setup, scenario) => loads.filter(r => r.server === setup && r.scenario === scenario).length
  for (const scenario of ['a-200x10', 'b-1x200']) {
    if (!loads.some(r => r.scenario === scenario)) continue
    out.push(`### ${scenario}: ${setups.map(s => `${s} ${runs(s, scenario)} run(s)`).join(', ')}, medians`, '')
    out.push(`| metric | ${setups.join(' | ')} | ${setups.length === 2 ? `${setups[1]} / ${setups[0]}` : ''} |`)
    out.push(`|---|${setups.map(() => '---:').join('|')}|---:|`)
    const metrics = [['sendRatio', 'updates sent / target', 3], ['deliveriesPerSecond', 'deliveries/s', 0],
      ['deliveryRatio', 'delivered / expected', 3], ['p50Ms', 'p50 latency ms', 1], ['p99Ms', 'p99 latency ms', 1],
      ['cpuMicrosPerDelivery', 'server CPU µs / delivery (all nodes + PostgreSQL)', 1],
      ['serverCpuSeconds', 'server CPU s in the window', 2], ['failures', 'errors + server closes + connect failures', 0]]
    for (const [key, label, d] of metrics) {
      const v = s => key === 'failures'
        ? cell(s, scenario, 'errors') + cell(s, scenario, 'closedByServer') + cell(s, scenario, 'connectFailures')
        : cell(s, scenario, key)
      const vals = setups.map(v)
      const ratio = vals.length === 2 && key !== 'failures' && vals[0] ? fmt(vals[1] / vals[0], 2) : ''
      out.push(`| ${label} | ${vals.map(x => fmt(x, d)).join(' | ')} | ${ratio} |`)
    }
    // A median hides a collapsed run: show every run's delivery ratio and p99.
    const each = (s, key, d) => loads.filter(r => r.server === s && r.scenario === scenario).map(r => fmt(r[key], d)).join(', ')
    out.push(`| delivered / expected, each run | ${setups.map(s => each(s, 'deliveryRatio', 3)).join(' | ')} | |`)
    out.push(`| p99 latency ms, each run | ${setups.map(s => each(s, 'p99Ms', 0)).join(' | ')} | |`)
    out.push('')
  }
  const ramp = loads.filter(r => r.scenario.startsWith('ramp-a-rate-'))
  if (ramp.length) {
    const rates = [...new Set(ramp.map(r => r.updatesPerSecond))].sort((a, b) => a - b)
    out.push('### Saturation: scenario a (200 rooms x 10 clients, 2 writers/room) at rising rates per writer, one run each', '')
    out.push(`| updates/s per writer (offered deliveries/s) | ${setups.map(s => `${s}: p99 ms / delivered per s / CPU µs per delivery`).join(' | ')} |`)
    out.push(`|---|${setups.map(() => '---:').join('|')}|`)
    for (const rate of rates) {
      const c = s => {
        const r = ramp.find(x => x.server === s && x.updatesPerSecond === rate)
        return r ? `${fmt(r.p99Ms, 1)} / ${fmt(r.deliveriesPerSecond, 0)} / ${fmt(r.cpuMicrosPerDelivery, 1)}` : 'not run'
      }
      out.push(`| ${rate} (${(rate * 400 * 9).toLocaleString('en-US')}) | ${setups.map(c).join(' | ')} |`)
    }
    out.push('')
    for (const s of setups) {
      const ok = ramp.filter(r => r.server === s && r.p99Ms < 100 && r.deliveryRatio > 0.95).map(r => r.updatesPerSecond)
      out.push(`- ${s}: highest rate with p99 < 100 ms: ${ok.length ? `${Math.max(...ok)} updates/s per writer (${(Math.max(...ok) * 400 * 9).toLocaleString('en-US')} deliveries/s offered)` : 'none of the rates tried'}`)
    }
    out.push('')
  }
}
const start = rows.find(r => r.kind === 'cluster-start')
if (start) out.push(`3-node cluster start (deploy/local-cluster start incl. PostgreSQL, to every /ready): ${start.seconds} s`)
console.log(out.join('\n'))
