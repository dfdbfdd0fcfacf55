/**
 * `lr_down_mma`, the down projection with its products from the tensor cores (issue 14): the same function as
 * `lr_down` (kernel-cuda.ts), bit for bit, for fp16 branches whose down weights D are all finite.
 *
 * Golden (golden.ts, step 4): l = round_32(l + round_32(x[m,k]·d[k,j])) for k ascending, one sequential fp32 chain
 * per (m, j). For fp16 operands the product is exact in fp32 (11 × 11 significand bits, |x·d| within [2^-48, 2^32]),
 * so only the additions round. `lr_down` runs each step as one FFMA and is bound by the shared-memory pipe: each FMA
 * needs 0.75 operand floats loaded into registers (8 chains per lane are all the parallelism 131k chains give), three
 * times what the pipe delivers per FMA at full rate (H100 profile, docs/kernels.md).
 *
 * Here an m16n8k8 `mma.sync` (f16 inputs, f32 accumulators, C = +0) computes, per k step, the products of that step for
 * 32 ranks × 8 rows with exactly one nonzero term per output: A holds D (ranks × 8 k columns), B holds X masked to the
 * one k row of the step (every other B entry +0), so each output is x·d + (±0 terms) = x·d exactly (a single product is
 * exact in the tensor core's fp32 sum, and the ±0 terms cannot change it), and the lane then adds it to its chain with
 * one `__fadd_rn` in golden's order. Operands reach the registers by 16-byte global loads (X rows, D fragments packed
 * on the host, layout only), not through shared memory. Preconditions: D finite (a masked term is d·0, which is NaN
 * for an infinite or NaN d; the launcher checks D once and runs `lr_down` otherwise) and fp16 (bf16 products may round
 * in fp32). Signed zeros: a product the tensor core returns as +0 where golden has -0 leaves the chain the same,
 * since l is never -0 (l starts at +0, and an RNE sum is -0 only when both addends are -0).
 */
import { FP16 } from '../../formats/float.js';
import type { LowRankGemmConfig } from './golden.js';

/** FP16's exponent field, all ones in an infinite or NaN code (from the format's definition). */
const FP16_EXPONENT_FIELD = ((2 ** FP16.exponentBits - 1) << FP16.mantissaBits) >>> 0;

/** True when `lr_down_mma` computes the config's down projection (fp16 branch, a branch at all). */
export function lowRankDownMmaEligible(config: LowRankGemmConfig): boolean {
  return config.rank > 0 && config.branchFormat === 'fp16';
}

