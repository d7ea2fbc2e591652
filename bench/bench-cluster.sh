#!/usr/bin/env bash
# Cluster figures of issue 4 (docs/benchmarks.md, "Cluster"), in one invocation:
#  (b) recovery: one node + PostgreSQL; a room filled with 1,000 / 100,000 one-character typing updates
#      (js/clients/filler.mjs), the server killed (-9) and started again, then the time from a fresh client's
#      connect to its SyncStep2 (js/clients/first-sync.mjs) = the room's recovery from the journal + first
#      sync; with snapshots at their defaults, and for contrast with snapshots off. Journal rows and
#      snapshot size read from PostgreSQL.
#  (c) throughput: one node + PostgreSQL vs the 3-node deploy/local-cluster (same PostgreSQL setup) on the
#      load tool's scenarios a (200 rooms x 10, 2 writers at 5/s) and b (1 room x 200, 5 writers at 10/s);
#      for the cluster the load tool spreads its clients over the three nodes (client i -> node i mod 3);
#      after one unrecorded warm-up run, and waiting for the servers to go idle between runs (backlogs);
#      then a rate ramp of scenario a (0.5, 1, 2, 5, 10, 20, 40 updates/s per writer, stopping after the first
#      rate with p99 >= 100 ms): the highest rate each setup sustains with p99 < 100 ms.
#  (a) failover: on the same cluster, one room with a typing client per node (js/clients/typist.mjs); the
#      room's host (management GET /cluster/shards/room on each node) is killed with kill -9; the time
#      until a client on a surviving node gets an echo of its edit again; the node is started again.
#   bench/bench-cluster.sh [--quick] [--server-cpus 0] [--load-cpus 1] [--repeat N] [--failovers N]
#                            [--sizes 1000,100000] [--parts recovery,throughput,failover]
# --server-cpus: CPUs (taskset list) of every server JVM and PostgreSQL; --load-cpus: of the load tool and
# node clients. The defaults pin all servers to CPU 0 and the clients to CPU 1 (as bench-server.sh), so
# 1 node and 3 nodes get the same single core: the comparison shows the cost of the cross-node hops.
# Env: SERVER_JAVA_OPTS (JVM flags of every node; default the production flags of run-server).
# Prints the progress on stderr and a markdown report on stdout; raw results in target/bench-cluster/
# (results.jsonl, report.md, load-tool output, server and client logs). Wrap it in flock on a shared machine.
# Needs: java 17, node 20 (`npm ci` at the repository root is run if needed), taskset, curl, PostgreSQL binaries
# under /usr/lib/postgresql/*/bin. Builds the server and load-tool jars if they are missing.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/bench/bench-common.sh"
usage_if_help "$0" "$@"
quick=0
server_cpus=0
load_cpus=1
repeat=""
failovers=""
sizes="1000,100000"
parts="recovery,throughput,failover"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --server-cpus) server_cpus="$2"; shift ;;
    --load-cpus) load_cpus="$2"; shift ;;
    --repeat) repeat="$2"; shift ;;
    --failovers) failovers="$2"; shift ;;
    --sizes) sizes="$2"; shift ;;
    --parts) parts="$2"; shift ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
if [ "$quick" = 1 ]; then
  warmup=3; duration=6; connect_rate=500; repeat="${repeat:-1}"; failovers="${failovers:-1}"
else
  warmup=5; duration=15; connect_rate=400; repeat="${repeat:-3}"; failovers="${failovers:-3}"
fi
ramp_rates=(0.5 1 2 5 10 20 40)
p99_limit_ms=100

out="$root/target/bench-cluster"
work="$(mktemp -d /tmp/bench-cluster.XXXXXX)"
chmod 755 "$work" # PostgreSQL runs as user postgres when we are root
results="$out/results.jsonl"
rm -rf "$out"; mkdir -p "$out"
: >"$results"
want() { [[ ",$parts," == *",$1,"* ]]; }

