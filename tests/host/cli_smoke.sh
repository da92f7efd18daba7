#!/bin/sh
# cli_smoke.sh -- drives the host-sim CLI end to end with bmc_test_plugin:
# setup, a refused secret, a job with its log, orders, ship/cancel rules,
# the error queue and a virtual-clock scheduler run.  Checks exit codes
# and the text an operator reads.  Usage: cli_smoke.sh HOST_SIM PLUGIN_DIR
set -u
. "$(dirname "$(realpath "$0")")/../cli/th_expect.sh"
HS="$1"
export BMC_PLUGIN_DIR="$2"
dir=$(mktemp -d "${TMPDIR:-/tmp}/hs-cli-XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1
P=bmc_test_plugin
fails=0


expect 1 "a missing store is refused" "does not exist" -- "$HS" plugins
expect 0 "init" "schema version" -- "$HS" init
expect 0 "plugins list versions" "ABI 2.1" -- "$HS" plugins
expect 0 "add company" "added" -- "$HS" companies add Acme
expect 1 "duplicate company" "already exists" -- "$HS" companies add Acme
expect 0 "enable" "enabled" -- "$HS" enable Acme $P
expect 1 "secret on argv refused, says how to pass it" "standard input" -- \
  "$HS" settings set Acme $P api_key sk-live-7
expect 1 "secret with a space refused" "whitespace" -- \
  sh -c 'printf " sk-123\n" | "$0" settings set Acme "$1" api_key -' "$HS" $P
expect 1 "unknown setting refused" "nope" -- \
  "$HS" settings set Acme $P nope 1
expect 0 "secret stored from standard input" "set" -- \
  sh -c 'printf "sk-live-7\n" | "$0" settings set Acme "$1" api_key -' "$HS" $P
expect 1 "pending secret needs a credential check" "no credential check" -- \
  sh -c 'printf "sk-live-8\n" | "$0" settings set Acme "$1" api_key --pending -' "$HS" $P
expect 0 "health names the token status" "token: unchecked" -- "$HS" health Acme
expect 0 "health --json" '"token":{"status":"unchecked"' -- "$HS" health --json
expect 1 "health of an unknown company" "Nobody" -- "$HS" health Nobody
expect 0 "dispatch warning per company" "2 hour(s) before" -- \
  "$HS" dispatch-warn Acme 2
expect 1 "dispatch warning out of range" "0..720" -- "$HS" dispatch-warn Acme 999
expect 0 "secret masked in show" "\*\*\*\*" -- "$HS" settings show Acme $P
out=$("$HS" settings show Acme $P 2>&1)
if printf '%s' "$out" | grep -q sk-live-7; then
  echo "FAIL: secret printed by settings show"; fails=$((fails + 1))
fi
expect 0 "run import_order" "Completed" -- "$HS" run Acme $P import_order
expect 0 "orders list" "TEST-1001" -- "$HS" orders Acme
expect 0 "order xml" "<shipping_status>Unshipped</shipping_status>" -- \
  "$HS" order Acme TEST-1001
expect 1 "invalid document fails the job" "order.xsd" -- \
  "$HS" run Acme $P bad_document
expect 0 "error queue shows it" "xsd_invalid" -- "$HS" errors Acme
expect 2 "ship without tracking" "tracking and --carrier are required" -- "$HS" ship Acme TEST-1001
expect 0 "ship" "shipped" -- "$HS" ship Acme TEST-1001 --tracking 1Z9 \
  --carrier UPS --serial TEST-1001-1=356938035643809
expect 0 "order shows serial" "<serial>356938035643809</serial>" -- \
  "$HS" order Acme TEST-1001
expect 1 "cancel a shipped order refused" "cannot be cancelled" -- \
  "$HS" cancel Acme TEST-1001
expect 1 "unknown order" "no order" -- "$HS" cancel Acme NOPE
expect 0 "switch on sync" "set" -- \
  "$HS" settings set Acme $P sync_enabled true
expect 0 "scheduler on the virtual clock" "3 task run" -- \
  "$HS" scheduler --until +12m
expect 0 "tasks table" "3 times" -- "$HS" tasks Acme
# a scheduler worker: nothing is due on the real clock after that run
expect 0 "worker --once with nothing due" "0 task run" -- "$HS" worker --once
expect 1 "worker lease out of range" "from 3 to 86400" -- \
  "$HS" worker --once --lease-s 1
expect 1 "worker name with a control character" "control character" -- \
  "$HS" worker --once --name "$(printf 'w\001')"
# products: the plugin's declared property (TestListPrice, per market)
printf 'ProductID,Title,AvailableQty,TestListPrice,TestListPrice_eu\nSKU-1,Phone,3,19.90,18.50\nSKU-2,Tablet,1,,\n' > bulk.csv
expect 0 "import with a property column" "2 rows imported" -- \
  "$HS" products import Acme bulk.csv
printf 'ProductID,TestListPrice_xx\nSKU-1,1\n' > bad.csv
expect 1 "undeclared market column refused" "TestListPrice_xx" -- \
  "$HS" products import Acme bad.csv
printf 'ProductID,TestListPrice\nSKU-1,1.005\n' > bad.csv
expect 1 "bad value refused with file:line and column" \
  "bad.csv:2: TestListPrice: expected at most 2 decimals" -- \
  "$HS" products import Acme bad.csv
expect 0 "set a market's value" "list_price for us = 21.00" -- \
  "$HS" products set Acme SKU-1 $P list_price@us 21.00
expect 1 "set refuses an undeclared market" "market 'fr'" -- \
  "$HS" products set Acme SKU-1 $P list_price@fr 21.00
expect 0 "show lists the property per market" "    us  *21.00" -- \
  "$HS" products show Acme SKU-1
expect 0 "export" "2 products exported" -- "$HS" products export Acme out.csv
if ! grep -q 'TestListPrice,TestListPrice_us,TestListPrice_eu' out.csv ||
   ! grep -q '^SKU-1,Phone,.*,19.90,21.00,18.50' out.csv; then
  echo "FAIL: export lacks the per-market columns"; cat out.csv
  fails=$((fails + 1))
fi
# an action on a selection, then only its failed items again
expect 0 "run on two SKUs" "SKU-1: list_price=19.90 eu=18.50 us=21.00" -- \
  "$HS" run Acme $P list_prices --sku SKU-1 --sku SKU-2
printf 'SKU-2\n# a comment\nNOPE-9\n' > skus.txt
expect 1 "run --skus-from with an unknown SKU" "Partial Success" -- \
  "$HS" run Acme $P list_prices --skus-from skus.txt
job=$("$HS" jobs Acme --limit 1 | awk 'NR==1 {print $1}')
expect 1 "retry the failed items" "retry of job $job" -- "$HS" retry "$job"
expect 1 "a selection for an action that takes none" "does not take a selection" -- \
  "$HS" run Acme $P echo --sku SKU-1
# the company's Custom Inventory Calculation
expect 0 "inventory calculation set" "percent:80" -- \
  "$HS" inventory-calc Acme percent:80
expect 0 "inventory calculation shown" "Acme: percent:80" -- \
  "$HS" inventory-calc Acme
expect 1 "bad inventory calculation refused" "expected percent:N" -- \
  "$HS" inventory-calc Acme half
expect 2 "unknown command" "unknown command" -- "$HS" frobnicate
expect 0 "command help" "usage: host-sim" -- "$HS" ship --help
out=$("$HS" jobs Acme 2>&1; for j in 1 2 3 4 5 6 7 8 9; do "$HS" job $j 2>&1; done)
if printf '%s' "$out" | grep -q sk-live-7; then
  echo "FAIL: secret in job output"; fails=$((fails + 1))
fi
echo "$fails failure(s)"
[ "$fails" -eq 0 ]