/** Device kernel and host packing of `lr_down_mma`; pasted after DOWN_KERNEL (uses load8, down_code). */
export const LOW_RANK_DOWN_MMA_KERNEL = `
// ---- down projection, products by tensor core (LR_DOWN_MMA; kernel-cuda-down-mma.ts) -----------------
// Block: 32 rows × 32 ranks (grid ceil(M/32) × ceil(R/32)); warp w: rows m0 = 32·bx + 8(w%4) .., rank halves q (both,
// or with LR_DOWN_MMA_Q = 1 half w/4 of 8 warps); lane (g = lane/4, t = lane%4) owns the chains (row m0 + 2t + e, rank
// 32·by + 16q + g + 8i), e, i < 2. K runs in superchunks of 32
// steps; in one, lane (g, t) holds X[m0 + g][k0 + 8t .. + 7] (one 16-byte load: B's column g) and the D fragments
// Df (16 words, below). Step kk = 8·tk + 2p + h of the superchunk: B = word p of X masked to lane t == tk, half h (the
// m16n8k8 B fragment's row 2tk + h), A = D words (q, p): one MMA per rank half gives lane (g, t) the products of its
// chains at that step, added in k order. Df (host pack_down_mma, layout only): [S = ceil(K/32)][RC = ceil(R/32)]
// [32 lanes][16 words], word 8q + 2p + i = fp16 pair (D[k0 + 8t + 2p][j], D[k0 + 8t + 2p + 1][j]), j = 32rc + 16q + g + 8i
// (the m16n8k8 A fragment's register i: rows g, g + 8; columns 2t, 2t + 1), +0 beyond K and R.
#ifndef LR_DOWN_MMA
#define LR_DOWN_MMA 0
#endif
// LR_DOWN_MMA_Q: rank halves (16 ranks, one MMA per step) per warp: 2 (a warp takes all 32 ranks, 4 warps per block)
// or 1 (8 warps per block, two per scheduler at M = 4096). LR_DOWN_MMA_NP: superchunks whose operands are in flight
// (the first GPU run, one ahead, measured 0.097 ms against lr_down's 0.074: the loads' latency was not covered).
#ifndef LR_DOWN_MMA_Q
#define LR_DOWN_MMA_Q 2
#endif
#ifndef LR_DOWN_MMA_NP
#define LR_DOWN_MMA_NP 4
#endif
constexpr int DM_ROWS = 32, DM_RANKS = 32, DM_KC = 32, DM_Q = LR_DOWN_MMA_Q, DM_NP = LR_DOWN_MMA_NP;
constexpr int DM_THREADS = 128 * (3 - DM_Q), DM_AV = 2 * DM_Q;   // threads per block; A words / 4 per lane and superchunk
static_assert((DM_Q == 1 || DM_Q == 2) && DM_NP >= 1, "lr_down_mma tiling");
#ifdef LR_HOST_EMULATION   // test/codegen/cuda/lowrank-down-host.cpp: the warp's MMA emulated from PTX's fragment definition
void dm_mma(float (&c)[4], uint32_t a0, uint32_t a1, uint32_t b);
#else
__device__ __forceinline__ void dm_mma(float (&c)[4], uint32_t a0, uint32_t a1, uint32_t b) {
  asm("mma.sync.aligned.m16n8k8.row.col.f32.f16.f16.f32 {%0, %1, %2, %3}, {%4, %5}, {%6}, {%7, %7, %7, %7};\\n"
      : "=f"(c[0]), "=f"(c[1]), "=f"(c[2]), "=f"(c[3]) : "r"(a0), "r"(a1), "r"(b), "f"(0.0f));
}
#endif
__global__ __launch_bounds__(DM_THREADS) void lr_down_mma(const uint16_t* __restrict__ X, const uint4* __restrict__ Df,
    const uint32_t* __restrict__ ls, int has_ls, uint16_t* __restrict__ L, int M, int K, int R) {
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, g = lane >> 2, t = lane & 3;
  const int m0 = blockIdx.x * DM_ROWS + 8 * (warp & 3), q0 = DM_Q == 2 ? 0 : warp >> 2;   // rows, first rank half
  const int rc = blockIdx.y, RC = (R + DM_RANKS - 1) / DM_RANKS, S = (K + DM_KC - 1) / DM_KC;
  const int xm = m0 + g;
  const bool xvec = (K & 7) == 0;
  uint32_t mk[4][2];   // B's mask for step 8tk + 2p + h: half h of the pair, in lanes t == tk only
  #pragma unroll
  for (int tk = 0; tk < 4; tk++) { mk[tk][0] = t == tk ? 0x0000ffffu : 0u; mk[tk][1] = t == tk ? 0xffff0000u : 0u; }
  float l[DM_Q][4];
  #pragma unroll
  for (int q = 0; q < DM_Q; q++)
    #pragma unroll
    for (int i = 0; i < 4; i++) l[q][i] = 0.0f;
  // Ring of DM_NP superchunks' operands: slot u holds superchunk s ≡ u (mod DM_NP).
  uint4 xr[DM_NP], ar[DM_NP][DM_AV];
  auto load = [&](int s, uint4& x, uint4 (&a)[DM_AV]) {
    const int k = DM_KC * s + 8 * t;
    x = load8(X, (size_t)xm * K + k, xm < M ? K - k : 0, xvec);
    const uint4* p = Df + (((size_t)s * RC + rc) * 32 + lane) * 4 + 2 * q0;
    #pragma unroll
    for (int i = 0; i < DM_AV; i++) a[i] = __ldg(p + i);
  };
  #pragma unroll
  for (int u = 0; u < DM_NP - 1; u++) if (u < S) load(u, xr[u], ar[u]);
  for (int s0 = 0; s0 < S; s0 += DM_NP) {
    #pragma unroll
    for (int u = 0; u < DM_NP; u++) {
      const int s = s0 + u, sn = s + DM_NP - 1, un = (u + DM_NP - 1) % DM_NP;
      if (sn < S) load(sn, xr[un], ar[un]);   // DM_NP - 1 superchunks ahead of the one computed next
      if (s >= S) break;
      const uint32_t xw[4] = {xr[u].x, xr[u].y, xr[u].z, xr[u].w};
      uint32_t aw[4 * DM_AV];
      #pragma unroll
      for (int i = 0; i < DM_AV; i++) { aw[4 * i] = ar[u][i].x; aw[4 * i + 1] = ar[u][i].y; aw[4 * i + 2] = ar[u][i].z; aw[4 * i + 3] = ar[u][i].w; }
      #pragma unroll
      for (int kk = 0; kk < DM_KC; kk++) {
        const int tk = kk >> 3, p = (kk >> 1) & 3, h = kk & 1;
        const uint32_t b = xw[p] & mk[tk][h];
        #pragma unroll
        for (int q = 0; q < DM_Q; q++) {
          float c[4];
          dm_mma(c, aw[8 * q + 2 * p], aw[8 * q + 2 * p + 1], b);
          #pragma unroll
          for (int i = 0; i < 4; i++) l[q][i] = __fadd_rn(l[q][i], c[i]);
        }
      }
    }
  }
  #pragma unroll
  for (int q = 0; q < DM_Q; q++)
    #pragma unroll
    for (int i = 0; i < 4; i++) {   // accumulator element i: D row g + 8(i/2) (rank), column 2t + i%2 (row)
      const int m = m0 + 2 * t + (i & 1), j = rc * DM_RANKS + 16 * (q0 + q) + g + 8 * (i >> 1);
      if (m >= M || j >= R) continue;
      L[(size_t)m * R + j] = down_code(l[q][i], has_ls, ls, j);
    }
}
// Host (layout only): D [K][R] fp16 codes into lr_down_mma's fragment order (above).
static std::vector<uint32_t> pack_down_mma(const std::vector<uint16_t>& D, int K, int R) {
  const int S = (K + DM_KC - 1) / DM_KC, RC = (R + DM_RANKS - 1) / DM_RANKS;
  std::vector<uint32_t> o((size_t)S * RC * 32 * 16, 0u);
  auto at = [&](int k, int j) -> uint32_t { return k < K && j < R ? D[(size_t)k * R + j] : 0u; };
  for (int s = 0; s < S; s++)
    for (int rc = 0; rc < RC; rc++)
      for (int lane = 0; lane < 32; lane++)
        for (int p = 0; p < 4; p++)
          for (int q = 0; q < 2; q++)
            for (int i = 0; i < 2; i++) {
              const int g = lane >> 2, t = lane & 3, k = DM_KC * s + 8 * t + 2 * p, j = DM_RANKS * rc + 16 * q + g + 8 * i;
              o[(((size_t)s * RC + rc) * 32 + lane) * 16 + 8 * q + 2 * p + i] = at(k, j) | at(k + 1, j) << 16;
            }
  return o;
}
// lr_down_mma's precondition on D: no infinite or NaN fp16 code (a masked product d·0 would be NaN).
static bool down_all_finite(const std::vector<uint16_t>& D) {
  for (uint16_t c : D) if ((c & 0x${FP16_EXPONENT_FIELD.toString(16)}u) == 0x${FP16_EXPONENT_FIELD.toString(16)}u) return false;
  return true;
}
`;
