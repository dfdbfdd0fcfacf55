// Issue 14, branch w4a4c: does Hopper's fp8 wgmma (f32 accumulators) add integer-valued products exactly?
// lr_wgmma's LR_WG_FP8 knob (src/pe/lowrank-gemm/kernel-cuda-wgmma.ts) replaces the int8 wgmma by an fp8 one
// and reads each group's dot straight from the f32 accumulators, which is right only if the tensor core's fp8
// accumulation loses no bit of these integer sums. It is reported to keep only ~14 bits relative to the largest
// term, so this is measured here, never assumed: one warpgroup runs S k32 steps of
// wgmma.mma_async.m64n128k32.f32.<A>.<B> (A from registers in the m64k32 fragment, B from shared memory in
// lr_wgmma's K-major core-matrix layout, first step scale-d = 0 unless C is preloaded) and every one of the
// 64 × 128 results is compared bit for bit with the exact integer sum (int64 on the host, scaled by 2^(sa+sb)).
// Encodings (fp8 codes of integers):
//   lin  e4m3 bytes 0..16 are exactly b·2^-9 (subnormals and the first binade), sign bit 0x80: v·2^-9
//   e4m3 normal encoding of v (scale 1);  e5m2: normal e5m2 encoding of v·2^9 (|v| ≤ 8: 3 significant bits)
// Combinations: K8 = A lin × B e5m2 (the knob's choice: products a·w at scale 1), N4 = A e4m3 × B e4m3
// (scale 1), L2 = A lin × B lin (scale 2^-18). Patterns: random, all-max products of one sign, alternating
// signs, one large product among ±1s, a large first step then small steps (C large), large cancellation,
// sparse maxima among small values, near the dot limit; each with S = 1, 2 (group 64: the knob's case) and
// 4 (group 128), with and without a preloaded C, int4 and uint4 A.
// Build and run (sm_90a): nvcc -gencode=arch=compute_90a,code=sm_90a -O2 -std=c++17 fp8-wgmma-exact.cu -o fp8x && ./fp8x
// Output: one line per (combination, A type, pattern, S, C preload): mismatches of 8,192; the first mismatches
// with the exact value and the bits got; a final line `FP8 EXACT ALL` or `FP8 NOT EXACT`.
#include <cstdio>
#include <cstdint>
#include <cstring>
#include <cmath>
#include <vector>
#include <random>
#include <cuda_runtime.h>

#include "fp8-wgmma-common.h"

#define WG_OUTS(d) "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3]), "+f"(d[4]), "+f"(d[5]), "+f"(d[6]), "+f"(d[7]), \
  "+f"(d[8]), "+f"(d[9]), "+f"(d[10]), "+f"(d[11]), "+f"(d[12]), "+f"(d[13]), "+f"(d[14]), "+f"(d[15]), \
  "+f"(d[16]), "+f"(d[17]), "+f"(d[18]), "+f"(d[19]), "+f"(d[20]), "+f"(d[21]), "+f"(d[22]), "+f"(d[23]), \
  "+f"(d[24]), "+f"(d[25]), "+f"(d[26]), "+f"(d[27]), "+f"(d[28]), "+f"(d[29]), "+f"(d[30]), "+f"(d[31]), \
  "+f"(d[32]), "+f"(d[33]), "+f"(d[34]), "+f"(d[35]), "+f"(d[36]), "+f"(d[37]), "+f"(d[38]), "+f"(d[39]), \
  "+f"(d[40]), "+f"(d[41]), "+f"(d[42]), "+f"(d[43]), "+f"(d[44]), "+f"(d[45]), "+f"(d[46]), "+f"(d[47]), \
  "+f"(d[48]), "+f"(d[49]), "+f"(d[50]), "+f"(d[51]), "+f"(d[52]), "+f"(d[53]), "+f"(d[54]), "+f"(d[55]), \
  "+f"(d[56]), "+f"(d[57]), "+f"(d[58]), "+f"(d[59]), "+f"(d[60]), "+f"(d[61]), "+f"(d[62]), "+f"(d[63])
#define WG_D "{%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15, %16, %17, %18, %19, %20, " \
  "%21, %22, %23, %24, %25, %26, %27, %28, %29, %30, %31, %32, %33, %34, %35, %36, %37, %38, %39, %40, %41, " \
  "%42, %43, %44, %45, %46, %47, %48, %49, %50, %51, %52, %53, %54, %55, %56, %57, %58, %59, %60, %61, %62, %63}"
