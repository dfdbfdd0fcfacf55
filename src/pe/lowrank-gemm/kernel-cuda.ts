/**
 * CUDA reference kernel of `lowrank_gemm` (issue 14): one .cu file (kernels + host launcher) for sm_90a that
 * computes golden.ts's lowRankGemm bit for bit, in golden's order (see that file's header):
 * - `lr_down`: L[m, j] = round_R16(Σ_k ascending round_32(x·d)) (× LoRA scale), one sequential chain per
 *   (m, j), a 2-row × 4-rank tile of chains per thread, X and D chunks double-buffered in shared memory and
 *   register-prefetched 4 steps ahead (LR_DOWN_H16, off by default: staged as 16-bit codes, 8 steps ahead);
 *   deterministic (no atomics).
 * - `lr_fast` (int4 main path, groupSize a multiple of 64, M and N multiples of 128, K of 64): Hopper has no
 *   4-bit tensor cores, so each 4-bit code is widened to an 8-bit operand equal to 16·value (a nibble
 *   shifted into the byte's high half: signed int4 → s8, uint4 → u8) and multiplied by int8 MMA
 *   (mma.sync m16n8k32, s32 accumulation): the group dot is exactly (MMA sum) / 256 in int32. Every group
 *   then goes through golden's step: d̂ = round_P(d), s = round_P(sa·sw), acc = fma or mul+add in P. The
 *   epilogue, the fused up projection and the output rounding follow in the same kernel.
 * - `lr_tiled` (kernel-cuda-tiled.ts): any config golden accepts (nvfp4, other group sizes, any shape), 64 × 64
 *   outputs per block, int8 element values (lr_widen) and __dp4a group dots; what `run` uses without lr_fast.
 * - `lr_generic`: any config golden accepts, one thread per output (the reference the others are checked with).
 * Element value tables, NaN codes and the order of operations come from golden.ts; the CUDA operations
 * used are each correctly rounded (RNE) and never contracted, which is what golden's round_X means.
 */
import { FP32, FP8_E4M3 } from '../../formats/float.js';
import { cudaFloat, hex32, type CudaFloat } from '../../codegen/cuda/formats.js';
import { CUDA_HOST_PRELUDE, codesToWords, cudaHeader, wordsToCodes } from '../../codegen/cuda/host.js';
import type { KernelEntry, KernelLaunch, KernelSet } from '../../codegen/kernels/manifest.js';
import type { TargetOf } from '../facets/compile.js';
import { lowRankQactScaleFactor, NVFP4_SCALE_CAP } from './golden-qact.js';
import { LOW_RANK_DOWN_MMA_KERNEL, lowRankDownMmaEligible } from './kernel-cuda-down-mma.js';
import { LOW_RANK_TILED_DEVICE, LOW_RANK_TILED_KERNEL } from './kernel-cuda-tiled.js';
import { checkLowRankGemmConfig, lowRankActivationCodes, lowRankElementValues, type LowRankGemmConfig, type LowRankGemmOperands } from './golden.js';
import { lowRankWgmmaDefaults, lowRankWgmmaEligible, lowRankWgmmaKernel } from './kernel-cuda-wgmma.js';

/** Input streams of the shared generator (inputHash's `stream`), one per operand. */
export const LOW_RANK_STREAMS = { qa: 1, qw: 2, sa: 3, sw: 4, bias: 5, cs: 6, ls: 7, x: 8, down: 9, up: 10 } as const;
export type LowRankStream = keyof typeof LOW_RANK_STREAMS;

/**
 * How a benchmark input code is made from a hash h: code = (h & and) | or. Chosen so values stay finite
 * and in a realistic range (signed 16-bit operands in ±[2^-3, 2), positive group scales, scales near 1).
 */
export function lowRankInputMasks(config: LowRankGemmConfig): Readonly<Record<LowRankStream, readonly [number, number]>> {
  const bf = config.branchFormat === 'bf16';
  const signed16: [number, number] = bf ? [0x81ff, 0x3e00] : [0x8fff, 0x3000];
  const near1: [number, number] = bf ? [0x00ff, 0x3f00] : [0x07ff, 0x3800];
  const main = config.main;
  const scale: [number, number] = main.kind === 'nvfp4' ? [0x1f, 0x20] : main.scaleFormat === 'bf16' ? [0x03ff, 0x3c00] : [0x1fff, 0x2000];
  return { qa: [0xf, 0], qw: [0xf, 0], sa: scale, sw: scale, bias: signed16, cs: near1, ls: [0x00ffffff, 0x3f000000], x: signed16, down: signed16, up: signed16 };
}

/** The fp32 code of the nvfp4 per-tensor weight scale used by generated benchmark inputs (0.75). */
export const LOW_RANK_BENCH_TENSOR_SCALE = 0x3f400000;

/**
 * True when the tensor-core kernels (lr_wgmma, and lr_fast kept as the mma.sync baseline) apply to the config,
 * else only lr_generic runs: the int4 main path with groups a multiple of 64 whose dots stay within the
 * 49152 magic's exact range (|256·d| ≤ 2^22: 256 elements for int4 activations, 128 for uint4).
 */
export function lowRankFastEligible(config: LowRankGemmConfig): boolean {
  return lowRankWgmmaEligible(config);
}

function scaleDecode(config: LowRankGemmConfig): string {
  const main = config.main;
  if (main.kind === 'nvfp4') {
    const table = Array.from({ length: 256 }, (_, c) => hex32(FP32.encode(FP8_E4M3.decode(c))));
    return `__constant__ uint32_t FP8_E4M3_TABLE[256] = {${table.join(', ')}};
__device__ __forceinline__ float scale_val(uint32_t c) { return __uint_as_float(FP8_E4M3_TABLE[c & 0xff]); }`;
  }
  return `__device__ __forceinline__ float scale_val(uint32_t c) { return ${cudaFloat(main.scaleFormat).decode('c')}; }`;
}

/** Device functions for golden's step functions, specialized to the config. */
function deviceSteps(config: LowRankGemmConfig, P: CudaFloat, R: CudaFloat): string {
  const vals = lowRankElementValues(config);
  const E = config.epilogue ?? 'fp32';
  const Ef = cudaFloat(E === 'fp32' ? 'fp32' : E);
  const groupStep =
    config.fmaAccumulation === true ? `return ${P.fma('d', 's', 'acc')};` : `return ${P.add('acc', P.mul('d', 's'))};`;
  // round_32(x·d) is exact for fp16 operands (22-bit product, exponent within fp32's normal range), so
  // round_32(l + round_32(x·d)) = fma(x, d, l); for bf16 the product may round (fp32 subnormals): mul, then add.
  const branchStep = config.branchFormat === 'fp16' ? 'return __fmaf_rn(a, b, acc);' : 'return __fadd_rn(acc, __fmul_rn(a, b));';
  const epi =
    E === 'fp32'
      ? `if (has_cs) y = __fmul_rn(y, cs);
  if (has_b) y = __fadd_rn(y, b);
  return y;`
      : `${Ef.type} v = ${Ef.fromFloat('y')};
  const ${Ef.type} c = ${Ef.fromFloat('cs')}, bb = ${Ef.fromFloat('b')};
  if (has_cs && has_b) v = ${Ef.fma('v', 'c', 'bb')};
  else if (has_cs) v = ${Ef.mul('v', 'c')};
  else if (has_b) v = ${Ef.add('v', 'bb')};
  return ${Ef.toFloat('v')};`;
  return `typedef ${P.type} acc_t;
// Element values ·UNIT by 4-bit code (golden lowRankElementValues: ${vals.actName} × ${vals.wgtName}).
__constant__ int ACT_VAL[16] = {${Array.from(vals.act).join(', ')}};
__constant__ int WGT_VAL[16] = {${Array.from(vals.wgt).join(', ')}};
[[maybe_unused]] constexpr int UNIT = ${vals.unit};
${scaleDecode(config)}
__device__ __forceinline__ float r16_val(uint32_t c) { return ${R.decode('c')}; }
__device__ __forceinline__ acc_t acc_zero() { return ${P.fromFloat('0.0f')}; }
// d̂ = round_P(d / UNIT): the int → fp32 conversion and the scaling by 1/UNIT are exact (|d| < 2^24).
__device__ __forceinline__ acc_t round_dot(int d) { float f = __int2float_rn(d); ${vals.unit === 1 ? '' : `f = __fmul_rn(f, ${1 / vals.unit}f);`} return ${P.fromFloat('f')}; }
// s = round_P(sa · sw): the product of two scale values is exact in double; one rounding to P.
__device__ __forceinline__ acc_t scale_prod(float sa, float sw) { return ${P.fromDouble('(double)sa * (double)sw')}; }
__device__ __forceinline__ acc_t group_step(acc_t acc, acc_t d, acc_t s) { ${groupStep} }
__device__ __forceinline__ float acc_to_float(acc_t a) { return ${P.toFloat('a')}; }
// Steps 2-3 (golden lowRankEpilogue): epilogue format ${E}.
__device__ __forceinline__ float lr_epilogue(float y, bool has_cs, float cs, bool has_b, float b) {
  ${epi}
}
// Step 4: round_32(acc + round_32(a·b)) for the down and up projections.
__device__ __forceinline__ float branch_step(float acc, float a, float b) { ${branchStep} }
__device__ __forceinline__ uint32_t out_code(float y) { return ${R.encodeFloat('y')}; }
__device__ __forceinline__ uint32_t r16_code(float y) { return ${R.encodeFloat('y')}; }
// The down projection's result (golden lowRankDownResult): L = round_R16(l), or with LoRA scales (one fp32 per 16 ranks,
// ls[j >> 4]) round_R16(round_32(l · scale)). Every down-projection kernel (lr_down, lr_down_mma, lr_wgmma<2>) ends here.
__device__ __forceinline__ uint16_t down_code(float l, bool has_ls, const uint32_t* ls, int j) { return (uint16_t)r16_code(has_ls ? __fmul_rn(l, __uint_as_float(ls[j >> 4])) : l); }`;
}

/**
 * The down projection's default tiling (the launcher's -D overrides are tuning variants): see DOWN_KERNEL.
 * A block is 32 rows × 32 ranks; a thread owns rowsPerThread × ranksPerThread chains; rankGroups lanes of a
 * warp split the 32 ranks, the others split rows.
 */
const DOWN = { rowsPerThread: 2, ranksPerThread: 4, rankGroups: 8, blockRows: 32, ranksPerBlock: 32, kChunk: 256 } as const;
const DOWN_BLOCK_ROWS = DOWN.blockRows;
const DOWN_THREADS = (32 * DOWN.blockRows) / ((32 / DOWN.rankGroups) * DOWN.rowsPerThread);

