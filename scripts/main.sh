#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine with Node 20 (run as root): install what qacc needs, build
# it, and run it on the examples: check and elaborate every example, simulate a GEMM on each seed
# accelerator (the simulator exits non-zero unless it equals the golden model bit for bit), generate
# the BitMoD RTL, and cross-check golden = simulator = RTL (Verilator) on corner cases and random GEMMs.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(verilator)
missing=()
for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

npm ci --no-audit --no-fund
npx qacc --version
npx qacc check examples/*.qacc
npx qacc ir examples/bitmod.qacc > /dev/null
for example in bitmod xr-npe svdquant; do
  npx qacc sim "examples/$example.qacc" --workload gemm:m=16,k=256,n=48 --seed 1
done
npx qacc sim examples/bitmod.qacc --workload model:llama-2-7b,stage=decode,tokens=1
npx qacc build examples/bitmod.qacc -o build/bitmod-rtl
npx qacc verify examples/bitmod.qacc --backends golden,sim,rtl --vectors 4 --seed 1 --junit build/verify-bitmod.xml
