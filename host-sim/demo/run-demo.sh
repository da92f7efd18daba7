#!/usr/bin/env bash
# run-demo.sh -- the README's first command: installs what is missing,
# builds (default preset), and runs a simulated seller's day against the
# embedded Back Market simulator.  Prints the summary; exit code 0 on
# success.  The host database is kept in ./build/demo/host.db.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash packaging/install-deps.sh >/dev/null
cmake --preset default >/dev/null
cmake --build --preset default -j2 --target bmc-demo host-sim >/dev/null
exec ./build/default/host-sim/demo/bmc-demo --dir build/demo "$@"
