// Hocuspocus 3 for bench/bench-server.sh: defaults only (no persistence extension, so it keeps
// documents in memory and journals nothing). PORT and HOST from the environment.
import { Server } from '@hocuspocus/server'
import './gc-on-signal.mjs'

const port = Number(process.env.PORT || 1235)
const address = process.env.HOST || '127.0.0.1'

const server = new Server({ port, address, quiet: true })
await server.listen()
console.log(`hocuspocus listening on ws://${address}:${port}`)