const DOWN_KERNEL = `
// ---- down projection: L[m, j] = round_R16(Σ_k ascending round_32(x[m,k]·D[k,j])) -------------------
// The golden order forbids splitting K, so the M·rank chains are all the parallelism (131k at M = 4096,
// rank 32: about 1000 per SM). Block: DROWS = 32 rows × DRANKS = DQ·DB ranks. A thread owns DA rows × DB
// ranks (DA·DB independent chains, an outer product: each X and D value it loads feeds DB or DA FMAs): lane =
// rg·DQ + q, ranks jb + DB·q .., rows m0 + (32/DQ)·DA·warp + DA·rg ... X and D chunks of DKC k steps are
// staged in shared memory, two buffers: the next chunk's global loads (16 bytes each where aligned) are
// issued before the current chunk's FMAs and stored after them, one barrier per chunk. Both are widened to
// fp32 when stored (X rows padded to DXS floats: float4 reads of the warp's rows are conflict-free; D rows of
// DRANKS floats, float4 reads shared by the 32/DQ lanes of a rank group). In the loop, the next 4 steps' X
// and D are loaded into registers while the current 4 steps' FMAs run. Each (m, j) is one sequential fp32
// chain in k order: deterministic, no atomics. The LR_DOWN_* macros are tuning knobs (run-gpu.sh builds
// variants); none changes a chain's order. Profiled on an H100 (ncu, docs/kernels.md), the earlier lane =
// row tiling (8 ranks per thread, D read as float4 broadcasts) kept the L1/shared-memory pipe 77% busy at
// 0.39 instructions per cycle per scheduler: shared-memory wavefronts, not FMAs, bounded it; this tiling
// needs about half as many per FMA. Padding (k ≥ K, m ≥ M, j ≥ rank) holds code 0 = +0, and a padded step is
// branch_step(l, +0, +0) = l exactly: l starts at +0 and is never -0 (an RNE sum is -0 only when both addends
// are, and the sum is +0 when exactly zero otherwise).
// LR_DOWN_H16 (knob, default 0; docs/kernels.md "16-bit staging of the down projection"): ncu on an H100 showed
// this fp32 staging bound by the shared-memory pipe too (≈ 78% busy): an LDS.128 costs 4 wavefronts (quarter-warp
// phases) whatever its addresses, the pipe moves 32 lanes × 4 bytes per cycle per SM, and a thread's 2 × 4 chains
// load 6 values (2 x, 4 d) per step for 8 FMAs: per step and SM (4 warps) 4 · 6 = 24 wavefront cycles against 8
// FMA issue cycles per scheduler. Staged as 16-bit codes (X [row][k], D transposed [rank][k], one LDS.128 = 8
// steps of one row or rank) the same values cost half: 12 cycles, plus 6 decodes (r16_val: one HADD2.F32 for
// fp16, one integer op for bf16; exact) per step and thread, so issue becomes the bound at ≈ 8 + 6 + 0.75 = 14.75
// cycles per step. LR_DOWN_XF32 (with LR_DOWN_H16) keeps X widened to fp32 and stages only D as codes: 16
// wavefront cycles, ≈ 8 + 4 + 1 = 13 issue: the other side of that balance. More chains per thread would cut both (per FMA
// (DA + DB) / (DA·DB) values), but M·rank = 131k chains give one warp per scheduler only at 8 chains per lane.
#ifndef LR_DOWN_ROWS
#define LR_DOWN_ROWS ${DOWN.rowsPerThread}
#endif
#ifndef LR_DOWN_RPT
#define LR_DOWN_RPT ${DOWN.ranksPerThread}
#endif
#ifndef LR_DOWN_Q
#define LR_DOWN_Q ${DOWN.rankGroups}
#endif
#ifndef LR_DOWN_KC
#define LR_DOWN_KC ${DOWN.kChunk}
#endif
#ifndef LR_DOWN_H16
#define LR_DOWN_H16 0
#endif
#ifndef LR_DOWN_XF32
#define LR_DOWN_XF32 0
#endif
constexpr int DA = LR_DOWN_ROWS, DB = LR_DOWN_RPT, DQ = LR_DOWN_Q, DKC = LR_DOWN_KC;
constexpr int DROWS = ${DOWN.blockRows}, DRANKS = DQ * DB, DXS = DKC + 4;
constexpr int DWR = (32 / DQ) * DA, DNT = 32 * DROWS / DWR;   // rows per warp, threads per block
constexpr int DXP = DROWS * DKC / 8 / DNT, DDP = DKC * DRANKS / 8 / DNT;   // 16-byte pieces per thread
static_assert(DB % 4 == 0 && DRANKS % 8 == 0 && 32 % DQ == 0 && DROWS % DWR == 0, "down projection tiling");
static_assert(DXP * DNT * 8 == DROWS * DKC && DDP * DNT * 8 == DKC * DRANKS, "down projection chunk");
#if LR_DOWN_H16
// 16-bit staging (LR_DOWN_H16, a knob, off by default): X rows [row][k] as codes (fp32 with LR_DOWN_XF32), D
// transposed to [rank][k] as codes, rank rows permuted (dh_row) so that the 8 lanes of a quarter warp read 8
// consecutive rows; every staged row is DHS = DKC + 8 entries long (the 8 never-used steps are read by the last
// prefetch, and the 16-byte pad puts consecutive rows in different banks).
#if LR_DOWN_XF32
typedef float dxs_t;
#else
typedef uint16_t dxs_t;
#endif
constexpr int DHS = DXS + 4;   // DKC + 8
static_assert(DKC % 8 == 0, "down projection: 16-bit staging reads 8 steps at a time");
constexpr size_t DOWN_SMEM = (size_t)2 * DROWS * DHS * sizeof(dxs_t) + (size_t)2 * DRANKS * DHS * sizeof(uint16_t);
// The staged row of the block's rank j = q·DB + i (thread q's i-th rank): i·DQ + q.
__device__ __forceinline__ int dh_row(int j) { return (j % DB) * DQ + j / DB; }
// Value of step u of 8 packed 16-bit codes (4 words, step 2w in word w's low half).
__device__ __forceinline__ float h16_at(const uint32_t (&w)[4], int u) { return r16_val((w[u >> 1] >> 16 * (u & 1)) & 0xffffu); }
#else
constexpr int DDS = (DKC + 4) * DRANKS;   // one D buffer: DKC steps plus 4 never-used steps read by the last prefetch
constexpr size_t DOWN_SMEM = (size_t)2 * (DROWS * DXS + DDS) * sizeof(float);
#endif
// Eight consecutive 16-bit codes base[off ..] as one uint4 (code 0 beyond avail), vectorized when aligned.
__device__ __forceinline__ uint4 load8(const uint16_t* __restrict__ base, size_t off, int avail, bool vec) {
  if (vec && avail >= 8) return __ldg(reinterpret_cast<const uint4*>(base + off));
  uint32_t w[4];
  #pragma unroll
  for (int i = 0; i < 4; i++) {
    const uint32_t lo = 2 * i < avail ? base[off + 2 * i] : 0u, hi = 2 * i + 1 < avail ? base[off + 2 * i + 1] : 0u;
    w[i] = lo | hi << 16;
  }
  return make_uint4(w[0], w[1], w[2], w[3]);
}
__device__ __forceinline__ void store8(float* dst, uint4 v) {
  *reinterpret_cast<float4*>(dst) = make_float4(r16_val(v.x & 0xffff), r16_val(v.x >> 16), r16_val(v.y & 0xffff), r16_val(v.y >> 16));
  *reinterpret_cast<float4*>(dst + 4) = make_float4(r16_val(v.z & 0xffff), r16_val(v.z >> 16), r16_val(v.w & 0xffff), r16_val(v.w >> 16));
}
__global__ __launch_bounds__(DNT) void lr_down(const uint16_t* __restrict__ X, const uint16_t* __restrict__ D,
    const uint32_t* __restrict__ ls, int has_ls, uint16_t* __restrict__ L, int M, int K, int R) {
  extern __shared__ __align__(16) float down_smem[];
#if LR_DOWN_H16
  dxs_t* const Xs = reinterpret_cast<dxs_t*>(down_smem);                   // [2][DROWS][DHS]
  uint16_t* const Ds = reinterpret_cast<uint16_t*>(Xs + 2 * DROWS * DHS);  // [2][DRANKS][DHS], rows dh_row(j)
#else
  float* const Xs = down_smem;                       // [2][DROWS][DXS]
  float* const Ds = down_smem + 2 * DROWS * DXS;     // [2][DKC + 4][DRANKS]
#endif
  const int t = threadIdx.x, lane = t & 31, warp = t >> 5, q = lane % DQ, rg = lane / DQ;
  const int m0 = blockIdx.x * DROWS, jb = blockIdx.y * DRANKS, r0 = warp * DWR + rg * DA;   // thread's first row in the block
  const bool xvec = (K & 7) == 0, dvec = (R & 7) == 0;
  uint4 xr[DXP], dr[DDP];
  auto load = [&](int k0) {
    #pragma unroll
    for (int i = 0; i < DXP; i++) {
      const int p = t + DNT * i, r = p / (DKC / 8), k8 = (p % (DKC / 8)) * 8;
      xr[i] = load8(X, (size_t)(m0 + r) * K + k0 + k8, m0 + r < M ? K - k0 - k8 : 0, xvec);
    }
    #pragma unroll
    for (int i = 0; i < DDP; i++) {
      const int p = t + DNT * i, kk = p / (DRANKS / 8), j8 = (p % (DRANKS / 8)) * 8;
      dr[i] = load8(D, (size_t)(k0 + kk) * R + jb + j8, k0 + kk < K ? R - jb - j8 : 0, dvec);
    }
  };
#if LR_DOWN_H16
  // X pieces stored as loaded (16 bytes, or widened with LR_DOWN_XF32); D pieces (8 ranks of one step) transposed:
  // 8 2-byte stores, the warp's 32 lanes (8 steps × 4 rank octets) in distinct words or halves of one word.
  auto store = [&](int s) {
    #pragma unroll
    for (int i = 0; i < DXP; i++) {
      const int p = t + DNT * i, r = p / (DKC / 8), k8 = (p % (DKC / 8)) * 8;
#if LR_DOWN_XF32
      store8(Xs + (s * DROWS + r) * DHS + k8, xr[i]);
#else
      reinterpret_cast<uint4*>(Xs)[(s * DROWS + r) * (DHS / 8) + k8 / 8] = xr[i];   // indexed in uint4: one 16-byte store
#endif
    }
    #pragma unroll
    for (int i = 0; i < DDP; i++) {
      const int p = t + DNT * i, kk = p / (DRANKS / 8), j8 = (p % (DRANKS / 8)) * 8;
      const uint32_t w[4] = {dr[i].x, dr[i].y, dr[i].z, dr[i].w};
      #pragma unroll
      for (int e = 0; e < 8; e++) Ds[(s * DRANKS + dh_row(j8 + e)) * DHS + kk] = (uint16_t)(w[e >> 1] >> 16 * (e & 1));
    }
  };
#else
  auto store = [&](int s) {
    #pragma unroll
    for (int i = 0; i < DXP; i++) {
      const int p = t + DNT * i, r = p / (DKC / 8), k8 = (p % (DKC / 8)) * 8;
      store8(Xs + (s * DROWS + r) * DXS + k8, xr[i]);
    }
    #pragma unroll
    for (int i = 0; i < DDP; i++) {
      const int p = t + DNT * i, kk = p / (DRANKS / 8), j8 = (p % (DRANKS / 8)) * 8;
      store8(Ds + s * DDS + kk * DRANKS + j8, dr[i]);
    }
  };
#endif
  float l[DA][DB];
  #pragma unroll
  for (int a = 0; a < DA; a++)
    #pragma unroll
    for (int i = 0; i < DB; i++) l[a][i] = 0.0f;
  const int chunks = (K + DKC - 1) / DKC;
  load(0); store(0); __syncthreads();
  for (int c = 0; c < chunks; c++) {
    const int s = c & 1;
    const bool more = c + 1 < chunks;
    if (more) load((c + 1) * DKC);
#if LR_DOWN_H16
    // The same pipeline over 8 steps: per row one 16-byte read (two with LR_DOWN_XF32), per rank one (8 steps of
    // its transposed row); the codes are decoded to fp32 in registers (r16_val: exact), each x once for its DB
    // ranks, each d once for its DA rows. The last prefetch reads every row's 8 pad steps, never used.
    const dxs_t* xrow = Xs + (s * DROWS + r0) * DHS;
    const uint16_t* drow = Ds + (s * DRANKS + q) * DHS;   // thread q's rank i: staged row i·DQ + q
    constexpr int XW = LR_DOWN_XF32 ? 8 : 4;             // 32-bit words of one row's 8 steps
    uint32_t xc[DA][XW], dc[DB][4];
    auto fetch = [&](int kk, uint32_t (&xv)[DA][XW], uint32_t (&dv)[DB][4]) {
      #pragma unroll
      for (int a = 0; a < DA; a++)
        #pragma unroll
        for (int h = 0; h < XW / 4; h++) {
          const uint4 v = reinterpret_cast<const uint4*>(xrow + a * DHS + kk)[h];
          xv[a][4 * h] = v.x; xv[a][4 * h + 1] = v.y; xv[a][4 * h + 2] = v.z; xv[a][4 * h + 3] = v.w;
        }
      #pragma unroll
      for (int i = 0; i < DB; i++) {
        const uint4 v = *reinterpret_cast<const uint4*>(drow + i * DQ * DHS + kk);
        dv[i][0] = v.x; dv[i][1] = v.y; dv[i][2] = v.z; dv[i][3] = v.w;
      }
    };
    // 8 steps of every chain, each chain's steps in k order.
    auto step8 = [&](const uint32_t (&xv)[DA][XW], const uint32_t (&dv)[DB][4]) {
      #pragma unroll
      for (int u = 0; u < 8; u++) {
        float x[DA], d[DB];
        #pragma unroll
        for (int a = 0; a < DA; a++) {
#if LR_DOWN_XF32
          x[a] = __uint_as_float(xv[a][u]);
#else
          x[a] = h16_at(xv[a], u);
#endif
        }
        #pragma unroll
        for (int i = 0; i < DB; i++) d[i] = h16_at(dv[i], u);
        #pragma unroll
        for (int a = 0; a < DA; a++)
          #pragma unroll
          for (int i = 0; i < DB; i++) l[a][i] = branch_step(l[a][i], x[a], d[i]);
      }
    };
    fetch(0, xc, dc);
    #pragma unroll 2
    for (int kk = 0; kk < DKC; kk += 8) {
      uint32_t xn[DA][XW], dn[DB][4];
      fetch(kk + 8, xn, dn);
      step8(xc, dc);
      #pragma unroll
      for (int a = 0; a < DA; a++)
        #pragma unroll
        for (int w = 0; w < XW; w++) xc[a][w] = xn[a][w];
      #pragma unroll
      for (int i = 0; i < DB; i++)
        #pragma unroll
        for (int w = 0; w < 4; w++) dc[i][w] = dn[i][w];
    }
#else
    const float* xrow = Xs + (s * DROWS + r0) * DXS;
    const float* dcol = Ds + s * DDS + q * DB;
    // Software pipeline in registers: the next 4 steps' X and D are loaded while this step's FMAs run, so the
    // shared-memory latency is hidden within one warp (at M = 4096 there is one warp per scheduler). The last
    // prefetch reads the row padding of Xs and the 4 spare steps of the D buffer, never used.
    float4 xc[DA], dc[4][DB / 4];
    auto fetch = [&](int kk, float4 (&xv)[DA], float4 (&dv)[4][DB / 4]) {
      #pragma unroll
      for (int a = 0; a < DA; a++) xv[a] = *reinterpret_cast<const float4*>(xrow + a * DXS + kk);
      #pragma unroll
      for (int u = 0; u < 4; u++)
        #pragma unroll
        for (int i = 0; i < DB / 4; i++) dv[u][i] = *reinterpret_cast<const float4*>(dcol + (kk + u) * DRANKS + 4 * i);
    };
    // 4 steps of every chain, from operands already in registers.
    auto step4 = [&](const float4 (&xv)[DA], const float4 (&dv)[4][DB / 4]) {
      #pragma unroll
      for (int u = 0; u < 4; u++) {
        #pragma unroll
        for (int a = 0; a < DA; a++) {
          const float x = u == 0 ? xv[a].x : u == 1 ? xv[a].y : u == 2 ? xv[a].z : xv[a].w;
          #pragma unroll
          for (int i = 0; i < DB; i++) {
            const float4& v = dv[u][i >> 2];
            const float d = (i & 3) == 0 ? v.x : (i & 3) == 1 ? v.y : (i & 3) == 2 ? v.z : v.w;
            l[a][i] = branch_step(l[a][i], x, d);
          }
        }
      }
    };
    fetch(0, xc, dc);
    #pragma unroll 2
    for (int kk = 0; kk < DKC; kk += 4) {
      float4 xn[DA], dn[4][DB / 4];
      fetch(kk + 4, xn, dn);
      step4(xc, dc);
      #pragma unroll
      for (int a = 0; a < DA; a++) xc[a] = xn[a];
      #pragma unroll
      for (int u = 0; u < 4; u++)
        #pragma unroll
        for (int i = 0; i < DB / 4; i++) dc[u][i] = dn[u][i];
    }
#endif
    if (more) store(s ^ 1);
    __syncthreads();
  }
  #pragma unroll
  for (int a = 0; a < DA; a++) {
    const int m = m0 + r0 + a;
    if (m >= M) continue;
    #pragma unroll
    for (int i = 0; i < DB; i++) {
      const int j = jb + q * DB + i;
      if (j >= R) continue;
      L[(size_t)m * R + j] = down_code(l[a][i], has_ls, ls, j);
    }
  }
}
`;

