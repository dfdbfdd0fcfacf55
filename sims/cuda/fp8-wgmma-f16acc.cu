// Issue 14: can Hopper's fp8 wgmma hand lr_wgmma each group's rounded dot round_fp16(d) directly, in f16 accumulators?
// golden (svdquant_w4a4: int4 x int4, groups of 64, fp16 group step) rounds each group's exact integer dot d to
// fp16 (RNE) before scaling it. With `wgmma.mma_async.m64n128k32.f16.e4m3.e5m2` the first k32 half's sum
// (|sum| <= 32·64 = 2048, an integer, exact in fp16) lands in f16 registers unrounded, and the second half adds 32
// more products to it; if the tensor core adds them exactly and rounds once to nearest-even, the accumulator is
// round_fp16(d) and the fold needs no F2FP conversion (2 instead of 3 instructions per output pair) and half the
// accumulator registers. That is measured here, never assumed: one warpgroup runs S k32 steps into f16
// accumulators (first step scale-d = 0; A from registers, B from shared memory in lr_wgmma's K-major core-matrix
// layout, as sims/cuda/fp8-wgmma-exact.cu) and every one of the 64 x 128 results is compared bit for bit with the
// exact integer sum rounded to fp16 on the host by integer arithmetic under four rounding rules (nearest-even,
// nearest-away, toward zero, and none: exact only); the line says which rules every result satisfies.
// Patterns: those of fp8-wgmma-exact.cu plus `odd-above-2048` (sums 63·(±64 or -56) + a·b: every residue mod 4 in
// (2048, 4096], so ties of the fp16 grid (ulp 2) occur for every sign) and `large-random` (|a|, |b| in {6,7,8}).
// Build and run (sm_90a): nvcc -gencode=arch=compute_90a,code=sm_90a -O2 -std=c++17 fp8-wgmma-f16acc.cu -o f16x && ./f16x
// Output: one line per (combination, A type, pattern, S); a summary per (A type, S) with the rounding rules every
// result satisfied and how many results needed rounding at all; a final `F16ACC RNE-EXACT for int4 S<=2` or
// `F16ACC NOT EXACT for int4 S<=2`.
#include <cstdio>
#include <cstdint>
#include <cstring>
#include <cmath>
#include <vector>
#include <random>
#include <cuda_runtime.h>

#include "fp8-wgmma-common.h"

#define WG_OUTS(d) "+r"(d[0]), "+r"(d[1]), "+r"(d[2]), "+r"(d[3]), "+r"(d[4]), "+r"(d[5]), "+r"(d[6]), "+r"(d[7]), \
  "+r"(d[8]), "+r"(d[9]), "+r"(d[10]), "+r"(d[11]), "+r"(d[12]), "+r"(d[13]), "+r"(d[14]), "+r"(d[15]), \
  "+r"(d[16]), "+r"(d[17]), "+r"(d[18]), "+r"(d[19]), "+r"(d[20]), "+r"(d[21]), "+r"(d[22]), "+r"(d[23]), \
  "+r"(d[24]), "+r"(d[25]), "+r"(d[26]), "+r"(d[27]), "+r"(d[28]), "+r"(d[29]), "+r"(d[30]), "+r"(d[31])
#define WG_D "{%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15, %16, %17, %18, %19, %20, " \
  "%21, %22, %23, %24, %25, %26, %27, %28, %29, %30, %31}"
#define WG_MMA(NAME, TYPES) \
__device__ __forceinline__ void NAME(uint32_t (&d)[32], const uint32_t (&a)[4], uint64_t desc, int scale_d) { \
  asm volatile("{\n.reg .pred p;\nsetp.ne.b32 p, %37, 0;\n" \
    "wgmma.mma_async.sync.aligned.m64n128k32.f16." TYPES " " WG_D ", {%32, %33, %34, %35}, %36, p, 1, 1;\n}\n" \
    : WG_OUTS(d) : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "l"(desc), "r"(scale_d)); }
WG_MMA(mma_e4m3_e5m2, "e4m3.e5m2")
WG_MMA(mma_e4m3_e4m3, "e4m3.e4m3")

