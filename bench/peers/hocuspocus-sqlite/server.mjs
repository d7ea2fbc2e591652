// Hocuspocus 3.4.4 with its official SQLite extension (@hocuspocus/extension-sqlite 3.4.4) for
// bench/bench-server.sh: documents are loaded from and stored to the SQLite file SQLITE_DB (a file in
// the run's temp dir; default ./hocuspocus.sqlite). Defaults otherwise: the extension stores the whole
// document state (one upsert per document) debounced, 2 s after a change and at most every 10 s
// (Hocuspocus's `debounce` / `maxDebounce`), i.e. it does not journal each update before relaying it.
// PORT and HOST from the environment. Packages come from this folder's own node_modules (`npm ci` here,
// run by bench-server.sh on demand: sqlite3 builds from source), not from the root npm workspace.
import { Server } from '@hocuspocus/server'
import { SQLite } from '@hocuspocus/extension-sqlite'
import '../gc-on-signal.mjs'

const port = Number(process.env.PORT || 1236)
const address = process.env.HOST || '127.0.0.1'
const database = process.env.SQLITE_DB || 'hocuspocus.sqlite'

const server = new Server({ port, address, quiet: true, extensions: [new SQLite({ database })] })
await server.listen()
console.log(`hocuspocus-sqlite listening on ws://${address}:${port}, database ${database}`)
