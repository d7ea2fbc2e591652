// Shared helpers of the node test clients: JSON-line output, stdin commands, a hard timeout.
import * as readline from 'node:readline'

/** Prints one JSON object per line on stdout (the Java tests parse these lines). */
export const emit = (obj) => { process.stdout.write(JSON.stringify(obj) + '\n') }

/** Calls handler(line) for each stdin line (commands from the test). */
export const onCommand = (handler) => {
  const rl = readline.createInterface({ input: process.stdin })
  rl.on('line', line => handler(line.trim()))
}

/** Ends the process after ms with exit code 3, so a stuck client never outlives its test. */
export const hardTimeout = (ms, what) => {
  const t = setTimeout(() => { emit({ event: 'timeout', what }); process.exit(3) }, ms)
  t.unref()
}

/** Parses --key value arguments into an object (all values are strings). */
export const parseArgs = (argv) => {
  const args = {}
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith('--')) { args[argv[i].slice(2)] = argv[i + 1]; i++ }
  }
  return args
}

export const toUint8 = (data) => {
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data))
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
}