const GENERIC_KERNEL = `
// ---- any config: one thread per output, golden's loops verbatim ------------------------------------
__global__ void lr_generic(const uint8_t* __restrict__ qa, const uint8_t* __restrict__ qw, const uint16_t* __restrict__ sa,
    const uint16_t* __restrict__ sw, const uint16_t* __restrict__ bias, const uint16_t* __restrict__ cs, const uint16_t* __restrict__ L,
    const uint16_t* __restrict__ up, uint16_t* __restrict__ Y, int M, int N, int K, int R, uint32_t ts_bits) {
  const int n = blockIdx.x * blockDim.x + threadIdx.x, m = blockIdx.y * blockDim.y + threadIdx.y;
  if (m >= M || n >= N) return;
  const int G = (K + GS - 1) / GS;
  acc_t acc = acc_zero();
  for (int g = 0; g < G; g++) {
    int d = 0;
    for (int k = g * GS; k < min(K, (g + 1) * GS); k++) d += ACT_VAL[qa[(size_t)m * K + k]] * WGT_VAL[qw[(size_t)n * K + k]];
    acc = group_step(acc, round_dot(d), scale_prod(scale_val(sa[(size_t)m * G + g]), scale_val(sw[(size_t)n * G + g])));
  }
  float y = acc_to_float(acc);
  if (NVFP4) y = __fmul_rn(y, __uint_as_float(ts_bits));
  y = lr_epilogue(y, cs != nullptr, cs ? r16_val(cs[n]) : 0.0f, bias != nullptr, bias ? r16_val(bias[n]) : 0.0f);
  for (int j = 0; j < R; j++) y = branch_step(y, r16_val(L[(size_t)m * R + j]), r16_val(up[(size_t)n * R + j]));
  Y[(size_t)m * N + n] = (uint16_t)out_code(y);
}
`;

/** The group step of the tensor-core kernel for one pair of outputs (same row, columns c, c+1). */
function fastGroupStep(config: LowRankGemmConfig, P: CudaFloat): string {
  const scaleIsP = config.main.kind === 'int4' && config.main.scaleFormat === 'fp16' && P.name === 'fp16';
  if (scaleIsP) {
    // fp16 throughout: s = __hmul2_rn(sa, sw) is round_fp16 of the exact product, as golden's wideMul.
    const upd = config.fmaAccumulation === true ? '__hfma2(d2, s2, acc2)' : '__hadd2_rn(acc2, __hmul2_rn(d2, s2))';
    return `#define LR_PAIR_STEP(acc2, i0, i1, sa_code, sw_pair) do { \\
    const __half2 s2 = __hmul2_rn(__half2half2(__ushort_as_half(sa_code)), sw_pair); \\
    const __half2 d2 = __floats2half2_rn(mma_sum_to_dot(i0), mma_sum_to_dot(i1)); \\
    acc2 = ${upd}; } while (0)
// The same step from a pair d̂ already rounded to fp16 (lr_wgmma's LR_WG_F16ACC: the tensor core's f16 accumulators).
#define LR_F16_PAIR 1
#define LR_PAIR_STEP_F16(acc2, dword, sa_code, sw_pair) do { \\
    const __half2 s2 = __hmul2_rn(__half2half2(__ushort_as_half(sa_code)), sw_pair); \\
    __half2 d2; memcpy(&d2, &(dword), 4); \\
    acc2 = ${upd}; } while (0)
typedef __half2 pair_t;
__device__ __forceinline__ pair_t pair_zero() { return __float2half2_rn(0.0f); }
__device__ __forceinline__ pair_t load_sw_pair(const uint16_t* p) { return *reinterpret_cast<const __half2*>(p); }
__device__ __forceinline__ __half2 sw_pair_word(uint32_t w) { __half2 h; memcpy(&h, &w, 4); return h; }
__device__ __forceinline__ float pair_lo(pair_t p) { return __low2float(p); }
__device__ __forceinline__ float pair_hi(pair_t p) { return __high2float(p); }`;
  }
  return `#define LR_F16_PAIR 0
struct pair_t { acc_t lo, hi; };
#define LR_PAIR_STEP(acc2, i0, i1, sa_code, sw_pair) do { const float sa_ = scale_val(sa_code); \\
    acc2.lo = group_step(acc2.lo, round_dot((int)mma_sum_to_dot(i0)), scale_prod(sa_, scale_val(sw_pair.x))); \\
    acc2.hi = group_step(acc2.hi, round_dot((int)mma_sum_to_dot(i1)), scale_prod(sa_, scale_val(sw_pair.y))); } while (0)
__device__ __forceinline__ pair_t pair_zero() { return pair_t{acc_zero(), acc_zero()}; }
__device__ __forceinline__ ushort2 load_sw_pair(const uint16_t* p) { return *reinterpret_cast<const ushort2*>(p); }
__device__ __forceinline__ ushort2 sw_pair_word(uint32_t w) { return make_ushort2((unsigned short)(w & 0xffff), (unsigned short)(w >> 16)); }
__device__ __forceinline__ float pair_lo(pair_t p) { return acc_to_float(p.lo); }
__device__ __forceinline__ float pair_hi(pair_t p) { return acc_to_float(p.hi); }`;
}

