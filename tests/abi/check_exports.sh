#!/bin/sh
# check_exports.sh DIR -- every plugin in DIR (*.so) must export exactly one
# symbol of ours, bmc_plugin_entry (the version script hides the rest).
# Exit 0 = all good, 1 = a plugin exports something else or nothing,
# 77 = skipped (nm missing or no plugin found; ctest SKIP_RETURN_CODE).
dir=${1:?usage: check_exports.sh PLUGIN_DIR}
if ! command -v nm >/dev/null 2>&1; then
  echo "SKIP: nm not found (install binutils) -- exports not checked"
  exit 77
fi
found=0
bad=0
for so in "$dir"/*.so; do
  [ -f "$so" ] || continue
  found=$((found + 1))
  # Defined dynamic symbols; "A" entries are version nodes, not code.
  syms=$(nm -D --defined-only "$so" | awk '$2 != "A" { print $3 }' | sort)
  if [ "$syms" = "bmc_plugin_entry" ]; then
    echo "ok: $(basename "$so") exports only bmc_plugin_entry"
  else
    echo "FAIL: $(basename "$so") exports:" $syms
    echo "      expected only bmc_plugin_entry (build it with bmc_add_plugin)"
    bad=1
  fi
done
if [ "$found" -eq 0 ]; then
  echo "SKIP: no plugin (*.so) in $dir"
  exit 77
fi
exit $bad
