#!/usr/bin/env node
// Differential conformance driver: real Yjs 13.6.33 replicas edit concurrently from a seed; the Java
// ConformanceTest replays what they produced and sends its own results back here to be checked.
//
//   node js/conformance/scenario.mjs --seed 17            one scenario as pretty JSON (replay a failing seed)
//   node js/conformance/scenario.mjs --seeds 0 499        JSON lines, one scenario per seed
//   node js/conformance/scenario.mjs --serve              JSON-line requests on stdin, one response line each:
//        {"op":"gen","seed":N}                 -> scenario (see generate())
//        {"op":"check", ...}                   -> Java's output of a scenario, verified in Yjs (see check())
//        {"op":"applyJava", ...}               -> Java-made updates applied in Yjs (see applyJava())
//        {"op":"utils", ...}                   -> Yjs's results of the update utilities on given updates
import * as Y from 'yjs'
import readline from 'node:readline'
import { Prng, b64, unb64, svObject, hasPending, docView, deepEqual, bytesEqual, typeShares } from './lib.mjs'
import { randomEdit, execOp } from './ops.mjs'

const REMOTE = 'remote'
const range = (from, to) => Array.from({ length: to - from }, (_, i) => from + i)

/** Delivery order for the receivers: shuffled (near-order or fully random), with duplicates. */
const deliveryOrder = (r, n) => {
  const order = [...Array(n).keys()]
  if (r.bool(0.3)) {
    for (let i = n - 1; i > 0; i--) { const j = r.int(i + 1); [order[i], order[j]] = [order[j], order[i]] }
  } else {
    for (let s = 0; s < n; s++) { // local swaps: most updates arrive in order, some early, some late
      const i = r.int(n); const j = Math.min(n - 1, i + r.int(4)); [order[i], order[j]] = [order[j], order[i]]
    }
    if (n > 2 && r.bool(0.5)) order.push(order.splice(r.int(n), 1)[0]) // one gap filled only at the end
  }
  const dups = r.int(Math.max(1, n / 4) + 1)
  for (let d = 0; d < dups && n > 0; d++) order.splice(r.int(order.length + 1), 0, order[r.int(n)])
  return order
}

/**
 * Runs the scenario of `seed`: returns every update the replicas produced (v1 and v2), the receivers'
 * delivery order, the expected state at checkpoints and at the end, a lagging replica, and Yjs's
 * results of the update utilities.
 */
