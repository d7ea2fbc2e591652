// The chart of docs/benchmarks.md, drawn by bench/bench-server.sh --sweep: scenario a (200 rooms x 10
// clients, 2 writers per room) at each rate per writer of the sweep, per server: server CPU µs per
// delivered update (left) and p99 latency (right, log scale) against the offered load. Plain SVG written
// here (no chart package). A hollow marker: the server fell behind (delivered < 0.99 of expected).
//   node bench/chart-server.mjs RESULTS_JSONL OUT_SVG
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

const [file, outFile] = process.argv.slice(2)
if (!outFile) {
  console.error('usage: chart-server.mjs RESULTS_JSONL OUT_SVG')
  process.exit(2)
}
const runs = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l))
  .filter((r) => r.scenario.startsWith('a-200x10'))
const metaFile = join(dirname(file), 'meta.json')
const meta = existsSync(metaFile) ? JSON.parse(readFileSync(metaFile, 'utf8')) : {}
const median = (xs) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length === 0 ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}
const colors = {
  'ours-h2': '#d62728', 'ours-h2-hocuspocus': '#ff7f0e', 'ours-pg': '#8c564b',
  hocuspocus: '#1f77b4', 'hocuspocus-sqlite': '#17becf', 'y-websocket': '#2ca02c'
}
const order = Object.keys(colors)
const servers = [...new Set(runs.map((r) => r.server))]
  .sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99))
const rates = [...new Set(runs.map((r) => r.updatesPerSecond))].sort((a, b) => a - b)
const writers = runs[0] ? runs[0].rooms * runs[0].writersPerRoom : 400
const receivers = runs[0] ? runs[0].clientsPerRoom - 1 : 9
const series = servers.map((s) => ({
  server: s,
  points: rates.map((rate) => {
    const rs = runs.filter((r) => r.server === s && r.updatesPerSecond === rate)
    return rs.length
      ? { rate, cpu: median(rs.map((r) => r.cpuMicrosPerDelivery)), p99: median(rs.map((r) => r.p99Ms)),
          behind: median(rs.map((r) => r.deliveryRatio)) < 0.99 }
      : null
  }).filter(Boolean)
}))

const W = 980, H = 460, top = 60, bottom = 80, panelW = 380, panelH = H - top - bottom
const lefts = [70, 560]
const esc = (t) => String(t).replace(/&/g, '&amp;').replace(/</g, '&lt;')
const out = []
const text = (x, y, t, extra = '') => out.push(`<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${extra}>${esc(t)}</text>`)
// x: the sweep's rates, evenly spaced (1, 2, 5, 10/s are roughly logarithmic anyway)
const xAt = (left, rate) => left + (rates.length === 1 ? panelW / 2 : (rates.indexOf(rate) / (rates.length - 1)) * (panelW - 40) + 20)

function panel(left, title, key, log) {
  const values = series.flatMap((s) => s.points.map((p) => p[key])).filter((v) => Number.isFinite(v) && v > 0)
  let lo, hi, ticks
  if (log) {
    lo = 10 ** Math.floor(Math.log10(Math.min(...values, 1)))
    hi = 10 ** Math.ceil(Math.log10(Math.max(...values, 10)))
    ticks = []
    for (let v = lo; v <= hi * 1.0001; v *= 10) ticks.push(v)
  } else {
    lo = 0
    const max = Math.max(...values, 1)
    const step = 10 ** Math.floor(Math.log10(max)) * (max / 10 ** Math.floor(Math.log10(max)) > 5 ? 2 : max / 10 ** Math.floor(Math.log10(max)) > 2 ? 1 : 0.5)
    hi = Math.ceil(max / step) * step
    ticks = []
    for (let v = 0; v <= hi + step / 2; v += step) ticks.push(v)
  }
  const yAt = (v) => top + panelH - (log ? (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) : (v - lo) / (hi - lo)) * panelH
  out.push(`<rect x="${left}" y="${top}" width="${panelW}" height="${panelH}" fill="none" stroke="#999"/>`)
  text(left + panelW / 2, top - 12, title, 'text-anchor="middle" font-weight="bold"')
  for (const t of ticks) {
    const y = yAt(t)
    out.push(`<line x1="${left}" x2="${left + panelW}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" stroke="#eee"/>`)
    text(left - 6, y + 4, t >= 1 ? String(Math.round(t * 10) / 10) : String(t), 'text-anchor="end" font-size="11"')
  }
  for (const rate of rates) {
    const x = xAt(left, rate)
    text(x, top + panelH + 16, `${rate}/s`, 'text-anchor="middle" font-size="11"')
    text(x, top + panelH + 30, `${(rate * writers * receivers / 1000).toFixed(1)}k del/s`, 'text-anchor="middle" font-size="10" fill="#666"')
  }
  text(left + panelW / 2, top + panelH + 48, 'updates/s per writer (400 writers; expected deliveries/s below)', 'text-anchor="middle" font-size="11"')
  for (const s of series) {
    const pts = s.points.filter((p) => Number.isFinite(p[key]) && p[key] > 0)
    const color = colors[s.server] ?? '#555'
    if (pts.length > 1) {
      out.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.map((p) => `${xAt(left, p.rate).toFixed(1)},${yAt(p[key]).toFixed(1)}`).join(' ')}"/>`)
    }
    for (const p of pts) {
      out.push(`<circle cx="${xAt(left, p.rate).toFixed(1)}" cy="${yAt(p[key]).toFixed(1)}" r="4" stroke="${color}" stroke-width="2" fill="${p.behind ? 'white' : color}"><title>${esc(`${s.server} at ${p.rate}/s: ${p[key].toFixed(2)}`)}</title></circle>`)
    }
  }
}

out.push(`<rect width="${W}" height="${H}" fill="white"/>`)
text(W / 2, 22, `Scenario a (200 rooms × 10 clients, 2 writers per room) against load${meta.date ? ` — ${meta.date}` : ''}`, 'text-anchor="middle" font-size="15" font-weight="bold"')
panel(lefts[0], 'server CPU µs per delivered update', 'cpu', false)
panel(lefts[1], 'p99 latency ms (log scale)', 'p99', true)
let lx = 70
for (const s of series) {
  const color = colors[s.server] ?? '#555'
  out.push(`<circle cx="${lx}" cy="${H - 14}" r="5" fill="${color}"/>`)
  text(lx + 9, H - 10, s.server, 'font-size="12"')
  lx += 28 + s.server.length * 7.5
}
text(W - 10, H - 10, 'hollow: delivered < 0.99 of expected', 'text-anchor="end" font-size="11" fill="#666"')
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">\n${out.join('\n')}\n</svg>\n`
writeFileSync(outFile, svg)
console.error(`chart: ${series.length} server(s) x ${rates.length} rate(s) -> ${outFile}`)
