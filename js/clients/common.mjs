// Shared helpers of the node test clients: JSON-line output, stdin commands, a hard timeout.
import * as readline from 'node:readline'
import * as decoding from 'lib0/decoding'

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

/** y-protocols sync message types (the second varint of a messageSync 0 frame). */
export const SYNC_STEP2 = 1
export const SYNC_UPDATE = 2

/**
 * The update carried by a server frame if it is a messageSync of this type (SYNC_UPDATE: what the server
 * broadcasts, and echoes to the sender once journaled; SYNC_STEP2: its answer to a SyncStep1), else null.
 */
export const syncPayloadOf = (data, syncType) => {
  const decoder = decoding.createDecoder(toUint8(data))
  if (decoding.readVarUint(decoder) !== 0 || decoding.readVarUint(decoder) !== syncType) return null
  return decoding.readVarUint8Array(decoder)
}

/** The reason of a y-protocols auth message permission-denied (messageAuth 2, type 0), else null. */
export const permissionDeniedReasonOf = (data) => {
  const decoder = decoding.createDecoder(toUint8(data))
  if (decoding.readVarUint(decoder) !== 2 || decoding.readVarUint(decoder) !== 0) return null
  return decoding.readVarString(decoder)
}
