// Imported by every peer server: on SIGUSR2 run a full garbage collection (node started with --expose-gc),
// so bench/bench-server.sh can take the idle scenario's RSS baseline on a server that has served load and
// been collected, as it does for our JVM with `jcmd <pid> GC.run`. SIGUSR1 is node's inspector signal;
// SIGUSR2 is free. Without --expose-gc the signal is logged and ignored.
process.on('SIGUSR2', () => {
  if (typeof globalThis.gc === 'function') {
    globalThis.gc()
    console.log(`gc on SIGUSR2: heap used ${(process.memoryUsage().heapUsed / 1048576).toFixed(1)} MiB`)
  } else {
    console.log('SIGUSR2: no gc() (start node with --expose-gc)')
  }
})