function fastKernel(config: LowRankGemmConfig): string {
  const unsignedAct = config.main.kind === 'int4' && config.main.activations === 'uint4';
  const mma = `mma.sync.aligned.m16n8k32.row.col.s32.${unsignedAct ? 'u8' : 's8'}.s8.s32`;
  return `
// ---- the tensor-core kernel (int4 main path) --------------------------------------------------------
// Packing (host pack_a / pack_b below): 4-bit codes, two per byte, in mma.m16n8k32 fragment order.
//  A: [M/16][K/64][32 lanes][4 words]; lane (g = lane/4, t = lane%4), word j = (h = j>>1, rh = j&1),
//     byte b: low nibble = qa[16·mt + g + 8·rh][64·ks + 32·h + 4·t + b], high nibble = the same row at k + 16.
//  B: [N/16][K/64][32 lanes][4 words]; word j = (sub = j>>1, h = j&1), byte b: low nibble =
//     qw[16·nt + 8·sub + g][64·ks + 32·h + 4·t + b], high nibble = k + 16.
//  Unpacking: (w << 4) & 0xF0F0F0F0 holds 16·(low-nibble value) per byte, w & 0xF0F0F0F0 16·(high);
//  the int8 MMA sum is 256·d exactly (|256·d| < 2^22), see MAGIC for how it becomes d in fp32.
//  Group scales transposed: saT [G][M], swT [G][N] (codes). Tile 128 × 128 × 64, 8 warps (2 × 4) of 64 × 32.
// Tuning knobs (sims/cuda/run-gpu.sh benchmarks variants with -D): pipeline depth, blocks per SM, and
// LR_KSPAN, the 64-wide k chunks per pipeline stage (one barrier per stage; with 2, one chunk's scaling can
// overlap the next chunk's MMAs inside one loop body; measured 3% slower on an H100: it needs more than the
// 128 registers two blocks per SM allow and spills). None changes any output's order of operations.
// Profiled on an H100 (ncu, docs/kernels.md): 0.56 instructions per cycle per scheduler with 3.8 warps each,
// stalls spread over math-pipe throttle (the ALU pipe, 46% busy: unpacking and F2FP), dispatch, the barrier
// and the tensor pipe (32% busy); no single limit. Widening the operands once per block in shared memory
// (a third fewer ALU instructions, twice the fragment loads) measured 3% slower and was dropped.
#ifndef LR_STAGES
#define LR_STAGES 4
#endif
#ifndef LR_MIN_BLOCKS
#define LR_MIN_BLOCKS 2
#endif
#ifndef LR_KSPAN
#define LR_KSPAN 1
#endif
constexpr int BM = 128, BN = 128, STAGES = LR_STAGES, KSPAN = LR_KSPAN, GSTAGES = GS / 64;
struct __align__(16) FastSmem {
  uint4 a[STAGES][KSPAN][BM / 16][32];
  uint4 b[STAGES][KSPAN][BN / 16][32];
  uint16_t sa[STAGES][KSPAN][BM];
  uint16_t sw[STAGES][KSPAN][BN];
};
// Dynamic shared memory: the pipeline stages, reused after the main loop for the fp32 L and U tiles.
constexpr size_t FAST_SMEM = sizeof(FastSmem) > 2 * 128 * 36 * sizeof(float) ? sizeof(FastSmem) : 2 * 128 * 36 * sizeof(float);
// Each group's MMA chain starts from C = 0x47400000 (the bits of 49152 = 1.5·2^15, whose ulp is 2^-8), so it
// ends at 0x47400000 + 256·d with |256·d| < 2^22: as an fp32 that is 49152 + d exactly, and one subtraction
// gives the exact group dot d (the int→float conversion costs no instruction of its own).
constexpr int MAGIC = 0x47400000;
__device__ __forceinline__ float mma_sum_to_dot(int c) { return __fsub_rn(__int_as_float(c), 49152.0f); }
__device__ __forceinline__ void cp16(void* s, const void* g) {
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16;\\n" :: "r"((uint32_t)__cvta_generic_to_shared(s)), "l"(g));
}
__device__ __forceinline__ void cp_commit() { asm volatile("cp.async.commit_group;\\n" ::); }
template <int N_> __device__ __forceinline__ void cp_wait() { asm volatile("cp.async.wait_group %0;\\n" :: "n"(N_)); }
__device__ __forceinline__ void mma_s8(int* c, const uint32_t* a, uint32_t b0, uint32_t b1, const int* cin) {
  asm volatile("${mma} {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%10,%11,%12,%13};\\n"
    : "=r"(c[0]), "=r"(c[1]), "=r"(c[2]), "=r"(c[3])
    : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1), "r"(cin[0]), "r"(cin[1]), "r"(cin[2]), "r"(cin[3]));
}
__device__ __forceinline__ uint32_t word_of(const uint4& v, int j) { return j == 0 ? v.x : j == 1 ? v.y : j == 2 ? v.z : v.w; }
constexpr uint32_t HI = 0xF0F0F0F0u;

template <bool BRANCH>
__global__ __launch_bounds__(256, LR_MIN_BLOCKS) void lr_fast(const uint4* __restrict__ Ap, const uint4* __restrict__ Bp,
    const uint16_t* __restrict__ saT, const uint16_t* __restrict__ swT, const uint16_t* __restrict__ bias,
    const uint16_t* __restrict__ cs, const uint16_t* __restrict__ L, const uint16_t* __restrict__ up,
    uint16_t* __restrict__ Y, int M, int N, int K, int R) {
  extern __shared__ uint4 smem_raw[];
  FastSmem& sm = *reinterpret_cast<FastSmem*>(smem_raw);
  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5, wm = warp >> 2, wn = warp & 3;
  const int g = lane >> 2, t = lane & 3;
  const int bm = blockIdx.y * BM, bn = blockIdx.x * BN, KC = K / 64, KS = (KC + KSPAN - 1) / KSPAN;
  // Stage st holds chunks kc = KSPAN·ks + u (u < KSPAN, kc < KC) of 64 k each.
  // Per-thread source pointers, computed once: A and B advance 32 uint4 per 64-wide chunk; warp 0 copies the
  // group scales (lanes 0-15: 8 sa codes each, 16-31: 8 sw codes each; BM = BN, so one stage stride serves both).
  const uint4* const ag = Ap + (size_t)(bm / 16 + warp) * KC * 32 + lane;
  const uint4* const bg = Bp + (size_t)(bn / 16 + warp) * KC * 32 + lane;
  const uint16_t* const sg = lane < 16 ? saT + bm + lane * 8 : swT + bn + (lane - 16) * 8;
  const size_t sld = lane < 16 ? (size_t)M : (size_t)N;
  uint16_t* const ss = lane < 16 ? &sm.sa[0][0][lane * 8] : &sm.sw[0][0][(lane - 16) * 8];
  static_assert(BM == BN, "one scale stride");
  auto load = [&](int st, int ks) {
    #pragma unroll
    for (int u = 0; u < KSPAN; u++) {
      const int kc = ks * KSPAN + u;
      if (kc >= KC) break;
      cp16(&sm.a[st][u][warp][lane], ag + (size_t)kc * 32);
      cp16(&sm.b[st][u][warp][lane], bg + (size_t)kc * 32);
      if (warp == 0 && kc % GSTAGES == GSTAGES - 1) cp16(ss + (st * KSPAN + u) * BM, sg + (size_t)(kc / GSTAGES) * sld);
    }
  };
  int ci[4][4][4];
  pair_t acc[4][4][2];
  const int magic4[4] = {MAGIC, MAGIC, MAGIC, MAGIC};
  #pragma unroll
  for (int mi = 0; mi < 4; mi++)
    #pragma unroll
    for (int ni = 0; ni < 4; ni++) { acc[mi][ni][0] = pair_zero(); acc[mi][ni][1] = pair_zero(); }
  // One 64-wide chunk: its MMAs, and golden's group step when the chunk ends a group.
  auto chunk = [&](int st, int u, int kc) {
    const bool first = (kc % GSTAGES) == 0;
    uint4 af[4], bf[2];
    #pragma unroll
    for (int mi = 0; mi < 4; mi++) af[mi] = sm.a[st][u][wm * 4 + mi][lane];
    #pragma unroll
    for (int nj = 0; nj < 2; nj++) bf[nj] = sm.b[st][u][wn * 2 + nj][lane];
    #pragma unroll
    for (int h = 0; h < 2; h++) {
      #pragma unroll
      for (int mi = 0; mi < 4; mi++) {
        const uint32_t w0 = word_of(af[mi], 2 * h), w1 = word_of(af[mi], 2 * h + 1);
        const uint32_t a[4] = {(w0 << 4) & HI, (w1 << 4) & HI, w0 & HI, w1 & HI};
        #pragma unroll
        for (int ni = 0; ni < 4; ni++) {
          const uint32_t wb = word_of(bf[ni >> 1], (ni & 1) * 2 + h);
          mma_s8(ci[mi][ni], a, (wb << 4) & HI, wb & HI, (first && h == 0) ? magic4 : ci[mi][ni]);
        }
      }
    }
    if (kc % GSTAGES == GSTAGES - 1) {
      #pragma unroll
      for (int mi = 0; mi < 4; mi++) {
        const int r0 = wm * 64 + mi * 16 + g;
        const uint16_t sa0 = sm.sa[st][u][r0], sa1 = sm.sa[st][u][r0 + 8];
        #pragma unroll
        for (int ni = 0; ni < 4; ni++) {
          const auto swp = load_sw_pair(&sm.sw[st][u][wn * 32 + ni * 8 + 2 * t]);
          LR_PAIR_STEP(acc[mi][ni][0], ci[mi][ni][0], ci[mi][ni][1], sa0, swp);
          LR_PAIR_STEP(acc[mi][ni][1], ci[mi][ni][2], ci[mi][ni][3], sa1, swp);
        }
      }
    }
  };
  #pragma unroll
  for (int s = 0; s < STAGES - 1; s++) { if (s < KS) load(s, s); cp_commit(); }
  for (int ks = 0, st = 0, stw = STAGES - 1; ks < KS; ks++) {   // st: stage read now, stw: stage refilled now
    cp_wait<STAGES - 2>();
    __syncthreads();
    if (ks + STAGES - 1 < KS) load(stw, ks + STAGES - 1);
    cp_commit();
    if (KSPAN == 1 || (ks + 1) * KSPAN <= KC) {
      #pragma unroll
      for (int u = 0; u < KSPAN; u++) chunk(st, u, ks * KSPAN + u);
    } else {
      for (int u = 0; u < KC - ks * KSPAN; u++) chunk(st, u, ks * KSPAN + u);
    }
    st = st + 1 == STAGES ? 0 : st + 1;
    stw = stw + 1 == STAGES ? 0 : stw + 1;
  }
  cp_wait<0>();
  __syncthreads();
  // Epilogue: y = lr_epilogue(acc), then the fused up projection j ascending, then round_R16.
  float y[4][4][4];
  #pragma unroll
  for (int mi = 0; mi < 4; mi++)
    #pragma unroll
    for (int ni = 0; ni < 4; ni++) {
      const int c0 = bn + wn * 32 + ni * 8 + 2 * t;
      const float b0 = bias ? r16_val(bias[c0]) : 0.0f, b1 = bias ? r16_val(bias[c0 + 1]) : 0.0f;
      const float s0 = cs ? r16_val(cs[c0]) : 0.0f, s1 = cs ? r16_val(cs[c0 + 1]) : 0.0f;
      const bool hb = bias != nullptr, hc = cs != nullptr;
      y[mi][ni][0] = lr_epilogue(pair_lo(acc[mi][ni][0]), hc, s0, hb, b0);
      y[mi][ni][1] = lr_epilogue(pair_hi(acc[mi][ni][0]), hc, s1, hb, b1);
      y[mi][ni][2] = lr_epilogue(pair_lo(acc[mi][ni][1]), hc, s0, hb, b0);
      y[mi][ni][3] = lr_epilogue(pair_hi(acc[mi][ni][1]), hc, s1, hb, b1);
    }
  if (BRANCH) {
    // L and U tiles as fp32 (exact), rows padded to 36 floats: float4 reads along j are conflict-free.
    float (*Ls)[36] = reinterpret_cast<float (*)[36]>(smem_raw);                                  // [BM][36]
    float (*Us)[36] = reinterpret_cast<float (*)[36]>(reinterpret_cast<float*>(smem_raw) + BM * 36); // [BN][36]
    for (int j0 = 0; j0 < R; j0 += 32) {
      const int jc = min(32, R - j0);
      if (R % 8 == 0) {
        // 16-byte loads, all issued before any is used (2 of L and 2 of U per thread: 128 rows × 4 pieces each).
        uint4 lq[2], uq[2];
        #pragma unroll
        for (int i = 0; i < 2; i++) {
          const int p = tid + 256 * i, r = p >> 2, j8 = (p & 3) * 8;
          const bool in = j8 < jc;
          lq[i] = in ? __ldg(reinterpret_cast<const uint4*>(L + (size_t)(bm + r) * R + j0 + j8)) : make_uint4(0, 0, 0, 0);
          uq[i] = in ? __ldg(reinterpret_cast<const uint4*>(up + (size_t)(bn + r) * R + j0 + j8)) : make_uint4(0, 0, 0, 0);
        }
        #pragma unroll
        for (int i = 0; i < 2; i++) {
          const int p = tid + 256 * i, r = p >> 2, j8 = (p & 3) * 8;
          store8(&Ls[r][j8], lq[i]);
          store8(&Us[r][j8], uq[i]);
        }
      } else {
        #pragma unroll 4
        for (int e = tid; e < BM * 32; e += 256) {
          const int r = e >> 5, jj = e & 31;
          Ls[r][jj] = jj < jc ? r16_val(L[(size_t)(bm + r) * R + j0 + jj]) : 0.0f;
          Us[r][jj] = jj < jc ? r16_val(up[(size_t)(bn + r) * R + j0 + jj]) : 0.0f;
        }
      }
      __syncthreads();
      for (int jq = 0; jq < jc; jq += 4) {
        float4 uv[4][2];
        #pragma unroll
        for (int ni = 0; ni < 4; ni++) {
          uv[ni][0] = *reinterpret_cast<const float4*>(&Us[wn * 32 + ni * 8 + 2 * t][jq]);
          uv[ni][1] = *reinterpret_cast<const float4*>(&Us[wn * 32 + ni * 8 + 2 * t + 1][jq]);
        }
        const int jn = min(4, jc - jq);  // ranks past jc are never stepped (golden stops at r)
        #pragma unroll
        for (int mi = 0; mi < 4; mi++) {
          const float4 lv0 = *reinterpret_cast<const float4*>(&Ls[wm * 64 + mi * 16 + g][jq]);
          const float4 lv1 = *reinterpret_cast<const float4*>(&Ls[wm * 64 + mi * 16 + g + 8][jq]);
          #pragma unroll
          for (int q = 0; q < 4; q++) {
            if (q >= jn) break;
            #pragma unroll
            for (int ni = 0; ni < 4; ni++)
              #pragma unroll
              for (int e = 0; e < 4; e++) {
                const float4& a = (e >> 1) ? lv1 : lv0;
                const float4& b = uv[ni][e & 1];
                const float av = q == 0 ? a.x : q == 1 ? a.y : q == 2 ? a.z : a.w;
                const float bv = q == 0 ? b.x : q == 1 ? b.y : q == 2 ? b.z : b.w;
                y[mi][ni][e] = branch_step(y[mi][ni][e], av, bv);
              }
          }
        }
      }
      __syncthreads();
    }
  }
  #pragma unroll
  for (int mi = 0; mi < 4; mi++)
    #pragma unroll
    for (int ni = 0; ni < 4; ni++)
      #pragma unroll
      for (int hr = 0; hr < 2; hr++) {
        const int row = bm + wm * 64 + mi * 16 + g + 8 * hr, col = bn + wn * 32 + ni * 8 + 2 * t;
        const uint32_t v = out_code(y[mi][ni][2 * hr]) | (out_code(y[mi][ni][2 * hr + 1]) << 16);
        *reinterpret_cast<uint32_t*>(&Y[(size_t)row * N + col]) = v;
      }
}

static std::vector<uint32_t> pack_a(const std::vector<uint8_t>& q, int M, int K) {
  const int KS = K / 64; std::vector<uint32_t> p((size_t)M * K / 8);
  for (int mt = 0; mt < M / 16; mt++) for (int ks = 0; ks < KS; ks++) for (int ln = 0; ln < 32; ln++) for (int j = 0; j < 4; j++) {
    const int g = ln >> 2, t = ln & 3, h = j >> 1, rh = j & 1; uint32_t w = 0;
    const size_t row = (size_t)(16 * mt + g + 8 * rh) * K;
    for (int b = 0; b < 4; b++) { const int k = 64 * ks + 32 * h + 4 * t + b; w |= (uint32_t)(q[row + k] | (q[row + k + 16] << 4)) << (8 * b); }
    p[(((size_t)mt * KS + ks) * 32 + ln) * 4 + j] = w;
  }
  return p;
}
static std::vector<uint32_t> pack_b(const std::vector<uint8_t>& q, int N, int K) {
  const int KS = K / 64; std::vector<uint32_t> p((size_t)N * K / 8);
  for (int nt = 0; nt < N / 16; nt++) for (int ks = 0; ks < KS; ks++) for (int ln = 0; ln < 32; ln++) for (int j = 0; j < 4; j++) {
    const int g = ln >> 2, t = ln & 3, sub = j >> 1, h = j & 1; uint32_t w = 0;
    const size_t row = (size_t)(16 * nt + 8 * sub + g) * K;
    for (int b = 0; b < 4; b++) { const int k = 64 * ks + 32 * h + 4 * t + b; w |= (uint32_t)(q[row + k] | (q[row + k + 16] << 4)) << (8 * b); }
    p[(((size_t)nt * KS + ks) * 32 + ln) * 4 + j] = w;
  }
  return p;
}
static std::vector<uint16_t> transpose_scales(const std::vector<uint16_t>& s, int rows, int G) {
  std::vector<uint16_t> o((size_t)rows * G);
  for (int r = 0; r < rows; r++) for (int g = 0; g < G; g++) o[(size_t)g * rows + r] = s[(size_t)r * G + g];
  return o;
}
`;
}

