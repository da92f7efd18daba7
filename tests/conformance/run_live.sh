#!/usr/bin/env bash
# run_live.sh -- the plugin integration tests once more, with a live
# validating proxy (live_proxy.js: prism with Back Market's OpenAPI and the
# Pro contract) between the plugins and the simulator, so every request the
# plugins send, and every answer, is checked as it happens.  Each test must
# still pass; then the proxy's report must show no failure.  Exit 77 =
# skipped (no OpenAPI, node or prism).
#
# usage: run_live.sh SOURCE_DIR WORK_DIR -- TEST_BINARY [ARG] [-- ...]
set -u
SRC=$1
WORK=$2
shift 2
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=cf_env.sh
. "$HERE/cf_env.sh"

TMP=$(mktemp -d)
PROXY=
cleanup() {
  [ -n "$PROXY" ] && kill "$PROXY" 2>/dev/null && wait "$PROXY" 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT
mkfifo "$TMP/proxy.out"
node "$HERE/live_proxy.js" "$OPENAPI" "$PRO_API" "$WORK" "$TMP/target" \
  > "$TMP/proxy.out" 2> "$TMP/proxy.err" &
PROXY=$!
exec 3< "$TMP/proxy.out"
if ! read -r -t 120 line <&3 || [[ $line != READY\ http://* ]]; then
  cat "$TMP/proxy.err"; echo "FAIL: live proxy did not start"; exit 1
fi
URL=${line#READY }
echo "live validating proxy on $URL"

failed=0 ran=0
run_one() {
  [ $# -gt 0 ] || return 0
  ran=$((ran + 1))
  echo "=== $(basename "$1") ${*:2} (through the live proxy)"
  if ! BMC_LIVE_PROXY_URL=$URL BMC_LIVE_PROXY_TARGET=$TMP/target \
       env -u BMC_SIM_TRAFFIC_DUMP "$@" > "$TMP/test.log" 2>&1; then
    failed=$((failed + 1))
    tail -30 "$TMP/test.log"
    echo "FAIL: $(basename "$1") ${*:2} failed behind the live proxy"
  else
    grep -E "Run Summary|tests +[0-9]|asserts" "$TMP/test.log" | tail -2
  fi
}
[ "${1:-}" = "--" ] && shift
cmd=()
for a in "$@"; do
  if [ "$a" = "--" ]; then run_one "${cmd[@]}"; cmd=(); else cmd+=("$a"); fi
done
run_one "${cmd[@]}"
report=$(curl -s --noproxy '*' --max-time 30 "$URL/_bmc_live/report")
echo "$report"
[ "$ran" -gt 0 ] || { echo "FAIL: no test given"; exit 1; }
[[ $report == *"FAILURES: 0"* ]] || { echo "FAIL: the live proxy saw non-conforming traffic"; exit 1; }
[ "$failed" = 0 ] || { echo "FAIL: $failed of $ran tests failed behind the live proxy"; exit 1; }
[[ $report =~ ([0-9]+)\ live\ requests\ checked ]] && [ "${BASH_REMATCH[1]}" -gt 0 ] ||
  { echo "FAIL: no request went through the live proxy"; exit 1; }
echo "ok: $ran plugin tests behind the live validating proxy"
