#!/usr/bin/env bash
# test_market_cli.sh -- the market-sim executable as a standalone sandbox:
# port 0, portfile written after listen() and equal to the READY line,
# loopback only, clean exit 0 on SIGTERM, option errors; the wall clock by
# default (quota windows reset, a Back Box client pacing itself at one call
# per 1.5 s is served, bulk tasks and scheduled orders finish while the
# client waits, with --speed so that seconds take tenths), --virtual-clock,
# --public-url and X-Forwarded-Proto in next URLs, HEAD.  Waits are single
# bounded sleeps on a sped-up clock, never polling loops.
set -u
BIN=$1
TMP=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  rm -rf "$TMP"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
C=(curl -s --noproxy '*' --max-time 20)
TOK=tok-cli-0123456789
WS=(-H "Authorization: Basic $TOK" -H "User-Agent: BM-Acme-Cli;ops@acme.test"
    -H "Accept-Language: en-gb" -H "Content-Type: application/json")

# start NAME ARGS... -> sets PORT (READY after listen())
start() {
  local name=$1 line; shift
  mkfifo "$TMP/$name.out"
  "$BIN" --port 0 --portfile "$TMP/$name.port" "$@" > "$TMP/$name.out" \
    2> "$TMP/$name.err" &
  PIDS+=($!)
  exec {fd}< "$TMP/$name.out"
  read -r -t 20 line <&"$fd" || fail "$name: no READY line"
  [[ $line =~ ^READY\ port=([0-9]+)$ ]] || fail "$name: bad READY line: $line"
  PORT=${BASH_REMATCH[1]}
  [ "$(cat "$TMP/$name.port")" = "$PORT" ] || fail "$name: portfile does not match READY"
}
ctl() { "${C[@]}" -X "$1" "http://127.0.0.1:$PORT$2" ${3:+-d "$3"}; }
code() { "${C[@]}" -o /dev/null -w '%{http_code}' "$@"; }
seed() {
  ctl POST /_sim/merchants '{"id": 789, "name": "Acme"}' > /dev/null
  ctl POST /_sim/tokens "{\"token\": \"$TOK\", \"merchant_id\": 789}" > /dev/null
}
json_get() { node -e 'let d="";process.stdin.on("data",c=>d+=c).on("end",()=>{let v=JSON.parse(d);for(const k of process.argv[1].split("."))v=v==null?v:v[k];console.log(typeof v==="object"?JSON.stringify(v):String(v))})' "$1"; }

# --- 1. defaults: wall clock, loopback, refusals --------------------------
start plain --no-quotas
P1=$PORT
out=$(ctl GET /_sim/clock) || fail "curl"
[[ $out == *'"mode":"wall"'* ]] || fail "default clock is not the wall clock: $out"
sim_ms=$(echo "$out" | json_get now_ms)
now_ms=$(date +%s%3N)
d=$(( sim_ms > now_ms ? sim_ms - now_ms : now_ms - sim_ms ))
[ "$d" -lt 60000 ] || fail "wall clock is $d ms away from the real time"
code "http://127.0.0.1:$P1/ws/orders" | grep -qx 401 || fail "unauthenticated /ws/orders not 401"
"$BIN" --port "$P1" > /dev/null 2> "$TMP/err2" && fail "second bind succeeded"
grep -q "cannot listen" "$TMP/err2" || fail "no bind error message"
for bad in "--bogus" "--speed 0" "--speed x" "--task-delay -5" \
           "--clock-start yesterday" "--public-url ftp://x"; do
  # shellcheck disable=SC2086
  "$BIN" $bad > /dev/null 2> "$TMP/bad.err" && fail "accepted: $bad"
  [ -s "$TMP/bad.err" ] || fail "no message for: $bad"
done

# --- 2. --virtual-clock: the clock does not move by itself ------------------
start virtual --virtual-clock --no-quotas
a=$(ctl GET /_sim/clock | json_get now_ms)
sleep 0.05
b=$(ctl GET /_sim/clock | json_get now_ms)
[ "$a" = 1774180800000 ] && [ "$b" = "$a" ] || fail "virtual clock moved or did not start at 2026-03-22T12:00Z: $a $b"
ctl POST /_sim/clock '{"advance_ms": 60000}' | grep -q '"now_ms":1774180860000' || fail "virtual clock advance"

