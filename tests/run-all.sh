#!/usr/bin/env bash
# run-all.sh -- the README's test command: installs missing dependencies,
# builds with warnings as errors, and runs the whole ctest suite twice:
# once in the default preset (the package test included) and once under
# AddressSanitizer + UBSan.  Then valgrind over the unit tests and the
# plugin integration tests: any error and any definitely, indirectly or
# possibly lost block fails the stage (tests/valgrind.supp holds the one
# justified exception).  Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
bash packaging/install-deps.sh
start=$SECONDS

jobs=2
for preset in default asan-ubsan; do
  echo "=== $preset: configure + build"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j"$jobs"
  echo "=== $preset: tests"
  ctest --preset "$preset"
done

# Valgrind over every test whose command is one of our programs: the unit
# tests and the plugin integration tests (both plugins against the
# in-process simulator, crash and 429 storms included).  Not under
# valgrind: the tests whose command is a shell script (CLI, README
# walkthrough, docs, packaging, market-sim CLI, export check, demo,
# conformance) -- ctest's memcheck would check the shell, not our code,
# since valgrind does not follow exec here; their programs run under ASan
# above.  Nor market_listing_memory: it measures the allocator's own
# figures for 100,000 listings, which valgrind replaces (and takes minutes
# under it); the listing store it measures runs under valgrind in the
# market tests.
echo "=== valgrind: unit and plugin integration tests (default build)"
tmp=build/default/Testing/Temporary
rm -f "$tmp"/MemoryChecker.*.log
vg_rc=0
ctest --test-dir build/default -T memcheck -j"$jobs" --output-on-failure \
  -E '^(abi_exports|host_cli|cli_ops|readme_walkthrough|market_sim_cli|demo_seller_day|conformance_market|docs_config_reference|packaging_sdk_smoke|package|market_listing_memory)$' \
  || vg_rc=$?
# Read every log too: a leak or error counts even if an exit code hid it.
bad=$(grep -lE 'ERROR SUMMARY: [1-9]|(definitely|indirectly|possibly) lost: [1-9]' \
  "$tmp"/MemoryChecker.*.log 2>/dev/null || true)
nlogs=$(ls "$tmp"/MemoryChecker.*.log 2>/dev/null | wc -l)
if [ "$vg_rc" -ne 0 ] || [ -n "$bad" ] || [ "$nlogs" -eq 0 ]; then
  for f in $bad; do
    echo "--- $f"
    grep -E 'lost|ERROR SUMMARY|Invalid|uninitialised|  (at|by) 0x' "$f" | head -60
  done
  echo "valgrind: DIRTY (ctest exit $vg_rc; ${nlogs} logs; findings in: ${bad:-none})"
  exit 1
fi
echo "valgrind: clean ($nlogs test logs: 0 errors, 0 bytes definitely, indirectly or possibly lost)"
echo "run-all: everything passed in $((SECONDS - start)) s"
