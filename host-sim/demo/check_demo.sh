#!/usr/bin/env bash
# check_demo.sh BMC_DEMO WORKDIR -- runs the seller's day twice and checks
# what a seller would: exit 0, the same summary both times, no 429s, no
# failed job, the bad IMEI held, the short-stock order held, listings both
# created and blocked with reasons, Pro orders shipped, a settlement.
set -euo pipefail
demo=$1 dir=$2
rm -rf "$dir"
"$demo" --dir "$dir" > "$dir.1.txt"
"$demo" --dir "$dir" > "$dir.2.txt"
norm() { sed 's/127\.0\.0\.1:[0-9]*/127.0.0.1:PORT/' "$1"; }
if ! diff <(norm "$dir.1.txt") <(norm "$dir.2.txt"); then
  echo "FAIL: two runs of the demo gave different output"; exit 1
fi
s="$dir.1.txt"
fail=0
need() { grep -Eq "$1" "$s" || { echo "FAIL: summary lacks: $2"; fail=1; }; }
need '429 responses received +0$' "zero 429s"
need '^Jobs that failed: 0$' "no failed job"
need 'shipped, held before sending +1 ' "the mistyped IMEI held before sending"
need 'held for review \(stock\) +1$' "the short-stock order held"
need 'cancelled +1 \(1 reported to Back Market\)' "the host cancellation reported"
need 'live on Back Market +[1-9][0-9]+$' "listings created"
need 'blocked, Ready To Post: No +[1-9]' "listings blocked"
need 'is not Windows 11 capable' "the CPU eligibility reason"
need 'imported +3 of 3$' "all Pro orders imported"
need 'backmarket-2026-04-06-EUR .* net [0-9]+\.[0-9]{2} EUR' "a settlement"
need '[0-9]+ x imei_invalid' "the IMEI in the error queue"
[ $fail = 0 ] && echo "demo: summary as expected, identical over two runs"
exit $fail