function hostMain(config: LowRankGemmConfig): string {
  const fast = lowRankFastEligible(config);
  const downMma = lowRankDownMmaEligible(config);
  const masks = lowRankInputMasks(config);
  const maskTable = (Object.keys(LOW_RANK_STREAMS) as (keyof typeof LOW_RANK_STREAMS)[])
    .map((k) => `  if (stream == ${LOW_RANK_STREAMS[k]}) return (h & ${hex32(masks[k][0])}) | ${hex32(masks[k][1])}; // ${k}`)
    .join('\n');
  return `
// ---- host launcher -----------------------------------------------------------------------------------
// Usage: lowrank_gemm verify DIR     (inputs and golden y.bin written by qacc; see meta.txt)
//        lowrank_gemm bench M N K SEED SAMPLES   (inputs from qacc_hash; SAMPLES: golden (m, n, code) triples)
static uint32_t input_code(uint32_t seed, uint32_t stream, uint32_t index) {
  const uint32_t h = qacc_hash(seed, stream, index);
${maskTable}
  return h;
}
struct Inputs {
  int M, N, K, G, R; uint32_t ts_bits = ${hex32(LOW_RANK_BENCH_TENSOR_SCALE)};
  std::vector<uint8_t> qa, qw; std::vector<uint16_t> sa, sw, bias, cs, x, down, up; std::vector<uint32_t> ls;
};
template <typename T> static std::vector<T> gen(uint32_t seed, uint32_t stream, size_t n) {
  std::vector<T> v(n); for (size_t i = 0; i < n; i++) v[i] = (T)input_code(seed, stream, (uint32_t)i); return v;
}
static Inputs generate(int M, int N, int K, uint32_t seed, bool with_bias, bool with_cs, bool with_ls) {
  Inputs in; in.M = M; in.N = N; in.K = K; in.G = (K + GS - 1) / GS; in.R = RANK;
  if (!RUNTIME_QACT) { in.qa = gen<uint8_t>(seed, 1, (size_t)M * K); in.sa = gen<uint16_t>(seed, 3, (size_t)M * in.G); }
  in.qw = gen<uint8_t>(seed, 2, (size_t)N * K); in.sw = gen<uint16_t>(seed, 4, (size_t)N * in.G);
  if (with_bias) in.bias = gen<uint16_t>(seed, 5, N);
  if (with_cs) in.cs = gen<uint16_t>(seed, 6, N);
  if (with_ls) in.ls = gen<uint32_t>(seed, 7, (RANK + 15) / 16);
  if (RANK > 0 || RUNTIME_QACT) in.x = gen<uint16_t>(seed, 8, (size_t)M * K);
  if (RANK > 0) { in.down = gen<uint16_t>(seed, 9, (size_t)K * RANK); in.up = gen<uint16_t>(seed, 10, (size_t)N * RANK); }
  return in;
}
static Inputs read_case(const std::string& d) {
  Inputs in; in.M = meta_get(d, "m", -1); in.N = meta_get(d, "n", -1); in.K = meta_get(d, "k", -1);
  in.G = (in.K + GS - 1) / GS; in.R = RANK; in.ts_bits = (uint32_t)meta_get(d, "tensor_scale", ${hex32(LOW_RANK_BENCH_TENSOR_SCALE)});
  if (meta_get(d, "rank", -1) != RANK) { std::fprintf(stderr, "%s: rank differs from the kernel's %d\\n", d.c_str(), RANK); std::exit(1); }
  if (!RUNTIME_QACT) { in.qa = read_bin<uint8_t>(d + "/qa.bin", (size_t)in.M * in.K); in.sa = read_bin<uint16_t>(d + "/sa.bin", (size_t)in.M * in.G); }
  in.qw = read_bin<uint8_t>(d + "/qw.bin", (size_t)in.N * in.K); in.sw = read_bin<uint16_t>(d + "/sw.bin", (size_t)in.N * in.G);
  if (file_exists(d + "/bias.bin")) in.bias = read_bin<uint16_t>(d + "/bias.bin", in.N);
  if (file_exists(d + "/cs.bin")) in.cs = read_bin<uint16_t>(d + "/cs.bin", in.N);
  if (file_exists(d + "/ls.bin")) in.ls = read_bin<uint32_t>(d + "/ls.bin", (RANK + 15) / 16);
  if (RANK > 0 || RUNTIME_QACT) in.x = read_bin<uint16_t>(d + "/x.bin", (size_t)in.M * in.K);
  if (RANK > 0) { in.down = read_bin<uint16_t>(d + "/down.bin", (size_t)in.K * RANK); in.up = read_bin<uint16_t>(d + "/up.bin", (size_t)in.N * RANK); }
  return in;
}
template <typename T> static T* dev_or_null(const std::vector<T>& v) { return v.empty() ? nullptr : to_device(v); }

struct Device {
  const Inputs& in; uint8_t *qa, *qw; uint16_t *sa, *sw, *bias, *cs, *x, *down, *up, *L, *Y; uint32_t* ls;
  uint4 *Ap = nullptr, *Bp = nullptr; uint16_t *saT = nullptr, *swT = nullptr; bool fast;
  uint4 *Aw = nullptr, *Bw = nullptr; uint16_t *saW = nullptr, *swW = nullptr; int wg_grid = 0;
  int wg_grid_mc = 0;   // LR_WG_MCAST: CTAs launched in clusters of two (0: not for this shape, M not a multiple of 256)
  uint32_t* flags = nullptr; mutable uint32_t epoch = 0;   // lr_wgmma<2>: one flag per L slice, a new epoch per launch
  const uint4* downf = nullptr;   // LR_DOWN_MMA: D in lr_down_mma's fragment order (null: lr_down runs)
  explicit Device(const Inputs& i) : in(i) {
    qw = to_device(in.qw); sw = to_device(in.sw);
    bias = dev_or_null(in.bias); cs = dev_or_null(in.cs); ls = dev_or_null(in.ls);
    x = dev_or_null(in.x); down = dev_or_null(in.down); up = dev_or_null(in.up);
    // Runtime quantization: lr_qact computes qa / sa from X on the device (no host quantization). The
    // tensor-core path's fragment packing of qa and transposition of sa are layout only, done on the host.
    std::vector<uint8_t> hqa = in.qa; std::vector<uint16_t> hsa = in.sa;
    if (RUNTIME_QACT) {
      CK(cudaMalloc(&qa, std::max<size_t>(1, (size_t)in.M * in.K))); CK(cudaMalloc(&sa, std::max<size_t>(2, (size_t)in.M * in.G * 2)));
      CK(cudaMemset(qa, 0xA5, (size_t)in.M * in.K)); CK(cudaMemset(sa, 0xA5, (size_t)in.M * in.G * 2));
      lr_qact<<<dim3((in.G + 15) / 16, (in.M + 15) / 16), dim3(16, 16)>>>(x, qa, sa, in.M, in.K, in.G); CK_LAUNCH();
      hqa.resize((size_t)in.M * in.K); hsa.resize((size_t)in.M * in.G);
      CK(cudaMemcpy(hqa.data(), qa, hqa.size(), cudaMemcpyDeviceToHost)); CK(cudaMemcpy(hsa.data(), sa, hsa.size() * 2, cudaMemcpyDeviceToHost));
    } else { qa = to_device(in.qa); sa = to_device(in.sa); }
    CK(cudaMalloc(&L, std::max<size_t>(2, (size_t)in.M * RANK * 2))); CK(cudaMalloc(&Y, (size_t)in.M * in.N * 2));
    if (RANK > 0) CK(cudaFuncSetAttribute(lr_down, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)DOWN_SMEM));
${downMma ? `    if (LR_DOWN_MMA && RANK > 0 && down_all_finite(in.down)) downf = reinterpret_cast<const uint4*>(to_device(pack_down_mma(in.down, in.K, RANK)));
` : ''}    widen();
    fast = ${fast ? 'in.M % 128 == 0 && in.N % 128 == 0 && in.K % GS == 0' : 'false'};
${
  fast
    ? `    if (fast) {
      Ap = reinterpret_cast<uint4*>(to_device(pack_a(hqa, in.M, in.K))); Bp = reinterpret_cast<uint4*>(to_device(pack_b(in.qw, in.N, in.K)));
      saT = to_device(transpose_scales(hsa, in.M, in.G)); swT = to_device(transpose_scales(in.sw, in.N, in.G));
      CK(cudaFuncSetAttribute(lr_fast<true>, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)FAST_SMEM));
      CK(cudaFuncSetAttribute(lr_fast<false>, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)FAST_SMEM));
      Aw = reinterpret_cast<uint4*>(to_device(pack_wg_a(hqa, in.M, in.K))); Bw = reinterpret_cast<uint4*>(to_device(pack_wg_b(in.qw, in.N, in.K)));
      saW = to_device(pack_wg_scales(hsa, in.M, in.G, false)); swW = to_device(pack_wg_scales(in.sw, in.N, in.G, true));
      CK(cudaFuncSetAttribute(lr_wgmma<0>, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)wg_smem(0)));
      CK(cudaFuncSetAttribute(lr_wgmma<1>, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)wg_smem(1)));
      CK(cudaFuncSetAttribute(lr_wgmma<2>, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)wg_smem(2)));
      const size_t nflags = (size_t)std::max(1, std::max(wd_slices(in.M, RANK), wf_units(in.M, RANK)));   // lr_wgmma<2>'s slices or units
      CK(cudaMalloc(&flags, nflags * 4)); CK(cudaMemset(flags, 0, nflags * 4));
      int sms = 0; CK(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, 0));
      wg_grid = std::min(sms, (in.M / WG_BM) * (in.N / WG_BN));
#if LR_WG_MCAST
      if (in.M % 256 == 0) {   // as many clusters of two as can be resident at once (one CTA per SM)
        cudaLaunchConfig_t lc = {}; cudaLaunchAttribute at[1];
        at[0].id = cudaLaunchAttributeClusterDimension; at[0].val.clusterDim.x = 2; at[0].val.clusterDim.y = 1; at[0].val.clusterDim.z = 1;
        lc.gridDim = dim3(2 * (sms / 2)); lc.blockDim = dim3(wg_threads(0)); lc.dynamicSmemBytes = wg_smem(0); lc.attrs = at; lc.numAttrs = 1;
        int ncl = 0; CK(cudaOccupancyMaxActiveClusters(&ncl, lr_wgmma<0>, &lc));
        wg_grid_mc = 2 * std::min(ncl, (in.M / 256) * (in.N / WG_BN));
#ifdef LR_WG_MCGRID
        wg_grid_mc = LR_WG_MCGRID;   // a measurement build: this many CTAs whatever the occupancy query said
#endif
        std::fprintf(stderr, "LR_WG_MCAST: %d clusters of two resident at once, grid %d\\n", ncl, wg_grid_mc);
      }
#endif
    }`
    : ''
}
  }
${LOW_RANK_TILED_DEVICE}  void down_proj() const {
    if (RANK == 0) return;
${downMma ? `    if (downf != nullptr) { lr_down_mma<<<dim3((in.M + DM_ROWS - 1) / DM_ROWS, (RANK + DM_RANKS - 1) / DM_RANKS), DM_THREADS>>>(x, downf, ls, ls != nullptr, L, in.M, in.K, RANK); CK_LAUNCH(); return; }
` : ''}    lr_down<<<dim3((in.M + DROWS - 1) / DROWS, (RANK + DRANKS - 1) / DRANKS), DNT, DOWN_SMEM>>>(x, down, ls, ls != nullptr, L, in.M, in.K, RANK); CK_LAUNCH();
  }
  void generic() const {
    down_proj();
    lr_generic<<<dim3((in.N + 15) / 16, (in.M + 15) / 16), dim3(16, 16)>>>(qa, qw, sa, sw, bias, cs, L, up, Y, in.M, in.N, in.K, RANK, in.ts_bits); CK_LAUNCH();
  }
  void run_fast(bool branch) const {
${
  fast
    ? `    const dim3 grid(in.N / BN, in.M / BM);
    if (branch && RANK > 0) { down_proj(); lr_fast<true><<<grid, 256, FAST_SMEM>>>(Ap, Bp, saT, swT, bias, cs, L, up, Y, in.M, in.N, in.K, RANK); }
    else lr_fast<false><<<grid, 256, FAST_SMEM>>>(Ap, Bp, saT, swT, bias, cs, L, up, Y, in.M, in.N, in.K, 0);
    CK_LAUNCH();`
    : `    (void)branch; std::fprintf(stderr, "no tensor-core kernel for this config\\n"); std::exit(1);`
}
  }
  // The Hopper kernel (lr_wgmma). branch: the down projection inside the persistent kernel (lr_wgmma<2>, a
  // cooperative launch: its blocks wait on each other's L slices); serial: lr_down first, then lr_wgmma<1>.
  void run_wg(bool branch, bool serial = false) const {
${
  fast
    ? `    if (branch && RANK > 0 && serial) { down_proj(); wg_branch_kernel(RANK); return; }
    if (branch && RANK > 0) {
      epoch++;
      cudaLaunchConfig_t lc = {}; cudaLaunchAttribute at[1];
      at[0].id = cudaLaunchAttributeCooperative; at[0].val.cooperative = 1;
      lc.gridDim = dim3(wg_grid); lc.blockDim = dim3(wg_threads(2)); lc.dynamicSmemBytes = wg_smem(2); lc.stream = 0; lc.attrs = at; lc.numAttrs = 1;
      CK(cudaLaunchKernelEx(&lc, lr_wgmma<2>, (const uint4*)Aw, (const uint4*)Bw, (const uint16_t*)saW, (const uint16_t*)swW, (const uint16_t*)bias,
          (const uint16_t*)cs, (const uint16_t*)nullptr, (const uint16_t*)up, Y, in.M, in.N, in.K, RANK, (const uint16_t*)x, (const uint16_t*)down,
          (const uint32_t*)ls, L, flags, epoch));
    } else launch_wg(0, 0);
    CK_LAUNCH();`
    : `    (void)branch; (void)serial; std::fprintf(stderr, "no tensor-core kernel for this config\\n"); std::exit(1);`
}
  }
  // lr_wgmma<1> alone on the L already computed, with rank r (timing breakdown; r = 0: no up projection).
  void wg_branch_kernel(int r) const {
${
  fast
    ? `    launch_wg(1, r); CK_LAUNCH();`
    : `    (void)r;`
}
  }
${
  fast
    ? `  // lr_wgmma<0> or <1> (rank r): in clusters of two with LR_WG_MCAST where the shape allows (wg_grid 1, the one-block
  // check, is then one cluster), else one CTA per SM as before.
  void launch_wg(int mode, int r) const {
    if (LR_WG_MCAST && wg_grid_mc > 0) {
      cudaLaunchConfig_t lc = {}; cudaLaunchAttribute at[1];
      at[0].id = cudaLaunchAttributeClusterDimension; at[0].val.clusterDim.x = 2; at[0].val.clusterDim.y = 1; at[0].val.clusterDim.z = 1;
      lc.gridDim = dim3(wg_grid == 1 ? 2 : wg_grid_mc); lc.blockDim = dim3(wg_threads(mode)); lc.dynamicSmemBytes = wg_smem(mode); lc.stream = 0; lc.attrs = at; lc.numAttrs = 1;
      CK(cudaLaunchKernelEx(&lc, mode == 0 ? lr_wgmma<0> : lr_wgmma<1>, (const uint4*)Aw, (const uint4*)Bw, (const uint16_t*)saW, (const uint16_t*)swW, (const uint16_t*)bias,
          (const uint16_t*)cs, (const uint16_t*)L, (const uint16_t*)up, Y, in.M, in.N, in.K, r, (const uint16_t*)nullptr, (const uint16_t*)nullptr,
          (const uint32_t*)nullptr, (uint16_t*)nullptr, (uint32_t*)nullptr, 0u));
    } else if (mode == 0) lr_wgmma<0><<<wg_grid, wg_threads(0), wg_smem(0)>>>(Aw, Bw, saW, swW, bias, cs, L, up, Y, in.M, in.N, in.K, 0, nullptr, nullptr, nullptr, nullptr, nullptr, 0);
    else lr_wgmma<1><<<wg_grid, wg_threads(1), wg_smem(1)>>>(Aw, Bw, saW, swW, bias, cs, L, up, Y, in.M, in.N, in.K, r, nullptr, nullptr, nullptr, nullptr, nullptr, 0);
  }`
    : ''
}
  // Timing breakdown only (bench): the branch-fused GEMM kernel alone on the L already computed, with rank r
  // (r = 0 runs its main loop and epilogue without the up projection).
  void fast_branch_kernel(int r) const {
${
  fast
    ? `    lr_fast<true><<<dim3(in.N / BN, in.M / BM), 256, FAST_SMEM>>>(Ap, Bp, saT, swT, bias, cs, L, up, Y, in.M, in.N, in.K, r); CK_LAUNCH();`
    : `    (void)r;`
}
  }
  std::vector<uint16_t> result() const {
    CK(cudaDeviceSynchronize()); std::vector<uint16_t> h((size_t)in.M * in.N);
    CK(cudaMemcpy(h.data(), Y, h.size() * 2, cudaMemcpyDeviceToHost)); return h;
  }
};

static size_t mismatches(const std::vector<uint16_t>& got, const std::vector<uint16_t>& want, const char* what, int N) {
  size_t bad = 0;
  for (size_t i = 0; i < want.size(); i++) if (got[i] != want[i]) {
    if (bad < 5) std::printf("  %s mismatch at (%zu, %zu): got 0x%04x, golden 0x%04x\\n", what, i / N, i % N, got[i], want[i]);
    bad++;
  }
  return bad;
}

int main(int argc, char** argv) {
${
  config.activationQuant === 'runtime'
    ? `  if (argc >= 3 && std::string(argv[1]) == "qact") {
    // No GPU: the quantizer's group function on the host (binary32 RN), X from DIR/x.bin, qa / sa to
    // DIR/qa.out.bin (u8) and DIR/sa.out.bin (u16) for qacc to compare with golden.
    const std::string d = argv[2];
    const int M = (int)meta_get(d, "m", -1), K = (int)meta_get(d, "k", -1), G = (K + GS - 1) / GS;
    const std::vector<uint16_t> x = read_bin<uint16_t>(d + "/x.bin", (size_t)M * K);
    std::vector<uint8_t> q((size_t)M * K); std::vector<uint16_t> s((size_t)M * G);
    for (int m = 0; m < M; m++) for (int g = 0; g < G; g++) { const int k0 = g * GS; qact_group(&x[(size_t)m * K + k0], std::min(K, k0 + GS) - k0, &q[(size_t)m * K + k0], &s[(size_t)m * G + g]); }
    FILE* f = std::fopen((d + "/qa.out.bin").c_str(), "wb"); FILE* h = std::fopen((d + "/sa.out.bin").c_str(), "wb");
    if (!f || !h || std::fwrite(q.data(), 1, q.size(), f) != q.size() || std::fwrite(s.data(), 2, s.size(), h) != s.size()) { std::fprintf(stderr, "cannot write %s/qa.out.bin, sa.out.bin\\n", d.c_str()); return 1; }
    std::fclose(f); std::fclose(h);
    std::printf("lowrank_gemm qact %s: %d x %d\\n", d.c_str(), M, K);
    return 0;
  }
