#!/usr/bin/env bash
# Flooding client (security issue 10, docs/benchmarks.md "Flooding client"): does one client that floods a room
# with valid Yjs updates hurt the latency of the other clients? This server only, one node on H2, pinned to CPU 0
# with the production rate limit (rate_limiting.messages_per_second 10: a token bucket with a 10 s burst that
# shapes each connection's incoming messages), the Java load tool on CPU 1. One room of C normal clients (W
# writers at U updates/s) measured for D seconds after S seconds of warm-up, in three modes:
#   none      no flooder (baseline)
#   same      plus one flooder in the measured room, sending from the start of the window as fast as its socket
#             accepts (--flood-rate max) updates of B text bytes
#   separate  the same flooder in a room of its own (only server-wide effects reach the measured room)
# Each repeat starts a fresh server and runs the modes in a rotated order (none,same,separate / same,separate,none
# / ...), so JIT warm-up and order effects spread over the modes. Medians over the repeats are printed.
#   bench/bench-flood.sh [--quick] [--repeat N] [--modes none,same,separate] [--clients C] [--writers W] [--rate U]
#                        [--warmup S] [--duration D] [--flood-rate R|max] [--flood-bytes B] [--flood-awareness 0|1]
#                        [--messages-per-second N] [--burst-seconds S] [--nice N]
# Defaults: 3 repeats, 10 clients, 2 writers at 5/s, 10 s warm-up, 60 s measured, flood max, 1024 bytes, server
# limit 10 msgs/s (about 12 min); --quick: 1 repeat, 3 s warm-up, 15 s measured (about 2 min).
# Env: SERVER_JAR (default http/target/realtime-server.jar), SERVER_JAVA_OPTS (default -XX:+UseSerialGC -Xms64m -Xmx1g),
# LOAD_JAVA_OPTS (the load tool's JVM flags; default -Xms2g -Xmx2g -Xmn1536m -XX:+UseSerialGC: no GC in a run).
# Prints progress on stderr and a markdown report on stdout; raw results in target/bench-flood/ (results.jsonl,
# report.txt, server and load-tool logs).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/bench/bench-common.sh"
usage_if_help "$0" "$@"
repeat=3; modes="none,same,separate"; clients=10; writers=2; rate=5; warmup=10; duration=60
flood_rate=max; flood_bytes=1024; flood_awareness=0; mps=10; burst_s=10; nice_level=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) repeat=1; warmup=3; duration=15 ;;
    --repeat) repeat="$2"; shift ;;
    --modes) modes="$2"; shift ;;
    --clients) clients="$2"; shift ;;
    --writers) writers="$2"; shift ;;
    --rate) rate="$2"; shift ;;
    --warmup) warmup="$2"; shift ;;
    --duration) duration="$2"; shift ;;
    --flood-rate) flood_rate="$2"; shift ;;
    --flood-bytes) flood_bytes="$2"; shift ;;
    --flood-awareness) flood_awareness="$2"; shift ;;
    --messages-per-second) mps="$2"; shift ;;
    --burst-seconds) burst_s="$2"; shift ;;
    --nice) nice_level="$2"; shift ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done

out="$root/target/bench-flood"
work="$(mktemp -d /tmp/bench-flood.XXXXXX)"
results="$out/results.jsonl"
mkdir -p "$out"
: > "$results"; : > "$out/report.txt"; : > "$out/loadtool.log"

