#!/usr/bin/env bash
# Issue 14: builds qacc's generated CUDA kernels on a GPU machine, checks them bit for bit against the
# golden outputs qacc wrote (sims/cuda/make-cases.ts, run beforehand where Node is: this machine needs
# none), benchmarks them with CUDA events and runs the cuBLAS fp16 baseline through PyTorch in the same
# run, then prints one table naming the device.
# Usage: sims/cuda/run-gpu.sh [GEN_DIR (default sims/cuda/gen)] [OUT_DIR (default $OUT or ./cuda-out)]
set -uo pipefail
GEN=${1:-sims/cuda/gen}
DEST=${2:-${OUT:-./cuda-out}}
mkdir -p "$DEST/bin"
LOG="$DEST/log.txt"
: > "$LOG"
fail=0
say() { echo "$@" | tee -a "$LOG"; }

[ -f "$GEN/runs.txt" ] || { echo "run-gpu.sh: $GEN/runs.txt missing: run 'npx tsx sims/cuda/make-cases.ts' first" >&2; exit 1; }
command -v nvcc >/dev/null || { echo "run-gpu.sh: nvcc not found" >&2; exit 1; }
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,clocks.max.sm,driver_version --format=csv,noheader | tee "$DEST/device.txt"

# Builds in parallel (one nvcc per kernel file, and the benchmark variants below), results logged in order.
# Benchmark variants (tag:flag,flag ...): GEN_DIR/variants.txt when present (one run's experiments), else these.
# lr_wgmma's knobs not yet run on a GPU: put e.g. "wgnew:-DLR_WG_STAGES=8,-DLR_WG_SPLIT=1,-DLR_WG_EARLY=1,-DLR_WG_UPFAST=1
# wg8:-DLR_WG_STAGES=8" in GEN_DIR/variants.txt (docs/kernels.md).
VARIANTS="s3:-DLR_STAGES=3 d148:-DLR_DOWN_ROWS=1,-DLR_DOWN_RPT=4,-DLR_DOWN_Q=8"
[ -f "$GEN/variants.txt" ] && VARIANTS=$(cat "$GEN/variants.txt")
for cu in "$GEN"/*.cu; do
  name=$(basename "$cu" .cu)
  ( nvcc -gencode=arch=compute_90a,code=sm_90a -O3 -std=c++17 -lineinfo "$cu" -o "$DEST/bin/$name" 2>"$DEST/bin/$name.nvcc.txt"; echo $? > "$DEST/bin/$name.rc" ) &
done
while read -r mode name rest; do
  [ "$mode" = bench ] && [ $(echo $rest | wc -w) -ge 5 ] || continue
  for v in $VARIANTS; do
    tag=${v%%:*}; flags=${v#*:}
    ( nvcc -gencode=arch=compute_90a,code=sm_90a -O3 -std=c++17 ${flags//,/ } "$GEN/$name.cu" -o "$DEST/bin/$name-$tag" 2>"$DEST/bin/$name-$tag.nvcc.txt"; echo $? > "$DEST/bin/$name-$tag.rc" ) &
  done
done < "$GEN/runs.txt"
wait
for cu in "$GEN"/*.cu; do
  name=$(basename "$cu" .cu)
  if [ "$(cat "$DEST/bin/$name.rc")" != 0 ]; then
    say "BUILD FAIL $name (see $DEST/bin/$name.nvcc.txt)"; fail=1
  else
    say "built $name"
  fi
done

while read -r mode name rest; do
  [ -z "$mode" ] && continue
  exe="$DEST/bin/$name"
  [ -x "$exe" ] || { say "SKIP $mode $name: not built"; fail=1; continue; }
  set -- $rest
  if [ "$mode" = verify ]; then
    out=$(timeout 60 "$exe" verify "$GEN/$1" 2>&1); rc=$?
  elif [ $# -ge 5 ]; then
    out=$(timeout 180 "$exe" bench "$1" "$2" "$3" "$4" "$GEN/$5" 2>&1); rc=$?
  else
    out=$("$exe" bench "$GEN/$1" 2>&1); rc=$?
  fi
  say "$out"
  [ $rc -eq 0 ] || { say "FAIL ($rc): $mode $name $rest"; fail=1; }
  # Tuning variants (-D knobs of the kernels), same inputs, same checks, and every verify case of that kernel.
  if [ "$mode" = bench ] && [ $# -ge 5 ]; then
    for v in $VARIANTS; do
      tag=${v%%:*}
      [ "$(cat "$DEST/bin/$name-$tag.rc")" = 0 ] || { say "BUILD FAIL $name-$tag"; fail=1; continue; }
      vout=$(timeout 180 "$DEST/bin/$name-$tag" bench "$1" "$2" "$3" "$4" "$GEN/$5" 2>&1); vrc=$?
      say "${vout//RESULT lowrank/RESULT lowrank variant=$tag}"
      [ $vrc -eq 0 ] || { say "FAIL ($vrc): variant $tag (its verify cases skipped)"; fail=1; continue; }
      for c in "$GEN/cases/$name"/*/; do
        vout=$(timeout 60 "$DEST/bin/$name-$tag" verify "${c%/}" 2>&1) || { say "FAIL: variant $tag $vout"; fail=1; break; }
        say "variant $tag: $vout"
      done
    done
  fi
