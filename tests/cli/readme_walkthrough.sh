#!/usr/bin/env bash
# readme_walkthrough.sh SOURCE_DIR BUILD_DIR -- runs the README's host-sim
# CLI walkthrough exactly as written (the ```sh block under "### The host
# simulator CLI"), every command with `set -e`, in a scratch directory laid
# out like the top of a built tree (build/default -> BUILD_DIR, schemas/
# and examples/ from the sources).  Fails when any command of it fails.
set -u
src=$(realpath "$1") build=$(realpath "$2")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hs-readme-XXXXXX") || exit 1
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
mkdir -p "$tmp/build"
ln -s "$build" "$tmp/build/default"
ln -s "$src/schemas" "$tmp/schemas"
ln -s "$src/examples" "$tmp/examples"
awk '/^### The host simulator CLI/ { on = 1 } on && /^```sh$/ { inb = 1; next }
     inb && /^```$/ { exit } inb { print }' "$src/README.md" > "$tmp/walk.sh"
[ -s "$tmp/walk.sh" ] || { echo "FAIL: no walkthrough block in README.md"; exit 1; }
grep -q 'kill \$SIM' "$tmp/walk.sh" || { echo "FAIL: the walkthrough does not stop its simulator"; exit 1; }
cd "$tmp" || exit 1
# the simulator is stopped even when a command fails half-way; the trap
# never fails itself (under set -e a failing kill of a simulator the
# walkthrough already stopped would turn a clean run into exit 1)
{ echo 'set -eo pipefail'; echo 'trap '\''[ -n "${SIM:-}" ] && kill "$SIM" 2>/dev/null || true'\'' EXIT'
  cat walk.sh; } > run.sh
if timeout 300 bash run.sh < /dev/null > out.txt 2>&1; then
  echo "ok: the README walkthrough ran, $(grep -c . walk.sh) lines, every command succeeded"
  exit 0
fi
cat out.txt
echo "FAIL: a command of the README walkthrough failed (set -e stopped at the last command above)"
exit 1