export const generate = (seed) => {
  const r = new Prng(seed)
  const big = seed % 10 === 9 // every tenth seed is a longer session
  const nReplicas = r.range(2, 4)
  const gc = r.bool(0.75)
  const ctx = { seed, subdocs: r.bool(0.2), subdocCounter: 0 }
  const clients = []
  while (clients.length < nReplicas) {
    const id = r.bool(0.2) ? r.int(1 << 21) * 4294967296 + r.uint32() : r.uint32() // some 53-bit ids
    if (!clients.includes(id)) clients.push(id)
  }
  const updates = []
  const replicas = clients.map((clientID, idx) => {
    const doc = new Y.Doc({ gc })
    doc.clientID = clientID
    const rep = { doc, seen: new Set(), idx }
    let pendingV1 = null
    doc.on('update', (u, origin) => { if (origin !== REMOTE) pendingV1 = u })
    doc.on('updateV2', (u, origin) => {
      if (origin === REMOTE) return
      const id = updates.length
      updates.push({ producer: idx, v1: pendingV1, v2: u })
      rep.seen.add(id)
    })
    return rep
  })
  const log = [] // what each replica did, for the Java lockstep replay
  const receive = (rep, ids) => {
    for (const id of ids) {
      if (rep.seen.has(id)) continue
      rep.seen.add(id)
      Y.applyUpdate(rep.doc, updates[id].v1, REMOTE)
    }
  }
  const huge = seed % 50 === 49 // and every fiftieth a long one
  const steps = huge ? r.range(250, 400) : big ? r.range(60, 120) : r.range(4, 25)
  for (let s = 0; s < steps; s++) {
    const rep = r.pick(replicas)
    if (r.bool(0.3) && updates.length > 0) { // sync: a random subset of what others made, in random order
      const unseen = [...updates.keys()].filter(i => !rep.seen.has(i) && r.bool(0.6))
      for (let i = unseen.length - 1; i > 0; i--) { const j = r.int(i + 1); [unseen[i], unseen[j]] = [unseen[j], unseen[i]] }
      const fresh = unseen.filter(i => !rep.seen.has(i))
      const beforeSync = updates.length
      receive(rep, unseen)
      // a remote change to formatted text makes Yjs clean up formatting in a local transaction of its own
      if (fresh.length > 0) log.push({ replica: rep.idx, sync: fresh, produced: range(beforeSync, updates.length) })
    }
    const nEdits = r.range(1, 3)
    const ops = []
    const before = updates.length
    rep.doc.transact(() => {
      for (let e = 0; e < nEdits; e++) {
        const d = randomEdit(r, rep.doc, ctx)
        if (d !== null) { ops.push(structuredClone(d)); execOp(rep.doc, d) } // Yjs may mutate d's objects
      }
    })
    log.push({ replica: rep.idx, ops, produced: range(before, updates.length) })
  }
  const replicaViews = replicas.map(rep => docView(rep.doc).json)
  const lagging = r.pick(replicas)
  const laggingSv = Y.encodeStateVector(lagging.doc)

  const order = deliveryOrder(r, updates.length)
  const checkpointAt = new Set([r.int(order.length + 1), r.int(order.length + 1)])
  const recv = new Y.Doc({ gc })
  const recv2 = new Y.Doc({ gc })
  const checkpoints = []
  for (let k = 0; k <= order.length; k++) {
    if (checkpointAt.has(k) && k < order.length) {
      checkpoints.push({ at: k, ...snapshot(recv, recv2) })
    }
    if (k < order.length) {
      Y.applyUpdate(recv, updates[order[k]].v1, REMOTE)
      Y.applyUpdateV2(recv2, updates[order[k]].v2, REMOTE)
    }
  }
  const untyped = new Y.Doc({ gc })
  for (const i of order) Y.applyUpdate(untyped, updates[i].v1)
  const untypedJsonString = JSON.stringify(untyped.toJSON()) // before any getX: Yjs keeps them as AbstractType

  const deliveredV1 = order.map(i => updates[i].v1)
  const deliveredV2 = order.map(i => updates[i].v2)
  const merged = Y.mergeUpdates(deliveredV1)
  const mergedV2 = Y.mergeUpdatesV2(deliveredV2)
  return {
    seed,
    gc,
    clients,
    updates: updates.map(u => ({ producer: u.producer, v1: b64(u.v1), v2: b64(u.v2) })),
    log,
    replicaViews,
    order,
    checkpoints,
    final: { ...snapshot(recv, recv2), untypedJsonString },
    lagging: laggingView(lagging.doc, laggingSv, recv, recv2, gc),
    utils: {
      merged: b64(merged),
      mergedV2: b64(mergedV2),
      mergedInProductionOrder: b64(Y.mergeUpdates(updates.map(u => u.v1))),
      svFromMerged: b64(Y.encodeStateVectorFromUpdate(merged)),
      svFromMergedV2: b64(Y.encodeStateVectorFromUpdateV2(mergedV2)),
      diffMerged: b64(Y.diffUpdate(merged, laggingSv)),
      diffMergedV2: b64(Y.diffUpdateV2(mergedV2, laggingSv)),
      mergedToV2: b64(Y.convertUpdateFormatV1ToV2(merged)),
      mergedV2ToV1: b64(Y.convertUpdateFormatV2ToV1(mergedV2)),
      svFromEach: updates.map(u => b64(Y.encodeStateVectorFromUpdate(u.v1)))
    }
  }
}

