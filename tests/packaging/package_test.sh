#!/usr/bin/env bash
# package_test.sh BUILD_DIR SOURCE_DIR -- the Debian packages as an
# operator gets them: cpack builds them from BUILD_DIR; lintian reports no
# error and no warning that packaging/README.md does not justify; the
# binaries are stripped with their symbols in the -dbgsym packages and
# hardened (PIE, full RELRO + bindnow, stack protector, fortify); the
# packages are extracted into a scratch root where the extracted host-sim,
# with no path flag and no environment, lists both plugins from that root
# and creates a store with `init`; the systemd unit verifies and rates
# "OK" (exposure <= 3.0) in systemd-analyze security; the man page names
# every command.  Exit 0 = ok, 1 = failure.
set -u
build=$(realpath "${1:?usage: package_test.sh BUILD_DIR SOURCE_DIR}")
src=$(realpath "${2:?usage: package_test.sh BUILD_DIR SOURCE_DIR}")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bmc-pkg-XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }
for tool in cpack lintian dpkg-deb readelf systemd-analyze; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool not found (bash packaging/install-deps.sh)"; exit 1; }
done

# ---- build ----
if ! cpack -G DEB -B "$tmp/out" --config "$build/CPackConfig.cmake" > "$tmp/cpack.log" 2>&1; then
  cat "$tmp/cpack.log"; echo "FAIL: cpack"; exit 1