done < "$GEN/runs.txt"

# compute-sanitizer (memcheck, racecheck), where installed: a tensor-core case (with the down projection),
# the down projection's unaligned paths (rank 20, K = 203), the tensor-core kernel's scalar L/U staging
# (rank 20, 128 x 128), the epilogue warpgroup's per-chunk restaging (rank 64, 128 x 128), a bit_serial_mod case
# of each kernel (the table-driven GEMV, the any-config kernel).
if command -v compute-sanitizer >/dev/null; then
  for spec in "svdquant_w4a4 cases/svdquant_w4a4/verify1" "svdquant_w4a4_rank20 cases/svdquant_w4a4_rank20/oddk" "svdquant_w4a4_rank20 cases/svdquant_w4a4_rank20/fast" "svdquant_w4a4_rank64 cases/svdquant_w4a4_rank64/fast" "bitmod cases/bitmod/verify2" "bitmod_authors cases/bitmod_authors/verify2" "bsm_l16_int4_g48_fp32 cases/bsm_l16_int4_g48_fp32/full"; do
    set -- $spec
    [ -x "$DEST/bin/$1" ] && [ -d "$GEN/$2" ] || continue
    for tool in memcheck racecheck; do
      rep="sanitizer-$1-$(basename "$2")-$tool.txt"
      if timeout 60 compute-sanitizer --tool $tool --error-exitcode 3 "$DEST/bin/$1" verify "$GEN/$2" > "$DEST/$rep" 2>&1; then
        say "compute-sanitizer $tool $1 $(basename "$2"): clean"
      else
        say "compute-sanitizer $tool $1 $(basename "$2"): FAILED (see $rep)"; tail -5 "$DEST/$rep" | tee -a "$LOG"; fail=1
      fi
    done
  done
fi