/**
 * The lagging replica: its state vector and state, Yjs's diffs against that state vector, and what the
 * lagging state plus Yjs's own diff looks like. That is not always the receivers' state: the state vector
 * may end inside a surrogate pair and Yjs's diff then starts with a half pair (encoded as U+FFFD).
 */
const laggingView = (lagDoc, laggingSv, recv, recv2, gc) => {
  const state = Y.encodeStateAsUpdate(lagDoc)
  const diffV1 = Y.encodeStateAsUpdate(recv, laggingSv)
  const diffV2 = Y.encodeStateAsUpdateV2(recv2, laggingSv)
  const caughtUp = (diff, v2) => {
    const d = new Y.Doc({ gc })
    Y.applyUpdate(d, state)
    if (v2) Y.applyUpdateV2(d, diff)
    else Y.applyUpdate(d, diff)
    return docView(d).json
  }
  return {
    sv: b64(laggingSv),
    state: b64(state),
    diffV1: b64(diffV1),
    diffV2: b64(diffV2),
    caughtUpV1: caughtUp(diffV1, false),
    caughtUpV2: caughtUp(diffV2, true)
  }
}

/** What a receiver looks like now: the view (toJSON, delta), state vector, pending flag and full state bytes. */
const snapshot = (recv, recv2) => ({
  ...docView(recv, typeShares(recv2)), // typing matters: Yjs cleans up formatting only in typed YText
  sv: svObject(Y.encodeStateVector(recv)),
  pending: hasPending(recv),
  pendingV2: hasPending(recv2),
  stateV1: b64(Y.encodeStateAsUpdate(recv)),
  stateV2: b64(Y.encodeStateAsUpdateV2(recv2))
})

const viewErrors = (label, doc, expected, errors) => {
  const v = docView(doc)
  for (const e of deepEqual(expected, v.json)) errors.push(`${label}: toJSON ${e}`)
  if (hasPending(doc)) errors.push(`${label}: doc has pending structs/deletes`)
}

/**
 * Java's output for a scenario, verified in Yjs: full state v1/v2 into a fresh doc, and Java's diff
 * against the lagging replica's state vector applied on the lagging replica's state.
 * req: {expected (norm json), gc, stateV1, stateV2, laggingState, diffV1, diffV2, caughtUpV1, caughtUpV2}
 */
export const check = (req) => {
  const errors = []
  const fresh = new Y.Doc({ gc: req.gc })
  Y.applyUpdate(fresh, unb64(req.stateV1))
  viewErrors('Java encodeStateAsUpdate -> fresh Yjs doc', fresh, req.expected, errors)
  const fresh2 = new Y.Doc({ gc: req.gc })
  Y.applyUpdateV2(fresh2, unb64(req.stateV2))
  viewErrors('Java encodeStateAsUpdateV2 -> fresh Yjs doc', fresh2, req.expected, errors)
  for (const [label, diff, v2] of [['v1', req.diffV1, false], ['v2', req.diffV2, true]]) {
    const lag = new Y.Doc({ gc: req.gc })
    Y.applyUpdate(lag, unb64(req.laggingState))
    if (v2) Y.applyUpdateV2(lag, unb64(diff))
    else Y.applyUpdate(lag, unb64(diff))
    viewErrors(`lagging Yjs replica + Java diff (${label})`, lag, v2 ? req.caughtUpV2 : req.caughtUpV1, errors)
  }
  return { ok: errors.length === 0, errors }
}

/**
 * Updates made by Java replicas, applied in Yjs in the order the Java receiver applied them.
 * req: {gc, updatesV1: [b64], updatesV2: [b64], expected: {json, delta, jsonString}, sv, pending, stateV1, stateV2}
 */