#define WG_MMA(NAME, TYPES) \
__device__ __forceinline__ void NAME(float (&d)[64], const uint32_t (&a)[4], uint64_t desc, int scale_d) { \
  asm volatile("{\n.reg .pred p;\nsetp.ne.b32 p, %69, 0;\n" \
    "wgmma.mma_async.sync.aligned.m64n128k32.f32." TYPES " " WG_D ", {%64, %65, %66, %67}, %68, p, 1, 1;\n}\n" \
    : WG_OUTS(d) : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "l"(desc), "r"(scale_d)); }
WG_MMA(mma_e4m3_e5m2, "e4m3.e5m2")
WG_MMA(mma_e4m3_e4m3, "e4m3.e4m3")

// A: [64 rows][32·S bytes] (row-major), B: [128 n][32·S bytes], C (optional preload) and D: [64][128] f32.
template <int COMBO>
__global__ void __launch_bounds__(128, 1) fp8_dot(const uint8_t* A, const uint8_t* B, const float* C, float* D, int S) {
  __shared__ __align__(128) uint8_t bs[SMAX / 2][128 * 64];
  const int tid = threadIdx.x, w = tid >> 5, lane = tid & 31, g = lane >> 2, t = lane & 3;
  // B into the core-matrix layout of lr_wgmma: stage st = k/64, byte (n, k%64) at (n/8)·512 + (k%64/16)·128 + (n%8)·16 + k%16.
  for (int i = tid; i < 128 * 32 * S; i += 128) {
    const int n = i / (32 * S), k = i % (32 * S), kk = k % 64;
    bs[k / 64][(n >> 3) * 512 + (kk >> 4) * 128 + (n & 7) * 16 + (kk & 15)] = B[i];
  }
  asm volatile("fence.proxy.async.shared::cta;\n" ::: "memory");
  __syncthreads();
  float d[64];
  for (int j = 0; j < 64; j++) {
    const int row = 16 * w + g + 8 * ((j >> 1) & 1), col = 8 * (j >> 2) + 2 * t + (j & 1);
    d[j] = C ? C[row * 128 + col] : 0.0f;
  }
  asm volatile("wgmma.fence.sync.aligned;\n" ::: "memory");
  for (int s = 0; s < S; s++) {
    uint32_t a[4];
    for (int r = 0; r < 4; r++) {   // register r: row 16w + g + 8(r&1), k 16(r>>1) + 4t + byte
      const int row = 16 * w + g + 8 * (r & 1), k = 32 * s + 16 * (r >> 1) + 4 * t;
      std::memcpy(&a[r], &A[row * 32 * S + k], 4);
    }
    const uint64_t desc = wg_desc(&bs[s / 2][256 * (s & 1)]);
    const int sd = (s > 0 || C != nullptr) ? 1 : 0;
    if (COMBO == 0) mma_e4m3_e5m2(d, a, desc, sd); else mma_e4m3_e4m3(d, a, desc, sd);
  }
  asm volatile("wgmma.commit_group.sync.aligned;\n" ::: "memory");
  asm volatile("wgmma.wait_group.sync.aligned 0;\n" ::: "memory");
  for (int j = 0; j < 64; j++) {
    const int row = 16 * w + g + 8 * ((j >> 1) & 1), col = 8 * (j >> 2) + 2 * t + (j & 1);
    D[row * 128 + col] = d[j];
  }
}

constexpr int NPAT_F32 = 9;   // the patterns this test has always run (the header has two more, for fp8-wgmma-f16acc.cu)

