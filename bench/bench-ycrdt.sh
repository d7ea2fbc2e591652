#!/usr/bin/env bash
# ycrdt engine vs Yjs 13.6.33 on the automerge-paper trace (259,778 single-character edits), side by side,
# same machine, same update bytes. Prints a markdown table for docs/benchmarks.md ("ycrdt engine vs Yjs").
#   bench/bench-ycrdt.sh [runs=7] [warmups=3]
# Java side: ycrdt/src/test/java/org/civicpress/ycrdt/bench/EngineBenchmark.java (a main in ycrdt's test
# classes); node side: bench/yjs-engine.mjs; table: bench/engine-report.mjs. Raw results in ycrdt/target/bench/.
# Needs: node 20 (`npm ci` at the repository root is run if needed); the traces at
# <repoRoot>/../shared/traces (or TRACES=dir).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/bench/bench-common.sh"
usage_if_help "$0" "$@"
runs="${1:-7}"
warmups="${2:-3}"
traces="${TRACES:-$root/../shared/traces}"
out="$root/ycrdt/target/bench"
ensure_node_modules "$root/bench" yjs
[ -f "$traces/automerge-paper.json.gz" ] || { echo "no traces at $traces (set TRACES=dir)" >&2; exit 1; }
mkdir -p "$out"

echo "== generating the Yjs updates (one per edit)" >&2
node "$root/js/conformance/traces.mjs" "$traces" "$out" automerge-paper >&2
echo "== building ycrdt (main + test classes)" >&2
(cd "$root" && mvn -B -q -pl ycrdt test-compile)

updates="$out/automerge-paper.updates.bin"
echo "== ycrdt (java)" >&2
java -Xms1g -Xmx4g -cp "$root/ycrdt/target/classes:$root/ycrdt/target/test-classes" \
  org.civicpress.ycrdt.bench.EngineBenchmark "$updates" "$runs" "$warmups" | tee "$out/ycrdt.json" >&2
echo "== Yjs (node)" >&2
node --expose-gc "$root/bench/yjs-engine.mjs" "$updates" "$runs" "$warmups" | tee "$out/yjs.json" >&2

echo "Date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/{print $2}') GiB RAM, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "Java: $(java -version 2>&1 | head -1); node: $(node -v); yjs $(node -p "require('$(node_pkg_dir "$root/bench" yjs)/package.json').version")"
echo
node "$root/bench/engine-report.mjs" "$out/ycrdt.json" "$out/yjs.json"
