#!/usr/bin/env bash
# issue 14, lowrank_gemm only: one GPU call that checks and times lr_wgmma<2> (the down projection fused) against
# lr_down + lr_wgmma<1>, with -D variants, the LR_WG_PROBE timeline, cuBLAS fp16 (torch), cuobjdump and ncu of
# one launch (the launcher's prof mode), then compute-sanitizer on two small cases. Cases from
# `npx tsx sims/cuda/make-cases.ts GEN_DIR --only lowrank_gemm` (the svdquant_w4a4 kernels and cases are used).
# Usage: sims/cuda/run-lowrank-fused.sh [GEN_DIR] [OUT_DIR]
set -uo pipefail
G=${1:-sims/cuda/gen}; O=${2:-${OUT:-./cuda-out}}; mkdir -p "$O/bin"; B=$O/bin
T0=$(date +%s); el() { echo "[$(( $(date +%s) - T0 )) s]"; }
nvidia-smi --query-gpu=name,memory.total,clocks.max.sm,driver_version --format=csv,noheader | tee "$O/device.txt"
echo "tools: $(which ncu cuobjdump compute-sanitizer python3 | tr '\n' ' ')"
NV="nvcc -gencode=arch=compute_90a,code=sm_90a -O3 -std=c++17 -lineinfo"
bld() { local n=$1; shift; ( $NV "$@" -o "$B/$n" 2> "$B/$n.txt"; echo $? > "$B/$n.rc" ) & }
bld w4 $G/svdquant_w4a4.cu
bld r20 $G/svdquant_w4a4_rank20.cu
bld w4p -DLR_WG_PROBE=1 $G/svdquant_w4a4.cu
bld w4d72 -DLR_WG_CREG4=192 -DLR_WG_PREG4=56 -DLR_WG_DREG=72 $G/svdquant_w4a4.cu
[ -n "${EXTRA_VARIANT:-}" ] && bld w4x $EXTRA_VARIANT $G/svdquant_w4a4.cu
wait; el
for n in w4 r20 w4p w4d72; do echo "build $n rc=$(cat $B/$n.rc)"; [ "$(cat $B/$n.rc)" = 0 ] || tail -5 "$B/$n.txt"; done
# Probe: a hang of the flag waits would stop the run here.
timeout 20 $B/w4 verify $G/cases/svdquant_w4a4/tiles; rc=$?; el
if [ $rc = 124 ]; then echo "HANG in lr_wgmma<2> (tiles case)"; exit 3; fi
for c in verify0 verify1 verify2 verify3 full ragged oddk; do timeout 20 $B/w4 verify $G/cases/svdquant_w4a4/$c; done
for c in fast ragged oddk; do timeout 20 $B/r20 verify $G/cases/svdquant_w4a4_rank20/$c; done
for c in tiles verify1; do timeout 20 $B/w4d72 verify $G/cases/svdquant_w4a4/$c | sed 's/^/d72: /'; done
el
timeout 60 $B/w4 bench 4096 4096 4096 7 $G/cases/svdquant_w4a4/bench4096.bin; el
timeout 60 $B/w4d72 bench 4096 4096 4096 7 $G/cases/svdquant_w4a4/bench4096.bin | sed 's/^RESULT lowrank/RESULT lowrank variant=d72/'; el
timeout 60 $B/w4p bench 4096 4096 4096 7 $G/cases/svdquant_w4a4/bench4096.bin | grep -v "^RESULT"; el
python3 sims/cuda/cublas-gemm-fp16.py 2>&1
el
if command -v cuobjdump >/dev/null; then
  for m in 0 2; do cuobjdump -sass -fun "_Z8lr_wgmmaILi${m}EEvPK5uint4S2_PKtS4_S4_S4_S4_S4_PtiiiiS4_S4_PKjS5_Pjj" $B/w4 > "$O/lr_wgmma$m.sass" 2>&1; done
  wc -l "$O"/*.sass
fi
if command -v ncu >/dev/null; then
  timeout 100 ncu --launch-count 2 -k regex:lr_wgmma --section SpeedOfLight --section WarpStateStats --section SchedulerStats \
    --section ComputeWorkloadAnalysis --section InstructionStats --section SourceCounters -o "$O/prof" -f $B/w4 prof 4096 4096 4096 > "$O/ncu-run.txt" 2>&1
  echo "ncu rc=$?"; tail -3 "$O/ncu-run.txt"
  ncu --import "$O/prof.ncu-rep" > "$O/ncu.txt" 2>&1
  ncu --import "$O/prof.ncu-rep" --page source --print-source sass --csv > "$O/ncu-source.csv" 2>&1
  grep -E "lr_wgmma|Duration|Throughput|Issue Slots Busy|Eligible|Active Warps|No Eligible|Stall|Executed Ipc|Warp Cycles" "$O/ncu.txt" | head -80
fi
el
for spec in "w4 svdquant_w4a4/verify1 memcheck" "w4 svdquant_w4a4/verify1 racecheck" "r20 svdquant_w4a4_rank20/fast memcheck"; do set -- $spec
  if timeout 25 compute-sanitizer --tool $3 --error-exitcode 3 $B/$1 verify $G/cases/$2 > "$O/san-$1-$3.txt" 2>&1; then echo "compute-sanitizer $3 $2: clean"; else echo "compute-sanitizer $3 $2: FAILED or timed out"; tail -4 "$O/san-$1-$3.txt"; fi
done; el