int main() {
  cudaDeviceProp p; CK(cudaGetDeviceProperties(&p, 0));
  std::printf("device %s (sm_%d%d)\n", p.name, p.major, p.minor);
  for (int ci = 0; ci < 3; ci++) for (int v = -8; v <= 15; v++) { TA[ci][v + 8] = encA_slow(ci, v); if (v <= 8) TB[ci][v + 8] = encB_slow(ci, v); }
  // The encoders: every code decodes back to its integer (a failed search exits above).
  for (int v = -8; v <= 15; v++) {
    if (dec_e4m3(enc_lin(v)) != std::ldexp(v, -9)) { std::printf("lin-e4m3 encoding wrong for %d\n", v); return 2; }
    if (v <= 8 && v >= -8 && dec_e5m2(encB(0, v)) != std::ldexp(v, 9)) { std::printf("e5m2 encoding wrong for %d\n", v); return 2; }
  }
  uint8_t *dA, *dB; float *dC, *dD;
  CK(cudaMalloc(&dA, 64 * 32 * SMAX)); CK(cudaMalloc(&dB, 128 * 32 * SMAX)); CK(cudaMalloc(&dC, 64 * 128 * 4)); CK(cudaMalloc(&dD, 64 * 128 * 4));
  std::mt19937 rng(20261206);
  long total_bad = 0, total = 0, bad_s2 = 0;
  const int SEEDS = 6;
  for (int ci = 0; ci < 3; ci++) for (int usgn = 0; usgn < 2; usgn++) for (int pat = 0; pat < NPAT_F32; pat++)
  for (int S : {1, 2, 4}) for (int cpre = 0; cpre < 2; cpre++) {
    long bad = 0, maxabs = 0; int shown = 0;
    for (int seed = 0; seed < (pat == 0 || pat == 6 ? SEEDS * 3 : SEEDS); seed++) {
      std::vector<int> A, B; make(pat, S, usgn != 0, rng, A, B);
      const int K = 32 * S;
      std::vector<uint8_t> a8(A.size()), b8(B.size());
      for (size_t i = 0; i < A.size(); i++) a8[i] = encA(ci, A[i]);
      for (size_t i = 0; i < B.size(); i++) b8[i] = encB(ci, B[i]);
      // Preloaded C: an integer (scaled like the products) near ± the sums' range.
      std::vector<float> C(64 * 128, 0.0f); std::vector<long> C0(64 * 128, 0);
      const int sc = COMBOS[ci].aScale + COMBOS[ci].bScale;
      if (cpre) for (int i = 0; i < 64 * 128; i++) { C0[i] = std::uniform_int_distribution<int>(-4000, 4000)(rng); C[i] = (float)std::ldexp((double)C0[i], sc); }
      CK(cudaMemcpy(dA, a8.data(), a8.size(), cudaMemcpyHostToDevice));
      CK(cudaMemcpy(dB, b8.data(), b8.size(), cudaMemcpyHostToDevice));
      CK(cudaMemcpy(dC, C.data(), C.size() * 4, cudaMemcpyHostToDevice));
      CK(cudaMemset(dD, 0xFF, 64 * 128 * 4));   // poison: NaN
      if (ci == 0) fp8_dot<0><<<1, 128>>>(dA, dB, cpre ? dC : nullptr, dD, S);
      else fp8_dot<1><<<1, 128>>>(dA, dB, cpre ? dC : nullptr, dD, S);
      CK(cudaGetLastError()); CK(cudaDeviceSynchronize());
      std::vector<float> D(64 * 128); CK(cudaMemcpy(D.data(), dD, D.size() * 4, cudaMemcpyDeviceToHost));
      for (int m = 0; m < 64; m++) for (int n = 0; n < 128; n++) {
        long s = C0[m * 128 + n];
        for (int k = 0; k < K; k++) s += (long)A[m * K + k] * B[n * K + k];
        maxabs = std::max(maxabs, std::labs(s));
        const float want = (float)std::ldexp((double)s, sc), got = D[m * 128 + n];
        uint32_t wb, gb; std::memcpy(&wb, &want, 4); std::memcpy(&gb, &got, 4);
        total++;
        if (wb != gb) {
          bad++;
          if (shown++ < 3) std::printf("  MISMATCH %s A=%s %s S=%d C=%d seed %d (%d, %d): exact %ld (0x%08x), got %.9g x 2^%d (0x%08x), diff %.6g units\n",
            COMBOS[ci].name, usgn ? "uint4" : "int4", PATTERNS[pat], S, cpre, seed, m, n, s, wb, std::ldexp((double)got, -sc), sc, gb, std::ldexp((double)got, -sc) - (double)s);
        }
      }
    }
    total_bad += bad;
    if (S <= 2) bad_s2 += bad;
    std::printf("%s A=%s pattern=%s S=%d Cpreload=%d: max|sum| %ld, %ld mismatches%s\n", COMBOS[ci].name, usgn ? "uint4" : "int4", PATTERNS[pat], S, cpre, maxabs, bad, bad ? "  <<<" : "");
  }
  std::printf("checked %ld results, %ld mismatches (%ld with S <= 2, the group-64 case)\n", total, total_bad, bad_s2);
  std::printf("%s\n", total_bad == 0 ? "FP8 EXACT ALL" : bad_s2 == 0 ? "FP8 EXACT for S <= 2 only" : "FP8 NOT EXACT");
  return 0;
}
