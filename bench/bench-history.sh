#!/usr/bin/env bash
# As-of reconstruction of a large room (docs/history.md): N updates (default 100,000: the first edits of the
# automerge-paper trace, sent to a real room in bursts of 20 and journaled by its group commit into H2), then the document as of
# the last, a middle and an early point read back with RoomHistory (Pekko Persistence Query + snapshot store),
# with snapshots every S updates (kept by history.retain_events) and without snapshots; plus, in memory, the full
# replay merged first (Y.mergeUpdates, what the server does) vs applied one update at a time.
#   bench/bench-history.sh [updates=100000] [snapshot-every=1000] [runs=5]
# Java side: persistence/src/test/java/org/civicpress/realtime/persistence/HistoryBenchmark.java (a JUnit test
# enabled by -Dhistory.bench=true). Result: persistence/target/bench-history.txt (and on stderr).
# Needs the traces at <repoRoot>/../shared/traces (or TRACES=dir).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/bench/bench-common.sh"
usage_if_help "$0" "$@"
updates="${1:-100000}"
every="${2:-1000}"
runs="${3:-5}"
traces="${TRACES:-$root/../shared/traces}"
[ -f "$traces/automerge-paper.json.gz" ] || { echo "no traces at $traces (set TRACES=dir)" >&2; exit 1; }
cd "$root"
mvn -B -q -pl persistence -am test -Dtest=HistoryBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
  -Dhistory.bench=true -Dhistory.bench.updates="$updates" -Dhistory.bench.snapshot-every="$every" \
  -Dhistory.bench.runs="$runs" -Dhistory.bench.trace="$traces/automerge-paper.json.gz" \
  -DargLine="-Xmx2g -Dhistory.bench=true -Dhistory.bench.updates=$updates -Dhistory.bench.snapshot-every=$every -Dhistory.bench.runs=$runs -Dhistory.bench.trace=$traces/automerge-paper.json.gz"
cat "$root/persistence/target/bench-history.txt"
