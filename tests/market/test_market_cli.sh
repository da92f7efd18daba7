#!/usr/bin/env bash
# test_market_cli.sh -- the market-sim executable: port 0, portfile written
# after listen() and equal to the READY line, control API reachable on
# 127.0.0.1 only, clean exit 0 on SIGTERM.
set -u
BIN=$1
TMP=$(mktemp -d)
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

mkfifo "$TMP/out"
"$BIN" --port 0 --portfile "$TMP/port" --no-quotas > "$TMP/out" 2> "$TMP/err" &
PID=$!
exec 3< "$TMP/out"
read -r -t 20 line <&3 || fail "no READY line"
[[ $line =~ ^READY\ port=([0-9]+)$ ]] || fail "bad READY line: $line"
port=${BASH_REMATCH[1]}
[ "$(cat "$TMP/port")" = "$port" ] || fail "portfile does not match READY"
out=$(curl -s --noproxy '*' "http://127.0.0.1:$port/_sim/clock") || fail "curl"
[[ $out == *'"now":"2026-03-22T12:00:00Z"'* ]] || fail "clock: $out"
code=$(curl -s -o /dev/null -w '%{http_code}' --noproxy '*' \
  "http://127.0.0.1:$port/ws/orders")
[ "$code" = 401 ] || fail "unauthenticated /ws/orders gave $code"
"$BIN" --port "$port" > /dev/null 2> "$TMP/err2" && fail "second bind succeeded"
grep -q "cannot listen" "$TMP/err2" || fail "no bind error message"
"$BIN" --bogus > /dev/null 2>&1 && fail "unknown option accepted"
kill -TERM "$PID"
wait "$PID"
rc=$?
PID=
[ $rc = 0 ] || fail "exit code $rc after SIGTERM"
echo "ok: market-sim CLI (port $port)"
