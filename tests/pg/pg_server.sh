#!/usr/bin/env bash
# pg_server.sh -- a throwaway PostgreSQL server for the tests.
#
#   pg_server.sh start DIR [DBNAME]   initdb into DIR (made anew), start a
#                                     server that listens only on a Unix
#                                     socket in DIR, create DBNAME (default
#                                     bmc_test), print its libpq URI
#                                     postgresql:///DBNAME?host=DIR and
#                                     write it to DIR/uri
#   pg_server.sh stop DIR             stop that server (fast, then
#                                     immediate) and remove DIR
#
# Uses Debian's postgresql package (initdb and pg_ctl under
# /usr/lib/postgresql/<major>/bin, or the folder BMC_PG_BIN names).  Run as root,
# the server runs as the postgres system user, which owns DIR.  Without
# the package, start fails and says how to install it, unless
# BMC_SKIP_PG=1 is set: then it exits 77 (skipped).  No TCP port is
# opened (listen_addresses = '').
set -euo pipefail

die() { echo "pg_server: $*" >&2; exit 1; }

cmd=${1:-}
dir=${2:-}
db=${3:-bmc_test}
[ -n "$cmd" ] && [ -n "$dir" ] || die "usage: pg_server.sh start|stop DIR [DBNAME]"
case "$dir" in /*) ;; *) die "DIR must be an absolute path: $dir" ;; esac
case "$db" in *[!a-z0-9_]*|"") die "DBNAME must be [a-z0-9_]+: $db" ;; esac

find_bin() {
  local d
  if [ -n "${BMC_PG_BIN:-}" ]; then
    [ -x "$BMC_PG_BIN/pg_ctl" ] && [ -x "$BMC_PG_BIN/initdb" ] && echo "$BMC_PG_BIN"
    return
  fi
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n -r); do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && { echo "$d"; return; }
  done
}

# Run "$@" as the server's owner (postgres when we are root).
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

stop_server() {
  local bin=$1
  [ -f "$dir/data/postmaster.pid" ] || return 0
  as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1 ||
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null 2>&1 ||
    die "cannot stop the server in $dir/data"
}

bin=$(find_bin || true)
case "$cmd" in
start)
  if [ -z "$bin" ]; then
    if [ "${BMC_SKIP_PG:-}" = 1 ]; then
      echo "pg_server: PostgreSQL is not installed; skipped because BMC_SKIP_PG=1"
      exit 77
    fi
    die "PostgreSQL is not installed (no initdb/pg_ctl under /usr/lib/postgresql/*/bin): run packaging/install-deps.sh (Debian: apt-get install postgresql), or set BMC_SKIP_PG=1 to skip the PostgreSQL tests on purpose"
  fi
  # The socket path (DIR/.s.PGSQL.5432) must fit in sun_path (108 bytes).
  [ ${#dir} -le 90 ] || die "DIR is too long for a Unix socket path (${#dir} > 90 bytes): $dir"
  stop_server "$bin" # a server left over by an interrupted run
  rm -rf "$dir"
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || die "running as root but there is no postgres system user (the postgresql package creates it)"
    chown postgres: "$dir"
    # postgres must be able to reach DIR.
    runuser -u postgres -- test -w "$dir" ||
      die "the postgres user cannot write $dir (a parent directory is not searchable by it)"
  fi
  chmod 700 "$dir"
  as_owner "$bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 \
    --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; die "initdb failed in $dir/data"; }
  cat >>"$dir/data/postgresql.conf" <<EOF
listen_addresses = ''
unix_socket_directories = '$dir'
unix_socket_permissions = 0770
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 50
shared_buffers = 32MB
EOF
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null ||
    { cat "$dir/server.log" >&2 || true; die "the server did not start (log: $dir/server.log)"; }
  as_owner "$bin/psql" -h "$dir" -U postgres -d postgres -qAt -v ON_ERROR_STOP=1 \
    -c "CREATE DATABASE $db" >/dev/null 2>"$dir/createdb.log" ||
    { cat "$dir/createdb.log" >&2; die "CREATE DATABASE $db failed"; }
  uri="postgresql:///$db?host=$dir&user=postgres"
  echo "$uri" >"$dir/uri"
  echo "$uri"
  ;;
stop)
  [ -n "$bin" ] || { [ "${BMC_SKIP_PG:-}" = 1 ] && exit 0; die "PostgreSQL is not installed"; }
  stop_server "$bin"
  rm -rf "$dir"
  echo "pg_server: stopped ($dir removed)"
  ;;
*)
  die "unknown command '$cmd' (start or stop)"
  ;;
esac
