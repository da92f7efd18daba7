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
expect 0 "plugins list versions" "ABI 1.0" -- "$HS" plugins
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
expect 2 "unknown command" "unknown command" -- "$HS" frobnicate
expect 0 "command help" "usage: host-sim" -- "$HS" ship --help
out=$("$HS" jobs Acme 2>&1; for j in 1 2 3 4 5 6; do "$HS" job $j 2>&1; done)
if printf '%s' "$out" | grep -q sk-live-7; then
  echo "FAIL: secret in job output"; fails=$((fails + 1))
fi
echo "$fails failure(s)"
[ "$fails" -eq 0 ]
