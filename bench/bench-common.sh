# Shell functions shared by bench/bench-server.sh, bench/bench-cluster.sh, bench/bench-flood.sh and bench/bench-ycrdt.sh (sourced,
# not run). They use the caller's globals: root (repository root), out (results folder), pin_server (command
# prefix that pins a server), server_pid; and set pg_bin, pg_port, pg_data, pg_pid.

log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

# -h/--help: prints the calling script's header comment (its usage) and exits.
usage_if_help() { # script "$@"
  local script="$1"; shift
  case " $* " in
    *" -h "*|*" --help "*) sed -n '2,/^set -euo pipefail/p' "$script" | sed -n 's/^# \{0,1\}//p'; exit 0 ;;
  esac
}

# The folder of node package PKG as node resolves it from folder FROM: the nearest node_modules walking up
# (the root npm workspace hoists most packages to <root>/node_modules, a conflicting version stays in the
# workspace's own node_modules, e.g. bench/node_modules/y-websocket 1.5.4).
node_pkg_dir() { # from pkg
  local d="$1"
  while :; do
    if [ -f "$d/node_modules/$2/package.json" ]; then echo "$d/node_modules/$2"; return 0; fi
    if [ "$d" = / ] || [ "$d" = . ]; then return 1; fi
    d="$(dirname "$d")"
  done
}

# Runs the one `npm ci` at the repository root (the npm workspace js + bench) when a package is missing.
ensure_node_modules() { # from pkg...
  local from="$1" pkg; shift
  for pkg in "$@"; do
    if ! node_pkg_dir "$from" "$pkg" >/dev/null; then
      log "node package $pkg missing: installing the npm workspace (npm ci at $root)"
      (cd "$root" && npm ci --no-audit --no-fund) >&2
      return
    fi
  done
}

free_port() {
  node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Until the server serves: its port is open and GET /ready is not 503 (the realtime server binds its port while
# starting and answers 503 until its rooms are up; the other servers answer /ready with anything else).
wait_for_port() { # port timeout_seconds pid
  local deadline=$((SECONDS + $2))
  until port_in_use "$1" && [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/ready")" != 503 ]; do
    if ! kill -0 "$3" 2>/dev/null; then log "server process $3 exited during startup"; return 1; fi
    if [ "$SECONDS" -ge "$deadline" ]; then log "port $1 not open or not ready after $2 s"; return 1; fi
    sleep 0.1
  done
}

ensure_jar() { # jar module what: builds the module's jar if it is missing
  if [ ! -f "$1" ]; then
    log "building $3"
    (cd "$root" && mvn -B -q -pl "$2" -am package -DskipTests) >&2
  fi
}

as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# A throw-away PostgreSQL cluster in DIR (data in DIR/data, log DIR/postgres.log) on a free port, pinned like
# the server, with a database "realtime"; further arguments are passed to postgres (e.g. -c max_connections=200).
start_postgres() { # dir [postgres options...]
  local dir="$1"; shift
  pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  [ -x "$pg_bin/initdb" ] || { log "PostgreSQL binaries not found under /usr/lib/postgresql/*/bin (apt-get install postgresql)"; return 1; }
  pg_port="$(free_port)"
  pg_data="$dir/data"
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then chown -R postgres: "$dir"; chmod 755 "$(dirname "$dir")"; fi
  as_postgres "$pg_bin/initdb" -D "$pg_data" -U postgres -A trust -E UTF8 --no-sync >"$out/postgres-initdb.log" 2>&1
  as_postgres "${pin_server[@]}" "$pg_bin/pg_ctl" -D "$pg_data" -l "$dir/postgres.log" -w -t 90 \
    -o "-p $pg_port -k $dir -c listen_addresses=127.0.0.1 $*" start >/dev/null
  as_postgres "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres realtime
  pg_pid="$(head -1 "$pg_data/postmaster.pid")"
  log "PostgreSQL on port $pg_port (postmaster $pg_pid)"
}

stop_postgres() {
  if [ -n "${pg_data:-}" ] && [ -f "$pg_data/postmaster.pid" ]; then
    as_postgres "$pg_bin/pg_ctl" -D "$pg_data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  pg_data=""
}

stop_server() { # [timeout_seconds, default 20]: SIGTERM (graceful), kill -9 after the timeout
  if [ -n "${server_pid:-}" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 $(( ${1:-20} * 5 ))); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
