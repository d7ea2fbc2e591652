// Heap per idle connection of our server (bench/bench-server.sh, idle scenario): the difference of two
// `jcmd <pid> GC.class_histogram` outputs (each after a full GC, so live objects only), taken before the
// 2,000 idle connections open and while they are still open, divided by the connections.
//   node bench/class-histogram-diff.mjs BEFORE AFTER CONNECTIONS SERVER [TEXT_OUT]
// Prints one JSON line (scenario "c-idle-histogram": bytes and instances per connection, top 15 classes by
// bytes) for results.jsonl, and writes the readable top-15 table to TEXT_OUT if given.
import { readFileSync, writeFileSync } from 'node:fs'

const [beforeFile, afterFile, connectionsArg, server, textOut] = process.argv.slice(2)
const connections = Number(connectionsArg)
if (!afterFile || !(connections > 0)) {
  console.error('usage: class-histogram-diff.mjs BEFORE AFTER CONNECTIONS SERVER [TEXT_OUT]')
  process.exit(2)
}

// "   1:         12345        6789012  [B (java.base@17.0.15)" -> class -> { instances, bytes }
const parse = (file) => {
  const classes = new Map()
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)/.exec(line)
    if (m) classes.set(m[3], { instances: Number(m[1]), bytes: Number(m[2]) })
  }
  if (classes.size === 0) throw new Error(`${file}: no class histogram lines`)
  return classes
}
const before = parse(beforeFile)
const after = parse(afterFile)
const diff = []
for (const name of new Set([...before.keys(), ...after.keys()])) {
  const b = before.get(name) ?? { instances: 0, bytes: 0 }
  const a = after.get(name) ?? { instances: 0, bytes: 0 }
  diff.push({ name, instances: a.instances - b.instances, bytes: a.bytes - b.bytes })
}
const sum = (key) => diff.reduce((s, d) => s + d[key], 0)
const top = diff.sort((x, y) => y.bytes - x.bytes).slice(0, 15).map((d) => ({
  name: d.name,
  bytesPerConnection: Math.round((d.bytes / connections) * 10) / 10,
  instancesPerConnection: Math.round((d.instances / connections) * 100) / 100
}))
const result = {
  scenario: 'c-idle-histogram',
  server,
  connections,
  bytesPerConnection: Math.round(sum('bytes') / connections),
  instancesPerConnection: Math.round((sum('instances') / connections) * 10) / 10,
  top
}
console.log(JSON.stringify(result))
if (textOut) {
  const lines = [
    `${server}: live heap per idle connection (class histogram diff over ${connections} connections): ` +
      `${(result.bytesPerConnection / 1024).toFixed(1)} KiB, ${result.instancesPerConnection} objects`,
    '',
    '| class | bytes / connection | instances / connection |',
    '|---|---:|---:|',
    ...top.map((t) => `| \`${t.name}\` | ${t.bytesPerConnection.toFixed(0)} | ${t.instancesPerConnection.toFixed(2)} |`)
  ]
  writeFileSync(textOut, lines.join('\n') + '\n')
}
