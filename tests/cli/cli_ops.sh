#!/usr/bin/env bash
# cli_ops.sh -- the operator's CLI against the real Back Market plugin and
# a standalone market-sim on 127.0.0.1: --version, --json that parses,
# the error-queue actions (release a held order so the next download
# accepts it, correct a serial before it is sent, resolve with a note,
# each a job in `jobs`), `ready` with every reason (per market too), a
# product's channel properties, actions on selected SKUs and `retry`, the
# Custom Inventory Calculation, and the refusals of impossible dates, bad
# IMEIs, out-of-range numbers and secrets on argv.
# Usage: cli_ops.sh HOST_SIM MARKET_SIM PLUGIN_DIR SCHEMA_DIR
set -u
. "$(dirname "$(realpath "$0")")/th_expect.sh"
HS=$(realpath "$1") MS=$(realpath "$2") PLUGINS=$(realpath "$3")
SCHEMAS=$(realpath "$4")
TMP=$(mktemp -d "${TMPDIR:-/tmp}/hs-ops-XXXXXX") || exit 1
SIM=
cleanup() { [ -n "$SIM" ] && kill "$SIM" 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
cd "$TMP" || exit 1
fails=0
B() { "$HS" --db "$TMP/host.db" --plugin-dir "$PLUGINS" --schema-dir "$SCHEMAS" "$@"; }
C="Acme Refurbished"

# json DESCRIPTION PYTHON-EXPR -- cmd...: stdout parses as JSON and the
# expression over it (d) is true
json() {
  what="$1"; expr="$2"; shift 3
  if "$@" > "$TMP/j.json" 2> "$TMP/j.err" &&
     python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if ($expr) else 1)" "$TMP/j.json"; then
    echo "ok: $what"
  else
    echo "FAIL: $what"; cat "$TMP/j.json" "$TMP/j.err"; fails=$((fails + 1))
  fi
}
sim() { curl -s --noproxy '*' -X "$1" "http://127.0.0.1:$PORT$2" ${3:+-d "$3"}; }

mkfifo "$TMP/ready"
"$MS" --port 0 --portfile "$TMP/port" --no-quotas > "$TMP/ready" 2> "$TMP/sim.err" &
SIM=$!
read -r -t 20 line < "$TMP/ready" || { echo "FAIL: market-sim not ready"; exit 1; }
PORT=$(cat "$TMP/port")
now_ms=$(($(date +%s) * 1000))
sim POST /_sim/clock "{\"set_ms\": $now_ms}" > /dev/null
sim POST /_sim/merchants '{"id": 789, "name": "Acme"}' > /dev/null
sim POST /_sim/tokens '{"token": "FAKE-bm-token-0000-replace-me", "merchant_id": 789, "platform": "eu"}' > /dev/null
sim POST /_sim/listings '{"merchant_id": 789, "sku": "IPH12-128-A", "quantity": 5, "markets": {"fr-fr": {"price": "399.00", "currency": "EUR"}}}' > /dev/null
order=$(sim POST /_sim/orders '{"merchant_id": 789, "sku": "IPH12-128-A", "quantity": 1, "market": "fr-fr", "price": "399.00"}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["order_id"])')

expect 0 "--version" "host-sim (bmconnector) [0-9]" -- "$HS" --version
expect 1 "a store that does not exist is refused" "does not exist" -- B orders
[ -e "$TMP/host.db" ] && { echo "FAIL: the refused --db created a store"; fails=$((fails + 1)); }
expect 0 "init" "schema version" -- B init
expect 0 "company" "added" -- B companies add "$C"
expect 1 "unknown company lists the valid ones" "companies: 'Acme Refurbished'" -- B orders Nope
expect 1 "unknown company in errors" "companies: 'Acme Refurbished'" -- B errors Nope
expect 1 "unknown plugin lists the loaded ones" "plugins: 'backmarket'" -- B errors "$C" nope
expect 0 "enable" "enabled" -- B enable "$C" backmarket
expect 1 "a secret on argv is refused" "standard input" -- \
  B settings set "$C" backmarket token FAKE-bm-token-0000-replace-me