`
    : ''
}${
  fast
    ? `  if (argc >= 5 && std::string(argv[1]) == "wglayout") {
    // No GPU: lr_wgmma's packings read back through PTX's wgmma operand layouts (kernel-cuda-wgmma.ts).
    const int M = std::atoi(argv[2]), N = std::atoi(argv[3]), K = std::atoi(argv[4]);
    if (M % 128 || N % 128 || K % GS) { std::fprintf(stderr, "wglayout: M, N multiples of 128 and K of %d\\n", GS); return 2; }
    const size_t bad = wg_layout_check(M, N, K);
    std::printf("lowrank_gemm wglayout %d x %d x %d: %zu mismatches\\n", M, N, K, bad);
    return bad == 0 ? 0 : 1;
  }
  if (argc >= 4 && std::string(argv[1]) == "wgdown") {
    // No GPU: lr_wgmma<2>'s down projection index maps, both forms (slices or units, chains, staging, the flags a tile waits for).
    const int M = std::atoi(argv[2]), R = std::atoi(argv[3]);
    if (M <= 0 || M % 128 || R <= 0) { std::fprintf(stderr, "wgdown: M a multiple of 128, R > 0\\n"); return 2; }
    const size_t bad = wg_down_check(M, R) + wf_down_check(M, R);   // the fourth warpgroup's maps and LR_WG_FDOWN's
    std::printf("lowrank_gemm wgdown M=%d rank=%d: %zu violations\\n", M, R, bad);
    return bad == 0 ? 0 : 1;
  }
`
    : ''
}  if (argc >= 3 && std::string(argv[1]) == "verify") {
    const std::string d = argv[2];
    const Inputs in = read_case(d);
    const std::vector<uint16_t> golden = read_bin<uint16_t>(d + "/y.bin", (size_t)in.M * in.N);
    Device dev(in);
    poison(dev.Y, golden.size() * 2); dev.generic();
    size_t bad = mismatches(dev.result(), golden, "generic", in.N);
    std::printf("lowrank_gemm %s (M=%d N=%d K=%d rank=%d): generic kernel %zu/%zu mismatches", d.c_str(), in.M, in.N, in.K, RANK, bad, golden.size());
${downMma ? `    if (RANK > 0) std::printf(" (down projection %s)", dev.downf ? "lr_down_mma" : "lr_down");
` : ''}
    {
      poison(dev.Y, golden.size() * 2); dev.tiled();
      const std::vector<uint16_t> a = dev.result();
      const size_t tb = mismatches(a, golden, "tiled", in.N);
      poison(dev.Y, golden.size() * 2); dev.tiled();
      const bool same = dev.result() == a;
      std::printf(", tiled kernel %zu/%zu mismatches, rerun %s", tb, golden.size(), same ? "identical" : "DIFFERS");
      bad += tb + (same ? 0 : 1);
    }
    if (dev.fast) {
      poison(dev.Y, golden.size() * 2); dev.run_fast(true);
      const std::vector<uint16_t> a = dev.result();
      const size_t fb = mismatches(a, golden, "tensor-core", in.N);
      poison(dev.Y, golden.size() * 2); dev.run_fast(true);
      const bool same = dev.result() == a;
      std::printf(", tensor-core kernel %zu/%zu mismatches, rerun %s", fb, golden.size(), same ? "identical" : "DIFFERS");
      bad += fb + (same ? 0 : 1);
      // lr_wgmma<2> computes L itself: L is poisoned before each of its runs (generic() left lr_down's L there),
      // so a tile that read its L slices before their flags would differ.
      const size_t lbytes = (size_t)in.M * RANK * 2;
      if (RANK > 0) poison(dev.L, lbytes);
      poison(dev.Y, golden.size() * 2); dev.run_wg(true);
      const std::vector<uint16_t> w = dev.result();
      const size_t wb = mismatches(w, golden, "wgmma", in.N);
      if (RANK > 0) poison(dev.L, lbytes);
      poison(dev.Y, golden.size() * 2); dev.run_wg(true);
      const bool wsame = dev.result() == w;
      // Every tile on one block: the persistent loop and the pipeline's wrap-around across tiles.
      const int full_grid = dev.wg_grid; dev.wg_grid = 1;
      if (RANK > 0) poison(dev.L, lbytes);
      poison(dev.Y, golden.size() * 2); dev.run_wg(true);
      const bool wone = dev.result() == w; dev.wg_grid = full_grid;
      std::printf(", wgmma kernel %zu/%zu mismatches, rerun %s, one block %s", wb, golden.size(), wsame ? "identical" : "DIFFERS", wone ? "identical" : "DIFFERS");
      bad += wb + (wsame ? 0 : 1) + (wone ? 0 : 1);
      if (RANK > 0) {   // the serial form (lr_down, then lr_wgmma<1>), kept as the timing reference
        poison(dev.Y, golden.size() * 2); dev.run_wg(true, true);
        const size_t sb = mismatches(dev.result(), golden, "wgmma serial", in.N);
        std::printf(", wgmma serial %zu/%zu mismatches", sb, golden.size());
        bad += sb;
      }
    }
    std::printf(" -> %s\\n", bad == 0 ? "BIT-EXACT" : "FAIL");
    return bad == 0 ? 0 : 1;
  }
  if (argc >= 3 && std::string(argv[1]) == "run") {
    // qacc verify --backends cuda: inputs from DIR (as for verify), the output codes to DIR/out.bin.
    const std::string d = argv[2];
    const Inputs in = read_case(d);
    Device dev(in);
    poison(dev.Y, (size_t)in.M * in.N * 2);
    // lr_down + lr_wgmma<1> (0.4455 ms at 4096³ on an H100, 2026-12-06 15:45; lr_fast 0.4621). lr_wgmma<2>, the
    // down projection fused (0.4427 ms, bit-exact), is not used here: see docs/kernels.md.
    if (dev.fast) dev.run_wg(true, true); else dev.tiled();
    const std::vector<uint16_t> y = dev.result();
    FILE* f = std::fopen((d + "/out.bin").c_str(), "wb");
    if (!f || std::fwrite(y.data(), 2, y.size(), f) != y.size()) { std::fprintf(stderr, "cannot write %s/out.bin\\n", d.c_str()); return 1; }
    std::fclose(f);
    std::printf("lowrank_gemm %s: %s kernel, %zu outputs\\n", d.c_str(), dev.fast ? "tensor-core" : "tiled", y.size());
    return 0;
  }
  if (argc >= 5 && std::string(argv[1]) == "prof") {
    // For a profiler (ncu -k regex:lr_wgmma): one launch each of lr_wgmma<0> (no branch) and lr_wgmma<2> (fused), untimed;
    // with a fifth argument 1, the serial form first (lr_down, then lr_wgmma<1>: its first lr_wgmma launch).
    const int M = std::atoi(argv[2]), N = std::atoi(argv[3]), K = std::atoi(argv[4]);
    const Inputs in = generate(M, N, K, 1, true, true, true);
    Device dev(in);
    if (!dev.fast) { std::fprintf(stderr, "prof needs the tensor-core kernel\\n"); return 1; }
    if (argc >= 6 && std::atoi(argv[5]) == 1) dev.run_wg(true, true);
    dev.run_wg(false); dev.run_wg(true); dev.result();
    std::printf("lowrank_gemm prof %d x %d x %d: done\\n", M, N, K);
    return 0;
  }
  if (argc >= 7 && std::string(argv[1]) == "bench") {
    const int M = std::atoi(argv[2]), N = std::atoi(argv[3]), K = std::atoi(argv[4]);
    const uint32_t seed = (uint32_t)std::strtoul(argv[5], nullptr, 0);
    const Inputs in = generate(M, N, K, seed, true, true, true);
    Device dev(in);
    if (!dev.fast) { std::fprintf(stderr, "bench needs the tensor-core kernel (M, N multiples of 128, K of %d)\\n", GS); return 1; }
    // Exactness on the benchmark inputs: golden samples (m, n, code) computed by qacc from the same generator.
    FILE* f = std::fopen(argv[6], "rb"); if (!f) { std::fprintf(stderr, "cannot open %s\\n", argv[6]); return 1; }
    std::vector<uint32_t> s; uint32_t tr[3]; while (std::fread(tr, 4, 3, f) == 3) s.insert(s.end(), tr, tr + 3); std::fclose(f);
    // Both tensor-core kernels on the same inputs: lr_wgmma (the RESULT's main figures) and lr_fast (the m16n8k32,
    // the previous kernel, as ..._mma keys), each checked on the samples and rerun.
    size_t bad = 0; bool same = true;
    for (int kind = 0; kind < 3; kind++) {
      auto go = [&](bool br) { if (kind == 0) dev.run_wg(br); else if (kind == 1) dev.run_fast(br); else dev.run_wg(br, true); };
      if (RANK > 0) poison(dev.L, (size_t)M * RANK * 2);   // lr_wgmma<2> must not read L before its flags
      poison(dev.Y, (size_t)M * N * 2); go(true);
      const std::vector<uint16_t> y = dev.result();
      for (size_t i = 0; i < s.size(); i += 3) if (y[(size_t)s[i] * N + s[i + 1]] != s[i + 2]) bad++;
      if (RANK > 0) poison(dev.L, (size_t)M * RANK * 2);
      poison(dev.Y, (size_t)M * N * 2); go(true);
      same = same && dev.result() == y;
    }
    const double flop = 2.0 * M * N * K;
    const double t_branch = median_ms([&](int) { dev.run_wg(true); }, 5, 30);
    const double t_main = median_ms([&](int) { dev.run_wg(false); }, 5, 30);
    const double t_serial = median_ms([&](int) { dev.run_wg(true, true); }, 5, 30);
    const double t_down = median_ms([&](int) { dev.down_proj(); }, 5, 30);
    const double t_up = median_ms([&](int) { dev.wg_branch_kernel(RANK); }, 5, 30);
    const double t_up0 = median_ms([&](int) { dev.wg_branch_kernel(0); }, 5, 30);
    const double m_branch = median_ms([&](int) { dev.run_fast(true); }, 5, 30);
    const double m_main = median_ms([&](int) { dev.run_fast(false); }, 5, 30);
    std::printf("RESULT lowrank device=\\"%s\\" M=%d N=%d K=%d rank=%d samples=%zu sample_mismatches=%zu rerun=%s "
                "ms_fused=%.4f tflops_fused=%.1f ms_no_branch=%.4f tflops_no_branch=%.1f ms_down=%.4f branch_overhead_pct=%.1f "
                "ms_up_kernel=%.4f ms_up_kernel_rank0=%.4f ms_fused_mma=%.4f ms_no_branch_mma=%.4f ms_fused_serial=%.4f\\n",
                device_name().c_str(), M, N, K, RANK, s.size(), bad, same ? "identical" : "DIFFERS", t_branch, flop / t_branch / 1e9,
                t_main, flop / t_main / 1e9, t_down, 100.0 * (t_branch / t_main - 1.0), t_up, t_up0, m_branch, m_main, t_serial);
#if LR_WG_TRACE
    {   // one lr_wgmma<0> launch, block 0's stages 64..127: median cycles of each step (kernel-cuda-wgmma.ts LR_WG_TRACE)
      std::vector<long long> z((size_t)WG_TRACE_N * WG_TRACE_SLOTS, 0);
      CK(cudaMemcpyToSymbol(wg_trace, z.data(), z.size() * 8)); dev.run_wg(false); CK(cudaDeviceSynchronize());
      CK(cudaMemcpyFromSymbol(z.data(), wg_trace, z.size() * 8));
      auto at = [&](int i, int k) { return z[(size_t)i * WG_TRACE_SLOTS + k]; };
      auto med = [&](const char* name, int a, int b, int shift) {   // median over stages i of at(i + shift, b) - at(i, a)
        std::vector<long long> v;
        for (int i = std::max(0, -shift); i < WG_TRACE_N && i + shift < WG_TRACE_N; i++) if (at(i, a) && at(i + shift, b)) v.push_back(at(i + shift, b) - at(i, a));
        std::sort(v.begin(), v.end());
        if (!v.empty()) std::printf(" %s=%lld", name, v[v.size() / 2]);
      };
      std::printf("TRACE lr_wgmma<0> block 0 stages %d..%d, median cycles:", WG_TRACE_IT0, WG_TRACE_IT0 + WG_TRACE_N - 1);
      med("period", 4, 4, 1); med("copier_slot_wait", 0, 1, 0); med("copy_to_unpacker", 1, 2, 0); med("unpack", 2, 3, 0);
      med("copy_to_consumer_ready", 1, 5, 0); med("consumer_data_wait", 4, 5, 0); med("issue_to_fold_start", 8, 6, 0);
      med("fold", 6, 7, 0); med("fold_end_to_next_issue_wait", 7, 4, 2); med("next_commit_to_fold_start", 8, 6, -1);
      std::printf("\\n");
    }
#endif
#if LR_WG_PROBE
    {   // one lr_wgmma<2> launch's timeline: per stamp, min / median / max over the blocks, µs after the first start
      std::vector<unsigned long long> z(1024 * 5, 0);
      CK(cudaMemcpyToSymbol(wg_probe, z.data(), z.size() * 8)); dev.run_wg(true); CK(cudaDeviceSynchronize());
      CK(cudaMemcpyFromSymbol(z.data(), wg_probe, z.size() * 8));
      unsigned long long t0 = ~0ull; for (int b = 0; b < dev.wg_grid; b++) t0 = std::min(t0, z[b * 5]);
      std::printf("PROBE lr_wgmma<2> grid=%d (us: min/median/max over blocks):", dev.wg_grid);
      for (int k = 0; k < 5; k++) {
        std::vector<double> v; for (int b = 0; b < dev.wg_grid; b++) if (z[b * 5 + k]) v.push_back((z[b * 5 + k] - t0) / 1e3);
        std::sort(v.begin(), v.end());
        if (!v.empty()) std::printf(" [%d] %.1f/%.1f/%.1f", k, v.front(), v[v.size() / 2], v.back());
      }
      std::printf("\\n");
    }
#endif
    return bad == 0 && same ? 0 : 1;
  }
  std::fprintf(stderr, "usage: %s verify DIR | run DIR | bench M N K SEED SAMPLES${fast ? " | wglayout M N K | wgdown M R" : ""}\\n", argv[0]);
  return 2;
}
`;
}