# cuBLAS fp16 through PyTorch, same machine, same run: GEMM 4096^3 and the two decode GEMVs.
python3 - <<'PY' 2>&1 | tee -a "$LOG"
import torch
def med(f, warm=5, reps=30):
    for _ in range(warm): f()
    torch.cuda.synchronize()
    ts = []
    for _ in range(reps):
        a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        a.record(); f(); b.record(); b.synchronize(); ts.append(a.elapsed_time(b))
    ts.sort(); return ts[len(ts) // 2]
dev = torch.cuda.get_device_name(0)
x = torch.randn(4096, 4096, dtype=torch.float16, device='cuda'); w = torch.randn(4096, 4096, dtype=torch.float16, device='cuda')
ms = med(lambda: torch.matmul(x, w.t()))
print(f'RESULT cublas device="{dev}" op=gemm_fp16 M=4096 N=4096 K=4096 ms={ms:.4f} tflops={2*4096**3/ms/1e9:.1f} torch={torch.__version__}')
for n in (4096, 11008):
    ws = [torch.randn(n, 4096, dtype=torch.float16, device='cuda') for _ in range(8)]
    v = torch.randn(1, 4096, dtype=torch.float16, device='cuda'); i = [0]
    def gemv():
        torch.matmul(v, ws[i[0] % 8].t()); i[0] += 1
    ms = med(gemv, reps=50)
    print(f'RESULT cublas device="{dev}" op=gemv_fp16 N={n} K=4096 us={ms*1e3:.2f} GBps={n*4096*2/ms/1e6:.0f}')
PY

python3 - "$LOG" <<'PY' | tee "$DEST/table.md"
import re, sys, datetime
rows = [dict(re.findall(r'(\w+)=("[^"]*"|\S+)', l)) for l in open(sys.argv[1]) if l.startswith('RESULT')]
dev = next((r['device'].strip('"') for r in rows if 'device' in r), '?')
print(f'Device: {dev}; date (UTC): {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M}; command: sims/cuda/run-gpu.sh')
print()
print('| kernel | shape | time | rate | reference | exact |')
print('|---|---|---|---|---|---|')
cub = {r['op']: r for r in rows if 'op' in r}
g = cub.get('gemm_fp16')
for l in open(sys.argv[1]):
    if not l.startswith('RESULT'): continue
    r = dict(re.findall(r'(\w+)=("[^"]*"|\S+)', l)); k = l.split()[1]
    if k == 'lowrank':
        ref = f"{float(r['tflops_fused'])/float(g['tflops']):.2f}x cuBLAS fp16 ({g['tflops']} TFLOP/s)" if g else 'no cuBLAS'
        var = f" ({r['variant']})" if 'variant' in r else ''
        print(f"| W4A4 + rank-{r['rank']} fused, down projection in the kernel (lr_wgmma<2>){var} | {r['M']}x{r['N']}x{r['K']} | {r['ms_fused']} ms | {r['tflops_fused']} TFLOP/s | {ref} | {r['sample_mismatches']} of {r['samples']} samples differ, rerun {r['rerun']} |")
        if 'ms_fused_serial' in r:
            fl = 2 * int(r['M']) * int(r['N']) * int(r['K']); ts = float(r['ms_fused_serial'])
            sref = f"{fl / ts / 1e9 / float(g['tflops']):.2f}x cuBLAS fp16" if g else 'no cuBLAS'
            print(f"| W4A4 + rank-{r['rank']}, serial form (lr_down, then lr_wgmma<1> with the up projection; what qacc verify runs){var} | {r['M']}x{r['N']}x{r['K']} | {ts:.4f} ms | {fl / ts / 1e9:.1f} TFLOP/s | {sref}; branch overhead {100 * (ts / float(r['ms_no_branch']) - 1):.1f}% | same samples |")
        print(f"| W4A4 without branch{var} | {r['M']}x{r['N']}x{r['K']} | {r['ms_no_branch']} ms | {r['tflops_no_branch']} TFLOP/s | branch overhead {r['branch_overhead_pct']}% (down proj. {r['ms_down']} ms; up proj. in the kernel {float(r['ms_up_kernel']) - float(r['ms_up_kernel_rank0']):.4f} ms) | |")
        if 'ms_fused_mma' in r:
            fl = 2 * int(r['M']) * int(r['N']) * int(r['K'])
            print(f"| W4A4 + rank-{r['rank']} fused, mma.sync kernel (lr_fast){var} | {r['M']}x{r['N']}x{r['K']} | {r['ms_fused_mma']} ms | {fl / float(r['ms_fused_mma']) / 1e9:.1f} TFLOP/s | without branch {r['ms_no_branch_mma']} ms | same samples |")
    elif k == 'bitmod':
        var = f" ({r['variant']})" if r.get('variant', 'default') != 'default' else ''
        print(f"| BitMoD GEMV{var} | N={r['N']} K={r['K']} | {r['us']} us | {r['GBps']} GB/s | {r['pct_of_copy']}% of copy ({r['copy_GBps']} GB/s) | verified in log |")
    elif k == 'cublas':
        if r['op'] == 'gemm_fp16': print(f"| cuBLAS fp16 (torch {r['torch']}) | {r['M']}x{r['N']}x{r['K']} | {r['ms']} ms | {r['tflops']} TFLOP/s | | |")
        else: print(f"| cuBLAS fp16 GEMV | N={r['N']} K={r['K']} | {r['us']} us | {r['GBps']} GB/s | | |")
PY
grep -E "BIT-EXACT|FAIL|mismatch" "$LOG" > "$DEST/exactness.txt"
exit $fail