# --- 3. wall clock x10, quotas on ------------------------------------------
start fast --speed 10 --task-delay 3000
seed
[[ $(ctl GET /_sim/clock) == *'"speed":10'* ]] || fail "speed not reported"
# 3a. a quota window resets in wall time: 5 per window, the 6th is refused,
#     and after the 10 s block (1 s real at x10) the API answers again
ctl POST /_sim/config '{"global_limit": 5}' > /dev/null
urls=(); for i in 1 2 3 4 5 6; do urls+=(-o /dev/null "http://127.0.0.1:$PORT/ws/orders"); done
codes=$("${C[@]}" "${WS[@]}" -w '%{http_code} ' "${urls[@]}")
[ "$codes" = "200 200 200 200 200 429 " ] || fail "global window: $codes"
sleep 1.1
[ "$(code "${WS[@]}" "http://127.0.0.1:$PORT/ws/orders")" = 200 ] || fail "quota did not reset in wall time"
ctl POST /_sim/config '{"global_limit": 200}' > /dev/null
# 3b. Back Box at 2/s: a burst is refused, a client pacing itself at one
#     call per 1.5 s (0.15 s real at x10) is always served
uuid=$(ctl POST /_sim/listings '{"merchant_id": 789, "sku": "BB-1", "quantity": 2, "markets": {"en-gb": {"price": "449.00"}}}' | json_get id)
ctl POST /_sim/backbox '{"listing": "BB-1", "market": "en-gb", "price_to_win": "441.00"}' > /dev/null
bb=http://127.0.0.1:$PORT/ws/backbox/v1/competitors/$uuid
codes=$("${C[@]}" "${WS[@]}" -w '%{http_code} ' -o /dev/null "$bb" -o /dev/null "$bb" \
  -o /dev/null "$bb" -o /dev/null "$bb")
[[ $codes == *429* ]] || fail "Back Box burst not limited: $codes"
sleep 0.2
for i in 1 2 3 4 5 6 7 8; do
  c=$(code "${WS[@]}" "$bb")
  [ "$c" = 200 ] || fail "paced Back Box call $i got $c"
  sleep 0.15
done
# 3c. a bulk task finishes in wall time (3 s task delay = 0.3 s real)
# (no node between the two calls: its start-up would eat the delay)
post=$("${C[@]}" "${WS[@]}" -X POST "http://127.0.0.1:$PORT/ws/listings" \
  -d '{"catalog": "sku,quantity\nBB-1,7", "delimiter": ",", "quotechar": "\"", "encoding": "utf-8"}')
[[ $post =~ \"bodymessage\":([0-9]+) ]] || fail "bulk upload: $post"
task=${BASH_REMATCH[1]}
st=$("${C[@]}" "${WS[@]}" "http://127.0.0.1:$PORT/ws/tasks/$task")
[[ $st == *'"action_status":0'* ]] || fail "new task not pending: $st"
sleep 0.4
[ "$("${C[@]}" "${WS[@]}" "http://127.0.0.1:$PORT/ws/tasks/$task" | json_get action_status)" = 9 ] || fail "task did not finish in wall time"
[ "$(ctl GET /_sim/listings/BB-1 | json_get quantity)" = 7 ] || fail "task result not applied"
# 3d. scheduled customer orders follow the wall clock (every 2 s sim)
ctl POST /_sim/schedule '{"merchant_id": 789, "sku": "BB-1", "market": "en-gb", "every_ms": 2000, "count": 2}' > /dev/null
sleep 0.5
n=$("${C[@]}" "${WS[@]}" "http://127.0.0.1:$PORT/ws/orders" | json_get count)
[ "$n" = 2 ] || fail "scheduled orders on the wall clock: $n of 2"
# 3e. next keeps the scheme the client came by; HEAD answers like GET
nx=$("${C[@]}" "${WS[@]}" -H "X-Forwarded-Proto: https" -H "Host: sandbox.acme.test" \
  "http://127.0.0.1:$PORT/ws/orders?page-size=1" | json_get next)
[ "$nx" = "https://sandbox.acme.test/ws/orders?page-size=1&page=2" ] || fail "next: $nx"
h=$("${C[@]}" "${WS[@]}" -I "http://127.0.0.1:$PORT/ws/orders/")
[[ $h == "HTTP/1.1 200"* ]] || fail "HEAD /ws/orders/: $h"

# --- 4. --public-url ---------------------------------------------------------
start public --no-quotas --public-url https://sandbox.example.test/
seed
ctl POST /_sim/listings '{"merchant_id": 789, "sku": "P-1", "quantity": 5, "markets": {"en-gb": {"price": "10.00"}}}' > /dev/null
for i in 1 2; do ctl POST /_sim/customer_order '{"merchant_id": 789, "sku": "P-1", "market": "en-gb"}' > /dev/null; done
nx=$("${C[@]}" "${WS[@]}" "http://127.0.0.1:$PORT/ws/orders?page-size=1" | json_get next)
[ "$nx" = "https://sandbox.example.test/ws/orders?page-size=1&page=2" ] || fail "public-url next: $nx"

kill -TERM "${PIDS[0]}"
wait "${PIDS[0]}"
rc=$?
PIDS=("${PIDS[@]:1}")
[ $rc = 0 ] || fail "exit code $rc after SIGTERM"
echo "ok: market-sim CLI (wall clock, --speed, --virtual-clock, --public-url, HEAD)"
