#!/usr/bin/env bash
# run-all.sh -- the README's test command: installs missing dependencies,
# builds with warnings as errors, and runs the whole ctest suite twice:
# once in the default preset and once under AddressSanitizer + UBSan.
# Then a valgrind pass over the unit tests.  Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
bash packaging/install-deps.sh

jobs=2
for preset in default asan-ubsan; do
  echo "=== $preset: configure + build"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j"$jobs"
  echo "=== $preset: tests"
  ctest --preset "$preset"
done

echo "=== valgrind: unit tests (default build)"
ctest --test-dir build/default -L unit -T memcheck --output-on-failure
echo "valgrind: clean"
