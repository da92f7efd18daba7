#!/usr/bin/env bash
# install-deps.sh -- installs the Debian 12 packages the project builds and
# tests with, only when something is missing.  Used by the README's two
# commands and by CI.  Needs root (or sudo) only when it has to install.
set -euo pipefail

pkgs=(build-essential cmake pkg-config git
      libcurl4-openssl-dev libjson-c-dev libxml2-dev libconfig-dev
      libcunit1-dev libsqlite3-dev libmicrohttpd-dev
      libxml2-utils valgrind binutils nodejs npm
      libsodium-dev chromium chromium-driver python3-selenium
      fonts-dejavu-core curl python3 dpkg-dev lintian systemd xz-utils
      tzdata
      libpq-dev postgresql) # the store's PostgreSQL back end and its test server

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
    missing+=("$p")
done
# node/npm may come from outside Debian (e.g. a preinstalled nodejs); accept them.
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  filtered=()
  for p in "${missing[@]}"; do
    [[ "$p" == nodejs || "$p" == npm ]] || filtered+=("$p")
  done
  missing=("${filtered[@]}")
fi
[ ${#missing[@]} -eq 0 ] && { echo "install-deps: everything is installed"; exit 0; }

echo "install-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
