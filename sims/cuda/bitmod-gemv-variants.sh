#!/usr/bin/env bash
# Issue 14, the BitMoD decode GEMV (bsm_gemv): builds GEN_DIR/bitmod.cu once per compile-time variant, checks each
# build bit for bit against golden on every bitmod verification case and on both GEMV benchmarks (which also time
# it, with the device copy bandwidth measured in the same process), dumps each build's SASS and, when Nsight Compute
# is installed, profiles the 4096 GEMV of the builds named in GEN_DIR/profile.txt. One GPU call, ~2-3 minutes.
# GEN_DIR from here: npx tsx sims/cuda/make-cases.ts GEN_DIR --only bitmod   (bitmod.cu, cases/bitmod/*)
# Variants: GEN_DIR/variants.txt when present (lines tag:flag,flag or tag:- for none), else the list below.
# Usage: bash sims/cuda/bitmod-gemv-variants.sh GEN_DIR OUT_DIR
set -uo pipefail
GEN=$1; DEST=$2; mkdir -p "$DEST/bin"; LOG="$DEST/log.txt"; : > "$LOG"
say() { echo "$@" | tee -a "$LOG"; }
fail=0
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,clocks.max.sm,driver_version --format=csv,noheader | tee -a "$LOG"
# base = the default build (BSM_IPMAX=2 BSM_NSAME=1 since 2026-12-07); old = the default before it (both 0).
VARIANTS="base:- old:-DBSM_IPMAX=0,-DBSM_NSAME=0 ip:-DBSM_IPMAX=1 ip2:-DBSM_IPMAX=2,-DBSM_NSAME=0 ns:-DBSM_IPMAX=0 nt:-DBSM_IPMAX=0,-DBSM_TAB32=1 ip2_w16m2:-DBSM_WARPS=16,-DBSM_MINB=2"
[ -f "$GEN/variants.txt" ] && VARIANTS=$(cat "$GEN/variants.txt")
PROFILE="base old"; [ -f "$GEN/profile.txt" ] && PROFILE=$(cat "$GEN/profile.txt")
for v in $VARIANTS; do
  tag=${v%%:*}; flags=${v#*:}; [ "$flags" = "-" ] && flags=""
  ( nvcc -gencode=arch=compute_90a,code=sm_90a -O3 -std=c++17 -lineinfo ${flags//,/ } -DBSM_VARIANT="\"$tag\"" "$GEN/bitmod.cu" -o "$DEST/bin/$tag" 2>"$DEST/bin/$tag.nvcc.txt"
    echo $? > "$DEST/bin/$tag.rc"
    command -v cuobjdump >/dev/null && cuobjdump -sass "$DEST/bin/$tag" > "$DEST/sass-$tag.txt" 2>&1 ) &
done
wait
for v in $VARIANTS; do
  tag=${v%%:*}
  [ "$(cat "$DEST/bin/$tag.rc")" = 0 ] || { say "BUILD FAIL $tag"; head -5 "$DEST/bin/$tag.nvcc.txt" | tee -a "$LOG"; fail=1; continue; }
  for c in "$GEN"/cases/bitmod/*/; do
    case $c in *gemv*) continue;; esac
    out=$(timeout 30 "$DEST/bin/$tag" verify "${c%/}" 2>&1); rc=$?; say "$tag: $out"
    [ $rc -eq 0 ] || { say "FAIL ($rc): $tag verify $c"; fail=1; }
  done
  for b in gemv4096 gemv11008; do
    out=$(timeout 60 "$DEST/bin/$tag" bench "$GEN/cases/bitmod/$b" 2>&1); rc=$?; say "$tag: $out"
    [ $rc -eq 0 ] || { say "FAIL ($rc): $tag bench $b"; fail=1; }
  done
done
if command -v ncu >/dev/null; then
  for tag in $PROFILE; do
    [ -x "$DEST/bin/$tag" ] || continue
    timeout 35 ncu --launch-skip 7 --launch-count 1 --section SpeedOfLight --section SchedulerStats --section WarpStateStats \
      --section LaunchStats --section Occupancy --section MemoryWorkloadAnalysis "$DEST/bin/$tag" bench "$GEN/cases/bitmod/gemv4096" > "$DEST/ncu-$tag.txt" 2>&1
    say "ncu $tag rc=$?"
  done
else say "no ncu"; fi
say "BIT-EXACT lines: $(grep -c 'BIT-EXACT' "$LOG"); failed runs or builds: $(grep -cE '^FAIL|^BUILD FAIL' "$LOG")"
exit $fail