fi
debs=("$tmp"/out/*.deb)
for p in bmconnector-host bmconnector-plugins bmconnector-dev; do
  ls "$tmp/out/${p}_"*.deb >/dev/null 2>&1 && ok "$p built" || fail "$p not built"
done
for p in bmconnector-host bmconnector-plugins; do
  ls "$tmp/out/${p}-dbgsym_"*.ddeb >/dev/null 2>&1 && ok "$p-dbgsym built" || fail "$p-dbgsym not built"
done

# ---- control fields ----
field() { dpkg-deb -f "$tmp"/out/"$1"_*.deb "$2"; }
field bmconnector-host Depends | grep -q adduser && ok "host Depends adduser" || fail "host Depends lacks adduser"
field bmconnector-host Recommends | grep -q "bmconnector-plugins (= " && ok "host Recommends the plugins" || fail "host does not Recommend the plugins"
field bmconnector-plugins Depends | grep -q "bmconnector-host (= " && ok "plugins Depend on the host" || fail "plugins do not Depend on the host"
field bmconnector-plugins Depends | grep -q libcurl && ok "plugins Depend on libcurl" || fail "plugins lack libcurl in Depends"
for p in bmconnector-host bmconnector-plugins bmconnector-dev; do
  d=$(field "$p" Description)
  [ "$(printf '%s\n' "$d" | wc -l)" -ge 3 ] && ! printf '%s' "$d" | head -1 | grep -q "built using CMake" &&
    ok "$p has a real description" || fail "$p description: $d"
done

# ---- lintian: 0 errors, every warning justified in packaging/README.md ----
lintian --tag-display-limit 0 "${debs[@]}" > "$tmp/lintian.txt" 2>&1
grep -E '^[EW]: ' "$tmp/lintian.txt"
nerr=$(grep -c '^E: ' "$tmp/lintian.txt")
[ "$nerr" -eq 0 ] && ok "lintian: 0 errors" || fail "lintian: $nerr error(s)"
while read -r tag; do
  grep -q -- "\`$tag\`" "$src/packaging/README.md" && ok "lintian warning $tag is justified in packaging/README.md" ||
    fail "lintian warning $tag is not justified in packaging/README.md"
done < <(sed -n 's/^W: [^ ]* \([a-z0-9-]*\).*/\1/p' "$tmp/lintian.txt" | sort -u)

# ---- extract into a scratch root ----
root="$tmp/root"
for d in "${debs[@]}"; do dpkg-deb -x "$d" "$root"; done
hs="$root/usr/bin/host-sim"
[ -x "$hs" ] || { echo "FAIL: no usr/bin/host-sim in the packages"; exit 1; }

# ---- stripped, split debug info, hardened ----
for d in "$tmp"/out/*-dbgsym_*.ddeb; do dpkg-deb -c "$d"; done > "$tmp/dbgsym.txt"
for f in "$hs" "$root/usr/bin/market-sim" "$root"/usr/lib/bmconnector/plugins/*.so; do
  n=${f#"$root"/}
  readelf -S "$f" | grep -q '\.debug_info' && fail "$n is not stripped" || ok "$n stripped"
  id=$(readelf -n "$f" | sed -n 's/.*Build ID: \([0-9a-f]*\).*/\1/p')
  [ -n "$id" ] && grep -q "usr/lib/debug/.build-id/${id:0:2}/${id:2}.debug" "$tmp/dbgsym.txt" &&
    ok "$n debug symbols in a -dbgsym package" || fail "$n: no debug file for build-id $id"
  readelf -d "$f" | grep -q 'BIND_NOW\|FLAGS.*NOW' && ok "$n bindnow" || fail "$n lacks bindnow"
  readelf -l "$f" | grep -q GNU_RELRO && ok "$n relro" || fail "$n lacks relro"
  readelf -h "$f" | grep -q 'DYN' && ok "$n position independent" || fail "$n not PIE"
  readelf -W --dyn-syms "$f" | grep -q '__stack_chk_fail' && ok "$n stack protector" || fail "$n lacks the stack protector"
  readelf -W --dyn-syms "$f" | grep -q '_chk@' && ok "$n fortified" || fail "$n has no fortified calls"
done

# ---- the extracted host-sim, no flags, no environment ----
out=$(cd "$tmp" && env -i PATH=/usr/bin:/bin "$hs" --db "$tmp/h.db" init 2>&1) &&
  ok "extracted host-sim init with no path flags" || fail "init: $out"
out=$(cd "$tmp" && env -i PATH=/usr/bin:/bin "$hs" --db "$tmp/h.db" plugins 2>&1)
for p in backmarket backmarket_pro; do
  printf '%s\n' "$out" | grep -q "from $root/usr/lib/bmconnector/plugins/$p.so" &&
    ok "extracted host-sim loads $p from the extracted root" || fail "plugins: $out"
done
out=$(env -i PATH=/usr/bin:/bin "$hs" --version 2>&1) && ok "host-sim --version: ${out%%$'\n'*}" || fail "--version: $out"
bash -n "$root/usr/share/bash-completion/completions/host-sim" && ok "bash completion parses" || fail "bash completion"

# ---- the unit ----
unit="$root/lib/systemd/system/bmc-host-scheduler.service"
if systemd-analyze security --offline=yes --threshold=30 "$unit" > "$tmp/sec.txt" 2>&1; then
  ok "systemd-analyze security: $(grep 'Overall exposure' "$tmp/sec.txt" | sed 's/.*: //')"
else
  cat "$tmp/sec.txt"; fail "unit exposure above 3.0"
fi
sed "s#/usr/bin/host-sim#$hs#g; s#^Documentation=.*##" "$unit" > "$tmp/bmc-host-scheduler.service"
if systemd-analyze verify "$tmp/bmc-host-scheduler.service" > "$tmp/verify.txt" 2>&1; then
  ok "systemd-analyze verify"
else
  cat "$tmp/verify.txt"; fail "systemd-analyze verify"
fi

# ---- the man page names every command ----
man="$root/usr/share/man/man1/host-sim.1.gz"
for cmd in $("$hs" --help | sed -n '/^commands:/,/^$/p' | awk 'NR > 1 && $1 { print $1 }'); do
  zcat "$man" | sed 's/\\-/-/g' | grep -q -- "$cmd" || fail "host-sim(1) does not name the command $cmd"
done
ok "host-sim(1) names every command"
echo "$fails failure(s)"
[ "$fails" -eq 0 ]
