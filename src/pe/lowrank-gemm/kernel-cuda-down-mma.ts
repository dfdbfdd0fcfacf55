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
import type { LowRankGemmConfig } from './golden.js';

/** True when `lr_down_mma` computes the config's down projection (fp16 branch, a branch at all). */
export function lowRankDownMmaEligible(config: LowRankGemmConfig): boolean {
  return config.rank > 0 && config.branchFormat === 'fp16';
}

/** Device kernel and host packing of `lr_down_mma`; pasted after DOWN_KERNEL (uses load8, r16_code). */
export const LOW_RANK_DOWN_MMA_KERNEL = `
// ---- down projection, products by tensor core (LR_DOWN_MMA; kernel-cuda-down-mma.ts) -----------------
// Block: 4 warps × 8 rows, 32 ranks (grid ceil(M/32) × ceil(R/32)); warp w: rows m0 = 32·bx + 8w .., lane (g = lane/4,
// t = lane%4) owns the 8 chains (row m0 + 2t + e, rank 32·by + 16q + g + 8i), e, i, q < 2. K runs in superchunks of 32
// steps; in one, lane (g, t) holds X[m0 + g][k0 + 8t .. + 7] (one 16-byte load: B's column g) and the D fragments
// Df (16 words, below). Step kk = 8·tk + 2p + h of the superchunk: B = word p of X masked to lane t == tk, half h (the
// m16n8k8 B fragment's row 2tk + h), A = D words (p, q): two MMAs (q = 0, 1) give lane (g, t) the products of its 8
// chains at that step, added in k order. Df (host pack_down_mma, layout only): [S = ceil(K/32)][RC = ceil(R/32)]
// [32 lanes][16 words], word 4p + 2q + i = fp16 pair (D[k0 + 8t + 2p][j], D[k0 + 8t + 2p + 1][j]), j = 32rc + 16q + g + 8i
// (the m16n8k8 A fragment's register i: rows g, g + 8; columns 2t, 2t + 1), +0 beyond K and R.
#ifndef LR_DOWN_MMA
#define LR_DOWN_MMA 0
#endif
constexpr int DM_ROWS = 32, DM_RANKS = 32, DM_KC = 32;
#ifdef LR_HOST_EMULATION   // test/codegen/cuda/lowrank-down-host.cpp: the warp's MMA emulated from PTX's fragment definition
void dm_mma(float (&c)[4], uint32_t a0, uint32_t a1, uint32_t b);
#else
__device__ __forceinline__ void dm_mma(float (&c)[4], uint32_t a0, uint32_t a1, uint32_t b) {
  asm("mma.sync.aligned.m16n8k8.row.col.f32.f16.f16.f32 {%0, %1, %2, %3}, {%4, %5}, {%6}, {%7, %7, %7, %7};\\n"
      : "=f"(c[0]), "=f"(c[1]), "=f"(c[2]), "=f"(c[3]) : "r"(a0), "r"(a1), "r"(b), "f"(0.0f));
}
#endif
__global__ __launch_bounds__(128) void lr_down_mma(const uint16_t* __restrict__ X, const uint4* __restrict__ Df,
    const uint32_t* __restrict__ ls, int has_ls, uint16_t* __restrict__ L, int M, int K, int R) {
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, g = lane >> 2, t = lane & 3;
  const int m0 = blockIdx.x * DM_ROWS + 8 * warp, rc = blockIdx.y, RC = (R + DM_RANKS - 1) / DM_RANKS, S = (K + DM_KC - 1) / DM_KC;
  const int xm = m0 + g;
  const bool xvec = (K & 7) == 0;
  uint32_t mk[4][2];   // B's mask for step 8tk + 2p + h: half h of the pair, in lanes t == tk only
  #pragma unroll
  for (int tk = 0; tk < 4; tk++) { mk[tk][0] = t == tk ? 0x0000ffffu : 0u; mk[tk][1] = t == tk ? 0xffff0000u : 0u; }
  float l[2][4];
  #pragma unroll
  for (int q = 0; q < 2; q++)
    #pragma unroll
    for (int i = 0; i < 4; i++) l[q][i] = 0.0f;
  auto ldx = [&](int s) { const int k = DM_KC * s + 8 * t; return load8(X, (size_t)xm * K + k, xm < M ? K - k : 0, xvec); };
  auto ldd = [&](int s, uint4 (&a)[4]) {
    const uint4* p = Df + (((size_t)s * RC + rc) * 32 + lane) * 4;
    #pragma unroll
    for (int i = 0; i < 4; i++) a[i] = __ldg(p + i);
  };
  uint4 xc = ldx(0), ac[4];
  ldd(0, ac);
  for (int s = 0; s < S; s++) {
    uint4 xn = xc, an[4] = {ac[0], ac[1], ac[2], ac[3]};
    if (s + 1 < S) { xn = ldx(s + 1); ldd(s + 1, an); }   // the next superchunk's operands, while this one runs
    const uint32_t xw[4] = {xc.x, xc.y, xc.z, xc.w};
    const uint32_t aw[16] = {ac[0].x, ac[0].y, ac[0].z, ac[0].w, ac[1].x, ac[1].y, ac[1].z, ac[1].w,
                             ac[2].x, ac[2].y, ac[2].z, ac[2].w, ac[3].x, ac[3].y, ac[3].z, ac[3].w};
    #pragma unroll
    for (int kk = 0; kk < DM_KC; kk++) {
      const int tk = kk >> 3, p = (kk >> 1) & 3, h = kk & 1;
      const uint32_t b = xw[p] & mk[tk][h];
      #pragma unroll
      for (int q = 0; q < 2; q++) {
        float c[4];
        dm_mma(c, aw[4 * p + 2 * q], aw[4 * p + 2 * q + 1], b);
        #pragma unroll
        for (int i = 0; i < 4; i++) l[q][i] = __fadd_rn(l[q][i], c[i]);
      }
    }
    xc = xn;
    #pragma unroll
    for (int i = 0; i < 4; i++) ac[i] = an[i];
  }
  #pragma unroll
  for (int q = 0; q < 2; q++)
    #pragma unroll
    for (int i = 0; i < 4; i++) {   // accumulator element i: D row g + 8(i/2) (rank), column 2t + i%2 (row)
      const int m = m0 + 2 * t + (i & 1), j = rc * DM_RANKS + 16 * q + g + 8 * (i >> 1);
      if (m >= M || j >= R) continue;
      const float v = has_ls ? __fmul_rn(l[q][i], __uint_as_float(ls[j >> 4])) : l[q][i];
      L[(size_t)m * R + j] = (uint16_t)r16_code(v);
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
              o[(((size_t)s * RC + rc) * 32 + lane) * 16 + 4 * p + 2 * q + i] = at(k, j) | at(k + 1, j) << 16;
            }
  return o;
}
// lr_down_mma's precondition on D: no infinite or NaN fp16 code (a masked product d·0 would be NaN).
static bool down_all_finite(const std::vector<uint16_t>& D) {
  for (uint16_t c : D) if ((c & 0x7c00) == 0x7c00) return false;
  return true;
}
`;
