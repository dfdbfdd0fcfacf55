#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine with Node 20 (run as root): install what qacc needs, build
# it, and run it on the examples: check and elaborate every example, simulate a GEMM on each seed
# accelerator (the simulator exits non-zero unless it equals the golden model bit for bit), generate
# the BitMoD RTL (accelerator top, controller, tile engine, PEs), and cross-check golden = simulator =
# RTL (Verilator running the compiled ISA programs) on corner cases and random GEMMs: outputs bit for
# bit, cycle counts and per-cycle traces identical. The verification shrinks the arrays with --set (the
# same PE, engine and controller; a 32 x 32 array is a long Verilator build).
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(verilator libegl1 libegl-mesa0 libgles2)   # RTL; Mesa GLES for the WGSL kernels through Dawn
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
npx qacc verify examples/bitmod.qacc --accelerator bitmod --set rows=4 --set cols=4 --set banks=1 \
  --backends golden,sim,rtl --trace --vectors 4 --seed 1 --junit build/verify-bitmod.xml
npx qacc verify examples/xr-npe.qacc --set size=2 --backends golden,sim,rtl --trace --vectors 2 --seed 1
npx qacc verify examples/svdquant.qacc --set rows=2 --set cols=2 --set lanes=8 --set rank=16 --set banks=1 \
  --backends golden,sim,rtl --trace --vectors 1 --seed 1
# the scheduler's decision and the roofline bound per layer
npx qacc sim examples/bitmod.qacc --workload model:llama-2-7b,stage=decode,tokens=1 --set rows=64 --set cols=16 --timing-only --explain
# reference kernels: WGSL through Dawn on Mesa, bit for bit against golden; CUDA sources (run on a GPU with sims/cuda/run-gpu.sh)
npx qacc verify examples/xr-npe.qacc --backends golden,wgsl --vectors 1 --seed 1
npx qacc build examples/svdquant.qacc --target wgsl,cuda -o build/svdquant-kernels
# estimates: analytic (qacc) and the BitMoD authors' model (worked example: q_proj on 64x16, W3)
npx qacc estimate examples/bitmod.qacc --workload model:llama-2-7b,stage=decode,tokens=1
npx qacc estimate examples/bitmod.qacc --workload model:llama-2-7b,stage=decode,tokens=1 --set rows=64 --set cols=16 \
  --set bitmod_weights=bitmod_w3 --cost-model bitmod2025
npx qacc sweep examples/bitmod.qacc --set rows=32,64 --set cols=16,32 --workload model:llama-2-7b,stage=decode,tokens=1 -o build/sweep
