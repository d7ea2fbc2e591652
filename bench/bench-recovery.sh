#!/usr/bin/env bash
# Room recovery without snapshots: rooms of N journal events of one update each (the first N edits of the
# automerge-paper trace, as human-speed typing journals them) in H2, each run a new room incarnation timed from
# start to its answer to Inspect (recovery + encoding the document); the recovered document is checked
# byte-equal to applying the updates one by one. The first recovery of the JVM (what a restarted server pays)
# is reported apart from the median of the next runs.
#   bench/bench-recovery.sh [sizes=1000,100000] [runs=5] [postgres=false]
# Java side: persistence/src/test/java/org/civicpress/realtime/persistence/RecoveryBenchmark.java (a JUnit test
# enabled by -Drecovery.bench=true), logging at the server's levels (src/test/resources/logback-bench.xml).
# Result: persistence/target/bench-recovery.txt. Figures: docs/benchmarks.md "Room recovery without snapshots".
# Needs the traces at <repoRoot>/../shared/traces (or TRACES=dir); postgres=true starts its own PostgreSQL.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/bench/bench-common.sh"
usage_if_help "$0" "$@"
sizes="${1:-1000,100000}"
runs="${2:-5}"
postgres="${3:-false}"
traces="${TRACES:-$root/../shared/traces}"
[ -f "$traces/automerge-paper.json.gz" ] || { echo "no traces at $traces (set TRACES=dir)" >&2; exit 1; }
cd "$root"
mvn -B -q -pl persistence -am test -Dtest=RecoveryBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
  -DargLine="-Xmx2g -Dlogback.configurationFile=$root/persistence/src/test/resources/logback-bench.xml -Drecovery.bench=true ${RECOVERY_BENCH_JAVA_OPTS:-} -Drecovery.bench.sizes=$sizes -Drecovery.bench.runs=$runs -Drecovery.bench.postgres=$postgres -Dhistory.bench.trace=$traces/automerge-paper.json.gz" >&2
cat "$root/persistence/target/bench-recovery.txt"