/**
 * The runtime activation quantizer (golden-qact.ts lowRankQuantizeGroup, step for step) as one
 * __host__ __device__ group function and the `lr_qact` kernel (one thread per (group, row)). The two fp32
 * roundings use __fmul_rn / __frcp_rn on the device (IEEE RN, never contracted; the file is built without
 * -ftz, and a subnormal s never reaches the reciprocal) and plain binary32 `*` and `/` on the host (x86-64
 * SSE, RN, no fast-math), which the launcher's `qact DIR` mode runs so that the function is tested without
 * a GPU. Everything else is exact: the 16-bit decode, the scale code's RNE rounding in integers, the
 * code's rounding of an fp32 value at a power-of-two quantum (rintf / truncf / roundf).
 */
function qactSource(config: LowRankGemmConfig): string {
  const main = config.main;
  const nv = main.kind === 'nvfp4';
  const act = nv ? 'fp4' : main.activations;
  const bf = config.branchFormat === 'bf16';
  const round = { rne: 'rintf', rtz: 'truncf', rna: 'roundf' }[config.activationRounding ?? 'rne'];
  // The scale format: exponent bits, fraction bits, bias, and whether its all-ones exponent is finite (e4m3fn).
  const [se, sm, sb, fn] = nv ? [4, 3, 7, true] : main.scaleFormat === 'bf16' ? [8, 7, 127, false] : [5, 10, 15, false];
  const code =
    act === 'fp4'
      ? `const float a = fabsf(v);
  const uint8_t sign = signbit(v) ? 8 : 0;
  if (!(a < 8.0f)) return sign | 7;
  const float q = a < 2.0f ? 0.5f : a < 4.0f ? 1.0f : 2.0f;
  const int h = (int)(${round}(a / q) * q * 2.0f);            // exact: q is a power of two
  return sign | (h <= 4 ? h : h <= 6 ? 5 : h <= 8 ? 6 : 7);`
      : `const float t = ${round}(v);
  return (uint8_t)((int)fminf(fmaxf(t, ${act === 'uint4' ? '0.0f' : '-8.0f'}), ${act === 'uint4' ? '15.0f' : '7.0f'}) & 15);`;
  return `
// ---- runtime activation quantizer (golden-qact.ts lowRankQuantizeGroup) -------------------------------
__host__ __device__ inline float qact_bits(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
__host__ __device__ inline uint32_t qact_code_of(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
__host__ __device__ inline float qact_mul(float a, float b) {
#ifdef __CUDA_ARCH__
  return __fmul_rn(a, b);
#else
  return a * b;
#endif
}
__host__ __device__ inline float qact_rcp(float s) {
#ifdef __CUDA_ARCH__
  return __frcp_rn(s);
#else
  return 1.0f / s;
#endif
}
// A ${config.branchFormat} code as a float (exact).
__host__ __device__ inline float qact_x(uint32_t c) {
${
  bf
    ? '  return qact_bits(c << 16);'
    : `  const uint32_t e = (c >> 10) & 31, f = c & 1023, s = (c >> 15) << 31;
  if (e == 31) return qact_bits(s | 0x7f800000u | (f << 13));
  if (e == 0) { const float v = ldexpf((float)f, -24); return s ? -v : v; }
  return qact_bits(s | ((e + 112) << 23) | (f << 13));`
}
}
// The ${nv ? 'fp8_e4m3' : main.scaleFormat} code of a non-negative fp32 s (RNE${nv ? '; s <= 448, so no saturation is reached' : ', overflow to inf'}), in integers.
__host__ __device__ inline uint16_t qact_scale_code(float s) {
  const uint32_t u = qact_code_of(s);
  if (u >= 0x7f800000u) return ${fn ? '0x7e' : `${(2 ** se - 1) << sm}`};
  const int e = (int)(u >> 23), f = (int)(u & 0x7fffff);
  const uint32_t m = e == 0 ? (uint32_t)f : (uint32_t)f | 0x800000u;  // value = m * 2^le
  const int le = e == 0 ? -149 : e - 150;
  const int top = e == 0 ? -127 : e - 127;                     // the leading bit's exponent (below -126 for an fp32 subnormal)
  const int qe = (top > ${1 - sb} ? top : ${1 - sb}) - ${sm};  // quantum exponent of the target
  const int sh = qe - le;                                      // >= 23 - ${sm} > 0
  uint32_t r;
  if (sh >= 32) r = 0;
  else {
    const uint32_t qv = m >> sh, rem = m & ((1u << sh) - 1u), half = 1u << (sh - 1);
    r = qv + ((rem > half || (rem == half && (qv & 1u))) ? 1u : 0u);
  }
  if (r == 0) return 0;
  // r * 2^qe; r <= 2^(${sm} + 1): re-encode (a carry into the next binade keeps r = 2^(${sm} + 1)).
  int be = qe + ${sm} + ${sb};
  if (r >= (1u << (${sm} + 1))) { r >>= 1; be++; }
  if (r < (1u << ${sm})) return (uint16_t)r;                   // subnormal
  if (be >= ${fn ? 2 ** se : 2 ** se - 1}) return ${fn ? '0x7e' : `${(2 ** se - 1) << sm}`};
  return (uint16_t)((be << ${sm}) | (r & ${2 ** sm - 1}));
}
// The ${act === 'fp4' ? 'fp4_e2m1' : act} code of v, ${config.activationRounding ?? 'rne'} rounding, saturating; NaN -> +0.
__host__ __device__ inline uint8_t qact_elem(float v) {
  if (v != v) return 0;
  ${code}
}
// One group of len raw codes: its scale code and its 4-bit codes.
__host__ __device__ inline void qact_group(const uint16_t* x, int len, uint8_t* q, uint16_t* sa) {
  uint32_t amax = 0;
  for (int i = 0; i < len; i++) { const uint32_t a = x[i] & 0x7fffu; if (a <= ${bf ? '0x7f80u' : '0x7c00u'} && a > amax) amax = a; }
  float s = qact_mul(qact_x(amax), qact_bits(${hex32(FP32.encode(lowRankQactScaleFactor(config)))}));
${nv ? `  if (qact_code_of(s) > ${hex32(FP32.encode(NVFP4_SCALE_CAP))}) s = qact_bits(${hex32(FP32.encode(NVFP4_SCALE_CAP))});\n` : ''}  *sa = qact_scale_code(s);
  const uint32_t su = qact_code_of(s);
  const float r = su == 0x7f800000u ? 0.0f : su < 0x00800000u ? qact_bits(0x7f800000u) : qact_rcp(s);
  for (int i = 0; i < len; i++) q[i] = qact_elem(qact_mul(qact_x(x[i]), r));
}
__global__ void lr_qact(const uint16_t* __restrict__ X, uint8_t* __restrict__ qa, uint16_t* __restrict__ sa, int M, int K, int G) {
  const int g = blockIdx.x * blockDim.x + threadIdx.x, m = blockIdx.y * blockDim.y + threadIdx.y;
  if (g >= G || m >= M) return;
  const int k0 = g * GS, len = min(K, k0 + GS) - k0;
  qact_group(X + (size_t)m * K + k0, len, qa + (size_t)m * K + k0, sa + (size_t)m * G + g);
}
`;
}

/** The generated CUDA source of a lowrank_gemm config: kernels and launcher in one translation unit. */
export function lowRankCudaSource(config: LowRankGemmConfig): string {
  checkLowRankGemmConfig(config);
  const P = cudaFloat(config.accumulation);
  const R = cudaFloat(config.branchFormat);
  const main = config.main;
  const header = cudaHeader('lowrank_gemm CUDA kernels (sm_90a), bit-exact with src/pe/lowrank-gemm/golden.ts', [
    `config: ${JSON.stringify(config)}`,
    'Inputs (verify DIR): qa.bin, qw.bin u8 4-bit codes row-major [M×K], [N×K]; sa.bin, sw.bin u16 scale codes [M×G], [N×G];',
    'bias.bin, cs.bin u16 [N]; ls.bin u32 fp32 codes [ceil(r/16)]; x.bin u16 [M×K]; down.bin u16 [K×r]; up.bin u16 [N×r];',
    'y.bin u16 golden output [M×N]. All little-endian. Device packing of the tensor-core kernel: see lr_fast below.',
    ...(config.activationQuant === 'runtime' ? [LOW_RANK_CUDA_QACT, 'Host mode without a GPU: lowrank_gemm qact DIR (x.bin, meta.txt m k) writes qa.out.bin, sa.out.bin from the same group function.'] : []),
  ]);
  return `${header}
${CUDA_HOST_PRELUDE}
constexpr int GS = ${main.groupSize};
constexpr int RANK = ${config.rank};
constexpr bool NVFP4 = ${main.kind === 'nvfp4'};
constexpr bool RUNTIME_QACT = ${config.activationQuant === 'runtime'};  // qa / sa computed from X by lr_qact
${deviceSteps(config, P, R)}
${config.activationQuant === 'runtime' ? qactSource(config) : ''}
${DOWN_KERNEL}
${lowRankDownMmaEligible(config) ? LOW_RANK_DOWN_MMA_KERNEL : ''}
${GENERIC_KERNEL}
${LOW_RANK_TILED_KERNEL}
${lowRankFastEligible(config) ? `${fastGroupStep(config, P)}\n${fastKernel(config)}\n${lowRankWgmmaKernel(config)}` : ''}
${hostMain(config)}`;
}



/** What a runtime-quantizing design's .cu and manifest say: the activations are quantized on the GPU by lr_qact. */
const LOW_RANK_CUDA_QACT =
  'activation_quant = runtime: the launcher reads x.bin only (no qa.bin / sa.bin); entry lr_qact (one thread per (group, row)) ' +
  'is golden-qact.ts lowRankQuantizeGroup: amax over the non-NaN codes, s = __fmul_rn(amax, round_fp32(1/qmax)) (nvfp4: capped at 448), ' +
  'the scale code by integer RNE, r = __frcp_rn(s) (+inf for a zero or subnormal s, +0 for s = inf), codes from __fmul_rn(x, r) with the ' +
  'rounding register (rintf / truncf / roundf at the format\'s quantum), saturating, NaN -> +0; built without -ftz. For the tensor-core ' +
  'kernel the launcher copies the codes back to pack them (layout only).';

const LOW_RANK_CUDA_EXACTNESS =
  'Golden order, each operation correctly rounded (RNE) and never contracted: group dots exact in int32 (int8 ' +
  'tensor-core MMA on 16·nibble operands, sum / 256) or, in lr_wgmma\'s default build for groups of 64, in fp32 (fp8 wgmma ' +
  'on e4m3 a·2^-9 and e5m2 w·2^9, every integer sum |d| < 2^13 held exactly; -DLR_WG_FP8=0 for int8), d̂ = round_P(d), s = round_P(sa·sw), acc by fma or mul+add ' +
  'in P (__h*_rn / __f*_rn intrinsics), the epilogue in its format, the down projection as one sequential fp32 ' +
  'chain per (m, j) in k order (no atomics), the up projection j ascending in the same kernel, one rounding to ' +
  'the branch format; NaN outputs are golden\'s canonical NaN code.';

