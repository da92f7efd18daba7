# cf_env.sh -- sourced by the conformance scripts with SRC (source dir) and
# WORK (the npm dir under the build tree) set: finds the specs (OPENAPI:
# $BMC_OPENAPI or ../shared/backmarket/openapi.yml next to the repository;
# PRO_API: the assumed Pro contract), installs @stoplight/prism-cli with npm
# under WORK (never in the source tree; once, under a lock) unless it is
# there, and exits 77 (ctest "skipped") with the reason when the OpenAPI,
# node or the install is missing.
OPENAPI=${BMC_OPENAPI:-$SRC/../shared/backmarket/openapi.yml}
PRO_API=$SRC/schemas/backmarket-pro.openapi.yaml
skip() { echo "SKIP: $*"; exit 77; }
[ -f "$OPENAPI" ] || skip "Back Market OpenAPI not found at $OPENAPI (set BMC_OPENAPI)"
command -v node >/dev/null 2>&1 || skip "node is not installed"
# The conformance tests run in parallel and share WORK: one installs while
# the others wait on the lock, and a tree counts as installed only once
# npm has finished (a half-extracted node_modules lacks modules).
mkdir -p "$WORK" || exit 1
exec 9> "$WORK/.install.lock" || exit 1
flock 9 || exit 1
if [ ! -f "$WORK/.installed" ]; then
  command -v npm >/dev/null 2>&1 || skip "npm is not installed"
  echo "installing @stoplight/prism-cli into $WORK (not the source tree)"
  [ -f "$WORK/package.json" ] || echo '{"name":"bmc-conformance","private":true}' > "$WORK/package.json"
  if ! (cd "$WORK" && npm install --no-save --no-audit --no-fund @stoplight/prism-cli > npm-install.log 2>&1); then
    tail -5 "$WORK/npm-install.log"
    skip "npm install @stoplight/prism-cli failed (offline?)"
  fi
  touch "$WORK/.installed"
fi
flock -u 9
exec 9>&-
