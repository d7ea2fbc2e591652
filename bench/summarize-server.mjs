// Reads the RESULT_JSON lines of bench/bench-server.sh (one per load-tool run) and prints the
// side-by-side markdown table: medians per server and scenario, ratios vs Hocuspocus and y-websocket,
// and the three targets of docs/benchmarks.md with met / not met.
import { readFileSync } from 'node:fs'

const file = process.argv[2]
const runs = readFileSync(file, 'utf8').split('\n').filter(l => l.trim()).map(l => JSON.parse(l))
const median = xs => {
  const s = [...xs].sort((a, b) => a - b)
  if (s.length === 0) return NaN
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}
const order = ['ours-h2', 'ours-h2-hocuspocus', 'ours-pg', 'hocuspocus', 'y-websocket']
const servers = [...new Set(runs.map(r => r.server))].sort((a, b) => order.indexOf(a) - order.indexOf(b))
const scenarios = [...new Set(runs.map(r => r.scenario))].sort()
const cell = (server, scenario, key) => median(runs.filter(r => r.server === server && r.scenario === scenario).map(r => r[key]))
const count = (server, scenario) => runs.filter(r => r.server === server && r.scenario === scenario).length

const metrics = {
  'a-200x10': [['sendRatio', 'updates sent / target', 3], ['deliveriesPerSecond', 'deliveries/s', 0], ['deliveryRatio', 'delivered / expected', 3],
    ['p50Ms', 'p50 latency ms', 2], ['p99Ms', 'p99 latency ms', 2], ['cpuMicrosPerDelivery', 'server CPU µs / delivery', 1],
    ['cpuMicrosPerSentUpdate', 'server CPU µs / sent update', 1], ['serverRssKibAfter', 'server RSS MiB (end)', -1],
    ['loadToolCpuSeconds', 'load tool CPU s (window)', 2], ['errors', 'errors + server closes', -2]],
  'b-1x200': [['sendRatio', 'updates sent / target', 3], ['deliveriesPerSecond', 'deliveries/s', 0], ['deliveryRatio', 'delivered / expected', 3],
    ['p50Ms', 'p50 latency ms', 2], ['p99Ms', 'p99 latency ms', 2], ['cpuMicrosPerDelivery', 'server CPU µs / delivery', 1],
    ['cpuMicrosPerSentUpdate', 'server CPU µs / sent update', 1], ['serverRssKibAfter', 'server RSS MiB (end)', -1],
    ['loadToolCpuSeconds', 'load tool CPU s (window)', 2], ['errors', 'errors + server closes', -2]],
  'c-idle-2000': [['connected', 'connected', 0], ['rssKibPerConnection', 'RSS KiB / connection', 1],
    ['serverRssKibAfter', 'server RSS MiB (end)', -1], ['serverCpuSeconds', 'server CPU s while idle', 2],
    ['errors', 'errors + server closes', -2]]
}
const fmt = (v, digits) => Number.isFinite(v) ? v.toFixed(digits) : 'n/a'
const value = (server, scenario, key, digits) => {
  if (digits === -1) return cell(server, scenario, key) / 1024
  if (digits === -2) return cell(server, scenario, 'errors') + cell(server, scenario, 'closedByServer') + cell(server, scenario, 'connectFailures')
  return cell(server, scenario, key)
}
const ours = servers.filter(s => s.startsWith('ours'))
const peers = ['hocuspocus', 'y-websocket'].filter(p => servers.includes(p))
const ratioCols = ours.flatMap(o => peers.map(p => [o, p]))

for (const scenario of scenarios) {
  const spec = metrics[scenario]
  if (!spec) continue
  const n = servers.map(s => count(s, scenario)).join('/')
  console.log(`### ${scenario} (medians of ${n} run(s))\n`)
  const header = ['metric', ...servers, ...ratioCols.map(([o, p]) => `${o} / ${p}`)]
  console.log(`| ${header.join(' | ')} |`)
  console.log(`|---|${header.slice(1).map(() => '---:').join('|')}|`)
  for (const [key, label, digits] of spec) {
    const d = digits < 0 ? 1 : digits
    const vals = servers.map(s => fmt(value(s, scenario, key, digits), digits === -2 ? 0 : d))
    const ratios = ratioCols.map(([o, p]) => {
      const a = value(o, scenario, key, digits); const b = value(p, scenario, key, digits)
      return digits === -2 || !(b > 0) ? '' : (a / b).toFixed(2)
    })
    console.log(`| ${[label, ...vals, ...ratios].join(' | ')} |`)
  }
  console.log()
}

if (ours.length && peers.length) {
  console.log('### Targets\n')
  const verdict = ok => ok ? '**met**' : '**not met**'
  for (const o of ours) {
    for (const scenario of ['a-200x10', 'b-1x200']) {
      if (servers.includes('hocuspocus')) {
        const cpu = value(o, scenario, 'cpuMicrosPerDelivery', 1); const hp = value('hocuspocus', scenario, 'cpuMicrosPerDelivery', 1)
        console.log(`- ${o}, ${scenario}: CPU per delivered update ≤ ½ Hocuspocus: ${fmt(cpu, 1)} µs vs ${fmt(hp, 1)} µs (ratio ${fmt(cpu / hp, 2)}) → ${verdict(cpu <= hp / 2)}`)
        const p99 = value(o, scenario, 'p99Ms', 2); const hp99 = value('hocuspocus', scenario, 'p99Ms', 2)
        console.log(`- ${o}, ${scenario}: p99 ≤ Hocuspocus: ${fmt(p99, 2)} ms vs ${fmt(hp99, 2)} ms → ${verdict(p99 <= hp99)}`)
      }
    }
    if (servers.includes('y-websocket')) {
      const rss = value(o, 'c-idle-2000', 'rssKibPerConnection', 1); const yws = value('y-websocket', 'c-idle-2000', 'rssKibPerConnection', 1)
      console.log(`- ${o}: RSS per idle connection ≤ y-websocket: ${fmt(rss, 1)} KiB vs ${fmt(yws, 1)} KiB → ${verdict(rss <= yws)}`)
    }
  }
}
