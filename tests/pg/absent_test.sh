#!/usr/bin/env bash
# absent_test.sh PG_SERVER_SH TEST_DB_PG DIR -- without a PostgreSQL
# server the suite must fail, not skip: pg_server.sh start exits 1 and
# says how to install it, test_db_pg exits 1 and names the missing URI
# file; both exit 77 (skipped) only when BMC_SKIP_PG=1 asks.
set -uo pipefail
sh=$1 prog=$2 dir=$3
fails=0
check() { # check NAME WANT_RC WANT_TEXT RC OUTPUT
  if [ "$4" -ne "$2" ] || ! grep -q -- "$3" <<<"$5"; then
    echo "FAIL $1: exit $4 (want $2), output: $5"; fails=$((fails + 1))
  else
    echo "ok   $1"
  fi
}
unset BMC_SKIP_PG BMC_DB_TARGET
out=$(BMC_PG_BIN=/nonexistent bash "$sh" start "$dir" 2>&1); rc=$?
check "start without postgresql fails" 1 "PostgreSQL is not installed.*install-deps.sh" $rc "$out"
out=$(BMC_SKIP_PG=1 BMC_PG_BIN=/nonexistent bash "$sh" start "$dir" 2>&1); rc=$?
check "start skips only with BMC_SKIP_PG=1" 77 "skipped because BMC_SKIP_PG=1" $rc "$out"
[ ! -e "$dir" ] || { echo "FAIL: $dir was created"; fails=$((fails + 1)); }
out=$(BMC_PG_DIR="$dir" "$prog" 2>&1); rc=$?
check "test without a server fails" 1 "no PostgreSQL server: $dir/uri is missing" $rc "$out"
out=$(BMC_SKIP_PG=1 BMC_PG_DIR="$dir" "$prog" 2>&1); rc=$?
check "test skips only with BMC_SKIP_PG=1" 77 "skipped (BMC_SKIP_PG=1)" $rc "$out"
out=$(bash "$sh" start relative/dir 2>&1); rc=$?
check "a relative DIR is refused" 1 "DIR must be an absolute path" $rc "$out"
exit $((fails > 0))
