// Shared by sims/cuda/fp8-wgmma-exact.cu (f32 accumulators) and fp8-wgmma-f16acc.cu (f16 accumulators): fp8 codes of
// small integers, checked by decoding them back, and the integer operand patterns of one trial (a superset: the f32
// test runs the first 9, the f16 test all 11), and the device helpers both use (the B descriptor, the error check).
// Included after <cstdint>, <cmath>, <cstdio>, <cstring>, <vector>, <random> and <cuda_runtime.h>.
#pragma once
#define CK(x) do { cudaError_t e_ = (x); if (e_ != cudaSuccess) { std::printf("CUDA error %s at %s:%d\n", cudaGetErrorString(e_), __FILE__, __LINE__); std::exit(2); } } while (0)

constexpr int SMAX = 4;   // k32 steps at most (two 64-deep stages)

__device__ __forceinline__ uint32_t smem_u32(const void* p) { return (uint32_t)__cvta_generic_to_shared(p); }
__device__ __forceinline__ uint64_t wg_desc(const void* p) {   // K-major, no swizzle, LBO 128, SBO 512 (lr_wgmma's)
  return (uint64_t)((smem_u32(p) & 0x3FFFF) >> 4) | ((uint64_t)(128 >> 4) << 16) | ((uint64_t)(512 >> 4) << 32);
}

// ---- host: encodings of integers as fp8 codes, checked by decoding them back ----------------------------------
static double dec_e4m3(uint8_t b) {
  const int s = b >> 7, e = (b >> 3) & 15, m = b & 7;
  const double v = e == 0 ? std::ldexp(m, -9) : std::ldexp(8 + m, e - 10);
  return s ? -v : v;
}
static double dec_e5m2(uint8_t b) {
  const int s = b >> 7, e = (b >> 2) & 31, m = b & 3;
  const double v = e == 0 ? std::ldexp(m, -16) : std::ldexp(4 + m, e - 17);
  return s ? -v : v;
}
static uint8_t enc_lin(int v) { return (uint8_t)((v < 0 ? 0x80 : 0) | std::abs(v)); }   // v·2^-9, |v| ≤ 16
static uint8_t enc_by(double x, double (*dec)(uint8_t)) {   // the code that decodes to x exactly (search: 254 codes)
  for (int b = 0; b < 256; b++) if (dec((uint8_t)b) == x && !(b == 0x80)) return (uint8_t)b;
  std::printf("no exact fp8 code for %g\n", x); std::exit(2);
}

struct Combo { const char* name; int aScale, bScale; };   // value = v · 2^scale; A lin: -9, e4m3: 0; B e5m2: 9
static const Combo COMBOS[3] = {{"K8 A=lin-e4m3(2^-9) x B=e5m2(2^9)", -9, 9}, {"N4 A=e4m3 x B=e4m3 (scale 1)", 0, 0}, {"L2 A=lin-e4m3 x B=lin-e4m3 (2^-18)", -9, -9}};

static uint8_t encA_slow(int ci, int v) { return ci == 1 ? enc_by(v, dec_e4m3) : enc_lin(v); }
static uint8_t encB_slow(int ci, int v) { return ci == 0 ? enc_by(std::ldexp(v, 9), dec_e5m2) : ci == 1 ? enc_by(v, dec_e4m3) : enc_lin(v); }
static uint8_t TA[3][24], TB[3][24];   // codes of v = -8..15, built once
static uint8_t encA(int ci, int v) { return TA[ci][v + 8]; }
static uint8_t encB(int ci, int v) { return TB[ci][v + 8]; }

static const char* PATTERNS[] = {"random", "all-max-one-sign", "alternating-signs", "one-large-among-ones", "large-C-then-small",
  "large-cancellation", "sparse-max-among-small", "near-limit", "descending-magnitudes", "odd-above-2048", "large-random"};
constexpr int NPAT = 11;

// Integer operands of one trial: A [64][32S] in [amin, amax], B [128][32S] in [-8, 7].
static void make(int pat, int S, bool usgn, std::mt19937& rng, std::vector<int>& A, std::vector<int>& B) {
  const int K = 32 * S, amin = usgn ? 0 : -8, amax = usgn ? 15 : 7, abig = usgn ? 15 : -8;   // abig·(-8) = the largest |product|
  auto ri = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  A.assign(64 * K, 0); B.assign(128 * K, 0);
  for (int m = 0; m < 64; m++) for (int k = 0; k < K; k++) {
    int& a = A[m * K + k];
    switch (pat) {
      case 0: a = ri(amin, amax); break;
      case 1: case 7: a = m < 32 ? abig : (usgn ? 15 : 7); break;
      case 2: a = abig; break;
      case 3: a = k == (m * 7) % K ? abig : (usgn ? 1 : (ri(0, 1) ? 1 : -1)); break;
      case 4: a = k < 32 ? abig : (usgn ? ri(0, 1) : ri(-1, 1)); break;
      case 5: a = abig; break;
      case 6: a = ri(0, 15) == 0 ? abig : (usgn ? ri(0, 2) : ri(-2, 2)); break;
      case 8: a = (m & 1) ? abig : (usgn ? 15 - (k % 16) : (k % 2 ? 7 : -8)); break;
      case 9: a = k < K - 1 ? (m < 32 ? abig : (usgn ? 14 : 7)) : (usgn ? m % 16 : (m % 16) - 8); break;
      case 10: { const int v = ri(0, 3); a = usgn ? 12 + v : (v == 0 ? -8 : v == 1 ? -7 : v == 2 ? 6 : 7); break; }
    }
  }
  for (int n = 0; n < 128; n++) for (int k = 0; k < K; k++) {
    int& b = B[n * K + k];
    switch (pat) {
      case 0: b = ri(-8, 7); break;
      case 1: b = n < 64 ? -8 : 7; break;
      case 2: b = ((k + n) & 1) ? 7 : -8; break;
      case 3: b = k == (n * 5) % K ? -8 : (ri(0, 1) ? 1 : -1); break;
      case 4: b = k < 32 ? -8 : ri(-1, 1); break;
      case 5: { // first half of the k steps push one way, the second half back, off by a few small terms
        const bool first = k < K / 2;
        b = first ? -8 : 7;
        if (!first && (k + n) % 9 == 0) b = 6 + (n % 3 == 0 ? -1 : 0);
        if (k == K - 1) b = (n % 5) - 2;
        break;
      }
      case 6: b = ri(0, 15) == 0 ? -8 : ri(-2, 2); break;
      case 7: b = (k % 32 == (n % 32)) ? 7 - (n % 4) : -8; break;   // all large, a few slightly smaller: sums near ±limit
      case 8: b = (n & 1) ? -8 + (k % 8) : 7 - (k % 8); break;
      case 9: b = k < K - 1 ? -8 : (n % 16) - 8; break;
      case 10: { const int v = ri(0, 3); b = v == 0 ? -8 : v == 1 ? -7 : v == 2 ? 6 : 7; break; }
    }
  }
}

