#!/usr/bin/env bash
# Side-by-side server benchmark (docs/benchmarks.md, "Server under load"): this server on H2 (also through its
# Hocuspocus endpoint) and on PostgreSQL, Hocuspocus 3.4.4 in memory (no persistence extension, journals
# nothing) and with its SQLite extension (file database in the run's temp dir), and the y-websocket 1.5.4
# server (in memory), each pinned to CPU 0, driven by the Java load tool on CPU 1. Per server, in this order:
#   idle) after 10 s of a tenth of scenario a (warm-up) and a full GC (the RSS baseline): 2,000 idle
#         connections held --idle S: RSS per connection, idle CPU; for ours a class histogram diff (heap per connection);
#   a) 200 rooms x 10 clients, 2 writers/room at 5 updates/s; b) 1 room x 200 clients, 5 writers at 10/s;
#   sweep) with --sweep: a at further rates per writer (the chart's points, a at 5/s is the 5 point);
#   storm) N clients connecting at once (20 per room), for each N of --storm: how many open within
#         --storm-deadline S (upgrade done and the server's first sync message in), open-time percentiles.
#   bench/bench-server.sh [--quick] [--steady] [--servers ours-h2,ours-h2-hocuspocus,ours-pg,hocuspocus,hocuspocus-sqlite,y-websocket]
#                         [--parts a,b,idle,storm] [--sweep [RATES]] [--storm 2000,10000] [--storm-deadline S]
#                         [--repeat N] [--warmup S] [--duration S] [--idle S] [--nice N]
# --warmup S: seconds of the same load before each measured a/b window (default 3 quick, 5 full), for every
# server; --steady = --warmup 60 and (unless --repeat is given) one run of a and b: the figures the targets of
# issue 11 are judged on ("steady state after at least 60 s of the same load"); 120-150 lets the JVM's JIT
# settle completely on one saturated core (docs/benchmarks.md, "Steady state").
# --sweep [RATES]: also run a at these updates/s per writer (default 1,2,10; 5 is a itself), each after
# --sweep-warmup S (default 10) and measured --sweep-duration S (default 10); draws the chart (CPU per
# delivery and p99 against load) to docs/benchmarks-chart.svg (and target/bench-server/chart.svg).
# --storm N[,N2]: storm sizes (default 2000,10000; quick 2000; "none" skips); deadline default 60 s.
# --parts: which of a, b, idle, storm run (default all; the sweep comes with --sweep).
# --nice N runs servers, PostgreSQL and the load tool under `nice -n N` (negative needs root): on a shared
# machine other processes otherwise steal the pinned cores and inflate latencies.
# Env: SERVER_JAR (default http/target/realtime-server.jar), SERVER_JAVA_OPTS (JVM flags of our server;
# default: the recommended production flags of run-server / docs/running.md).
# Prints the progress on stderr and a markdown report on stdout (the summary table against the targets of
# issue 11 first); raw results in target/bench-server/ (results.jsonl, meta.json, report.txt, logs, class
# histograms); `node bench/summarize-server.mjs target/bench-server/results.jsonl --summary` reprints the summary.
# Needs: java 17 (with jcmd), node 20 (`npm ci` at the repository root is run if needed; hocuspocus-sqlite has
# its own package in bench/peers/hocuspocus-sqlite, `npm ci` there builds sqlite3 from source, ~2 min, once),
# taskset, PostgreSQL binaries under /usr/lib/postgresql/*/bin for ours-pg. Builds the two jars if missing.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/bench/bench-common.sh"
usage_if_help "$0" "$@"
quick=0
steady=0
servers="ours-h2,ours-h2-hocuspocus,ours-pg,hocuspocus,hocuspocus-sqlite,y-websocket"
parts="a,b,idle,storm"
repeat=""
nice_level=""
warmup_override=""
duration_override=""
idle_override=""
sweep_rates=""
sweep_warmup=10
sweep_duration=10
storm_sizes=""
storm_deadline=60
command_line="bench/bench-server.sh $*"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --steady) steady=1 ;;
    --servers) servers="$2"; shift ;;
    --parts) parts="$2"; shift ;;
    --repeat) repeat="$2"; shift ;;
    --nice) nice_level="$2"; shift ;;
    --warmup) warmup_override="$2"; shift ;;
    --duration) duration_override="$2"; shift ;;
    --idle) idle_override="$2"; shift ;;
    --sweep)
      if [ $# -gt 1 ] && [[ "$2" =~ ^[0-9.,]+$ ]]; then sweep_rates="$2"; shift; else sweep_rates="1,2,10"; fi ;;
    --sweep-warmup) sweep_warmup="$2"; shift ;;
    --sweep-duration) sweep_duration="$2"; shift ;;
    --storm) storm_sizes="$2"; shift ;;
    --storm-deadline) storm_deadline="$2"; shift ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
if [ "$quick" = 1 ]; then
  warmup=3; duration=6; idle=10; connect_rate=500; repeat="${repeat:-1}"; storm_sizes="${storm_sizes:-2000}"
