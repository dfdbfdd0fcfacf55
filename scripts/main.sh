#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine with Node 20 (run as root): install what qacc needs, build
# it, and run it on the examples: check and elaborate every example, then compile a GEMM for each seed
# accelerator and run it on the cycle-level simulator, which exits non-zero unless its outputs equal the
# golden model bit for bit. (Grows with the roadmap: RTL build and `qacc verify` against Verilator next.)
set -euo pipefail
cd "$(dirname "$0")/.."

npm ci --no-audit --no-fund
npx qacc --version
npx qacc check examples/*.qacc
npx qacc ir examples/bitmod.qacc > /dev/null
for example in bitmod xr-npe svdquant; do
  npx qacc sim "examples/$example.qacc" --workload gemm:m=16,k=256,n=48 --seed 1
done
npx qacc sim examples/bitmod.qacc --workload model:llama-2-7b,stage=decode,tokens=1
npx qacc verify examples/bitmod.qacc --vectors 4 --seed 1
