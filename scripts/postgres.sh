#!/usr/bin/env bash
# A private PostgreSQL cluster for tests and demos, on a free loopback port in a temporary directory.
#   source scripts/postgres.sh && pg_private_start    # exports CSEG_TEST_POSTGRES, PG_PRIVATE_DIR
#   pg_private_stop
# initdb/pg_ctl refuse to run as root, so as root they run as the 'postgres' user.

pg_private_bin() {
  local best=""
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/pg_ctl" ] && best=$d
  done
  if [ -z "$best" ]; then
    echo "postgres: server binaries not found (apt-get install postgresql)" >&2
    return 1
  fi
  echo "$best"
}

pg_private_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_private_free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$(( 20000 + RANDOM % 30000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  echo "postgres: no free port found" >&2
  return 1
}

pg_private_start() {
  local bin port dir
  bin=$(pg_private_bin) || return 1
  port=$(pg_private_free_port) || return 1
  dir=$(mktemp -d /tmp/cseg-pg.XXXXXX)
  if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$dir"; fi
  pg_private_as_owner "$bin/initdb" -D "$dir/data" -A trust -U cseg --no-sync -E UTF8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; return 1; }
  pg_private_as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null \
    || { cat "$dir/server.log" >&2; return 1; }
  PG_PRIVATE_DIR=$dir
  PG_PRIVATE_BIN=$bin
  PG_PRIVATE_PORT=$port
  export PG_PRIVATE_DIR PG_PRIVATE_BIN PG_PRIVATE_PORT
  export CSEG_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=cseg;Database=postgres"
  echo "postgres: private cluster on 127.0.0.1:$port ($dir)"
}

pg_private_stop() {
  if [ -n "${PG_PRIVATE_DIR:-}" ] && [ -d "$PG_PRIVATE_DIR/data" ]; then
    pg_private_as_owner "$PG_PRIVATE_BIN/pg_ctl" -D "$PG_PRIVATE_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$PG_PRIVATE_DIR"
    unset PG_PRIVATE_DIR
  fi
}
