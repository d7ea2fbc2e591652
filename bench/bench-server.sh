#!/usr/bin/env bash
# Side-by-side server benchmark (docs/benchmarks.md, "Server under load"): this server on H2, this
# server on PostgreSQL, Hocuspocus 3.4.4 (defaults: no persistence extension, journals nothing) and the
# y-websocket 1.5.4 server (in memory), each pinned to CPU 0, driven by the Java load tool on CPU 1.
# Scenarios: c) 2,000 idle connections (RSS per connection; runs first, on a fresh server),
#            a) 200 rooms x 10 clients, 2 writers/room at 5 updates/s, b) 1 room x 200 clients, 5 writers at 10/s.
#   bench/bench-server.sh [--quick] [--servers ours-h2,ours-h2-hocuspocus,ours-pg,hocuspocus,y-websocket] [--repeat N] [--nice N]
#                           [--warmup S]
# --warmup S: seconds of load before each measured a/b window (default 3 quick, 5 full), for every server;
# 120-150 lets the JVM's JIT settle on one saturated core (docs/benchmarks.md, "Steady state").
# --nice N runs servers, PostgreSQL and the load tool under `nice -n N` (negative needs root): on a shared
# machine other processes otherwise steal the pinned cores and inflate latencies.
# Env: SERVER_JAR (default http/target/realtime-server.jar), SERVER_JAVA_OPTS (JVM flags of our server;
# default: the recommended production flags of run-server / docs/running.md).
# Prints the progress on stderr and a markdown report on stdout; raw results in target/bench-server/.
# Needs: java 17, node 20 (`npm ci` at the repository root is run if needed), taskset, PostgreSQL binaries under
# /usr/lib/postgresql/*/bin for ours-pg. Builds the two jars if they are missing.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/bench/bench-common.sh"
usage_if_help "$0" "$@"
quick=0
servers="ours-h2,ours-h2-hocuspocus,ours-pg,hocuspocus,y-websocket"
repeat=""
nice_level=""
warmup_override=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --servers) servers="$2"; shift ;;
    --repeat) repeat="$2"; shift ;;
    --nice) nice_level="$2"; shift ;;
    --warmup) warmup_override="$2"; shift ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
if [ "$quick" = 1 ]; then
  warmup=3; duration=6; idle=5; connect_rate=500; repeat="${repeat:-1}"
else
  warmup=5; duration=15; idle=10; connect_rate=400; repeat="${repeat:-3}"
fi
warmup="${warmup_override:-$warmup}"

out="$root/target/bench-server"
work="$(mktemp -d /tmp/bench-server.XXXXXX)"
results="$out/results.jsonl"
mkdir -p "$out"
: > "$results"

