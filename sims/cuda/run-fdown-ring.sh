#!/usr/bin/env bash
# issue 14, session 19: lr_wgmma<2> with LR_WG_FDOWN: 16-row down units and the cp.async ring (LR_WG_FROWS, LR_WG_FRING),
# against session 17's form and the serial default, in one GPU call (H100, 2026-12-08 00:25 UTC: docs/kernels.md "Session 19").
# Builds on the device unless GEN_DIR/bin holds them (BUILD_ONLY=1 sims/cuda/run-lowrank-bound.sh with the same BUILDS).
# Cases: npx tsx sims/cuda/make-cases.ts GEN_DIR --only lowrank_gemm.
# Usage: sims/cuda/run-fdown-ring.sh GEN_DIR OUT_DIR
set -uo pipefail
G=$1; O=$2; mkdir -p "$O"
R="-DLR_WG_FDOWN=1,-DLR_WG_FROWS=16,-DLR_WG_FRING=5,-DLR_WG_STAGES=9"
BUILDS="dflt:- f8:-DLR_WG_FDOWN=1 f16s9:-DLR_WG_FDOWN=1,-DLR_WG_FROWS=16,-DLR_WG_STAGES=9 f8r4s9:-DLR_WG_FDOWN=1,-DLR_WG_FRING=4,-DLR_WG_STAGES=9 f16r5s9:$R f16r8s8:-DLR_WG_FDOWN=1,-DLR_WG_FROWS=16,-DLR_WG_FRING=8,-DLR_WG_STAGES=8 pb16:$R,-DLR_WG_PROBE=1 r64f16r5s9:$R r20f16r5s9:$R"
BUILDS="$BUILDS" VERIFY="f16r5s9 f8r4s9" SASS="" bash sims/cuda/run-lowrank-bound.sh "$G" "$O/b" 2>&1 | tee "$O/bound.log" | grep -vE 'BIT-EXACT' | head -80
echo "verify: $(grep -c 'BIT-EXACT' $O/bound.log) BIT-EXACT lines; lines with a nonzero mismatch count: $(grep -E ' [1-9][0-9]*/[0-9]+ mismatches' $O/bound.log | wc -l)"
echo "== probe (pb16)"; timeout 60 $O/b/bin/pb16 bench 4096 4096 4096 7 $G/cases/svdquant_w4a4/bench4096.bin 2>&1 | grep -E 'PROBE|RESULT' | head -20
echo "== racecheck f16r5s9 verify1"; timeout 120 compute-sanitizer --tool racecheck $O/b/bin/f16r5s9 verify $G/cases/svdquant_w4a4/verify1 2>&1 | tail -3
echo "== ncu f16r5s9 lr_wgmma<2>"
timeout 200 ncu --launch-skip 1 --launch-count 1 -k regex:lr_wgmma --section SpeedOfLight --section WarpStateStats --section SchedulerStats --section SourceCounters --section MemoryWorkloadAnalysis -o "$O/fd" -f $O/b/bin/f16r5s9 prof 4096 4096 4096 > "$O/ncu-run.txt" 2>&1; echo "ncu rc=$?"; tail -2 "$O/ncu-run.txt"
ncu --import "$O/fd.ncu-rep" --page details --print-details all > "$O/ncu-fd.txt" 2>&1
ncu --import "$O/fd.ncu-rep" --page source --print-source sass --csv > "$O/ncu-sass-fd.csv" 2>&1
grep -E "Duration|Issue Slots Busy|Eligible|No Eligible|Warp Cycles|L2 Hit|Throughput|Stall" "$O/ncu-fd.txt" | head -40
echo "== ncu dflt lr_wgmma<1> (serial form, with the up projection) and lr_wgmma<0>"
timeout 200 ncu --launch-count 2 -k regex:lr_wgmma --section SpeedOfLight --section WarpStateStats --section SchedulerStats --section SourceCounters -o "$O/up" -f $O/b/bin/dflt prof 4096 4096 4096 1 > "$O/ncu-run-up.txt" 2>&1; echo "ncu rc=$?"; tail -2 "$O/ncu-run-up.txt"
ncu --import "$O/up.ncu-rep" --page details --print-details all > "$O/ncu-up.txt" 2>&1
ncu --import "$O/up.ncu-rep" --page source --print-source sass --csv > "$O/ncu-sass-up.csv" 2>&1
grep -E "lr_wgmma|Duration|Issue Slots Busy|Eligible|No Eligible|Warp Cycles" "$O/ncu-up.txt" | head -30
ls -la "$O"
