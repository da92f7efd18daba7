#!/usr/bin/env bash
# run_conformance.sh -- conformance test of market-sim against Back Market's
# published OpenAPI (and the Pro simulator against our assumed Pro
# contract): starts market-sim on port 0, puts `prism proxy` in front of
# it, replays scripted requests plus every $BMC_TRAFFIC_DIR/*.jsonl file
# (recorded with BMC_SIM_TRAFFIC_DUMP), and fails on any validation error
# not in replay.js's allow-list.  Exit 77 = skipped (ctest SKIP).
#
# usage: run_conformance.sh MARKET_SIM_BINARY SOURCE_DIR WORK_DIR
set -u
SIM_BIN=$1
SRC=$2
WORK=$3
HERE=$(cd "$(dirname "$0")" && pwd)
OPENAPI=${BMC_OPENAPI:-$SRC/../shared/backmarket/openapi.yml}
PRO_API=$SRC/schemas/backmarket-pro.openapi.yaml

skip() { echo "SKIP: $*"; exit 77; }

[ -f "$OPENAPI" ] || skip "Back Market OpenAPI not found at $OPENAPI (set BMC_OPENAPI)"
command -v node >/dev/null 2>&1 || skip "node is not installed"
mkdir -p "$WORK" || exit 1
PRISM=$WORK/node_modules/.bin/prism
if [ ! -x "$PRISM" ]; then
  command -v npm >/dev/null 2>&1 || skip "npm is not installed"
  echo "installing @stoplight/prism-cli into $WORK (not the source tree)"
  [ -f "$WORK/package.json" ] || echo '{"name":"bmc-conformance","private":true}' > "$WORK/package.json"
  if ! (cd "$WORK" && npm install --no-save --no-audit --no-fund @stoplight/prism-cli > npm-install.log 2>&1); then
    tail -5 "$WORK/npm-install.log"
    skip "npm install @stoplight/prism-cli failed (offline?)"
  fi
fi

TMP=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
  rm -rf "$TMP"
}
trap cleanup EXIT

# market-sim: READY line comes after listen()
mkfifo "$TMP/sim.out"
env -u BMC_SIM_TRAFFIC_DUMP "$SIM_BIN" --no-quotas > "$TMP/sim.out" 2> "$TMP/sim.err" &
PIDS+=($!)
exec 3< "$TMP/sim.out"
if ! read -r -t 20 line <&3 || [[ $line != READY\ port=* ]]; then
  cat "$TMP/sim.err"; echo "FAIL: market-sim did not start"; exit 1
fi
SIM_PORT=${line#READY port=}
SIM=http://127.0.0.1:$SIM_PORT

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();});'
}

# start_prism NAME SPEC UPSTREAM -> sets PRISM_URL after "listening"
start_prism() {
  local name=$1 spec=$2 upstream=$3 port fifo=$TMP/$1.out l
  port=$(free_port) || return 1
  mkfifo "$fifo"
  "$PRISM" proxy "$spec" "$upstream" --host 127.0.0.1 --port "$port" \
    --errors false > "$fifo" 2>&1 &
  PIDS+=($!)
  exec {fd}< "$fifo"
  while read -r -t 60 l <&"$fd"; do
    echo "$l" >> "$TMP/$name.log"
    if [[ $l == *"listening on"* ]]; then
      # keep draining prism's log in the background so it never blocks
      cat <&"$fd" >> "$TMP/$name.log" &
      PIDS+=($!)
      PRISM_URL=http://127.0.0.1:$port
      return 0
    fi
  done
  cat "$TMP/$name.log"
  return 1
}

start_prism bm "$OPENAPI" "$SIM" || { echo "FAIL: prism (Back Market) did not start"; exit 1; }
BM_URL=$PRISM_URL
start_prism pro "$PRO_API" "$SIM/sellers-prod" || { echo "FAIL: prism (Pro) did not start"; exit 1; }
PRO_URL=$PRISM_URL

FILES=()
if [ -n "${BMC_TRAFFIC_DIR:-}" ] && [ -d "$BMC_TRAFFIC_DIR" ]; then
  for f in "$BMC_TRAFFIC_DIR"/*.jsonl; do [ -f "$f" ] && FILES+=("$f"); done
fi
echo "market-sim on $SIM, prism (Back Market) on $BM_URL, prism (Pro) on $PRO_URL"
echo "traffic files: ${#FILES[@]}"
node "$HERE/replay.js" "$SIM" "$BM_URL" "$PRO_URL" "${FILES[@]}"
rc=$?
if [ $rc -ne 0 ]; then
  echo "--- prism (Back Market) log tail ---"; tail -20 "$TMP/bm.log"
fi
exit $rc