server_pid=""
pg_bin=""
pg_data=""
cleanup() {
  stop_server
  stop_postgres
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

# ---------- prerequisites
server_jar="${SERVER_JAR:-$root/http/target/realtime-server.jar}"
load_jar="$root/loadtest/target/realtime-loadtest.jar"
ensure_jar "$load_jar" loadtest "the load tool"
if [[ "$servers" == *ours* ]]; then ensure_jar "$server_jar" http "the realtime server"; fi
ensure_node_modules "$root/bench/peers" @hocuspocus/server y-websocket
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
  pin_server=(taskset -c 0); pin_load=(taskset -c 1)
else
  log "WARNING: fewer than 2 CPUs or no taskset: server and load tool are not pinned"
  pin_server=(); pin_load=()
fi
if [ -n "$nice_level" ]; then
  pin_server=(nice -n "$nice_level" "${pin_server[@]}"); pin_load=(nice -n "$nice_level" "${pin_load[@]}")
fi

# ---------- the servers under test
start_server() { # name
  local name="$1"
  port="$(free_port)"
  extra_pids=""
  local logf="$out/$name.log"
  case "$name" in
    ours-h2|ours-pg|ours-h2-hocuspocus)
      local env=(REALTIME_PORT="$port" REALTIME_HOST=127.0.0.1 REALTIME_DATA_DIR="$work/data-$name"
        REALTIME_CLUSTER_CANONICAL_PORT="$(free_port)"
        # the defaults protect production (100 rooms, 10 msgs/s, 100 connections per IP): lift them
        REALTIME_ROOMS_MAX_ROOMS=100000 REALTIME_RATE_LIMITING_MESSAGES_PER_SECOND=100000
        REALTIME_RATE_LIMITING_CONNECTIONS_PER_IP=100000 REALTIME_RATE_LIMITING_CONNECTIONS_PER_USER=100000)
      if [ "$name" = ours-pg ]; then
        # a throw-away cluster pinned to CPU 0 next to the server
        start_postgres "$work/pg" -c max_connections=200
        env+=(REALTIME_DATABASE_TYPE=postgres REALTIME_DB_URL="jdbc:postgresql://127.0.0.1:$pg_port/realtime"
          REALTIME_DB_USER=postgres REALTIME_DB_PASSWORD=unused)
        extra_pids=",$pg_pid"
      fi
      local mgmt; mgmt="$(free_port)"
      env "${env[@]}" "${pin_server[@]}" java ${SERVER_JAVA_OPTS:--XX:+UseSerialGC -Xms64m -Xmx1g} \
        -Dpekko.management.http.port="$mgmt" -Dpekko.management.http.bind-port="$mgmt" \
        -jar "$server_jar" >"$logf" 2>&1 &
      url="ws://127.0.0.1:$port/realtime/{room}"; protocol=y-websocket
      # the same server and rooms through its Hocuspocus endpoint, driven like the Hocuspocus peer
      if [ "$name" = ours-h2-hocuspocus ]; then url="ws://127.0.0.1:$port/hocuspocus"; protocol=hocuspocus; fi ;;
    hocuspocus)
      PORT="$port" HOST=127.0.0.1 "${pin_server[@]}" node "$root/bench/peers/hocuspocus-server.mjs" >"$logf" 2>&1 &
      url="ws://127.0.0.1:$port/"; protocol=hocuspocus ;;
    y-websocket)
      PORT="$port" HOST=127.0.0.1 "${pin_server[@]}" node "$root/bench/peers/y-websocket-server.mjs" >"$logf" 2>&1 &
      url="ws://127.0.0.1:$port/{room}"; protocol=y-websocket ;;
    *) log "unknown server $name"; return 1 ;;
  esac
  server_pid=$!
  wait_for_port "$port" 180 "$server_pid"
  log "$name listening on $port (pid $server_pid)"
}

load() { # scenario run rooms clients writers rate warmup duration
  local scenario="$1" run="$2"
  log "  $scenario run $run: $3 rooms x $4 clients, $5 writers at $6/s"
  "${pin_load[@]}" java -Xms1g -Xmx2g -XX:+UseSerialGC -jar "$load_jar" \
    --url "$url" --protocol "$protocol" --server "$current" --scenario "$scenario" \
    --rooms "$3" --clients "$4" --writers "$5" --rate "$6" --warmup "$7" --duration "$8" \
    --connect-rate "$connect_rate" --server-pid "$server_pid$extra_pids" \
    2>>"$out/loadtool.log" | tee -a "$out/report.txt" | sed -n 's/^RESULT_JSON //p' >>"$results"
  if ! kill -0 "$server_pid" 2>/dev/null; then log "  $current died during $scenario"; return 1; fi
}

start_time=$SECONDS
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
IFS=',' read -r -a server_list <<<"$servers"
for current in "${server_list[@]}"; do
  log "== $current"
  if ! start_server "$current"; then
    log "skipping $current (see $out/$current.log)"; stop_server; stop_postgres; continue
  fi
  # Let the runtime settle (JIT, lazy init) before the baseline RSS of the idle scenario.
  sleep 2
  load c-idle-2000 1 200 10 0 1 0 "$idle" || true
  for r in $(seq 1 "$repeat"); do
    load a-200x10 "$r" 200 10 2 5 "$warmup" "$duration" || break
    load b-1x200 "$r" 1 200 5 10 "$warmup" "$duration" || break
  done
  stop_server
  stop_postgres
done
log "done in $((SECONDS - start_time)) s; raw results in $results"

echo "Date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/{print $2}') GiB RAM"
echo "Load average (1/5/15 min) before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg) (a busy machine inflates latencies)"
echo "Java: $(java -version 2>&1 | head -1); node: $(node -v); mode: $([ "$quick" = 1 ] && echo quick || echo full)${nice_level:+, nice $nice_level}, $repeat run(s) of a and b, ${duration} s measured after ${warmup} s warm-up"
echo
node "$root/bench/summarize-server.mjs" "$results"