printf 'FAKE-bm-token-0000-replace-me\n' > "$TMP/token"
expect 0 "a secret from standard input" "token set" -- \
  sh -c "printf 'FAKE-bm-token-0000-replace-me\n' | \"\$0\" --db \"\$1\" --plugin-dir \"\$2\" --schema-dir \"\$3\" settings set '$C' backmarket token -" \
  "$HS" "$TMP/host.db" "$PLUGINS" "$SCHEMAS"
expect 0 "a secret from a file" "token set" -- \
  B settings set "$C" backmarket token --from-file "$TMP/token"
B settings set "$C" backmarket base_url "http://127.0.0.1:$PORT" > /dev/null
B settings set "$C" backmarket acceptance_policy hold > /dev/null
B settings set "$C" backmarket imei_update true > /dev/null
cat > "$TMP/bulk.csv" <<'CSV'
ProductID,BackmarketEnabled,AvailableQty,BackmarketTitle,BackmarketPrice
IPH12-128-A,True,0,iPhone 12 128GB Grade A,399.00
CSV
expect 0 "import" "1 rows imported" -- B products import "$C" "$TMP/bulk.csv"
json "products --json" 'd[0]["sku"] == "IPH12-128-A" and d[0]["available_qty"] == 0' -- B products list "$C" --json

# a paid order with no stock: held for review
expect 1 "order download holds the order (no stock)" "" -- B run "$C" backmarket order_download
json "errors --json: stock_short for the order" \
  "any(e['code'] == 'stock_short' and e['item'] == '$order' for e in d)" -- B errors "$C" --json
json "orders --json: the order is On Hold" "d[0]['status'] == 'OnHold' and d[0]['source_order_id'] == '$order'" -- B orders --json
expect 1 "release of an unknown order" "has no order" -- B release "$C" 999999
expect 0 "release the held order" "released" -- B release "$C" "$order" --note "checked the shelf"
expect 1 "release twice is refused" "not On Hold" -- B release "$C" "$order"
json "jobs --json: the release is an operator job" \
  "d[0]['action'] == 'release_order' and d[0]['trigger'] == 'operator' and d[0]['status'] == 'Completed'" -- B jobs --json
