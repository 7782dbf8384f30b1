#!/usr/bin/env bash
# A throwaway PostgreSQL for tests: trust auth on 127.0.0.1, a free port, fsync off, everything under one dir.
#
#   scripts/pg-test-server.sh start [<dir>]   starts (or finds running) a server whose files live in <dir>; prints
#                                             its URL as the last line of stdout and writes it to <dir>/url.
#                                             Without <dir>, a new one is made with mktemp -d.
#   scripts/pg-test-server.sh stop <dir>      stops it (pg_ctl stop -m fast); a no-op when it is not running.
#
# Typical use:
#   dir=$(mktemp -d); export OSPREY_TEST_POSTGRES_URL=$(scripts/pg-test-server.sh start "$dir" | tail -n1)
#   ctest --test-dir build -L db; scripts/pg-test-server.sh stop "$dir"; rm -rf "$dir"
#
# When run as root the server runs as the `postgres` user (initdb refuses root), so <dir> and every directory
# above it must be traversable by that user: /tmp/... from mktemp -d is fine, /root/... is not.
# Diagnostics go to stderr; the server log is <dir>/postgres.log.
set -euo pipefail

die() {
  echo "pg-test-server: $*" >&2
  exit 1
}

usage() {
  echo "usage: $0 start [<dir>] | stop <dir>" >&2
  exit 2
}

find_pg_bin() {
  if [ -n "${PG_BIN:-}" ]; then
    echo "$PG_BIN"
    return
  fi
  local d
  # 15 is Debian 12's; otherwise the newest installed.
  for d in /usr/lib/postgresql/15/bin $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V -r); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
      echo "$d"
      return
    fi
  done
  die "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin (apt-get install postgresql, or set PG_BIN)"
}

# Runs a command as the server's owner: `postgres` when we are root, ourselves otherwise.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# True when something already listens on 127.0.0.1:$1.
port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

pick_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 40000))
    if ! port_in_use "$port"; then
      echo "$port"
      return
    fi
  done
  die "no free loopback port found"
}

prepare_dir() {
  local dir=$1
  mkdir -p "$dir"
  chmod 755 "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || die "user 'postgres' does not exist (install the postgresql package)"
    chown postgres: "$dir"
    runuser -u postgres -- test -x "$dir" -a -w "$dir" ||
      die "user 'postgres' cannot reach $dir; use a directory under /tmp (mktemp -d)"
  fi
}

init_cluster() {
  local dir=$1 bin=$2
  [ -f "$dir/data/PG_VERSION" ] && return
  rm -rf "$dir/data"
  as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1 ||
    die "initdb failed; see $dir/initdb.log"
  # A Unix socket path must fit in ~107 bytes; past that the server listens on TCP only (the URL uses TCP).
  local sockets="$dir/data"
  [ ${#sockets} -le 80 ] || sockets=""
  cat >>"$dir/data/postgresql.conf" <<EOF
# pg-test-server.sh: a disposable server, durability off for speed.
listen_addresses = '127.0.0.1'
unix_socket_directories = '$sockets'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
EOF
}

server_running() {
  local dir=$1 bin=$2
  [ -f "$dir/data/PG_VERSION" ] && as_owner "$bin/pg_ctl" status -D "$dir/data" >/dev/null 2>&1
}

write_url() {
  local dir=$1 port=$2
  local url="postgresql://postgres@127.0.0.1:$port/postgres"
  echo "$url" >"$dir/url"
  chmod 644 "$dir/url"
  echo "$url"
}

cmd_start() {
  local dir=${1:-}
  if [ -z "$dir" ]; then
    dir=$(mktemp -d /tmp/osprey-pg.XXXXXX)
    echo "pg-test-server: using $dir" >&2
  fi
  dir=$(realpath -m "$dir")
  local bin
  bin=$(find_pg_bin)
  cd /  # the server's owner may not be able to read the caller's working directory
  prepare_dir "$dir"
  if server_running "$dir" "$bin"; then
    # Already up (a second `start`): line 4 of postmaster.pid is its port.
    write_url "$dir" "$(as_owner sed -n 4p "$dir/data/postmaster.pid")"
    return
  fi
  init_cluster "$dir" "$bin"
  local port
  for _ in 1 2 3 4 5; do
    port=$(pick_port)
    # A port can be taken between the check and the bind; then pg_ctl fails and we try another.
    if as_owner "$bin/pg_ctl" start -w -t 60 -D "$dir/data" -l "$dir/postgres.log" -o "-p $port" >&2; then
      write_url "$dir" "$port"
      return
    fi
    if server_running "$dir" "$bin"; then
      as_owner "$bin/pg_ctl" stop -D "$dir/data" -m immediate >&2 || true
    fi
  done
  tail -n 20 "$dir/postgres.log" >&2 || true
  die "the server did not start; see $dir/postgres.log"
}

cmd_stop() {
  local dir=${1:-}
  [ -n "$dir" ] || usage
  [ -d "$dir" ] || return 0
  local bin
  bin=$(find_pg_bin)
  cd /
  if server_running "$dir" "$bin"; then
    as_owner "$bin/pg_ctl" stop -D "$dir/data" -m fast -w >&2
  fi
}

export LC_ALL=C
case "${1:-}" in
  start) shift; cmd_start "$@" ;;
  stop) shift; cmd_stop "$@" ;;
  *) usage ;;
esac
