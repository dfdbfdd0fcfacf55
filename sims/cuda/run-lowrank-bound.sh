#!/usr/bin/env bash
# issue 14, branches w4a4d and lrwg: what bounds lr_wgmma at 4096^3, in one GPU call (docs/kernels.md "What bounds lr_wgmma").
# Builds svdquant_w4a4 as is, with the LR_WG_DIAG ablations (wrong results by design: timing only) and knob candidates
# (LR_WG_FP8, LR_WG_BWIDE, LR_WG_BSWZ, LR_WG_ASMEM, LR_WG_STAGES); verifies the candidates on every int4 lowrank case (w4a4 and rank 20);
# benches every build at 4096^3 (golden samples, rerun); cuBLAS fp16 through torch in the same run; the SASS of
# lr_wgmma<0> (opcode counts); the LR_WG_TRACE builds' per-stage cycle medians (TRACE lines); with PROF="w4 ...", ncu
# (speed of light, warp states, schedulers, pipes, instructions, memory) of one lr_wgmma<0> launch of each.
# Cases from `npx tsx sims/cuda/make-cases.ts GEN_DIR --only lowrank_gemm`.
# Usage: sims/cuda/run-lowrank-bound.sh [GEN_DIR] [OUT_DIR]   (env: BUILDS, VERIFY, SASS, PROF, SASSD, PROFD, NCU_TIMEOUT override the lists)
# Cost: ~45 s of parallel builds on 16 cores, ~4 s per bench, ~1.5 s per verify case; PROF adds ~60 s per build.
set -uo pipefail
G=${1:-sims/cuda/gen-pp}; O=${2:-${OUT:-./cuda-out}/bound}; mkdir -p "$O/bin"; B=$O/bin
T0=$(date +%s); el() { echo "[$(( $(date +%s) - T0 )) s] $*"; }
nvidia-smi --query-gpu=name,memory.total,clocks.max.sm,driver_version --format=csv,noheader | tee "$O/device.txt"
echo "tools: $(which ncu cuobjdump python3 | tr '\n' ' ')"
NV="nvcc -gencode=arch=compute_90a,code=sm_90a -O3 -std=c++17 -lineinfo"
# name:flags (flags comma-separated; - for none); a name starting with r20 (r64) builds the rank-20 (rank-64) kernel, one starting with
# nv the nvfp4 one (bf16 branch: lr_down and the tiled kernel; verified, not benched).
# Since 2026-12-07 07:31 UTC the default build (dflt) is LR_WG_ASMEM=1 LR_WG_BWIDE=1 LR_WG_FP8=1 LR_WG_STAGES=10 (that
# run's as10: A and B widened on the host, both wgmma operands from shared memory); bw12 (-DLR_WG_ASMEM=0) is the
# default of 04:31-07:31 UTC (B only, 12 stages), old the one before it. dflt1 / dflt7: the default with the fold
# skipped / copies only (wrong results by design).
BUILDS=${BUILDS:-"dflt:- bw12:-DLR_WG_ASMEM=0 old:-DLR_WG_BWIDE=0,-DLR_WG_FP8=0 trdflt:-DLR_WG_TRACE=1 trbw12:-DLR_WG_ASMEM=0,-DLR_WG_TRACE=1 dflt1:-DLR_WG_DIAG=1 dflt7:-DLR_WG_DIAG=7 r20dflt:- r20bw12:-DLR_WG_ASMEM=0"}
VERIFY=${VERIFY:-"dflt bw12"}
# lr_wgmma<0>'s SASS (opcode counts) of these builds.
SASS=${SASS:-"dflt bw12"}
PROF=${PROF-}
# PROFMODE=1: the profiled launch is lr_wgmma<1> of the serial form (with the up projection) instead of lr_wgmma<0>.
# GEN_DIR/bin/NAME (with NAME.txt, ptxas's report), when present, is a build made beforehand with these flags by
# BUILD_ONLY=1 on a machine with nvcc (no GPU needed): copied instead of built, which saves the device's time.
# JOBS: builds at once (default all).
n_run=0
for spec in $BUILDS; do n=${spec%%:*}; f=${spec#*:}; [ "$f" = - ] && f=; src=$G/svdquant_w4a4.cu; [ "${n#r20}" != "$n" ] && src=$G/svdquant_w4a4_rank20.cu; [ "${n#r64}" != "$n" ] && src=$G/svdquant_w4a4_rank64.cu; [ "${n#nv}" != "$n" ] && src=$G/svdquant_nvfp4.cu
  if [ -x "$G/bin/$n" ] && [ -z "${BUILD_ONLY:-}" ]; then cp "$G/bin/$n" "$B/$n"; cp "$G/bin/$n.txt" "$B/$n.txt" 2>/dev/null; echo 0 > "$B/$n.rc"; echo "prebuilt $n"; continue; fi
  ( $NV ${f//,/ } -Xptxas -v $src -o "$B/$n" > "$B/$n.txt" 2>&1; echo $? > "$B/$n.rc" ) &
  n_run=$((n_run + 1)); [ -n "${JOBS:-}" ] && [ $((n_run % JOBS)) = 0 ] && wait
done
wait; el built
[ -n "${BUILD_ONLY:-}" ] && { for spec in $BUILDS; do n=${spec%%:*}; echo "build $n rc=$(cat $B/$n.rc)"; done; exit 0; }
for spec in $BUILDS; do n=${spec%%:*}; echo "build $n rc=$(cat $B/$n.rc) $(grep -A2 'lr_wgmmaILi0' $B/$n.txt | grep -oE '[0-9]+ bytes spill stores|Used [0-9]+ registers' | tr '\n' ' ') lr_down: $(grep -A2 '_Z7lr_down' $B/$n.txt | grep -oE '[0-9]+ bytes spill stores|Used [0-9]+ registers' | tr '\n' ' ')"; done
echo "== bench 4096^3"
for spec in $BUILDS; do n=${spec%%:*}; [ "${n#r20}" != "$n" ] || [ "${n#r64}" != "$n" ] || [ "${n#nv}" != "$n" ] && continue; [ "$(cat $B/$n.rc)" = 0 ] || continue
  timeout 60 $B/$n bench 4096 4096 4096 7 $G/cases/svdquant_w4a4/bench4096.bin 2>&1 | grep -E "^(RESULT|TRACE|LR_WG_MCAST)" | sed "s/^RESULT lowrank/RESULT lowrank build=$n/; s/^TRACE/TRACE build=$n/"
done; el bench
python3 sims/cuda/cublas-gemm-fp16.py 2>&1
el cublas
echo "== verify (every int4 lowrank case)"
for e in $VERIFY; do [ "$(cat $B/$e.rc)" = 0 ] || continue
  for c in $G/cases/svdquant_w4a4/*/; do timeout 30 $B/$e verify ${c%/} 2>&1 | sed "s/^/$e: /"; done
  r=r20$e; if [ -x "$B/$r" ]; then for c in $G/cases/svdquant_w4a4_rank20/*/; do timeout 30 $B/$r verify ${c%/} 2>&1 | sed "s/^/$r: /"; done; fi
  r=r64$e; if [ -x "$B/$r" ]; then for c in $G/cases/svdquant_w4a4_rank64/*/; do timeout 30 $B/$r verify ${c%/} 2>&1 | sed "s/^/$r: /"; done; fi
  r=nv$e; if [ -x "$B/$r" ]; then for c in $G/cases/svdquant_nvfp4/*/; do timeout 30 $B/$r verify ${c%/} 2>&1 | sed "s/^/$r: /"; done; fi
done; el verify
SYM=_Z8lr_wgmmaILi0EEvPK5uint4S2_PKtS4_S4_S4_S4_S4_PtiiiiS4_S4_PKjS5_Pjj
if command -v cuobjdump >/dev/null; then
  for v in $SASS; do [ -f $B/$v ] || continue; cuobjdump -sass -fun $SYM $B/$v > $O/$v-lr0.sass 2>&1
    echo "$v lr_wgmma<0> opcodes: $(grep -oE '^\s+/\*[0-9a-f]+\*/\s+[A-Z0-9_.]+' $O/$v-lr0.sass | awk '{print $2}' | sed 's/\..*//' | sort | uniq -c | sort -rn | head -30 | tr '\n' ' ')"; done
fi
if [ -n "$PROF" ] && command -v ncu >/dev/null; then
  for v in $PROF; do [ "$(cat $B/$v.rc)" = 0 ] || continue
    timeout ${NCU_TIMEOUT:-150} ncu --launch-count 1 -k regex:lr_wgmma --section SpeedOfLight --section WarpStateStats --section SchedulerStats --section ComputeWorkloadAnalysis --section InstructionStats --section MemoryWorkloadAnalysis${NCU_EXTRA:-} -o "$O/prof-$v" -f $B/$v prof 4096 4096 4096 ${PROFMODE:-} > "$O/ncu-run-$v.txt" 2>&1
    echo "ncu $v rc=$?"; tail -2 "$O/ncu-run-$v.txt"
    ncu --import "$O/prof-$v.ncu-rep" --page details --print-details all > "$O/ncu-$v.txt" 2>&1
    ncu --import "$O/prof-$v.ncu-rep" --page raw --csv > "$O/ncu-raw-$v.csv" 2>&1
    ncu --import "$O/prof-$v.ncu-rep" --page source --print-source sass --csv > "$O/ncu-sass-$v.csv" 2>&1
    ncu --import "$O/prof-$v.ncu-rep" --page source --print-source cuda --csv > "$O/ncu-cuda-$v.csv" 2>&1
    grep -E "Duration|Issue Slots Busy|Eligible|Active Warps|No Eligible|Executed Ipc|Warp Cycles|Pipe|Shared|L2 Hit|Throughput" "$O/ncu-$v.txt" | head -60
    el "ncu $v"
  done
fi
# lr_down (the down projection; LR_DOWN_* knobs) of the builds in SASSD: SASS opcode counts; of those in PROFD: ncu of
# its first launch in the 4096^3 bench (M = K = 4096, rank 32), the sections above.
SASSD=${SASSD-}; PROFD=${PROFD-}; SYMD=_Z7lr_downPKtS0_PKjiPtiii
if command -v cuobjdump >/dev/null; then
  for v in $SASSD; do [ -f $B/$v ] || continue; cuobjdump -sass -fun $SYMD $B/$v > $O/$v-down.sass 2>&1
    echo "$v lr_down opcodes: $(grep -oE '^\s+/\*[0-9a-f]+\*/\s+[A-Z0-9_.]+' $O/$v-down.sass | awk '{print $2}' | sort | uniq -c | sort -rn | head -30 | tr '\n' ' ')"; done
fi
if [ -n "$PROFD" ] && command -v ncu >/dev/null; then
  for v in $PROFD; do [ "$(cat $B/$v.rc)" = 0 ] || continue
    timeout ${NCU_TIMEOUT:-150} ncu --launch-count 1 -k regex:lr_down --section SpeedOfLight --section WarpStateStats --section SchedulerStats --section ComputeWorkloadAnalysis --section InstructionStats --section MemoryWorkloadAnalysis -o "$O/profd-$v" -f $B/$v bench 4096 4096 4096 7 $G/cases/svdquant_w4a4/bench4096.bin > "$O/ncud-run-$v.txt" 2>&1
    echo "ncu lr_down $v rc=$?"
    ncu --import "$O/profd-$v.ncu-rep" --page details --print-details all > "$O/ncud-$v.txt" 2>&1
    grep -E "Duration|Issue Slots Busy|Executed Ipc|Registers Per|Pipe|Shared|Wavefronts|Stall" "$O/ncud-$v.txt" | head -40
    el "ncu lr_down $v"
  done
fi
ls -la $O | head -40
el done
