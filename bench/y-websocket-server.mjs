// The y-websocket 1.5 reference server (bin/server.js: in memory, no persistence unless
// YPERSISTENCE is set, which the benchmark never does). PORT and HOST from the environment.
import { createRequire } from 'node:module'

delete process.env.YPERSISTENCE
const require = createRequire(import.meta.url)
// the package's exports map hides bin/, so load it by file path
require('./node_modules/y-websocket/bin/server.js')
