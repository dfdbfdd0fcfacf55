#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh Debian 12 machine with Node 20 (run as root), then
# runs it: type check, lint, and the vitest suite. This script is the README's test command and CI's.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(verilator libegl1 libegl-mesa0 libgles2 chromium)   # RTL; Mesa GLES for WGSL through Dawn; Chromium for the HTML report test
if [ ${#APT_PACKAGES[@]} -gt 0 ]; then
  missing=()
  for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
  fi
fi

npm ci --no-audit --no-fund
npm run typecheck
npm run lint
npm test