server_pid=""
pg_bin=""
pg_data=""
pg_port=""
cluster_state="$work/local-cluster.state"
client_pids=()
cleanup() {
  for p in "${client_pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  stop_server 30
  stop_postgres
  if [ -f "$cluster_state" ]; then
    REALTIME_LOCAL_STATE="$cluster_state" "$root/deploy/local-cluster" stop >&2 || true
  fi
  if [ -d "$work/cluster" ]; then cp "$work"/cluster/node*.log "$out/" 2>/dev/null || true; cp "$work/cluster/pg/postgres.log" "$out/postgres-cluster.log" 2>/dev/null || true; fi
  cp "$work/pg/postgres.log" "$out/postgres-single.log" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

# ---------- prerequisites
server_jar="$root/http/target/realtime-server.jar"
load_jar="$root/loadtest/target/realtime-loadtest.jar"
ensure_jar "$load_jar" loadtest "the load tool"
ensure_jar "$server_jar" http "the realtime server"
ensure_node_modules "$root/js/clients" y-websocket yjs
if command -v taskset >/dev/null; then
  pin_server=(taskset -c "$server_cpus"); pin_load=(taskset -c "$load_cpus")
else
  log "WARNING: no taskset: servers and clients are not pinned"; pin_server=(); pin_load=()
fi
java_opts="${SERVER_JAVA_OPTS:--XX:+UseSerialGC -Xms64m -Xmx1g}"
# The defaults protect production (100 rooms, 10 msgs/s, 100 connections per IP): lift them for every node.
export REALTIME_ROOMS_MAX_ROOMS=100000 REALTIME_RATE_LIMITING_MESSAGES_PER_SECOND=100000 \
  REALTIME_RATE_LIMITING_CONNECTIONS_PER_IP=100000 REALTIME_RATE_LIMITING_CONNECTIONS_PER_USER=100000

now_ms() { date +%s%3N; }
json_field() { # file field: the field of the last JSON line that has it
  node -e "const l=require('fs').readFileSync(process.argv[1],'utf8').trim().split('\n').filter(Boolean).map(JSON.parse).filter(o=>o[process.argv[2]]!==undefined);if(l.length)console.log(l[l.length-1][process.argv[2]])" "$1" "$2"
}

# ---------- single node + PostgreSQL (the same defaults as deploy/local-cluster's PostgreSQL)
psql_q() { as_postgres "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -d realtime -tAF' ' -c "$1"; }

start_server() { # label [ENV=VALUE...]: one node, default single-node cluster, journal in our PostgreSQL
  local label="$1"; shift
  port="$(free_port)"
  local mgmt; mgmt="$(free_port)"
  env REALTIME_PORT="$port" REALTIME_HOST=127.0.0.1 REALTIME_DATA_DIR="$work/data-single" \
    REALTIME_CLUSTER_CANONICAL_PORT="$(free_port)" REALTIME_DATABASE_TYPE=postgres \
    REALTIME_DB_URL="jdbc:postgresql://127.0.0.1:$pg_port/realtime" REALTIME_DB_USER=postgres REALTIME_DB_PASSWORD=unused \
    "$@" "${pin_server[@]}" java $java_opts \
    -Dpekko.management.http.port="$mgmt" -Dpekko.management.http.bind-port="$mgmt" \
    -jar "$server_jar" >>"$out/single-$label.log" 2>&1 &
  server_pid=$!
  wait_for_port "$port" 180 "$server_pid"
  log "  server ($label) on port $port (pid $server_pid)"
}

crash_server() { # kill -9: no final snapshot, recovery must use the journal as the crash left it
  kill -9 "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}

first_sync() { # ws_base room logfile -> prints syncMs
  "${pin_load[@]}" node "$root/js/clients/first-sync.mjs" --url "$1" --room "$2" >>"$3" 2>&1 || true
  json_field "$3" syncMs
}

# ---------- (b) recovery per room size
recovery() { # config_label snapshots_enabled
  local cfg="$1" enabled="$2" size room
  IFS=',' read -r -a size_list <<<"$sizes"
  log "== recovery, snapshots $cfg"
  start_server "recovery-$cfg" REALTIME_SNAPSHOTS_ENABLED="$enabled"
  for size in "${size_list[@]}"; do
    room="recovery-$cfg-$size"
    log "  filling $room with $size one-character updates"
    "${pin_load[@]}" node "$root/js/clients/filler.mjs" --url "ws://127.0.0.1:$port/realtime" --room "$room" \
      --count "$size" --round 1 --timeout 1800000 >"$out/fill-$room.jsonl" 2>&1
    log "  filled in $(json_field "$out/fill-$room.jsonl" millis) ms"
  done
  sleep 1
  crash_server
  for r in $(seq 1 "$repeat"); do
    start_server "recovery-$cfg" REALTIME_SNAPSHOTS_ENABLED="$enabled"
    # A first room warms up the fresh JVM's journal path (connection pool, query, recovery code).
    first_sync "ws://127.0.0.1:$port/realtime" "warmup-$cfg-$r" "$out/first-sync-warmup.jsonl" >/dev/null
    for size in "${size_list[@]}"; do
      room="recovery-$cfg-$size"
      local f="$out/first-sync-$room-$r.jsonl" ms
      ms="$(first_sync "ws://127.0.0.1:$port/realtime" "$room" "$f")"
      log "  run $r: $room recovered + first sync in ${ms:-?} ms"
      local rows snap
      rows="$(psql_q "SELECT count(*), count(*) FILTER (WHERE NOT deleted), coalesce(max(sequence_number), 0) FROM event_journal WHERE persistence_id = 'room|$room'")"
      snap="$(psql_q "SELECT count(*), coalesce(max(octet_length(snapshot_payload)), 0), coalesce(sum(octet_length(snapshot_payload)), 0) FROM snapshot WHERE persistence_id = 'room|$room'")"
      read -r rows_all rows_live seq_max <<<"$rows"
      read -r snaps snap_bytes snap_total <<<"$snap"
      printf '{"kind":"recovery","snapshots":"%s","size":%s,"run":%s,"syncMs":%s,"syncBytes":%s,"textLength":%s,"fillMs":%s,"journalRows":%s,"journalRowsLive":%s,"highestSeqNr":%s,"snapshots_kept":%s,"snapshotBytes":%s,"snapshotBytesTotal":%s}\n' \
        "$cfg" "$size" "$r" "${ms:-null}" "$(json_field "$f" bytes || echo null)" "$(json_field "$f" textLength || echo null)" \
        "$(json_field "$out/fill-$room.jsonl" millis || echo null)" "$rows_all" "$rows_live" "$seq_max" "$snaps" "$snap_bytes" "$snap_total" \
        | sed 's/:,/:null,/g' >>"$results"
    done
    crash_server
  done
}

# ---------- (c) throughput
load() { # setup scenario rooms clients writers rate
  local setup="$1" scenario="$2"
  log "  $setup $scenario: $3 rooms x $4 clients, $5 writers at $6/s"
  "${pin_load[@]}" java -Xms1g -Xmx2g -XX:+UseSerialGC -jar "$load_jar" \
    --url "$urls" --server "$setup" --scenario "$scenario" \
    --rooms "$3" --clients "$4" --writers "$5" --rate "$6" --warmup "$warmup" --duration "$duration" \
    --connect-rate "$connect_rate" --server-pid "$pids" \
    2>>"$out/loadtool.log" | tee -a "$out/loadtool-report.txt" | sed -n 's/^RESULT_JSON //p' \
    | sed 's/^{/{"kind":"load",/' >>"$results"
  last_p99="$(tail -1 "$results" | node -e "const o=JSON.parse(require('fs').readFileSync(0,'utf8'));console.log(o.kind==='load'?o.p99Ms:1e9)")"
}

cpu_ticks() { # comma-separated pids -> clock ticks used by them and every descendant (PostgreSQL backends)
  node -e "
    const fs=require('fs');const kids={};const ticks={};
    for(const d of fs.readdirSync('/proc')){if(!/^[0-9]+$/.test(d))continue;
      try{const s=fs.readFileSync('/proc/'+d+'/stat','utf8');const f=s.slice(s.lastIndexOf(')')+2).split(' ');
        (kids[f[1]]=kids[f[1]]||[]).push(d);ticks[d]=Number(f[11])+Number(f[12]);}catch(e){}}
    let sum=0;const todo=process.argv[1].split(',');const seen=new Set();
    while(todo.length){const p=todo.pop();if(seen.has(p))continue;seen.add(p);sum+=ticks[p]||0;todo.push(...(kids[p]||[]));}
    console.log(sum)" "$1"
}

settle() { # wait until the servers are idle (< 15% of a core over 1 s): a saturated run leaves a backlog
  local t0=$SECONDS a b
  while [ $((SECONDS - t0)) -lt 90 ]; do
    a="$(cpu_ticks "$pids")"; sleep 1; b="$(cpu_ticks "$pids")"
    [ $((b - a)) -lt 15 ] && { [ $((SECONDS - t0)) -gt 2 ] && log "    settled after $((SECONDS - t0)) s"; return 0; }
  done
  log "    servers still busy after 90 s (at $((b - a)) ticks/s)"
}

throughput() { # setup
  local setup="$1" r rate
  # An unrecorded run first: JIT, connection pools and caches of fresh JVMs warm up.
  load "$setup" warmup-run 200 10 2 2
  settle
  for r in $(seq 1 "$repeat"); do
    load "$setup" a-200x10 200 10 2 5; settle
    load "$setup" b-1x200 1 200 5 10; settle
  done
  for rate in "${ramp_rates[@]}"; do
    load "$setup" "ramp-a-rate-$rate" 200 10 2 "$rate"
    log "    p99 $last_p99 ms"
    settle
    if node -e "process.exit(Number(process.argv[1]) < $p99_limit_ms ? 1 : 0)" "$last_p99"; then break; fi
  done
}

# ---------- the 3-node cluster (deploy/local-cluster with its own state file and free port bases)
lc() { REALTIME_LOCAL_STATE="$cluster_state" REALTIME_LOCAL_JAVA_OPTS="$java_opts" "${pin_server[@]}" "$root/deploy/local-cluster" "$@"; }

pick_bases() { # three ports free at each of WS/MGMT/REMOTE base + 1..3
  local b ok n
  for b in $(seq 0 20 2000); do
    ok=1
    for n in 1 2 3; do
      for p in $((13000 + b + n)) $((18500 + b + n)) $((26500 + b + n)); do port_in_use "$p" && ok=0; done
    done
    if [ "$ok" = 1 ]; then
      export REALTIME_LOCAL_WS_BASE=$((13000 + b)) REALTIME_LOCAL_MGMT_BASE=$((18500 + b)) REALTIME_LOCAL_REMOTE_BASE=$((26500 + b))
      return
    fi
  done
  log "no free port bases"; return 1
}

declare -A node_pid node_ws node_mgmt
read_node_line() { # "node N pid PID ws URL management MURL"
  local _n n _p pid _w ws _m mg
  read -r _n n _p pid _w ws _m mg <<<"$1"
  node_pid[$n]="$pid"; node_ws[$n]="$ws"; node_mgmt[$n]="$mg"
}

# Workaround: three nodes starting at once each run the schema's CREATE TABLE IF NOT EXISTS, and PostgreSQL
# can fail one of them with "duplicate key value violates unique constraint pg_type_typname_nsp_index" (the
# IF NOT EXISTS check is not atomic), killing that node's start. Prepare local-cluster's PostgreSQL data dir
# with the schema first; local-cluster then reuses it (it skips initdb when PG_VERSION exists).
precreate_cluster_schema() {
  local dir="$work/cluster" bin port
  bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  port="$(free_port)"
  mkdir -p "$dir/pg"
  if [ "$(id -u)" = 0 ]; then chown -R postgres: "$dir/pg"; fi
  as_postgres "$bin/initdb" -D "$dir/pg/data" -U postgres -A trust -E UTF8 --no-sync >"$out/postgres-cluster-initdb.log" 2>&1
  as_postgres "$bin/pg_ctl" -D "$dir/pg/data" -l "$dir/pg/postgres.log" -w -t 90 \
    -o "-p $port -k $dir/pg -c listen_addresses=127.0.0.1" start >/dev/null
  as_postgres "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres realtime
  as_postgres "$bin/psql" -q -h 127.0.0.1 -p "$port" -U postgres -d realtime -v ON_ERROR_STOP=1 \
    <"$root/persistence/src/main/resources/schema/realtime-postgres.sql" >&2
  as_postgres "$bin/pg_ctl" -D "$dir/pg/data" -m fast -w stop >/dev/null
}

start_cluster() {
  pick_bases
  precreate_cluster_schema
  export REALTIME_LOCAL_PG_PORT; REALTIME_LOCAL_PG_PORT="$(free_port)"
  log "== starting the 3-node cluster (deploy/local-cluster, ws ports $((REALTIME_LOCAL_WS_BASE + 1))-$((REALTIME_LOCAL_WS_BASE + 3)))"
  local t0=$SECONDS line lines
  lines="$(lc start "$work/cluster")"
  while read -r line; do read_node_line "$line"; done <<<"$lines"
  log "  cluster ready in $((SECONDS - t0)) s: pids ${node_pid[1]} ${node_pid[2]} ${node_pid[3]}"
  printf '{"kind":"cluster-start","seconds":%s}\n' "$((SECONDS - t0))" >>"$results"
}

shard_of() { # Pekko's default shard id (HashCodeMessageExtractor, 100 shards): abs(String.hashCode % 100)
  node -e "let h=0;for(const c of process.argv[1])h=(Math.imul(h,31)+c.charCodeAt(0))|0;console.log(Math.abs(h%100))" "$1"
}

host_of() { # room -> node number hosting its shard (GET /cluster/shards/room on each node)
  local shard n deadline=$((SECONDS + 30)); shard="$(shard_of "$1")"
  while [ "$SECONDS" -lt "$deadline" ]; do
    for n in 1 2 3; do
      if curl -fsS "${node_mgmt[$n]}/cluster/shards/room" 2>/dev/null | node -e "
        const r=JSON.parse(require('fs').readFileSync(0,'utf8'));
        process.exit((r.regions||[]).some(x=>String(x.shardId)==='$shard'&&x.numEntities>0)?0:1)"; then
        echo "$n"; return
      fi
    done
    sleep 0.2
  done
  return 1
}

count_events() { grep -c "\"event\":\"$2\"" "$1" 2>/dev/null || true; }

first_echo_after() { # file t_ms -> first echo time > t_ms, or empty
  awk -F'"at":' -v t="$2" '/"event":"echo"/ { v = $2 + 0; if (v > t) { printf "%.0f\n", v; exit } }' "$1"
}

# ---------- (a) failover
failover() { # run
  local run="$1" room="failover-$1-$RANDOM" n others f
  log "  failover run $run: room $room"
  client_pids=()
  for n in 1 2 3; do
    others=""
    for f in 1 2 3; do [ "$f" = "$n" ] || others+="${others:+,}${node_ws[$f]}"; done
    "${pin_load[@]}" node "$root/js/clients/typist.mjs" --url "${node_ws[$n]}" --room "$room" --interval 100 \
      --fallback-urls "$others" >"$out/failover-$run-typist$n.jsonl" 2>&1 &
    client_pids+=($!)
  done
  local deadline=$((SECONDS + 60))
  for n in 1 2 3; do
    until [ "$(count_events "$out/failover-$run-typist$n.jsonl" echo)" -ge 10 ]; do
      [ "$SECONDS" -lt "$deadline" ] || { log "  typist $n never got echoes"; return 1; }
      sleep 0.2
    done
  done
  local host; host="$(host_of "$room")" || { log "  no node hosts the room"; return 1; }
  sleep 1
  local t0; t0="$(now_ms)"
  kill -9 "${node_pid[$host]}"
  log "  killed node $host (pid ${node_pid[$host]}) at $t0"
  # Echoes within 500 ms of the kill can be frames already in flight from the dead host: not counted.
  local first="" last="" e all=1
  deadline=$((SECONDS + 180))
  while :; do
    first=""; last=""; all=1
    for n in 1 2 3; do
      [ "$n" = "$host" ] && continue
      e="$(first_echo_after "$out/failover-$run-typist$n.jsonl" $((t0 + 500)))"
      if [ -z "$e" ]; then all=0; continue; fi
      if [ -z "$first" ] || [ "$e" -lt "$first" ]; then first="$e"; fi
      if [ -z "$last" ] || [ "$e" -gt "$last" ]; then last="$e"; fi
    done
    [ "$all" = 1 ] && break
    [ "$SECONDS" -lt "$deadline" ] || { log "  no echo on a surviving node within 180 s"; break; }
    sleep 0.2
  done
  # the dead node's own client reconnects to another node; its first echo there
  local moved; moved="$(first_echo_after "$out/failover-$run-typist$host.jsonl" $((t0 + 500)))"
  for p in "${client_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  client_pids=()
  local t1=$SECONDS line
  line="$(lc start-node "$host")"; read_node_line "$line"
  local restart=$((SECONDS - t1))
  log "  failover ${first:+$((first - t0))} ms (all survivors: ${last:+$((last - t0))} ms); node $host back in ${restart} s"
  printf '{"kind":"failover","run":%s,"host":%s,"firstEchoMs":%s,"allSurvivorsMs":%s,"deadNodeClientMs":%s,"restartSeconds":%s}\n' \
    "$run" "$host" "${first:+$((first - t0))}" "${last:+$((last - t0))}" "${moved:+$((moved - t0))}" "$restart" \
    | sed 's/:,/:null,/g' >>"$results"
}

start_time=$SECONDS
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
if want recovery || want throughput; then
  log "== one node + PostgreSQL"
  start_postgres "$work/pg"
  if want recovery; then
    recovery every-100 true
    recovery off false
  fi
  if want throughput; then
    log "== throughput, one node"
    start_server throughput-1-node
    urls="ws://127.0.0.1:$port/realtime/{room}"; pids="$server_pid,$pg_pid"
    throughput 1-node
    stop_server 30
  fi
  stop_postgres
fi
if want throughput || want failover; then
  start_cluster
  if want throughput; then
    log "== throughput, 3 nodes"
    urls="${node_ws[1]}/{room},${node_ws[2]}/{room},${node_ws[3]}/{room}"
    pids="${node_pid[1]},${node_pid[2]},${node_pid[3]},$(head -1 "$work/cluster/pg/data/postmaster.pid")"
    throughput 3-node
  fi
  if want failover; then
    log "== failover (kill -9 of the room's host)"
    for r in $(seq 1 "$failovers"); do failover "$r" || log "  failover run $r failed"; done
  fi
fi
log "done in $((SECONDS - start_time)) s; raw results in $results"

log_errors() { # ERROR lines per server log, by kind: journal overload shows up here, not in the load tool
  local f
  for f in "$out"/single-*.log "$work"/cluster/node*.log; do
    [ -f "$f" ] || continue
    echo "- $(basename "$f"): $(grep -c ' ERROR ' "$f" || true) ERROR lines$(grep ' ERROR ' "$f" \
      | sed -E 's/^[^ ]+ +ERROR +\[[^]]*\] +[^ ]+ +(room=[^ ]+ +client=[^ ]+ +)?- +//; s/[0-9a-f]{8}-[0-9a-f-]{27}|[0-9]+/N/g; s/bench-[^ ]+/ROOM/g' \
      | cut -c1-90 | sort | uniq -c | sort -rn | head -3 | awk '{c=$1; $1=""; printf "; %s x%s", $0, c}')"
  done
}

{
  echo "Date: $(date -u '+%Y-%m-%d %H:%M UTC'); took $((SECONDS - start_time)) s"
  echo "Machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(free -g | awk '/Mem:/{print $2}') GiB RAM"
  echo "Load average (1/5/15 min) before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "Java: $(java -version 2>&1 | head -1); node: $(node -v); PostgreSQL: $("$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)/postgres" --version)"
  echo "Mode: $([ "$quick" = 1 ] && echo quick || echo full), $repeat run(s) of a and b and of each recovery, $failovers failover run(s), ${duration} s measured after ${warmup} s warm-up; servers + PostgreSQL on CPU(s) $server_cpus, clients on CPU(s) $load_cpus; server JVM: $java_opts"
  echo
  node "$root/bench/summarize-cluster.mjs" "$results"
  echo
  echo "Server logs (raw logs in target/bench-cluster/):"
  log_errors
} | tee "$out/report.md"
