// Issue 14, branch w4a4c: SASS instructions of lr_wgmma's per-group fold and operand widening, int8 vs LR_WG_FP8,
// counted without a disassembler (this machine has ptxas but no cuobjdump): each probe kernel below repeats one
// piece of lr_wgmma's code PROBE_N times on fresh inputs; the cubin's .text size / 16 (sims/cuda/cubin-count.ts)
// of a PROBE_N=2 build minus that of a PROBE_N=1 build is one piece plus its input loads (vector loads, counted
// below). Pieces: fold_probe, one group's fold of 32 output pairs (LR_PAIR_STEP on the 64 accumulators, what a
// consumer thread does per group); a_probe, one 16-byte A fragment widened to the 8 words of a stage's two wgmmas;
// b_probe, one 16-byte packed B piece widened to its two 16-byte core-matrix rows (the unpackers').
// Build: nvcc -gencode=arch=compute_90a,code=sm_90a -O3 -std=c++17 -cubin -DLR_WG_FP8={0,1} -DPROBE_N={1,2}
//   -include GEN/svdquant_w4a4.cu fp8-fold-count.cu   (GEN from sims/cuda/make-cases.ts)
#ifndef PROBE_N
#define PROBE_N 1
#endif

// One fold per repetition: the accumulators are 16 fresh 16-byte loads (64 values), the scales 1 + 4 loads.
__global__ void fold_probe(const uint4* __restrict__ cin, const uint32_t* __restrict__ sap, const uint4* __restrict__ swq, pair_t* out) {
  pair_t acc[16][2];
  #pragma unroll
  for (int i = 0; i < 16; i++) { acc[i][0] = pair_zero(); acc[i][1] = pair_zero(); }
  #pragma unroll
  for (int p = 0; p < PROBE_N; p++) {
    wg_acc_t c[64];
    #pragma unroll
    for (int q = 0; q < 16; q++) {
      const uint4 v = cin[(p * 16 + q) * 128 + threadIdx.x];
      uint32_t w[4] = {v.x, v.y, v.z, v.w};
      #pragma unroll
      for (int e = 0; e < 4; e++) std::memcpy(&c[4 * q + e], &w[e], 4);
    }
    const uint32_t sw2 = sap[p * 128 + threadIdx.x];
    const uint16_t sa0 = (uint16_t)(sw2 & 0xffff), sa1 = (uint16_t)(sw2 >> 16);
    #pragma unroll
    for (int q = 0; q < 4; q++) {
      const uint4 w4 = swq[(p * 4 + q) * 128 + threadIdx.x];
      #pragma unroll
      for (int e = 0; e < 4; e++) {
        const int i = 4 * q + e;
        const auto swp = sw_pair_word(word_of(w4, e));
        LR_PAIR_STEP(acc[i][0], WG_SUM(c[4 * i]), WG_SUM(c[4 * i + 1]), sa0, swp);
        LR_PAIR_STEP(acc[i][1], WG_SUM(c[4 * i + 2]), WG_SUM(c[4 * i + 3]), sa1, swp);
      }
    }
  }
  #pragma unroll
  for (int i = 0; i < 16; i++) { out[(2 * i) * 128 + threadIdx.x] = acc[i][0]; out[(2 * i + 1) * 128 + threadIdx.x] = acc[i][1]; }
}

// One A fragment per repetition (1 load), widened as lr_wgmma's issue() does, all 8 words xor-ed into the output.
__global__ void a_probe(const uint4* __restrict__ ain, uint32_t* out) {
  uint32_t r = 0;
  #pragma unroll
  for (int p = 0; p < PROBE_N; p++) {
    const uint4 av = ain[p * 128 + threadIdx.x];
#if LR_WG_FP8
    const uint32_t a0[4] = {wg_a_lo(av.x), wg_a_lo(av.y), wg_a_hi(av.x), wg_a_hi(av.y)};
    const uint32_t a1[4] = {wg_a_lo(av.z), wg_a_lo(av.w), wg_a_hi(av.z), wg_a_hi(av.w)};
#else
    const uint32_t a0[4] = {(av.x << 4) & HI, (av.y << 4) & HI, av.x & HI, av.y & HI};
    const uint32_t a1[4] = {(av.z << 4) & HI, (av.w << 4) & HI, av.z & HI, av.w & HI};
#endif
    #pragma unroll
    for (int j = 0; j < 4; j++) { out[(p * 8 + j) * 128 + threadIdx.x] = a0[j]; out[(p * 8 + 4 + j) * 128 + threadIdx.x] = a1[j]; }
  }
  (void)r;
}

// One packed B piece per repetition (1 load), widened as the unpackers do (2 stores of 16 bytes).
__global__ void b_probe(const uint4* __restrict__ bin, uint4* out) {
  #pragma unroll
  for (int p = 0; p < PROBE_N; p++) {
    const uint4 v = bin[p * 128 + threadIdx.x];
#if LR_WG_FP8
    out[(2 * p) * 128 + threadIdx.x] = make_uint4(wg_b_e5m2(v.x), wg_b_e5m2(v.y), wg_b_e5m2(v.z), wg_b_e5m2(v.w));
    out[(2 * p + 1) * 128 + threadIdx.x] = make_uint4(wg_b_e5m2(v.x >> 16), wg_b_e5m2(v.y >> 16), wg_b_e5m2(v.z >> 16), wg_b_e5m2(v.w >> 16));
#else
    out[(2 * p) * 128 + threadIdx.x] = make_uint4((v.x << 4) & HI, (v.y << 4) & HI, (v.z << 4) & HI, (v.w << 4) & HI);
    out[(2 * p + 1) * 128 + threadIdx.x] = make_uint4(v.x & HI, v.y & HI, v.z & HI, v.w & HI);
#endif
  }
}
