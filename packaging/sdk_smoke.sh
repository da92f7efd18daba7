#!/bin/sh
# sdk_smoke.sh BUILD_DIR -- installs the "dev" component (the plugin SDK)
# into a scratch prefix, then builds a minimal plugin the way a third party
# would: flags from `pkg-config bmc-plugin`, its version script, and checks
# that the result exports only bmc_plugin_entry.
# Exit 0 = ok, 1 = failure, 77 = skipped (a tool is missing).
set -eu
build=${1:?usage: sdk_smoke.sh BUILD_DIR}
for tool in pkg-config cc nm cmake; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "SKIP: $tool not found"
    exit 77
  fi
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --component dev --prefix "$tmp/usr" >/dev/null
pc=$(find "$tmp/usr" -name bmc-plugin.pc | head -n 1)
[ -n "$pc" ] || { echo "FAIL: bmc-plugin.pc not installed"; exit 1; }
export PKG_CONFIG_PATH=$(dirname "$pc")
cflags=$(pkg-config --cflags bmc-plugin)
map=$(pkg-config --variable=versionscript bmc-plugin)
major=$(pkg-config --variable=abi_major bmc-plugin)
want=$(sed -n 's/^#define BMC_ABI_MAJOR \([0-9]*\).*/\1/p' \
  "$tmp/usr/include/bmc/bmc_plugin.h")
[ "$major" = "$want" ] || { echo "FAIL: abi_major $major, header $want"; exit 1; }
[ -f "$map" ] || { echo "FAIL: version script $map missing"; exit 1; }
cat > "$tmp/p.c" <<'C'
#include <bmc/bmc_plugin.h>
static int cr(const struct bmc_host_api *h, void *c, void **i, char *e,
              size_t l) { (void)h; (void)c; (void)e; (void)l; *i = 0; return 0; }
static int rn(void *i, const char *a, const char *const *items, size_t n,
              char *e, size_t l)
{ (void)i; (void)a; (void)items; (void)n; (void)e; (void)l; return 0; }
static void de(void *i) { (void)i; }
int helper_not_exported(void);
int helper_not_exported(void) { return 1; }
/* one product property, one value per market (column SdkPrice_us ...) */
static const struct bmc_property props[] = {
  {"price", BMC_SET_DECIMAL, "SdkPrice", "Price", "Pricing", NULL, 0,
   1000000, 2, NULL, BMC_PROP_PER_MARKET, "Price per market"}};
static const struct bmc_action actions[] = {
  {"push", "Push", 0, BMC_ACTION_MANUAL | BMC_ACTION_SKUS, NULL}};
static const struct bmc_plugin_api api = {
  {BMC_ABI_MAGIC, sizeof(struct bmc_plugin_api), BMC_ABI_MAJOR, BMC_ABI_MINOR},
  "sdk_smoke", "SDK smoke", "0.0.1", 0, 0, actions, 1, cr, rn, de, 0,
  props, 1, "us|ca"};
const struct bmc_plugin_api *bmc_plugin_entry(void) { return &api; }
C
# shellcheck disable=SC2086
cc -std=c11 -Wall -Werror -shared -fPIC -fvisibility=hidden $cflags \
  "$tmp/p.c" -Wl,--version-script="$map" -Wl,-z,defs -o "$tmp/p.so"
syms=$(nm -D --defined-only "$tmp/p.so" | awk '$2 != "A" { print $3 }')
if [ "$syms" != "bmc_plugin_entry" ]; then
  echo "FAIL: SDK-built plugin exports: $syms"
  exit 1
fi
# the host loads it (ABI checks, property declarations)
hs=$build/host-sim/host/host-sim
if [ -x "$hs" ]; then
  out=$("$hs" --db :memory: --plugin-dir "$tmp" plugins) || {
    echo "FAIL: host-sim refused the SDK-built plugin: $out"; exit 1; }
  case $out in
    *"sdk_smoke (SDK smoke) version 0.0.1, ABI $major."*"SdkPrice"*) ;;
    *) echo "FAIL: host-sim plugins output: $out"; exit 1 ;;
  esac
fi
echo "ok: pkg-config bmc-plugin -> $cflags; plugin exports only bmc_plugin_entry; host-sim loads it"
