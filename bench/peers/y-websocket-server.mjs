// The y-websocket 1.5 reference server (bin/server.js: in memory, no persistence unless
// YPERSISTENCE is set, which the benchmark never does). PORT and HOST from the environment.
import { createRequire } from 'node:module'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import './gc-on-signal.mjs'

delete process.env.YPERSISTENCE
const require = createRequire(import.meta.url)
// The package's exports map hides bin/, so find its folder the way node resolves it from here: the nearest
// node_modules walking up. In the root npm workspace that is bench/node_modules/y-websocket (1.5.4, nested
// because js/ pins the 3.x client, which has no server, at the root).
const dir = require.resolve.paths('y-websocket').map((p) => join(p, 'y-websocket'))
  .find((d) => existsSync(join(d, 'package.json')))
const version = dir && JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version
if (!version || !version.startsWith('1.')) {
  console.error(`y-websocket 1.x not found from ${import.meta.dirname} (found ${dir ?? 'none'} ${version ?? ''}): run npm ci at the repository root`)
  process.exit(1)
}
require(join(dir, 'bin/server.js'))
