#!/usr/bin/env bash
# check_planted.sh -- proves the conformance check can fail: runs
# run_conformance.sh on planted/planted.jsonl (recorded exchanges with a
# request violation of a query parameter and of a body, a response
# violation no allow entry covers, a path outside the spec, a credential
# that is not Basic, and a body the spec-defect exception must not excuse)
# and passes only when the check fails and names each of the six.
# Exit 77 = skipped (as run_conformance.sh).
#
# usage: check_planted.sh MARKET_SIM_BINARY SOURCE_DIR WORK_DIR
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
BMC_TRAFFIC_DIR=$HERE/planted BMC_CONFORMANCE_RECORDED_ONLY=1 \
  bash "$HERE/run_conformance.sh" "$@" > "$TMP/out" 2>&1
rc=$?
[ $rc = 77 ] && { cat "$TMP/out"; exit 77; }
fail() { cat "$TMP/out"; echo "FAIL: $*"; exit 1; }
[ $rc = 1 ] || fail "the conformance check exited $rc on planted violations (want 1)"
n=0
while IFS= read -r line; do
  n=$((n + 1))
  want=$(printf '%s' "$line" | node -e 'let d="";process.stdin.on("data",c=>d+=c).on("end",()=>console.log(JSON.parse(d).planted))')
  grep -F "FAIL planted.jsonl#$n:" "$TMP/out" | grep -qF -- "$want" ||
    fail "planted exchange $n ($want) was not reported"
done < "$HERE/planted/planted.jsonl"
grep -q "^failures: $n$" "$TMP/out" || fail "expected exactly $n failures"
grep -q "6 recorded as recorded" "$TMP/out" || fail "the planted exchanges were not all checked"
echo "ok: the conformance check fails on each of the $n planted violations"
