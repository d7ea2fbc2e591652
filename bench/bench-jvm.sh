#!/usr/bin/env bash
# JVM and start-up benchmark (docs/benchmarks.md, "JVM and start-up"; docs/running.md, "JVM"): the realtime
# server on H2 under several JVMs / flag sets, pinned to CPU 0, its clients on CPU 1.
#   restart: a room holding data, kill -9, restart; a real y-websocket client (js/clients/ready-join.mjs)
#            polls /ready and joins at once: process start -> port bound (/alive answers), -> ready
#            (/ready 200), ready -> WebSocket open -> synced (SyncStep2 of the existing room).
#   idle:    c-idle-2000 of the load tool on a fresh server (200 rooms x 10 idle clients): RSS before
#            (idle server after start + 2 s), RSS per idle connection.
#   b:       b-1x200 (1 room x 200 clients, 5 writers at 10/s) right after idle on the same server:
#            server CPU per delivered update.
# Every run starts a new server; medians over --runs runs.
#   bench/bench-jvm.sh [--runs N] [--parts restart,idle,b] [--configs j17,j25,...] [--config 'name|JAVA_HOME|flags']...
#                      [--warmup S] [--duration S]
# Configurations (--configs picks by name; --config adds one, e.g. 'j17-xmn64|/usr/lib/jvm/java-17-openjdk-amd64|-XX:+UseSerialGC -Xms64m -Xmx1g -Xmn64m'):
#   j17, j25, j25-coh (-XX:+UseCompactObjectHeaders), j25-aot, j25-coh-aot (AOT cache, JEP 483/514).
#   Flags containing @AOT@ get an AOT cache: it is trained once per configuration (the same flags with
#   -XX:AOTCacheOutput=<cache>: start, a room filled and joined, SIGTERM; the JVM writes the cache at exit)
#   and then used with -XX:AOTCache=<cache>.
# Env: JDK17, JDK25 (JAVA_HOMEs), BASE_FLAGS (default: run-server's flags), SERVER_JAR.
# Prints progress on stderr and a markdown report on stdout; raw results in target/bench-jvm/results.jsonl.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/bench/bench-common.sh"
usage_if_help "$0" "$@"
jdk17="${JDK17:-/usr/lib/jvm/java-17-openjdk-amd64}"
jdk25="${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}"
base="${BASE_FLAGS:--XX:+UseSerialGC -Xms64m -Xmx1g}"
declare -A specs=(
  [j17]="$jdk17|$base"
  [j25]="$jdk25|$base"
  [j25-coh]="$jdk25|$base -XX:+UseCompactObjectHeaders"
  [j25-aot]="$jdk25|$base -XX:AOTCache=@AOT@"
  [j25-coh-aot]="$jdk25|$base -XX:+UseCompactObjectHeaders -XX:AOTCache=@AOT@"
)
configs="j17,j25,j25-coh,j25-aot,j25-coh-aot"
parts="restart,idle,b"
runs=3
warmup=8
duration=12
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift ;;
    --parts) parts="$2"; shift ;;
    --configs) configs="$2"; shift ;;
    --config)
      name="${2%%|*}"; specs[$name]="${2#*|}"
      if [ -n "${added:-}" ]; then added="$added,$name"; else added="$name"; fi
      shift ;;
    --warmup) warmup="$2"; shift ;;
    --duration) duration="$2"; shift ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
if [ -n "${added:-}" ]; then
  # --config without --configs runs only the added ones
  [ "$configs" = "j17,j25,j25-coh,j25-aot,j25-coh-aot" ] && configs="$added" || configs="$configs,$added"
fi

out="$root/target/bench-jvm"
work="$(mktemp -d /tmp/bench-jvm.XXXXXX)"
results="$out/results.jsonl"
mkdir -p "$out"
: > "$results"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill -9 "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

server_jar="${SERVER_JAR:-$root/http/target/realtime-server.jar}"
load_jar="$root/loadtest/target/realtime-loadtest.jar"
ensure_jar "$load_jar" loadtest "the load tool"
ensure_jar "$server_jar" http "the realtime server"
ensure_node_modules "$root/js" yjs y-websocket ws
pin_server=(taskset -c 0); pin_load=(taskset -c 1)
clients="$root/js/clients"

# java binary and flags of a configuration (cache paths filled in)
java_of() { echo "${specs[$1]%%|*}/bin/java"; }
flags_of() { local f="${specs[$1]#*|}"; echo "${f//@AOT@/$out/aot-$1.aot}"; }

