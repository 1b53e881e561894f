#!/usr/bin/env bash
# Installs what cryptoreg needs to build, test and run, from Debian's packages
# (and playwright-core from npm for the browser tests). As root it installs
# what is missing; otherwise it prints the exact command to run.
# Usage: scripts/deps.sh [build|test|bench]   (default: test)
set -euo pipefail
cd "$(dirname "$0")/.."

what=${1:-test}
build_pkgs=(gcc make cmake pkg-config libqrencode-dev libmicrohttpd-dev libjansson-dev libsqlite3-dev
            libssl-dev libsodium-dev libpq-dev)
test_pkgs=(check nodejs npm chromium sqlite3 openssl curl python3)
bench_pkgs=(wrk nginx-light sqlite3 curl openssl time)

case "$what" in
  build) pkgs=("${build_pkgs[@]}") ;;
  test)  pkgs=("${build_pkgs[@]}" "${test_pkgs[@]}") ;;
  bench) pkgs=("${build_pkgs[@]}" "${bench_pkgs[@]}") ;;
  *) echo "usage: $0 [build|test|bench]" >&2; exit 2 ;;
esac

missing=()
for p in "${pkgs[@]}"; do
  # The node and npm on some images come from elsewhere; a working command is enough.
  case "$p" in
    nodejs) command -v node >/dev/null 2>&1 && continue ;;
    npm) command -v npm >/dev/null 2>&1 && continue ;;
  esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "deps: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "deps: missing Debian packages. Run:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

if [ "$what" = test ] && [ ! -d node_modules/playwright-core ]; then
  echo "deps: installing playwright-core from npm (test tool, not committed)"
  if [ -f package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error
  else
    npm install --no-audit --no-fund --loglevel=error
  fi
fi
