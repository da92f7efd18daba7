#!/bin/bash
# tests/pg/cli_pg.sh HOST_SIM PSQL_DIR -- host-sim on a PostgreSQL store
# named by host.cfg `database` (a postgresql:// URI with a password, never
# in argv): without key_file it is refused saying so; with it `init`
# creates the schema and a later command opens the same database; no
# output, error or key file shows the password; no file is made from
# the URI.
set -u
hs=$1
uri=$(cat "${BMC_PG_DIR:?BMC_PG_DIR is not set}/uri") ||
  { echo "cli_pg: no PostgreSQL server (tests/pg/pg_server.sh)" >&2; exit 1; }
pw=pw-cli-SECRET-77
work=$(mktemp -d "${TMPDIR:-/tmp}/cli_pg.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "cli_pg: FAIL: $*" >&2; exit 1; }
cd "$work" || exit 1

db=bmc_cli_$$
# psql where pg_server.sh finds the server's programs
psql_bin=${BMC_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n -r | head -1)}/psql
"$psql_bin" "$uri" -qc "CREATE DATABASE $db" || fail "CREATE DATABASE $db"
# the server trusts its socket: the password is accepted and ignored
target="${uri/\/\/\/bmc_test?/\/\/\/$db?}&password=$pw"
[ "$target" != "$uri&password=$pw" ] || fail "cannot name database $db in $uri"

printf 'database = "%s";\n' "$target" >nokey.cfg
out=$("$hs" --config nokey.cfg init 2>&1) && fail "init without key_file succeeded: $out"
grep -q "key_file" <<<"$out" || fail "no key_file hint: $out"
grep -q -- "$pw" <<<"$out" && fail "password shown: $out"

printf 'database = "%s";\nkey_file = "%s/store.key";\n' "$target" "$work" >host.cfg
out=$("$hs" --config host.cfg init 2>&1) || fail "init: $out"
grep -q "ready (schema version" <<<"$out" || fail "init said: $out"
grep -q -- "$pw" <<<"$out" && fail "password shown by init: $out"
grep -q "postgresql://" <<<"$out" || fail "init does not name the store: $out"
out=$("$hs" --config host.cfg jobs 2>&1) || fail "jobs on the new store: $out"
grep -q -- "$pw" <<<"$out" && fail "password shown by jobs: $out"
grep -rq -- "$pw" store.key && fail "password in the key file"
ls | grep -q "postgres" && fail "a file named after the URI: $(ls)"
n=$("$psql_bin" "${uri/\/\/\/bmc_test?/\/\/\/$db?}" -Atc "SELECT COUNT(*) FROM migrations") ||
  fail "no migrations table in $db"
[ "$n" -ge 15 ] || fail "migrations recorded: $n"
echo "cli_pg: ok"
