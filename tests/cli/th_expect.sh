# th_expect.sh -- sourced by the CLI test scripts: expect CODE DESCRIPTION
# PATTERN -- cmd...  runs cmd, checks its exit code and that its output
# (stdout and stderr) matches PATTERN (grep; empty = any), prints ok/FAIL
# and counts failures in $fails.
fails=${fails:-0}
expect() {
  code="$1"; what="$2"; pat="$3"; shift 4
  out=$("$@" 2>&1); rc=$?
  if [ "$rc" -ne "$code" ]; then
    echo "FAIL: $what: exit $rc, expected $code"; echo "$out"
    fails=$((fails + 1)); return
  fi
  if [ -n "$pat" ] && ! printf '%s\n' "$out" | grep -q -- "$pat"; then
    echo "FAIL: $what: output lacks '$pat'"; echo "$out"
    fails=$((fails + 1)); return
  fi
  echo "ok: $what"
}
