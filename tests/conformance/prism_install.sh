# prism_install.sh -- sourced by the conformance scripts: prism_install DIR
# installs @stoplight/prism-cli with npm under DIR (a build directory, never
# the source tree) unless it is there, and sets PRISM.  Returns 1 when npm
# is missing or the install fails.
prism_install() {
  local dir=$1
  PRISM=$dir/node_modules/.bin/prism
  [ -x "$PRISM" ] && return 0
  command -v npm >/dev/null 2>&1 || return 1
  echo "installing @stoplight/prism-cli into $dir (not the source tree)"
  mkdir -p "$dir" || return 1
  [ -f "$dir/package.json" ] || echo '{"name":"bmc-conformance","private":true}' > "$dir/package.json"
  if ! (cd "$dir" && npm install --no-save --no-audit --no-fund @stoplight/prism-cli > npm-install.log 2>&1); then
    tail -5 "$dir/npm-install.log"
    return 1
  fi
}
