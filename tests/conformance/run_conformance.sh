#!/usr/bin/env bash
# run_conformance.sh -- conformance test of market-sim and of the plugins'
# recorded traffic against Back Market's published OpenAPI (and the Pro
# contract we assume): installs prism if needed, starts market-sim on
# port 0 and runs replay.js: scripted requests against the live simulator,
# then every exchange of $BMC_TRAFFIC_DIR/*.jsonl (recorded with
# BMC_SIM_TRAFFIC_DUMP) validated as recorded.  Fails on any violation
# cf_check.js does not allow.  Exit 77 = skipped (ctest SKIP).
#
# usage: run_conformance.sh MARKET_SIM_BINARY SOURCE_DIR WORK_DIR
set -u
SIM_BIN=$1
SRC=$2
WORK=$3
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=cf_env.sh
. "$HERE/cf_env.sh"

TMP=$(mktemp -d)
SIM_PID=
cleanup() {
  [ -n "$SIM_PID" ] && kill "$SIM_PID" 2>/dev/null && wait "$SIM_PID" 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT

# market-sim on a virtual clock (the script moves it): READY after listen()
mkfifo "$TMP/sim.out"
env -u BMC_SIM_TRAFFIC_DUMP "$SIM_BIN" --no-quotas --virtual-clock > "$TMP/sim.out" 2> "$TMP/sim.err" &
SIM_PID=$!
exec 3< "$TMP/sim.out"
if ! read -r -t 20 line <&3 || [[ $line != READY\ port=* ]]; then
  cat "$TMP/sim.err"; echo "FAIL: market-sim did not start"; exit 1
fi
SIM=http://127.0.0.1:${line#READY port=}

FILES=()
if [ -n "${BMC_TRAFFIC_DIR:-}" ] && [ -d "$BMC_TRAFFIC_DIR" ]; then
  for f in "$BMC_TRAFFIC_DIR"/*.jsonl; do [ -f "$f" ] && FILES+=("$f"); done
fi
echo "market-sim on $SIM; traffic files: ${#FILES[@]}"
node "$HERE/replay.js" "$SIM" "$OPENAPI" "$PRO_API" "$WORK" "${FILES[@]}"