job=$(B jobs --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
json "job --json has the log line" "'released by the operator' in d['log'][0]['text']" -- B job "$job" --json
B run "$C" backmarket order_download > "$TMP/dl2.out" 2>&1
state=$(sim GET "/_sim/orders/$order" | python3 -c 'import json,sys; print(json.load(sys.stdin)["orderlines"][0]["state"])')
if [ "$state" = 2 ]; then echo "ok: the next order download accepted the released order"
else echo "FAIL: line state $state after release"; cat "$TMP/dl2.out"; fails=$((fails + 1)); fi
eid=$(B errors "$C" --json | python3 -c 'import json,sys; print([e["id"] for e in json.load(sys.stdin) if e["code"] == "stock_short"][0])')
expect 1 "resolve needs a note" "note is required" -- B resolve "$eid"
expect 0 "resolve with a note" "resolved" -- B resolve "$eid" --note "released by hand"
json "resolved entry leaves the open queue" "all(e['id'] != $eid for e in d)" -- B errors "$C" --json
json "errors --all shows the resolution" \
  "any(e['id'] == $eid and e['resolved_note'] == 'released by hand' for e in d)" -- B errors --all --json

# ship: impossible dates and bad IMEIs are refused at entry
line=$(B order "$C" "$order" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["lines"]["line"][0]["line_id"])')
for d in 2026-02-30 9999-99-99 25:61:61 2026-01-01T25:61:61 2099-01-01; do
  expect 1 "ship --date $d refused" "date" -- \
    B ship "$C" "$order" --tracking 1Z999 --carrier UPS --date "$d"
done
expect 1 "ship --serial with a bad Luhn digit refused" "Luhn" -- \
  B ship "$C" "$order" --tracking 1Z999 --carrier UPS --serial "$line=356938035643808"
json "nothing was shipped by the refusals" "d['shipping_status'] == 'Unshipped'" -- B order "$C" "$order" --json
expect 0 "ship with a good IMEI" "shipped" -- \
  B ship "$C" "$order" --tracking 1Z999 --carrier UPS --date 2026-01-31 --serial "$line=356938035643809"
expect 1 "serial correction with a bad IMEI refused" "Luhn" -- B serial "$C" "$order" "$line" 490154203237517
expect 1 "serial correction of an unknown line" "no line" -- B serial "$C" "$order" nope 490154203237518
expect 0 "correct the serial before it is sent" "serial set" -- B serial "$C" "$order" "$line" 490154203237518
json "order --json carries the corrected serial" \
  "d['lines']['line'][0]['serial'] == ['490154203237518']" -- B order "$C" "$order" --json
B run "$C" backmarket tracking_upload > "$TMP/tu.out" 2>&1
imei=$(sim GET "/_sim/orders/$order" | python3 -c 'import json,sys; print(json.load(sys.stdin)["orderlines"][0].get("imei"))')
if [ "$imei" = 490154203237518 ]; then echo "ok: the tracking upload sent the corrected IMEI"
else echo "FAIL: marketplace IMEI $imei"; cat "$TMP/tu.out"; fails=$((fails + 1)); fi
expect 1 "no correction once reported" "already reported" -- B serial "$C" "$order" "$line" 356938035643809
json "jobs --json: the correction is an operator job" \
  "any(j['action'] == 'correct_serial' and j['trigger'] == 'operator' for j in d)" -- B jobs "$C" --json

# log lines: to the journal with their level under systemd, progress on a
# terminal only
: > "$TMP/journal.txt"
JOURNAL_STREAM=$(stat -c '%d:%i' "$TMP/journal.txt") B run "$C" backmarket validate_token > /dev/null 2>> "$TMP/journal.txt"
if grep -q '^<6>\[Acme Refurbished/backmarket\] Validate Token' "$TMP/journal.txt"; then
  echo "ok: under systemd log lines carry their syslog level"
else echo "FAIL: journal lines"; cat "$TMP/journal.txt"; fails=$((fails + 1)); fi
B run "$C" backmarket validate_token > /dev/null 2> "$TMP/plain.txt"
if [ ! -s "$TMP/plain.txt" ]; then echo "ok: no log lines on a plain stderr"
else echo "FAIL: stderr not quiet"; cat "$TMP/plain.txt"; fails=$((fails + 1)); fi
if command -v script > /dev/null; then
  sim POST /_sim/orders '{"merchant_id": 789, "sku": "IPH12-128-A", "quantity": 1, "market": "fr-fr", "price": "399.00"}' > /dev/null
  script -qec "$HS --db $TMP/host.db --plugin-dir $PLUGINS --schema-dir $SCHEMAS run '$C' backmarket order_download" /dev/null > "$TMP/tty.txt" 2>&1
  if grep -Eq 'order_download: [0-9]+/[0-9]+ \([0-9 ]+%\), [0-9.]+/s, ETA' "$TMP/tty.txt"; then echo "ok: progress (done/total, rate, ETA) on a terminal"
  else echo "FAIL: no progress line on a terminal"; cat "$TMP/tty.txt"; fails=$((fails + 1)); fi
  B run "$C" backmarket order_download > /dev/null 2> "$TMP/notty.txt"
  if grep -q 'ETA' "$TMP/notty.txt"; then echo "FAIL: progress on a pipe"; fails=$((fails + 1)); else echo "ok: no progress line on a pipe"; fi
fi

# Ready To Post with every reason
expect 0 "ready before any check" "not checked yet" -- B ready "$C"
B run "$C" backmarket ready_to_post > /dev/null 2>&1
expect 0 "ready shows No and a reason" "IPH12-128-A.*No" -- B ready "$C"
json "ready --json lists every reason" \
  "d[0]['ready'] == 'No' and len(d[0]['reasons']) >= 2 and d[0]['plugin'] == 'backmarket'" -- B ready "$C" IPH12-128-A --json
expect 1 "ready of an unknown SKU" "no product" -- B ready "$C" NOPE
json "ready --json: a row per market the plugin judged" \
  "any(r['market'] == 'fr-fr' and r['ready'] in ('Yes', 'No') for r in d)" -- B ready "$C" IPH12-128-A --json

# a product's channel properties, actions on selected SKUs, retry of the
# failed items only, the company's Custom Inventory Calculation
json "products show --json: generic data and the plugin's properties" \
  "d['product']['sku'] == 'IPH12-128-A' and any(p['key'] == 'price' and p['market'] == '' and p['value'] == '399.00' and p['panel'] == 'Pricing' for p in d['properties'])" -- B products show "$C" IPH12-128-A --json
json "products list --enabled --json: what each channel offers" \
  "d[0]['plugin'] == 'backmarket' and d[0]['properties']['enabled'] == 'true'" -- B products list "$C" --enabled --json
expect 1 "a selection on an action that takes none" "does not take a selection" -- \
  B run "$C" backmarket validate_token --sku IPH12-128-A
printf 'IPH12-128-A\nNOPE-1\n' > "$TMP/skus.txt"
expect 1 "run on selected SKUs: the unknown one is an item error" "Partial Success" -- \
  B run "$C" backmarket ready_to_post --skus-from "$TMP/skus.txt"
sel=$(B jobs --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
json "the unknown selected SKU is in the open error queue" \
  "any(e['item'] == 'NOPE-1' and e['job'] == $sel for e in d)" -- B errors "$C" --json
expect 1 "retry runs the failed item again, as a new job" "Partial Success" -- B retry "$sel"
json "jobs --json: the retry says which job it retries" \
  "d[0]['trigger'] == 'retry of job $sel' and d[0]['total'] <= 1" -- B jobs --json
expect 1 "retry of a job id that is not a number" "not a whole number" -- B retry 12x
expect 0 "inventory-calc set" "percent:80" -- B inventory-calc "$C" percent:80
expect 0 "inventory-calc shows it" "percent:80" -- B inventory-calc "$C"
expect 1 "inventory-calc refuses a bad rule" "percent" -- B inventory-calc "$C" percent:500
expect 1 "inventory-calc of an unknown company" "companies: 'Acme Refurbished'" -- B inventory-calc Nope

# the change feed: a cycle after a cycle reads only the changes; feed-reset
# makes the next one a full pass
B run "$C" backmarket inventory_upload > /dev/null 2>&1
expect 0 "an inventory cycle after one reads only the changes" "inventory: the changes after" -- B run "$C" backmarket inventory_upload
expect 0 "feed-reset" "reads the whole catalog" -- B feed-reset "$C"
expect 0 "after feed-reset the next inventory cycle is a full pass" "inventory: full pass" -- B run "$C" backmarket inventory_upload
expect 1 "feed-reset of an unknown company" "companies: 'Acme Refurbished'" -- B feed-reset Nope

# every integer is range-checked
expect 1 "stock set 99999999999999999999 refused" "out of range" -- B stock set "$C" IPH12-128-A 99999999999999999999
expect 1 "stock set beyond the CSV range refused" "out of range" -- B stock set "$C" IPH12-128-A 1000000001
expect 0 "stock set in range" "= 7" -- B stock set "$C" IPH12-128-A 7
expect 1 "scheduler --until +99999999999999h refused" "9999" -- B scheduler --until +99999999999999h
expect 1 "scheduler --until an impossible date" "not a real date" -- B scheduler --until 2026-02-30
expect 1 "jobs --limit 0 refused" "out of range" -- B jobs --limit 0
expect 1 "job id not a number" "not a whole number" -- B job 12x

# Dry run and the change audit trail (issue 15): a dry inventory upload
# sends nothing that changes Back Market; its report is what the real run
# then sends (audit rows); --json and --csv parse.
B run "$C" backmarket active_listing_download > /dev/null 2>&1
B stock set "$C" IPH12-128-A 2 > /dev/null
last_seq() { sim GET /_sim/log | python3 -c 'import json,sys; print(json.load(sys.stdin)["last_seq"])'; }
seq=$(last_seq)
expect 0 "run --dry-run shows the diff" "dry run: would send SKU IPH12-128-A quantity" -- \
  B run "$C" backmarket inventory_upload --dry-run
n=$(sim GET "/_sim/log?since=$seq" | python3 -c 'import json,sys; print(sum(1 for e in json.load(sys.stdin)["entries"] if e["method"] != "GET"))')
if [ "$n" = 0 ]; then echo "ok: the dry run sent no changing request"
else echo "FAIL: the dry run sent $n changing request(s)"; fails=$((fails + 1)); fi
dj=$(B jobs "$C" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
json "dry-run-report --json: one quantity change" \
  "len(d) == 1 and d[0]['field'] == 'quantity' and d[0]['dry_run'] and d[0]['new_value'] == '2'" -- \
  B dry-run-report "$dj" --json
B dry-run-report "$dj" --json > "$TMP/dry.json"
B run "$C" backmarket inventory_upload > /dev/null 2>&1
rj=$(B jobs "$C" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
json "audit --json: the real run sent what the dry run showed, with a request id" \
  "[(r['sku'], r['field'], r['old_value'], r['new_value']) for r in d if r['job'] == $rj] == [(r['sku'], r['field'], r['old_value'], r['new_value']) for r in json.load(open('$TMP/dry.json'))] and all(r['request_id'].startswith('sim-') and r['result'] == 'ok' and not r['dry_run'] for r in d)" -- \
  B audit "$C" --item IPH12-128-A --json
json "audit --since in the future is empty" "d == []" -- B audit "$C" --since +1d --json
if B audit "$C" --csv > "$TMP/audit.csv" &&
   python3 -c "
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert rows and all(r['company'] == 'Acme Refurbished' and r['field'] for r in rows), rows
assert any(r['request_id'].startswith('sim-') and r['dry_run'] == 'false' for r in rows), rows
" "$TMP/audit.csv"; then echo "ok: audit --csv parses"
else echo "FAIL: audit --csv"; cat "$TMP/audit.csv"; fails=$((fails + 1)); fi
if grep -q "FAKE-bm-token" "$TMP/audit.csv" "$TMP/dry.json"; then
  echo "FAIL: the token is in the audit trail"; fails=$((fails + 1))
else echo "ok: no token in the audit trail"; fi
expect 0 "dry-run switch on" "dry run on" -- B dry-run "$C" on
expect 0 "dry-run switch off" "dry run off" -- B dry-run "$C" off
expect 1 "dry-run refuses another word" "expected on or off" -- B dry-run "$C" maybe
expect 0 "audit-retention default" "keeps 400 days" -- B audit-retention "$C"
expect 0 "audit-retention set" "keeps 30 days" -- B audit-retention "$C" 30
expect 1 "audit-retention 0 refused" "out of range" -- B audit-retention "$C" 0
expect 2 "audit --csv and --json together is a usage error" "usage" -- B audit "$C" --csv --json

# --json on every listing command parses
for cmd in plugins orders jobs tasks; do
  json "$cmd --json parses" "isinstance(d, list) and len(d) > 0" -- B "$cmd" --json
done
json "errors --all --json parses" "isinstance(d, list) and len(d) > 0" -- B errors --all --json
json "settlements --json parses" "isinstance(d, list)" -- B settlements --json
json "plugins --json lists both plugins" \
  "{'backmarket', 'backmarket_pro'} <= {p['name'] for p in d}" -- B plugins --json
expect 0 "completion is generated from the command table" "release) COMPREPLY" -- "$HS" completion bash
echo "$fails failure(s)"
[ "$fails" -eq 0 ]
