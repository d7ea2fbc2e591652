#!/usr/bin/env bash
# The ydoc CLI vs node Yjs as one-shot processes, side by side: `java -jar ycrdt/target/ydoc.jar dump --stream
# --json STREAM` against `node bench/yjs-dump.mjs STREAM` (Yjs 13.6.33 applying the same updates one by one and
# printing doc.toJSON()), on the automerge-paper trace (259,778 single-character updates, one stream file of
# varUint-length-prefixed updates). Whole process wall time, start to exit, runs alternating; checks both print
# the same JSON. Prints a markdown table for docs/benchmarks.md ("ydoc CLI vs node Yjs, whole process").
#   bench/bench-ydoc-cli.sh [runs=11]
# Needs: node 20 (root node_modules); the traces at <repoRoot>/../shared/traces (or TRACES=dir).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/bench/bench-common.sh"
usage_if_help "$0" "$@"
runs="${1:-11}"
traces="${TRACES:-$root/../shared/traces}"
out="$root/ycrdt/target/bench"
ensure_node_modules "$root/bench" yjs
[ -f "$traces/automerge-paper.json.gz" ] || { echo "no traces at $traces (set TRACES=dir)" >&2; exit 1; }
mkdir -p "$out"
stream="$out/automerge-paper.stream"
if [ ! -f "$stream" ]; then
  echo "== generating the Yjs updates (one per edit) and the stream file" >&2
  node "$root/js/conformance/traces.mjs" "$traces" "$out" automerge-paper >&2
  node "$root/bench/yjs-dump.mjs" --make-stream "$out/automerge-paper.updates.bin" "$stream"
fi
if [ ! -f "$root/ycrdt/target/ydoc.jar" ]; then
  echo "== building ycrdt/target/ydoc.jar" >&2
  (cd "$root" && mvn -B -q -pl ycrdt package -DskipTests)
fi

cd "$root"
ms() { local t0 t1; t0=$(date +%s%N); "$@" > "$out/cli-last.json"; t1=$(date +%s%N); echo $(( (t1 - t0) / 1000000 )); }
java_ms=(); node_ms=()
for ((i = 1; i <= runs; i++)); do
  java_ms+=("$(ms java -jar ycrdt/target/ydoc.jar dump --stream --json "$stream")")
  cp "$out/cli-last.json" "$out/cli-java.json"
  node_ms+=("$(ms node bench/yjs-dump.mjs "$stream")")
  cp "$out/cli-last.json" "$out/cli-node.json"
  echo "run $i: ydoc ${java_ms[-1]} ms, node ${node_ms[-1]} ms" >&2
done
cmp -s "$out/cli-java.json" "$out/cli-node.json" && same="identical ($(wc -c < "$out/cli-java.json") bytes)" \
  || { echo "OUTPUTS DIFFER: $out/cli-java.json vs $out/cli-node.json" >&2; same="DIFFERENT"; }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
range() { printf '%s\n' "$@" | sort -n | awk 'NR==1{lo=$1} {hi=$1} END {print lo "-" hi}'; }
jm=$(median "${java_ms[@]}"); nm=$(median "${node_ms[@]}")

echo "Date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/{print $2}') GiB RAM, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "Java: $(java -version 2>&1 | head -1); node: $(node -v); yjs $(node -p "require('$(node_pkg_dir "$root/bench" yjs)/package.json').version")"
echo
echo "| whole process, automerge-paper stream ($runs runs, alternating) | median | min-max |"
echo "| --- | ---: | ---: |"
echo "| \`java -jar ycrdt/target/ydoc.jar dump --stream --json\` | $jm ms | $(range "${java_ms[@]}") ms |"
echo "| \`node bench/yjs-dump.mjs\` (Yjs applying the same updates) | $nm ms | $(range "${node_ms[@]}") ms |"
echo "| ratio ydoc / node | $(awk "BEGIN {printf \"%.2f\", $jm / $nm}") | |"
echo
echo "Outputs: $same"
