#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine with Node 20 (run as root): install what qacc needs, build
# it, and run it on the examples. Grows with the roadmap (elaborate → simulate → build RTL → verify).
set -euo pipefail
cd "$(dirname "$0")/.."

npm ci --no-audit --no-fund
npx qacc --version
npx qacc formats list
