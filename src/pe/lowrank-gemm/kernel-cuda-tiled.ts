/**
 * The tiled integer kernel of lowrank_gemm.cu (issue 14): every config golden accepts — NVFP4 (groups of 16,
 * which the int4 tensor-core kernel `lr_fast` does not take), int4/uint4 with any group size, any shape — as a
 * 64 × 64-output tile per block instead of `lr_generic`'s one thread per output with table lookups per element.
 * - `lr_widen` turns the 4-bit codes into golden's integer element values (lowRankElementValues: NVFP4 values
 *   doubled, so every value is an integer in −15..15) as int8, four per u32 word, each group padded to whole
 *   words with zeros (GW = ⌈GS/4⌉ words per group, G·GW words per row; zero values leave the dot unchanged).
 * - `lr_tiled`: 16 × 16 threads, each 4 × 4 outputs (rows ty + 16i, columns tx + 16j); the rows' and columns'
 *   words staged in shared memory 16 words at a time; each group's dot d = Σ `__dp4a` is the exact integer
 *   golden sums (integer addition is order-free, |d| < 2^24); at each group's end golden's group step
 *   acc = group_step(acc, round_dot(d), scale_prod(sa, sw)) — the same device functions as lr_generic, so the
 *   same roundings in the same order (groups ascending) — then lr_generic's epilogue, tensor scale and up
 *   projection per output. No atomics: results are deterministic.
 * The launcher runs it in `verify` (twice, against golden and the rerun) and in `run` when the tensor-core
 * kernel does not apply.
 */

/** The kernels (pasted after lr_generic in lowrank_gemm.cu; uses its device functions). */
export const LOW_RANK_TILED_KERNEL = `
// ---- any config, tiled: int8 element values, dp4a group dots, golden's group step per output ----------
constexpr int GW = (GS + 3) / 4;   // u32 words per group of widened values
constexpr int TW = 16;             // words per shared-memory stage
// codes [rows × K] -> values [rows × G × GW] u32 (4 int8 each, k = g·GS + 4w + b), zeros past the group / K.
__global__ void lr_widen(const uint8_t* __restrict__ codes, uint32_t* __restrict__ out, int rows, int K, int G, bool act) {
  const size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x, per = (size_t)G * GW;
  if (i >= (size_t)rows * per) return;
  const int r = (int)(i / per), g = (int)((i % per) / GW), w = (int)(i % GW);
  uint32_t v = 0u;
  for (int b = 0; b < 4; b++) {
    const int kg = 4 * w + b, k = g * GS + kg;
    if (kg < GS && k < K) v |= ((uint32_t)(act ? ACT_VAL : WGT_VAL)[codes[(size_t)r * K + k] & 15u] & 0xffu) << (8 * b);
  }
  out[i] = v;
}

__global__ __launch_bounds__(256) void lr_tiled(const uint32_t* __restrict__ av, const uint32_t* __restrict__ wv, const uint16_t* __restrict__ sa,
    const uint16_t* __restrict__ sw, const uint16_t* __restrict__ bias, const uint16_t* __restrict__ cs, const uint16_t* __restrict__ L,
    const uint16_t* __restrict__ up, uint16_t* __restrict__ Y, int M, int N, int K, int R, uint32_t ts_bits) {
  __shared__ uint32_t As[64][TW + 1], Bs[64][TW + 1];   // +1: rows 17 words apart, conflict-free column reads
  const int tx = threadIdx.x, ty = threadIdx.y, tid = ty * 16 + tx, m0 = blockIdx.y * 64, n0 = blockIdx.x * 64;
  const int G = (K + GS - 1) / GS, words = G * GW;
  acc_t acc[4][4];
  int d[4][4];
  #pragma unroll
  for (int i = 0; i < 4; i++)
    #pragma unroll
    for (int j = 0; j < 4; j++) { acc[i][j] = acc_zero(); d[i][j] = 0; }
  for (int w0 = 0; w0 < words; w0 += TW) {
    for (int e = tid; e < 64 * TW; e += 256) {
      const int r = e / TW, c = e % TW, w = w0 + c;
      As[r][c] = m0 + r < M && w < words ? av[(size_t)(m0 + r) * words + w] : 0u;
      Bs[r][c] = n0 + r < N && w < words ? wv[(size_t)(n0 + r) * words + w] : 0u;
    }
    __syncthreads();
    const int cend = words - w0 < TW ? words - w0 : TW;
    for (int c = 0; c < cend; c++) {
      #pragma unroll
      for (int i = 0; i < 4; i++)
        #pragma unroll
        for (int j = 0; j < 4; j++) d[i][j] = __dp4a((int)As[ty + 16 * i][c], (int)Bs[tx + 16 * j][c], d[i][j]);
      if ((w0 + c + 1) % GW == 0) {                     // the end of group g: golden's group step, then d = 0
        const int g = (w0 + c) / GW;
        #pragma unroll
        for (int i = 0; i < 4; i++) {
          const int m = m0 + ty + 16 * i;
          const float sav = m < M ? scale_val(sa[(size_t)m * G + g]) : 0.0f;
          #pragma unroll
          for (int j = 0; j < 4; j++) {
            const int n = n0 + tx + 16 * j;
            const float swv = n < N ? scale_val(sw[(size_t)n * G + g]) : 0.0f;
            acc[i][j] = group_step(acc[i][j], round_dot(d[i][j]), scale_prod(sav, swv));
            d[i][j] = 0;
          }
        }
      }
    }
    __syncthreads();
  }
  #pragma unroll
  for (int i = 0; i < 4; i++) {
    const int m = m0 + ty + 16 * i;
    if (m >= M) continue;
    #pragma unroll
    for (int j = 0; j < 4; j++) {
      const int n = n0 + tx + 16 * j;
      if (n >= N) continue;
      float y = acc_to_float(acc[i][j]);
      if (NVFP4) y = __fmul_rn(y, __uint_as_float(ts_bits));
      y = lr_epilogue(y, cs != nullptr, cs ? r16_val(cs[n]) : 0.0f, bias != nullptr, bias ? r16_val(bias[n]) : 0.0f);
      for (int r = 0; r < R; r++) y = branch_step(y, r16_val(L[(size_t)m * R + r]), r16_val(up[(size_t)n * R + r]));
      Y[(size_t)m * N + n] = (uint16_t)out_code(y);
    }
  }
}
`;

/** Members of the launcher's Device struct: the widened value arrays and the tiled run (down projection first). */
export const LOW_RANK_TILED_DEVICE = `  uint32_t *av = nullptr, *wv = nullptr;
  // The int8 element values of qa (after lr_qact for runtime designs) and qw, on the device.
  void widen() {
    const size_t na = (size_t)in.M * in.G * GW, nw = (size_t)in.N * in.G * GW;
    CK(cudaMalloc(&av, std::max<size_t>(4, na * 4))); CK(cudaMalloc(&wv, std::max<size_t>(4, nw * 4)));
    if (na) { lr_widen<<<(unsigned)((na + 255) / 256), 256>>>(qa, av, in.M, in.K, in.G, true); CK_LAUNCH(); }
    if (nw) { lr_widen<<<(unsigned)((nw + 255) / 256), 256>>>(qw, wv, in.N, in.K, in.G, false); CK_LAUNCH(); }
  }
  void tiled() const {
    down_proj();
    lr_tiled<<<dim3((in.N + 63) / 64, (in.M + 63) / 64), dim3(16, 16)>>>(av, wv, sa, sw, bias, cs, L, up, Y, in.M, in.N, in.K, RANK, in.ts_bits); CK_LAUNCH();
  }
`;
