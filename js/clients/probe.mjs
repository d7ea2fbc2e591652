// A raw WebSocket client that misbehaves on purpose and reports how the server closed the socket.
//   node probe.mjs --url ws://127.0.0.1:3001/realtime/r1 --mode text|binary|fragmented|garbage [--bytes n]
// stdout: {"event":"open"} then {"event":"closed","code":4400,"reason":"..."}; exits 0 after the close.
import WebSocket from 'ws'
import { emit, hardTimeout, parseArgs } from './common.mjs'

const args = parseArgs(process.argv.slice(2))
hardTimeout(Number(args.timeout || 20000), 'probe')
const bytes = Number(args.bytes || 16)
const ws = new WebSocket(args.url)
ws.on('unexpected-response', (req, res) => {
  let body = ''
  res.on('data', c => { body += c })
  res.on('end', () => { emit({ event: 'http', status: res.statusCode, body }); process.exit(0) })
})
ws.on('open', () => {
  emit({ event: 'open' })
  const payload = Buffer.alloc(bytes, 7)
  if (args.mode === 'text') ws.send('hello')
  else if (args.mode === 'binary') ws.send(payload)
  else if (args.mode === 'fragmented') {
    const half = Math.floor(bytes / 2)
    ws.send(payload.subarray(0, half), { fin: false, binary: true })
    ws.send(payload.subarray(half), { fin: true, binary: true })
  } else if (args.mode === 'garbage') ws.send(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]))
})
ws.on('close', (code, reason) => {
  emit({ event: 'closed', code, reason: reason.toString() })
  process.exit(0)
})
ws.on('error', (e) => emit({ event: 'error', message: String(e) }))
