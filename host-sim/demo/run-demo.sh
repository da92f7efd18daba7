#!/usr/bin/env bash
# run-demo.sh -- the README's first command: installs what is missing,
# builds (default preset), and runs a simulated seller's day against the
# embedded Back Market simulator.  Prints the summary; exit code 0 on
# success.  The host database is kept in ./build/demo/host.db.
set -euo pipefail
cd "$(dirname "$0")/../.."
log=build/demo-build.log
mkdir -p build
echo "Installing missing packages and building (log: $log)..."
if ! { bash packaging/install-deps.sh &&
       cmake --preset default &&
       cmake --build --preset default -j2 --target bmc-demo host-sim; } \
     > "$log" 2>&1; then
  echo "run-demo: the build failed; the end of $log:" >&2
  tail -n 40 "$log" >&2
  exit 1
fi
exec ./build/default/host-sim/demo/bmc-demo --dir build/demo "$@"