// A: [64 rows][32·S bytes] (row-major), B: [128 n][32·S bytes], D: [64][128] fp16 codes.
// Register r of a thread (w, g = lane/4, t = lane%4) holds row 16w + g + 8(r&1), columns 8(r>>1) + 2t + {0, 1}.
template <int COMBO>
__global__ void __launch_bounds__(128, 1) fp8_dot(const uint8_t* A, const uint8_t* B, uint16_t* D, int S) {
  __shared__ __align__(128) uint8_t bs[SMAX / 2][128 * 64];
  const int tid = threadIdx.x, w = tid >> 5, lane = tid & 31, g = lane >> 2, t = lane & 3;
  for (int i = tid; i < 128 * 32 * S; i += 128) {
    const int n = i / (32 * S), k = i % (32 * S), kk = k % 64;
    bs[k / 64][(n >> 3) * 512 + (kk >> 4) * 128 + (n & 7) * 16 + (kk & 15)] = B[i];
  }
  asm volatile("fence.proxy.async.shared::cta;\n" ::: "memory");
  __syncthreads();
  uint32_t d[32];
  for (int j = 0; j < 32; j++) d[j] = 0x7E007E00u;   // NaN: any result not written by the wgmma shows
  asm volatile("wgmma.fence.sync.aligned;\n" ::: "memory");
  for (int s = 0; s < S; s++) {
    uint32_t a[4];
    for (int r = 0; r < 4; r++) {   // register r: row 16w + g + 8(r&1), k 16(r>>1) + 4t + byte
      const int row = 16 * w + g + 8 * (r & 1), k = 32 * s + 16 * (r >> 1) + 4 * t;
      std::memcpy(&a[r], &A[row * 32 * S + k], 4);
    }
    const uint64_t desc = wg_desc(&bs[s / 2][256 * (s & 1)]);
    if (COMBO == 0) mma_e4m3_e5m2(d, a, desc, s > 0); else mma_e4m3_e4m3(d, a, desc, s > 0);
  }
  asm volatile("wgmma.commit_group.sync.aligned;\n" ::: "memory");
  asm volatile("wgmma.wait_group.sync.aligned 0;\n" ::: "memory");
  for (int r = 0; r < 32; r++) {
    const int row = 16 * w + g + 8 * (r & 1), col = 8 * (r >> 1) + 2 * t;
    D[row * 128 + col] = (uint16_t)(d[r] & 0xffff);
    D[row * 128 + col + 1] = (uint16_t)(d[r] >> 16);
  }
}

// ---- host: fp16 codes of an integer under each rounding rule, by integer arithmetic (IEEE 754 binary16) ----------
enum Rule { RNE, RNA, RTZ, NRULES };
static const char* RULES[NRULES] = {"nearest-even", "nearest-away", "toward-zero"};
static uint16_t f16_of(long s, Rule rule) {
  if (s == 0) return 0;
  const uint16_t sign = s < 0 ? 0x8000 : 0;
  long a = std::labs(s);
  int e = 0; while ((a >> (e + 1)) != 0) e++;   // 2^e <= a < 2^(e+1)
  long q = a;
  if (e > 10) {
    const int sh = e - 10; const long r = a & ((1L << sh) - 1), half = 1L << (sh - 1);
    q = a >> sh;
    if ((rule == RNE && (r > half || (r == half && (q & 1)))) || (rule == RNA && r >= half)) q++;
    if (q == 2048) { q = 1024; e++; }
  } else q = a << (10 - e);
  if (e > 15) return sign | 0x7C00;   // beyond fp16 (not reached by these sums)
  return (uint16_t)(sign | ((e + 15) << 10) | (q - 1024));
}