server_pid=""
cleanup() {
  stop_server
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

server_jar="${SERVER_JAR:-$root/http/target/realtime-server.jar}"
load_jar="$root/loadtest/target/realtime-loadtest.jar"
ensure_jar "$load_jar" loadtest "the load tool"
ensure_jar "$server_jar" http "the realtime server"
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
  pin_server=(taskset -c 0); pin_load=(taskset -c 1)
else
  log "WARNING: fewer than 2 CPUs or no taskset: server and load tool are not pinned"
  pin_server=(); pin_load=()
fi
if [ -n "$nice_level" ]; then
  pin_server=(nice -n "$nice_level" "${pin_server[@]}"); pin_load=(nice -n "$nice_level" "${pin_load[@]}")
fi

start_server() { # repeat
  port="$(free_port)"
  local mgmt; mgmt="$(free_port)"
  # Production rate limits (that is what is under test); only the message rate is set explicitly.
  env REALTIME_PORT="$port" REALTIME_HOST=127.0.0.1 REALTIME_DATA_DIR="$work/data-$1" \
    REALTIME_CLUSTER_CANONICAL_PORT="$(free_port)" REALTIME_RATE_LIMITING_MESSAGES_PER_SECOND="$mps" REALTIME_RATE_LIMITING_BURST_SECONDS="$burst_s" \
    "${pin_server[@]}" java ${SERVER_JAVA_OPTS:--XX:+UseSerialGC -Xms64m -Xmx1g} \
    -Dpekko.management.http.port="$mgmt" -Dpekko.management.http.bind-port="$mgmt" \
    -jar "$server_jar" >"$out/server-$1.log" 2>&1 &
  server_pid=$!
  wait_for_port "$port" 180 "$server_pid"
  log "server listening on $port (pid $server_pid)"
}

load() { # mode run
  local mode="$1" flood=()
  case "$mode" in
    none) ;;
    same|separate) flood=(--flooders 1 --flood-room "$mode" --flood-rate "$flood_rate" --flood-bytes "$flood_bytes"
      --flood-awareness "$flood_awareness") ;;
    *) log "unknown mode $mode"; return 1 ;;
  esac
  log "  flood-$mode run $2: 1 room x $clients clients, $writers writers at $rate/s${flood:+, one flooder ($mode room)}"
  # A young generation larger than what one run allocates: the flood start allocates fast, and with a 256 MiB
  # heap a young GC of 0.6-1.7 s (serial GC on a shared core) stopped the tool, adding that pause to the very
  # latency measured (seen with -Xlog:gc; docs/benchmarks.md "Flooding client").
  "${pin_load[@]}" java ${LOAD_JAVA_OPTS:--Xms2g -Xmx2g -Xmn1536m -XX:+UseSerialGC} -jar "$load_jar" \
    --url "ws://127.0.0.1:$port/realtime/{room}" --server ours-h2 --scenario "flood-$mode" \
    --rooms 1 --clients "$clients" --writers "$writers" --rate "$rate" --warmup "$warmup" --duration "$duration" \
    --server-pid "$server_pid" "${flood[@]}" \
    2>>"$out/loadtool.log" | tee -a "$out/report.txt" | sed -n 's/^RESULT_JSON //p' >>"$results"
  if ! kill -0 "$server_pid" 2>/dev/null; then log "  the server died during flood-$mode"; return 1; fi
}

start_time=$SECONDS
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
IFS=',' read -r -a mode_list <<<"$modes"
for r in $(seq 1 "$repeat"); do
  log "== repeat $r"
  start_server "$r"
  sleep 2
  n=${#mode_list[@]}
  for i in $(seq 0 $((n - 1))); do
    load "${mode_list[$(( (i + r - 1) % n ))]}" "$r" || break
  done
  stop_server
done
log "done in $((SECONDS - start_time)) s; raw results in $results"

echo "Date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/{print $2}') GiB RAM"
echo "Load average (1/5/15 min) before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg) (a busy machine inflates latencies)"
echo "Java: $(java -version 2>&1 | head -1); $repeat repeat(s) of modes $modes; 1 room x $clients clients, $writers writers at $rate/s;" \
  "${duration} s measured after ${warmup} s warm-up; flooder: rate $flood_rate, $flood_bytes bytes/update, awareness $flood_awareness;" \
  "server rate_limiting.messages_per_second $mps burst_seconds $burst_s (burst $((mps * burst_s)))${nice_level:+; nice $nice_level}"
echo
node "$root/bench/summarize-flood.mjs" "$results"