export const applyJava = (req) => {
  const errors = []
  const d1 = new Y.Doc({ gc: req.gc })
  const d2 = new Y.Doc({ gc: req.gc })
  req.updatesV1.forEach((u, i) => {
    try { Y.applyUpdate(d1, unb64(u)) } catch (e) { errors.push(`Yjs rejected Java v1 update #${i}: ${e.message}`) }
  })
  req.updatesV2.forEach((u, i) => {
    try { Y.applyUpdateV2(d2, unb64(u)) } catch (e) { errors.push(`Yjs rejected Java v2 update #${i}: ${e.message}`) }
  })
  for (const [label, doc] of [['v1', d1], ['v2', d2]]) {
    const v = docView(doc)
    for (const e of deepEqual(req.expected.json, v.json)) errors.push(`${label}: Yjs toJSON differs from Java's: ${e}`)
    for (const e of deepEqual(req.expected.delta, v.delta)) errors.push(`${label}: Yjs text delta differs from Java's: ${e}`)
    if (v.jsonString !== req.expected.jsonString) errors.push(`${label}: JSON.stringify(toJSON) ${JSON.stringify(v.jsonString)} != Java toJSONString ${JSON.stringify(req.expected.jsonString)}`)
    for (const e of deepEqual(req.sv, svObject(Y.encodeStateVector(doc)))) errors.push(`${label}: state vector ${e}`)
    // Yjs can leave valid updates pending forever for some delivery orders (its missing-clock bookkeeping
    // deadlocks); the Java receiver must simply agree
    if (hasPending(doc) !== req.pending) errors.push(`${label}: Yjs hasPending ${hasPending(doc)}, Java ${req.pending}`)
  }
  if (!bytesEqual(Y.encodeStateAsUpdate(d1), unb64(req.stateV1))) errors.push('encodeStateAsUpdate bytes differ between Yjs and Java receivers')
  if (!bytesEqual(Y.encodeStateAsUpdateV2(d2), unb64(req.stateV2))) errors.push('encodeStateAsUpdateV2 bytes differ between Yjs and Java receivers')
  return { ok: errors.length === 0, errors, yjsStateV1: b64(Y.encodeStateAsUpdate(d1)) }
}

/** Yjs's results of the update utilities on arbitrary updates (v1), e.g. ones made by Java. */
export const utils = (req) => {
  const us = req.updates.map(unb64)
  const sv = unb64(req.sv)
  const merged = Y.mergeUpdates(us)
  return {
    merged: b64(merged),
    mergedV2: b64(Y.mergeUpdatesV2(us.map(u => Y.convertUpdateFormatV1ToV2(u)))),
    diff: b64(Y.diffUpdate(merged, sv)),
    svFromMerged: b64(Y.encodeStateVectorFromUpdate(merged)),
    toV2: b64(Y.convertUpdateFormatV1ToV2(merged))
  }
}

const handle = (req) => {
  switch (req.op) {
    case 'gen': return generate(req.seed)
    case 'check': return check(req)
    case 'applyJava': return applyJava(req)
    case 'utils': return utils(req)
    default: throw new Error(`unknown op ${req.op}`)
  }
}

const main = async () => {
  const args = process.argv.slice(2)
  const at = (name) => { const i = args.indexOf(name); return i < 0 ? undefined : args[i + 1] }
  if (args.includes('--serve')) {
    const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity })
    for await (const line of rl) {
      if (!line.trim()) continue
      let res
      try { res = handle(JSON.parse(line)) } catch (e) { res = { error: String(e && e.stack || e) } }
      process.stdout.write(JSON.stringify(res) + '\n')
    }
  } else if (at('--seeds') !== undefined) {
    const from = Number(at('--seeds'))
    const to = Number(args[args.indexOf('--seeds') + 2])
    for (let s = from; s <= to; s++) process.stdout.write(JSON.stringify(generate(s)) + '\n')
  } else if (at('--seed') !== undefined) {
    process.stdout.write(JSON.stringify(generate(Number(at('--seed'))), null, 2) + '\n')
  } else {
    process.stderr.write('usage: scenario.mjs --seed N | --seeds FROM TO | --serve\n')
    process.exit(2)
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main()