int main() {
  cudaDeviceProp p; CK(cudaGetDeviceProperties(&p, 0));
  std::printf("device %s (sm_%d%d)\n", p.name, p.major, p.minor);
  for (int ci = 0; ci < 2; ci++) for (int v = -8; v <= 15; v++) { TA[ci][v + 8] = encA_slow(ci, v); if (v <= 8) TB[ci][v + 8] = encB_slow(ci, v); }
  for (int v = -8; v <= 15; v++) {
    if (dec_e4m3(enc_lin(v)) != std::ldexp(v, -9)) { std::printf("lin-e4m3 encoding wrong for %d\n", v); return 2; }
    if (v <= 8 && dec_e5m2(encB(0, v)) != std::ldexp(v, 9)) { std::printf("e5m2 encoding wrong for %d\n", v); return 2; }
  }
  // The host rounding itself, on values whose fp16 codes are known from the standard's grid.
  struct { long s; Rule r; uint16_t want; } known[] = {{2048, RNE, 0x6800}, {2049, RNE, 0x6800}, {2051, RNE, 0x6802}, {2051, RTZ, 0x6801},
    {2049, RNA, 0x6801}, {-4035, RNE, 0xEBE2}, {4095, RNE, 0x6C00}, {1, RNE, 0x3C00}, {-2047, RTZ, 0xE7FF}, {7681, RNE, 0x6F80}};
  for (auto& c : known) if (f16_of(c.s, c.r) != c.want) { std::printf("host f16_of(%ld, %s) = 0x%04x, want 0x%04x\n", c.s, RULES[c.r], f16_of(c.s, c.r), c.want); return 2; }
  uint8_t *dA, *dB; uint16_t* dD;
  CK(cudaMalloc(&dA, 64 * 32 * SMAX)); CK(cudaMalloc(&dB, 128 * 32 * SMAX)); CK(cudaMalloc(&dD, 64 * 128 * 2));
  std::mt19937 rng(20261207);
  const int SEEDS = 6;
  long bad_int4_s2 = 0;
  for (int usgn = 0; usgn < 2; usgn++) for (int S : {1, 2, 4}) {
    long n = 0, rounded = 0, ok[NRULES] = {0, 0, 0}, exact_ok = 0;
    for (int ci = 0; ci < 2; ci++) for (int pat = 0; pat < NPAT; pat++) {
      long pbad = 0, maxabs = 0; int shown = 0;
      for (int seed = 0; seed < (pat == 0 || pat == 6 || pat == 10 ? SEEDS * 3 : SEEDS); seed++) {
        std::vector<int> A, B; make(pat, S, usgn != 0, rng, A, B);
        const int K = 32 * S;
        std::vector<uint8_t> a8(A.size()), b8(B.size());
        for (size_t i = 0; i < A.size(); i++) a8[i] = encA(ci, A[i]);
        for (size_t i = 0; i < B.size(); i++) b8[i] = encB(ci, B[i]);
        CK(cudaMemcpy(dA, a8.data(), a8.size(), cudaMemcpyHostToDevice));
        CK(cudaMemcpy(dB, b8.data(), b8.size(), cudaMemcpyHostToDevice));
        CK(cudaMemset(dD, 0xFF, 64 * 128 * 2));   // poison: NaN
        if (ci == 0) fp8_dot<0><<<1, 128>>>(dA, dB, dD, S); else fp8_dot<1><<<1, 128>>>(dA, dB, dD, S);
        CK(cudaGetLastError()); CK(cudaDeviceSynchronize());
        std::vector<uint16_t> D(64 * 128); CK(cudaMemcpy(D.data(), dD, D.size() * 2, cudaMemcpyDeviceToHost));
        const int sc = COMBOS[ci].aScale + COMBOS[ci].bScale;   // 0 for both combinations used here
        if (sc != 0) { std::printf("combination %d is not at scale 1\n", ci); return 2; }
        for (int m = 0; m < 64; m++) for (int nn = 0; nn < 128; nn++) {
          long s = 0;
          for (int k = 0; k < K; k++) s += (long)A[m * K + k] * B[nn * K + k];
          maxabs = std::max(maxabs, std::labs(s));
          const uint16_t got = D[m * 128 + nn];
          n++;
          const bool needs = f16_of(s, RTZ) != f16_of(s, RNA);
          if (needs) rounded++; else if (got == f16_of(s, RNE)) exact_ok++;
          for (int r = 0; r < NRULES; r++) if (got == f16_of(s, (Rule)r)) ok[r]++;
          if (got != f16_of(s, RNE)) {
            pbad++;
            if (shown++ < 3) std::printf("  MISMATCH %s A=%s %s S=%d seed %d (%d, %d): exact %ld, want 0x%04x (RNE), got 0x%04x\n",
              COMBOS[ci].name, usgn ? "uint4" : "int4", PATTERNS[pat], S, seed, m, nn, s, f16_of(s, RNE), got);
          }
        }
      }
      if (!usgn && S <= 2) bad_int4_s2 += pbad;
      std::printf("%s A=%s pattern=%s S=%d: max|sum| %ld, %ld differ from round_fp16 (RNE)%s\n", COMBOS[ci].name, usgn ? "uint4" : "int4", PATTERNS[pat], S, maxabs, pbad, pbad ? "  <<<" : "");
    }
    std::printf("SUMMARY A=%s S=%d: %ld results, %ld needed rounding; equal to nearest-even %ld, nearest-away %ld, toward-zero %ld; exact where no rounding was needed: %ld of %ld\n",
      usgn ? "uint4" : "int4", S, n, rounded, ok[RNE], ok[RNA], ok[RTZ], exact_ok, n - rounded);
  }
  std::printf("%s\n", bad_int4_s2 == 0 ? "F16ACC RNE-EXACT for int4 S<=2" : "F16ACC NOT EXACT for int4 S<=2");
  return 0;
}