start_server() { # config data_dir port [extra java flags...]; sets server_pid and t_start (epoch ns)
  local cfg="$1" data="$2" port="$3"; shift 3
  local mgmt; mgmt="$(free_port)"
  t_start=$(date +%s%N)
  env REALTIME_PORT="$port" REALTIME_HOST=127.0.0.1 REALTIME_DATA_DIR="$data" \
    REALTIME_CLUSTER_CANONICAL_PORT="$(free_port)" \
    REALTIME_ROOMS_MAX_ROOMS=100000 REALTIME_RATE_LIMITING_MESSAGES_PER_SECOND=100000 \
    REALTIME_RATE_LIMITING_CONNECTIONS_PER_IP=100000 REALTIME_RATE_LIMITING_CONNECTIONS_PER_USER=100000 \
    "${pin_server[@]}" "$(java_of "$cfg")" $(flags_of "$cfg") "$@" \
    -Dpekko.management.http.port="$mgmt" -Dpekko.management.http.bind-port="$mgmt" \
    -jar "$server_jar" >>"$out/$cfg.log" 2>&1 &
  server_pid=$!
}
stop_server() { # signal
  if [ -n "$server_pid" ]; then
    kill "-$1" "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}

# A data dir holding one room "doc" with 3,000 single-character updates (2 snapshots + events after them),
# written by the JVM of the first configuration, then copied for every restart run.
template="$work/template"
fill_template() {
  local port; port="$(free_port)"
  start_server j17 "$template" "$port"
  wait_for_port "$port" 120 "$server_pid"
  "${pin_load[@]}" node "$clients/filler.mjs" --url "ws://127.0.0.1:$port/realtime" --room doc --count 3000 --round 30 \
    >"$out/filler.log"
  log "template room filled: $(cat "$out/filler.log")"
  stop_server 9
}

# AOT training run (JEP 514 one-step: -XX:AOTCacheOutput): the server starts, a room is filled and joined,
# then SIGTERM; the JVM writes the cache at exit.
train_aot() { # config
  local cfg="$1" cache="$out/aot-$1.aot" port
  [[ "${specs[$cfg]}" == *@AOT@* ]] || return 0
  [ -f "$cache" ] && return 0
  port="$(free_port)"
  log "$cfg: AOT training run -> $cache"
  local t0=$SECONDS flags; flags="$(flags_of "$cfg")"
  flags="${flags//-XX:AOTCache=/-XX:AOTCacheOutput=}"
  local mgmt; mgmt="$(free_port)"
  env REALTIME_PORT="$port" REALTIME_HOST=127.0.0.1 REALTIME_DATA_DIR="$work/train-$cfg" \
    REALTIME_CLUSTER_CANONICAL_PORT="$(free_port)" "${pin_server[@]}" "$(java_of "$cfg")" $flags \
    -Dpekko.management.http.port="$mgmt" -Dpekko.management.http.bind-port="$mgmt" \
    -jar "$server_jar" >>"$out/$cfg-training.log" 2>&1 &
  server_pid=$!
  wait_for_port "$port" 120 "$server_pid"
  "${pin_load[@]}" node "$clients/filler.mjs" --url "ws://127.0.0.1:$port/realtime" --room doc --count 300 --round 30 >/dev/null
  "${pin_load[@]}" node "$clients/reader.mjs" --url "ws://127.0.0.1:$port/realtime" --room doc >/dev/null
  stop_server TERM
  log "$cfg: AOT cache $(du -h "$cache" | cut -f1) written in $((SECONDS - t0)) s"
}

restart_run() { # config run
  local cfg="$1" run="$2" data="$work/run-$1-$2" port
  rm -rf "$data"; cp -r "$template" "$data"
  port="$(free_port)"
  local probe="$work/probe.json"
  "${pin_load[@]}" node "$clients/ready-join.mjs" --base "http://127.0.0.1:$port" --url "ws://127.0.0.1:$port/realtime" \
    --room doc >"$probe" 2>>"$out/probe.log" &
  local probe_pid=$!
  sleep 0.3 # node loads its modules before the server starts
  start_server "$cfg" "$data" "$port"
  if ! wait "$probe_pid"; then log "  $cfg restart $run: probe failed: $(cat "$probe")"; stop_server 9; return 1; fi
  stop_server 9
  jq -c --arg cfg "$cfg" --argjson run "$run" --argjson t0 "$((t_start / 1000))" '
    {part:"restart", config:$cfg, run:$run,
     startToAliveMs: ((.aliveAt*1000 - $t0)/1000), startToReadyMs: ((.readyAt*1000 - $t0)/1000),
     readyToOpenMs: (.openAt - .readyAt), readyToSyncedMs: (.syncedAt - .readyAt),
     startToSyncedMs: ((.syncedAt*1000 - $t0)/1000), textLength}' "$probe" | tee -a "$results" >&2
  rm -rf "$data"
}

load() { # config run scenario rooms clients writers rate warmup duration
  local cfg="$1" run="$2" scenario="$3"
  "${pin_load[@]}" java -Xms1g -Xmx2g -XX:+UseSerialGC -jar "$load_jar" \
    --url "ws://127.0.0.1:$port/realtime/{room}" --protocol y-websocket --server "$cfg" --scenario "$scenario" \
    --rooms "$4" --clients "$5" --writers "$6" --rate "$7" --warmup "$8" --duration "$9" \
    --connect-rate 400 --server-pid "$server_pid" 2>>"$out/loadtool.log" \
    | sed -n 's/^RESULT_JSON //p' \
    | jq -c --arg cfg "$cfg" --argjson run "$run" --arg part "$scenario" \
      '{part:$part, config:$cfg, run:$run, rssKibBefore:.serverRssKibBefore, rssKibAfter:.serverRssKibAfter,
        rssKibPerConnection, connected, cpuMicrosPerDelivery, deliveries, deliveryRatio, p99Ms}' \
    | tee -a "$results" >&2
}