else
  warmup=5; duration=15; idle=30; connect_rate=400; repeat="${repeat:-3}"; storm_sizes="${storm_sizes:-2000,10000}"
fi
if [ "$steady" = 1 ]; then warmup=60; repeat="${repeat:-1}"; fi
warmup="${warmup_override:-$warmup}"
duration="${duration_override:-$duration}"
idle="${idle_override:-$idle}"
[ "$storm_sizes" = none ] && storm_sizes=""
has_part() { [[ ",$parts," == *",$1,"* ]]; }

out="$root/target/bench-server"
work="$(mktemp -d /tmp/bench-server.XXXXXX)"
results="$out/results.jsonl"
mkdir -p "$out"
: > "$results"
: > "$out/report.txt"
: > "$out/loadtool.log"
rm -f "$out"/*-histogram-*.txt "$out/meta.json"

# Thousands of sockets in one process each (the storm of 10,000: the server and the load tool hold one
# descriptor per connection): lift the soft limit to the hard one for everything started from here.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
max_storm=0
for n in ${storm_sizes//,/ }; do [ "$n" -gt "$max_storm" ] && max_storm="$n"; done
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((max_storm + 1000)) ]; then
  log "WARNING: open files limit $(ulimit -n) is below a storm of $max_storm plus headroom: raise the hard limit (ulimit -Hn)"
fi

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
# hocuspocus-sqlite has its own package (not in the root workspace: its sqlite3 compiles from source)
sqlite_peer="$root/bench/peers/hocuspocus-sqlite"
if [[ ",$servers," == *",hocuspocus-sqlite,"* ]] \
    && ! (cd "$sqlite_peer" && node -e "require('sqlite3'); require('@hocuspocus/extension-sqlite')" 2>/dev/null); then
  log "installing $sqlite_peer (npm ci: sqlite3 builds from source with node-gyp, ~2 min)"
  (cd "$sqlite_peer" && npm ci --no-audit --no-fund) >&2
fi
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
  java_server=0
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
      url="ws://127.0.0.1:$port/realtime/{room}"; protocol=y-websocket; java_server=1
      # the same server and rooms through its Hocuspocus endpoint, driven like the Hocuspocus peer
      if [ "$name" = ours-h2-hocuspocus ]; then url="ws://127.0.0.1:$port/hocuspocus"; protocol=hocuspocus; fi ;;
    # node peers: --expose-gc so SIGUSR2 can collect before the idle baseline (bench/peers/gc-on-signal.mjs)
    hocuspocus)
      PORT="$port" HOST=127.0.0.1 "${pin_server[@]}" node --expose-gc "$root/bench/peers/hocuspocus-server.mjs" >"$logf" 2>&1 &
      url="ws://127.0.0.1:$port/"; protocol=hocuspocus ;;
    hocuspocus-sqlite)
      PORT="$port" HOST=127.0.0.1 SQLITE_DB="$work/hocuspocus.sqlite" "${pin_server[@]}" \
        node --expose-gc "$sqlite_peer/server.mjs" >"$logf" 2>&1 &
      url="ws://127.0.0.1:$port/"; protocol=hocuspocus ;;
    y-websocket)
      PORT="$port" HOST=127.0.0.1 "${pin_server[@]}" node --expose-gc "$root/bench/peers/y-websocket-server.mjs" >"$logf" 2>&1 &
      url="ws://127.0.0.1:$port/{room}"; protocol=y-websocket ;;
    *) log "unknown server $name"; return 1 ;;
  esac
  server_pid=$!
  wait_for_port "$port" 180 "$server_pid"
  log "$name listening on $port (pid $server_pid)"
}

load_tool() { # load-tool options...: runs it pinned, appends its RESULT_JSON to the results
  "${pin_load[@]}" java -Xms1g -Xmx2g -XX:+UseSerialGC -jar "$load_jar" \
    --url "$url" --protocol "$protocol" --server "$current" --server-pid "$server_pid$extra_pids" "$@" \
    2>>"$out/loadtool.log" | tee -a "$out/report.txt" | sed -n 's/^RESULT_JSON //p' >>"$results"
  if ! kill -0 "$server_pid" 2>/dev/null; then log "  $current died"; return 1; fi
}

load() { # scenario run rooms clients writers rate warmup duration [more load-tool options]
  local scenario="$1" run="$2"
  log "  $scenario run $run: $3 rooms x $4 clients, $5 writers at $6/s, ${8} s after ${7} s"
  load_tool --scenario "$scenario" --rooms "$3" --clients "$4" --writers "$5" --rate "$6" --warmup "$7" \
    --duration "$8" --connect-rate "$connect_rate" "${@:9}"
}

# A full GC before the idle baseline: jcmd for our JVM (its class histogram forces one and is the "before"
# half of the heap-per-connection diff), SIGUSR2 for the node peers (bench/peers/gc-on-signal.mjs).
collect_garbage() {
  if [ "$java_server" = 1 ]; then
    jcmd "$server_pid" GC.class_histogram >"$out/$current-histogram-before.txt" 2>>"$out/loadtool.log" \
      || log "  jcmd GC.class_histogram failed (see loadtool.log)"
  else
    kill -USR2 "$server_pid" 2>/dev/null || true
  fi
  sleep 2
}

idle_scenario() {
  local extra=()
  if [ "$java_server" = 1 ]; then
    extra=(--window-end-command "jcmd $server_pid GC.class_histogram >'$out/$current-histogram-after.txt' 2>>'$out/loadtool.log'")
  fi
  collect_garbage
  load c-idle-2000 1 200 10 0 1 0 "$idle" "${extra[@]}" || return 1
  if [ -s "$out/$current-histogram-before.txt" ] && [ -s "$out/$current-histogram-after.txt" ]; then
    node "$root/bench/class-histogram-diff.mjs" "$out/$current-histogram-before.txt" \
      "$out/$current-histogram-after.txt" 2000 "$current" "$out/$current-histogram-diff.txt" >>"$results"
  fi
}

storm() { # clients
  local n="$1"
  log "  storm-$n: $n clients (20 per room) connecting at once, deadline $storm_deadline s"
  load_tool --scenario "storm-$n" --rooms $((n / 20)) --clients 20 --writers 0 --storm-deadline "$storm_deadline"
  sleep 3 # let the closes of this storm settle before the next
}

start_time=$SECONDS
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
IFS=',' read -r -a server_list <<<"$servers"
for current in "${server_list[@]}"; do
  log "== $current"
  if ! start_server "$current"; then
    log "skipping $current (see $out/$current.log)"; stop_server; stop_postgres; continue
  fi
  sleep 2
  ok=1
  if has_part idle; then
    # Warm the server up with a tenth of scenario a (unmeasured: JIT, lazy initialisation, class loading),
    # then collect, then take the baseline. Not after a and b: the heap they grow absorbed the idle
    # connections (test run: 0.6 KiB per connection for ours-h2, -7.3 KiB for hocuspocus-sqlite).
    log "  warm-up: 20 rooms x 10 clients, 2 writers/room at 5/s for 10 s (unmeasured)"
    load warmup 1 20 10 2 5 0 10 >/dev/null || ok=0
    sed -i '/"scenario":"warmup"/d' "$results"
    [ "$ok" = 1 ] && { idle_scenario || ok=0; }
  fi
  for r in $(seq 1 "$repeat"); do
    [ "$ok" = 1 ] || break
    if has_part a; then load a-200x10 "$r" 200 10 2 5 "$warmup" "$duration" || { ok=0; break; }; fi
    if has_part b; then load b-1x200 "$r" 1 200 5 10 "$warmup" "$duration" || { ok=0; break; }; fi
  done
  if [ "$ok" = 1 ] && [ -n "$sweep_rates" ]; then
    for rate in ${sweep_rates//,/ }; do
      load "a-200x10-r$rate" 1 200 10 2 "$rate" "$sweep_warmup" "$sweep_duration" || { ok=0; break; }
    done
  fi
  if [ "$ok" = 1 ] && has_part storm; then
    for n in ${storm_sizes//,/ }; do storm "$n" || break; done
  fi
  stop_server
  stop_postgres
done
log "done in $((SECONDS - start_time)) s; raw results in $results"

machine="$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/{print $2}') GiB RAM"
mode="$([ "$quick" = 1 ] && echo quick || echo full)$([ "$steady" = 1 ] && echo ", steady" || true)${nice_level:+, nice $nice_level}, $repeat run(s) of a and b, ${duration} s measured after ${warmup} s warm-up; idle ${idle} s${sweep_rates:+; sweep $sweep_rates/s per writer, ${sweep_duration} s after ${sweep_warmup} s}${storm_sizes:+; storms $storm_sizes, deadline ${storm_deadline} s}"
node -e 'const [f, ...v] = process.argv.slice(1); const k = ["date", "machine", "loadBefore", "loadAfter", "java", "node", "mode", "command", "minutes"];
  require("fs").writeFileSync(f, JSON.stringify(Object.fromEntries(k.map((x, i) => [x, v[i]])), null, 1) + "\n")' "$out/meta.json" \
  "$(date -u '+%Y-%m-%d %H:%M UTC')" "$machine" "$load_before" "$(cut -d' ' -f1-3 /proc/loadavg)" \
  "$(java -version 2>&1 | head -1)" "$(node -v)" "$mode" "$command_line" "$(( (SECONDS - start_time + 30) / 60 ))"

echo "Date: $(date -u '+%Y-%m-%d %H:%M UTC'); command: \`$command_line\` ($(( (SECONDS - start_time + 30) / 60 )) min)"
echo "Machine: $machine"
echo "Load average (1/5/15 min) before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg) (a busy machine inflates latencies)"
echo "Java: $(java -version 2>&1 | head -1); node: $(node -v); mode: $mode"
echo
node "$root/bench/summarize-server.mjs" "$results" --summary --details
if [ -n "$sweep_rates" ]; then
  node "$root/bench/chart-server.mjs" "$results" "$out/chart.svg"
  cp "$out/chart.svg" "$root/docs/benchmarks-chart.svg"
  log "chart: docs/benchmarks-chart.svg"
fi
