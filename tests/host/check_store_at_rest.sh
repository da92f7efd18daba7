#!/usr/bin/env bash
# check_store_at_rest.sh BMC_DEMO WORKDIR DEMO_DAY_C -- secrets at rest
# after every action of both plugins ran: runs the seller's day (bmc-demo:
# both plugins, every action, the scheduler in between), then checks that
# the store, its -wal/-shm and its key file are mode 0600, and that
# `strings` on the store files finds neither token (the Back Market token
# and the Pro key, read from the demo's source) nor the store key.
set -euo pipefail
demo=$1 dir=$2 src=$3
rm -rf "$dir"
mkdir -p "$dir"
token=$(sed -n 's/^#define DEMO_TOKEN "\(.*\)"$/\1/p' "$src")
prokey=$(sed -n 's/^#define DEMO_PRO_KEY "\(.*\)"$/\1/p' "$src")
company=$(sed -n 's/^#define DEMO_COMPANY "\(.*\)"$/\1/p' \
  "$(dirname "$src")/demo.h")
[ -n "$token" ] && [ -n "$prokey" ] && [ -n "$company" ] ||
  { echo "FAIL: cannot read DEMO_TOKEN/DEMO_PRO_KEY/DEMO_COMPANY"; exit 1; }
"$demo" --dir "$dir" > "$dir/demo.txt" 2>&1 ||
  { tail -20 "$dir/demo.txt"; echo "FAIL: the demo failed"; exit 1; }
db=$dir/host.db key=$dir/host.db.key
fail=0
[ -f "$key" ] || { echo "FAIL: no key file $key"; exit 1; }
keyhex=$(sed -n 's/^bmc-store-key-v1 \([0-9a-f]\{64\}\)$/\1/p' "$key")
[ ${#keyhex} = 64 ] || { echo "FAIL: $key holds no key line"; exit 1; }
checked=0
for f in "$db" "$db-wal" "$db-shm" "$key"; do
  [ -e "$f" ] || continue
  mode=$(stat -c %a "$f")
  [ "$mode" = 600 ] || { echo "FAIL: $f is mode $mode, not 600"; fail=1; }
  [ "$f" = "$key" ] && continue
  checked=$((checked + 1))
  # Into a file first: `strings | grep -q` under pipefail would hide a hit
  # (grep stops early, strings dies of SIGPIPE, the pipeline "fails").
  strings -a -n 8 "$f" > "$dir/strings.txt"
  for secret in "$token" "$prokey" "$keyhex"; do
    if grep -qF "$secret" "$dir/strings.txt"; then
      echo "FAIL: strings $f finds a secret (${secret:0:6}...)"; fail=1
    fi
  done
done
[ $checked -ge 1 ] || { echo "FAIL: no store file to check"; exit 1; }
# The job logs and the summary never print a secret either.
for secret in "$token" "$prokey" "$keyhex"; do
  if grep -qF "$secret" "$dir/demo.txt"; then
    echo "FAIL: the demo output holds a secret (${secret:0:6}...)"; fail=1
  fi
done
# A positive control: the scan does find what is in the store in clear.
strings -a -n 8 "$db" > "$dir/strings.txt"
grep -qF "$company" "$dir/strings.txt" ||
  { echo "FAIL: strings finds nothing in $db (the scan is blind)"; fail=1; }
[ $fail = 0 ] && echo "store at rest: $checked store file(s) and the key" \
  "file 0600; no token, Pro key or store key in the store files"
exit $fail
