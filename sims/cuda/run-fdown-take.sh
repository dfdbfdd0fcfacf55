#!/usr/bin/env bash
# issue 14, session 20: LR_WG_FDOWN's chunk loop under ptxas: more producer registers (p88: LR_WG_PREGF=88, LR_WG_CREGF=144),
# the ring's read-back after the loop (LR_WG_FTAKE=1) and the loop unrolled once (LR_WG_FUNROLL=1), against session 19's
# fastest form (f16r5s9) and the serial default, in one GPU call; the SASS of lr_wgmma<2> for the loop's schedule.
# Builds on the device unless GEN_DIR/bin holds them (BUILD_ONLY=1 sims/cuda/run-lowrank-bound.sh with the same BUILDS).
# Cases: npx tsx sims/cuda/make-cases.ts GEN_DIR --only lowrank_gemm.
# Then ncu of t1 (~60 s). Usage: sims/cuda/run-fdown-take.sh GEN_DIR OUT_DIR   (copy OUT_DIR/*.sass, *.csv, ncu-*.txt, bound.log back)
set -uo pipefail
G=$1; O=$2; mkdir -p "$O"
R="-DLR_WG_FDOWN=1,-DLR_WG_FROWS=16,-DLR_WG_FRING=5,-DLR_WG_STAGES=9"; P="-DLR_WG_PREGF=88,-DLR_WG_CREGF=144"
BUILDS="dflt:- f16r5s9:$R p88:$R,$P t1:$R,-DLR_WG_FTAKE=1 u1:$R,-DLR_WG_FUNROLL=1 t1u1:$R,-DLR_WG_FTAKE=1,-DLR_WG_FUNROLL=1 p88t1:$R,$P,-DLR_WG_FTAKE=1"
BUILDS="$BUILDS" VERIFY="p88 t1 t1u1 p88t1" SASS="" SASSD="dflt" bash sims/cuda/run-lowrank-bound.sh "$G" "$O/b" > "$O/bound.log" 2>&1
grep -vE "BIT-EXACT" "$O/bound.log" | head -60
echo "verify: $(grep -c 'BIT-EXACT' $O/bound.log) BIT-EXACT lines; lines with a nonzero mismatch count: $(grep -E ' [1-9][0-9]*/[0-9]+ mismatches' $O/bound.log | wc -l)"
F='_Z8lr_wgmmaILi2EEvPK5uint4S2_PKtS4_S4_S4_S4_S4_PtiiiiS4_S4_PKjS5_Pjj'
for v in f16r5s9 p88 t1 u1 t1u1; do cuobjdump -sass -fun "$F" "$O/b/bin/$v" > "$O/$v.sass" 2>&1; echo "$v: $(wc -l < "$O/$v.sass") SASS lines"; done
echo "== racecheck t1 verify1"; timeout 120 compute-sanitizer --tool racecheck "$O/b/bin/t1" verify "$G/cases/svdquant_w4a4/verify1" 2>&1 | tail -2
# The down warps' loop under ncu (source counters: stall reasons per SASS line), as session 19 did for f16r5s9.
echo "== ncu t1 lr_wgmma<2>"
timeout 200 ncu --launch-skip 1 --launch-count 1 -k regex:lr_wgmma --section SpeedOfLight --section WarpStateStats --section SchedulerStats --section SourceCounters -o "$O/t1" -f "$O/b/bin/t1" prof 4096 4096 4096 > "$O/ncu-run-t1.txt" 2>&1; echo "ncu rc=$?"
ncu --import "$O/t1.ncu-rep" --page details --print-details all > "$O/ncu-t1.txt" 2>&1
ncu --import "$O/t1.ncu-rep" --page source --print-source sass --csv > "$O/ncu-sass-t1.csv" 2>&1
grep -E "Duration|Issue Slots Busy|Eligible|No Eligible|Warp Cycles|Stall" "$O/ncu-t1.txt" | head -30
