#!/usr/bin/env bash
# issue 14, branch w4a4c: the LR_WG_FP8 knob's GPU evidence in one short call (docs/kernels.md "fp8 wgmma for the group
# dots"): the fp8 wgmma exactness micro-test (sims/cuda/fp8-wgmma-exact.cu); svdquant_w4a4 built as is, with
# -DLR_WG_FP8=1 and with -DLR_WG_FP8=1 -DLR_WG_SPLIT=0: every int4 lowrank case (w4a4 and rank 20) verified with the
# knob, bench 4096^3 of the three builds (golden samples, rerun), cuBLAS fp16 through torch in the same run, and
# the SASS opcode counts of lr_wgmma<0> in both builds. Cases from
# `npx tsx sims/cuda/make-cases.ts GEN_DIR --only lowrank_gemm`.
# Usage: sims/cuda/run-lowrank-fp8.sh [GEN_DIR] [OUT_DIR]
G=${1:-sims/cuda/gen-w4a4c}; O=${2:-${OUT:-./cuda-out}/fp8}; mkdir -p "$O/bin"; B=$O/bin
T0=$(date +%s); el() { echo "[$(( $(date +%s) - T0 )) s] $*"; }
nvidia-smi --query-gpu=name,memory.total,clocks.max.sm,driver_version --format=csv,noheader
NV="nvcc -gencode=arch=compute_90a,code=sm_90a -O3 -std=c++17"
bld() { local n=$1; shift; ( $NV "$@" -o "$B/$n" > "$B/$n.txt" 2>&1; echo $? > "$B/$n.rc" ) & }
X=sims/cuda/fp8-wgmma-exact.cu; [ -f "$G/fp8-wgmma-exact.cu" ] && X=$G/fp8-wgmma-exact.cu
bld fp8x -O2 -Isims/cuda $X   # -I: fp8-wgmma-common.h when $X is a copy in GEN_DIR
bld w4 $G/svdquant_w4a4.cu
bld w4f -DLR_WG_FP8=1 $G/svdquant_w4a4.cu
bld w4fs0 -DLR_WG_FP8=1 -DLR_WG_SPLIT=0 $G/svdquant_w4a4.cu
bld r20f -DLR_WG_FP8=1 $G/svdquant_w4a4_rank20.cu
bld w4.cubin -cubin $G/svdquant_w4a4.cu
bld w4f.cubin -cubin -DLR_WG_FP8=1 $G/svdquant_w4a4.cu
wait; el built; for n in fp8x w4 w4f w4fs0 r20f; do echo "build $n rc=$(cat $B/$n.rc)"; done
echo "== fp8 wgmma exactness micro-test"
timeout 60 $B/fp8x > $O/fp8x.txt 2>&1; echo "fp8x rc=$?"; grep -E "device|<<<|MISMATCH|checked|FP8" $O/fp8x.txt | head -50; el microtest
echo "== verify LR_WG_FP8=1 (every int4 case)"
for c in $G/cases/svdquant_w4a4/*/; do for e in w4f; do timeout 30 $B/$e verify ${c%/} 2>&1 | sed "s/^/$e: /"; done; done
for c in $G/cases/svdquant_w4a4_rank20/*/; do for e in r20f; do timeout 30 $B/$e verify ${c%/} 2>&1 | sed "s/^/$e: /"; done; done
el verify
echo "== bench 4096^3"
for e in w4 w4f w4fs0; do timeout 60 $B/$e bench 4096 4096 4096 7 $G/cases/svdquant_w4a4/bench4096.bin 2>&1 | sed "s/^RESULT lowrank/RESULT lowrank build=$e/"; done
el bench
python3 sims/cuda/cublas-gemm-fp16.py 2>&1
el cublas
if command -v cuobjdump >/dev/null; then
  for v in w4 w4f; do cuobjdump -sass -fun "_Z8lr_wgmmaILi0EEvPK5uint4S2_PKtS4_S4_S4_S4_S4_PtiiiiS4_S4_PKjS5_Pjj" $B/$v.cubin > $O/$v-lr0.sass 2>&1
    echo "$v lr_wgmma<0> opcodes: $(grep -oE '^\s+/\*[0-9a-f]+\*/\s+[A-Z0-9_.]+' $O/$v-lr0.sass | awk '{print $2}' | sed 's/\..*//' | sort | uniq -c | sort -rn | head -24 | tr '\n' ' ')"; done
fi
el done