load_run() { # config run
  local cfg="$1" run="$2"
  port="$(free_port)"
  start_server "$cfg" "$work/load-$cfg-$run" "$port"
  wait_for_port "$port" 120 "$server_pid"
  sleep 2
  if [[ ",$parts," == *,idle,* ]]; then load "$cfg" "$run" c-idle-2000 200 10 0 1 0 8; fi
  if [[ ",$parts," == *,b,* ]]; then load "$cfg" "$run" b-1x200 1 200 5 10 "$warmup" "$duration"; fi
  stop_server 9
  rm -rf "$work/load-$cfg-$run"
}

start_time=$SECONDS
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
IFS=',' read -r -a config_list <<<"$configs"
for cfg in "${config_list[@]}"; do
  [ -n "${specs[$cfg]:-}" ] || { echo "unknown configuration $cfg" >&2; exit 2; }
  train_aot "$cfg"
done
if [[ ",$parts," == *,restart,* ]]; then
  fill_template
  # Interleaved (config 1 run 1, config 2 run 1, ...) so a change in the machine's load hits every config alike.
  for r in $(seq 1 "$runs"); do
    for cfg in "${config_list[@]}"; do log "$cfg restart run $r"; restart_run "$cfg" "$r" || true; done
  done
fi
if [[ ",$parts," == *,idle,* || ",$parts," == *,b,* ]]; then
  for r in $(seq 1 "$runs"); do
    for cfg in "${config_list[@]}"; do log "$cfg load run $r"; load_run "$cfg" "$r" || true; done
  done
fi
log "done in $((SECONDS - start_time)) s; raw results in $results"

echo "Date: $(date -u '+%Y-%m-%d %H:%M UTC'); $runs runs per figure, medians (min-max)"
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); server on CPU 0, clients on CPU 1"
echo "Load average before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)"
for cfg in "${config_list[@]}"; do echo "- $cfg: $(java_of "$cfg" | sed 's|/bin/java||') $(flags_of "$cfg" | sed "s|$out/||g")"; done
echo
jq -s -r --arg configs "$configs" '
  def med: sort | if length == 0 then null else .[(length - 1) / 2 | floor] end;
  def fig(f): [.[] | f | select(. != null)] as $v
    | if ($v | length) == 0 then "-" else "\($v | med | . * 10 | round / 10) (\($v | min | . * 10 | round / 10)-\($v | max | . * 10 | round / 10))" end;
  . as $all
  | "| config | start->port bound ms | start->ready ms | ready->synced ms (first join) | idle RSS MiB | KiB per idle conn | CPU us/delivery (b) | b p99 ms |",
    "|---|---|---|---|---|---|---|---|",
    ($configs | split(",")[] as $c
      | ($all | map(select(.config == $c))) as $r
      | ($r | map(select(.part == "restart"))) as $rs
      | ($r | map(select(.part == "c-idle-2000"))) as $id
      | ($r | map(select(.part == "b-1x200"))) as $b
      | "| \($c) | \($rs | fig(.startToAliveMs)) | \($rs | fig(.startToReadyMs)) | \($rs | fig(.readyToSyncedMs)) | \($id | fig(.rssKibBefore / 1024)) | \($id | fig(.rssKibPerConnection)) | \($b | fig(.cpuMicrosPerDelivery)) | \($b | fig(.p99Ms)) |")
' "$results"