/**
 * The KERNELS facet's CUDA member for lowrank_gemm: lowrank_gemm.cu (kernels + launcher), its entry points
 * and the launcher's inputs for one GEMM: launch().inputs are the files DIR/<name>.bin the launcher's
 * `run DIR` reads (codes, little-endian), which it packs into the entry points' bindings itself.
 */
export function lowRankCudaKernelSet(t: TargetOf<'lowrank_gemm'>): KernelSet<LowRankGemmOperands> {
  const config = t.golden;
  const file = 'lowrank_gemm.cu';
  const u16 = 'u16 codes, 2 per word, element 0 in bits 15:0';
  const buf = (name: string, binding: number, access: 'read' | 'read_write', words: string, packing: string) => ({ name, binding, access, words, packing });
  const runtime = config.activationQuant === 'runtime';
  const wgDefaults = lowRankWgmmaDefaults(config);
  const unsignedAct = config.main.kind === 'int4' && config.main.activations === 'uint4';
  // lr_wgmma's A as 4-bit codes (the build without LR_WG_ASMEM), widened in the consumers' registers.
  const awCodes = '4-bit codes in wgmma/mma k32 A-fragment order, one 4 KB piece per (128-row tile, 64-deep step): [M/128][K/64][8 mt][32 lanes][4 words], lane (g = lane/4, t = lane%4), word j = (h = j>>1, rh = j&1), byte b: low nibble qa[128mb+16mt+g+8rh][64ks+32h+4t+b], high nibble the same row at k+16, widened in registers';
  const entries: KernelEntry[] = [
    ...(runtime
      ? [{
          entryPoint: 'lr_qact', file, workgroupSize: [16, 16, 1] as const, dispatch: ['ceil(G/16)', 'ceil(M/16)', '1'] as const,
          bindings: [buf('X', 0, 'read', 'ceil(M*K/2)', `${u16} (branch format), row-major [M×K]`), buf('qa', 1, 'read_write', 'ceil(M*K/4)', 'u8 4-bit codes, 4 per word, element 0 in bits 7:0, [M×K]'),
            buf('sa', 2, 'read_write', 'ceil(M*G/2)', `${u16}: activation scale codes [M×G]`)],
        } satisfies KernelEntry]
      : []),
    {
      entryPoint: 'lr_down', file, workgroupSize: [DOWN_THREADS, 1, 1], dispatch: [`ceil(M/${DOWN_BLOCK_ROWS})`, `ceil(rank/${DOWN.ranksPerBlock})`, '1'],
      bindings: [buf('X', 0, 'read', 'ceil(M*K/2)', `${u16} (branch format), row-major [M×K]`), buf('D', 1, 'read', 'ceil(K*rank/2)', `${u16}, row-major [K×rank]`),
        buf('ls', 2, 'read', 'ceil(rank/16)', 'fp32 codes, one per 16 ranks'), buf('L', 4, 'read_write', 'ceil(M*rank/2)', `${u16}: the rounded down projection [M×rank]`)],
    },
    ...(lowRankFastEligible(config)
      ? [{
          // Hopper kernel (bit-exact on an H100), after lr_down; its trailing parameters (X, D, ls, L out, flags,
          // epoch) belong to lr_wgmma<2>, the fused down projection, and are null / 0 here.
          entryPoint: 'lr_wgmma<1>', file, workgroupSize: [wgDefaults.epiwg ? 512 : 384, 1, 1] as const, dispatch: ['min(SMs, (M/128)*(N/128))', '1', '1'] as const,
          bindings: [
            buf('Aw', 0, 'read', wgDefaults.asmem ? 'M*K/4' : 'M*K/8', wgDefaults.asmem ? `activations widened on the host (LR_WG_ASMEM, the default build; runtime-quantized codes are read back from lr_qact and widened there too), one 8 KB piece per (128-row tile, 64-deep step), the stage's shared-memory image read by wgmma's A descriptor: K-major core matrices without swizzle: [M/128][K/64][8192 bytes], byte (m, k) at (m/8)*512 + (k/16)*128 + (m%8)*16 + k%16 (rows 64..127 the second 4 KB) holding ${wgDefaults.fp8 ? 'the OCP e4m3 code of a*2^-9 for a = qa[128mb+m][64ks+k] (LR_WG_FP8)' : `16*a as ${unsignedAct ? 'uint8' : 'int8'} for a = qa[128mb+m][64ks+k]`}; built with -DLR_WG_ASMEM=0 (or -DLR_WG_BWIDE=0): M*K/8 words of ${awCodes}` : awCodes),
            buf('Bw', 1, 'read', 'N*K/4', `weights widened on the host (LR_WG_BWIDE, the default build), one 8 KB piece per (128-column tile, 64-deep step), the stage's shared-memory image: wgmma's K-major core matrices without swizzle: [N/128][K/64][8192 bytes], byte (n, k) at (n/8)*512 + (k/16)*128 + (n%8)*16 + k%16 holding ${wgDefaults.fp8 ? 'the OCP e5m2 code of w*2^9 for w = qw[128nb+n][64ks+k] (LR_WG_FP8)' : '16*w as int8 for w = qw[128nb+n][64ks+k]'}; built with -DLR_WG_BWIDE=0: N*K/8 words of 4-bit codes, [N/128][K/64][2 p][128 n][4 words], widened on chip`),
            buf('saW', 2, 'read', 'G*M/2', `${u16}: activation scales [G][M/128][128], row 16mt+g+8rh at 16mt+2g+rh`),
            buf('swW', 3, 'read', 'G*N/2', `${u16}: weight scales [G][N/128][128], column 8i+2t+e at 32t+2i+e`),
            buf('bias', 4, 'read', 'ceil(N/2)', u16), buf('cs', 5, 'read', 'ceil(N/2)', u16), buf('L', 6, 'read', 'ceil(M*rank/2)', u16), buf('up', 7, 'read', 'ceil(N*rank/2)', `${u16}, [N×rank]`),
            buf('Y', 8, 'read_write', 'M*N/2', `${u16}: output codes [M×N] (branch format)`),
          ],
        } satisfies KernelEntry, {
          entryPoint: 'lr_fast<true>', file, workgroupSize: [256, 1, 1] as const, dispatch: ['N/128', 'M/128', '1'] as const,
          bindings: [
            buf('Ap', 0, 'read', 'M*K/8', '4-bit codes in mma.m16n8k32 fragment order: [M/16][K/64][32 lanes][4 words], lane (g = lane/4, t = lane%4), word j = (h = j>>1, rh = j&1), byte b: low nibble qa[16mt+g+8rh][64ks+32h+4t+b], high nibble the same row at k+16'),
            buf('Bp', 1, 'read', 'N*K/8', '4-bit codes: [N/16][K/64][32 lanes][4 words], word j = (sub = j>>1, h = j&1), byte b: low nibble qw[16nt+8sub+g][64ks+32h+4t+b], high nibble k+16'),
            buf('saT', 2, 'read', 'G*M/2', `${u16}: activation scales transposed [G×M]`), buf('swT', 3, 'read', 'G*N/2', `${u16}: weight scales transposed [G×N]`),
            buf('bias', 4, 'read', 'ceil(N/2)', u16), buf('cs', 5, 'read', 'ceil(N/2)', u16), buf('L', 6, 'read', 'ceil(M*rank/2)', u16), buf('up', 7, 'read', 'ceil(N*rank/2)', `${u16}, [N×rank]`),
            buf('Y', 8, 'read_write', 'M*N/2', `${u16}: output codes [M×N] (branch format)`),
          ],
        } satisfies KernelEntry]
      : []),
    {
      entryPoint: 'lr_widen', file, workgroupSize: [256, 1, 1], dispatch: ['ceil(rows*G*ceil(GS/4)/256)', '1', '1'],
      bindings: [buf('codes', 0, 'read', 'ceil(rows*K/4)', 'u8 4-bit codes (qa or qw), row-major [rows×K]'),
        buf('out', 1, 'read_write', 'rows*G*ceil(GS/4)', 'int8 element values (golden lowRankElementValues), 4 per word, element 0 in bits 7:0, each group padded with zeros to whole words, [rows×G×ceil(GS/4)]')],
    },
    {
      entryPoint: 'lr_tiled', file, workgroupSize: [16, 16, 1], dispatch: ['ceil(N/64)', 'ceil(M/64)', '1'],
      bindings: [buf('av', 0, 'read', 'M*G*ceil(GS/4)', 'widened activation values (lr_widen)'), buf('wv', 1, 'read', 'N*G*ceil(GS/4)', 'widened weight values (lr_widen)'),
        buf('sa', 2, 'read', 'ceil(M*G/2)', `${u16} [M×G]`), buf('sw', 3, 'read', 'ceil(N*G/2)', `${u16} [N×G]`), buf('bias', 4, 'read', 'ceil(N/2)', u16), buf('cs', 5, 'read', 'ceil(N/2)', u16),
        buf('L', 6, 'read', 'ceil(M*rank/2)', u16), buf('up', 7, 'read', 'ceil(N*rank/2)', u16), buf('Y', 8, 'read_write', 'ceil(M*N/2)', `${u16}: output codes [M×N]`)],
    },
    {
      entryPoint: 'lr_generic', file, workgroupSize: [16, 16, 1], dispatch: ['ceil(N/16)', 'ceil(M/16)', '1'],
      bindings: [buf('qa', 0, 'read', 'ceil(M*K/4)', 'u8 4-bit codes, 4 per word, element 0 in bits 7:0, [M×K]'), buf('qw', 1, 'read', 'ceil(N*K/4)', 'u8 4-bit codes [N×K]'),
        buf('sa', 2, 'read', 'ceil(M*G/2)', `${u16} [M×G]`), buf('sw', 3, 'read', 'ceil(N*G/2)', `${u16} [N×G]`), buf('bias', 4, 'read', 'ceil(N/2)', u16), buf('cs', 5, 'read', 'ceil(N/2)', u16),
        buf('L', 6, 'read', 'ceil(M*rank/2)', u16), buf('up', 7, 'read', 'ceil(N*rank/2)', u16), buf('Y', 8, 'read_write', 'ceil(M*N/2)', `${u16}: output codes [M×N]`)],
    },
  ];
  return {
    files: [{ path: file, text: lowRankCudaSource(config) }],
    entries,
    exactness: config.activationQuant === 'runtime' ? `${LOW_RANK_CUDA_EXACTNESS} ${LOW_RANK_CUDA_QACT}` : LOW_RANK_CUDA_EXACTNESS,
    launch(ops: LowRankGemmOperands): KernelLaunch {
      const G = Math.ceil(ops.k / config.main.groupSize);
      // Runtime designs pass X only: lr_qact quantizes it on the GPU (lowRankActivationCodes checks the operands).
      const offline = runtime ? undefined : lowRankActivationCodes(config, ops);
      if (runtime && (!ops.x || ops.qa || ops.sa)) lowRankActivationCodes(config, ops);
      const inputs: Record<string, Uint32Array> = { qw: codesToWords(ops.qw, 1), sw: codesToWords(ops.sw, 2) };
      if (offline) Object.assign(inputs, { qa: codesToWords(offline.qa, 1), sa: codesToWords(offline.sa, 2) });
      if (runtime && ops.x) inputs.x = codesToWords(ops.x, 2);
      if (ops.bias) inputs.bias = codesToWords(ops.bias, 2);
      if (ops.channelScales) inputs.cs = codesToWords(ops.channelScales, 2);
      if (ops.loraScales) inputs.ls = codesToWords(ops.loraScales, 4);
      if (config.rank > 0 && ops.x && ops.down && ops.up) Object.assign(inputs, { x: codesToWords(ops.x, 2), down: codesToWords(ops.down, 2), up: codesToWords(ops.up, 2) });
      const fast = lowRankFastEligible(config) && ops.m % 128 === 0 && ops.n % 128 === 0 && ops.k % config.main.groupSize === 0;
      return {
        params: { m: ops.m, n: ops.n, k: ops.k, rank: config.rank, tensor_scale: ops.tensorScale ?? 0, groups: G },
        inputs,
        output: { name: 'out', words: Math.ceil((ops.m * ops.n) / 2) },
        passes: [
          ...(runtime ? [{ entryPoint: 'lr_qact', workgroups: [Math.ceil(G / 16), Math.ceil(ops.m / 16), 1] as const }] : []),
          ...(config.rank > 0 ? [{ entryPoint: 'lr_down', workgroups: [Math.ceil(ops.m / DOWN_BLOCK_ROWS), Math.ceil(config.rank / DOWN.ranksPerBlock), 1] as const }] : []),
          // lr_wgmma, not lr_fast: both are bit-exact, lr_wgmma measured faster (docs/kernels.md). It is persistent:
          // the launcher sizes its grid to min(SMs, tiles); 132 is the H100 / H200 SXM count.
          ...(fast ? [{ entryPoint: 'lr_wgmma<1>', workgroups: [Math.min(132, (ops.n / 128) * (ops.m / 128)), 1, 1] as const }] : [
            { entryPoint: 'lr_widen', workgroups: [Math.ceil((ops.m * G * Math.ceil(config.main.groupSize / 4)) / 256), 1, 1] as const },
            { entryPoint: 'lr_widen', workgroups: [Math.ceil((ops.n * G * Math.ceil(config.main.groupSize / 4)) / 256), 1, 1] as const },
            { entryPoint: 'lr_tiled', workgroups: [Math.ceil(ops.n / 64), Math.ceil(ops.m / 64), 1] as const },
          ]),
        ],
      };
    },
    outputCodes: (words: Uint32Array, ops: LowRankGemmOperands) => wordsToCodes(words, ops.m * ops.n, 2),
  };
}
