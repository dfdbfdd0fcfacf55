/**
 * CUDA reference kernel of `simd_mac` (issue 14), exact (quire) accumulation: one .cu file (kernel +
 * launcher) for sm_90a computing golden.ts's simdMacGemm bit for bit. Elements decode through a table
 * emitted from the format library (value · 2^F as int64, F the element's finest fraction bit), products are
 * exact int64 · int64 into a signed 128-bit quire (configs whose quire needs more than 127 bits are declined),
 * and the quire is rounded once (RNE) to the output format by `qacc_encode_out`: IEEE with subnormals and
 * overflow to infinity, or posit by rounding the infinitely precise bit string, saturating at minpos/maxpos.
 * NaN/NaR/inf operands poison the output to its NaN/NaR code. `round-each-step` is not generated yet.
 * The encoder is `__host__ __device__` and self-contained (SIMD_ENCODER_SOURCE), so the test suite checks it
 * against the format library on the host (test/codegen/cuda/simd-encode.test.ts).
 */
import { FloatFormat } from '../../formats/float.js';
import { PositFormat } from '../../formats/posit.js';
import { CUDA_HOST_PRELUDE, codesToWords, cudaHeader, wordsToCodes } from '../../codegen/cuda/host.js';
import { NoKernelError, type KernelLaunch, type KernelSet } from '../../codegen/kernels/manifest.js';
import type { TargetOf } from '../facets/compile.js';
import { checkSimdMacConfig, simdMacQuire, type SimdMacConfig, type SimdMacOperands, type SimdOutputFormat } from './golden.js';

/** Why the CUDA generator cannot take a config, or undefined when it can. */
export function simdCudaUnsupported(config: SimdMacConfig): string | undefined {
  if (config.accumulation !== 'exact') return 'round-each-step accumulation has no CUDA kernel yet';
  const q = simdMacQuire(config);
  if (q.width > 127) return `the quire needs ${q.width} bits, more than the kernel's 128-bit integer holds`;
  if (config.element.bits > 16) return 'elements wider than 16 bits have no CUDA kernel';
  if (config.output.bits > 32) return 'outputs wider than 32 bits have no CUDA kernel';
  return undefined;
}

/**
 * The output encoder: the code of round(q · 2^-F2) in the output format (q a signed 128-bit integer; F2 a
 * constant, or the optional second argument: the limb-quire kernel, kernel-cuda-limbs.ts, passes its own).
 * Self-contained C++ (host and device); `QACC_HD` is `__host__ __device__` under nvcc and empty otherwise.
 */
export function simdEncoderSource(output: SimdOutputFormat, F2: number): string {
  const common = `#ifndef QACC_HD
#ifdef __CUDACC__
#define QACC_HD __host__ __device__
#else
#define QACC_HD
#endif
#endif
typedef unsigned __int128 qacc_u128;
QACC_HD static inline int qacc_bitlen(qacc_u128 x) {
  const unsigned long long hi = (unsigned long long)(x >> 64), lo = (unsigned long long)x;
  if (hi) return 128 - __builtin_clzll_qacc(hi);
  return lo ? 64 - __builtin_clzll_qacc(lo) : 0;
}
// x >> s and the bits shifted out, for any s >= 0 (s >= 128 shifts everything out).
QACC_HD static inline qacc_u128 qacc_shr(qacc_u128 x, int s) { return s >= 128 ? (qacc_u128)0 : x >> s; }
QACC_HD static inline qacc_u128 qacc_low(qacc_u128 x, int s) { return s >= 128 ? x : s <= 0 ? (qacc_u128)0 : x & ((((qacc_u128)1) << s) - 1); }
constexpr int QACC_F2 = ${F2};`;
  const clz = `#ifdef __CUDA_ARCH__
#define __builtin_clzll_qacc(v) __clzll((long long)(v))
#else
#define __builtin_clzll_qacc(v) __builtin_clzll(v)
#endif`;
  if (output instanceof FloatFormat) {
    const E = output.exponentBits;
    const M = output.mantissaBits;
    return `${clz}
${common}
// IEEE ${output.name}: exponent ${E} bits, mantissa ${M} bits, bias ${output.bias}; RNE, subnormals, overflow to infinity.
QACC_HD static inline uint32_t qacc_encode_out(__int128 q, const int f2 = QACC_F2) {
  if (q == 0) return 0u;
  const uint32_t sign = q < 0 ? 1u : 0u;
  const qacc_u128 mag = q < 0 ? (qacc_u128)(-q) : (qacc_u128)q;
  const int E = qacc_bitlen(mag) - 1 - f2;                // 2^E <= |x| < 2^(E+1)
  const int emin = 1 - ${output.bias};
  int qe = (E > emin ? E : emin) - ${M};                  // exponent of the result's last place
  const int sh = qe + f2;
  qacc_u128 s;
  if (sh <= 0) s = mag << (-sh);
  else {
    s = qacc_shr(mag, sh);
    const qacc_u128 rem = qacc_low(mag, sh), half = sh > 128 ? (qacc_u128)0 : ((qacc_u128)1) << (sh - 1);
    if (sh <= 128 && (rem > half || (rem == half && (s & 1)))) s += 1;
  }
  if (s == (((qacc_u128)1) << (${M} + 1))) { s >>= 1; qe += 1; }
  uint32_t field = s < (((qacc_u128)1) << ${M}) ? 0u : (uint32_t)(qe + ${M} + ${output.bias});
  if (field >= ${(1 << E) - 1}u) return (sign << ${E + M}) | (${(1 << E) - 1}u << ${M});
  return (sign << ${E + M}) | (field << ${M}) | (uint32_t)(s & ((((qacc_u128)1) << ${M}) - 1));
}
constexpr uint32_t QACC_OUT_NAN = 0x${(output.nanCode ?? 0).toString(16)}u;`;
  }
  const p = output as PositFormat;
  const n = p.n;
  const es = p.es;
  const maxScale = (n - 2) * 2 ** es;
  return `${clz}
${common}
// posit(${n}, ${es}): RNE on the infinitely precise bit string, saturating at minpos/maxpos (never 0 or NaR).
QACC_HD static inline uint32_t qacc_encode_out(__int128 q, const int f2 = QACC_F2) {
  if (q == 0) return 0u;
  const bool neg = q < 0;
  const qacc_u128 mag = neg ? (qacc_u128)(-q) : (qacc_u128)q;
  const int pbits = qacc_bitlen(mag) - 1;                 // fraction bits below the leading one
  const int E = pbits - f2;
  const int keep = ${n - 1};
  uint32_t pat;
  if (E >= ${maxScale}) pat = ${2 ** (n - 1) - 1}u;        // |x| >= maxpos
  else if (E < -${maxScale}) pat = 1u;                     // |x| < minpos
  else {
    const int k = E >= 0 ? (E >> ${es}) : -((-E + ${2 ** es - 1}) >> ${es});
    const uint32_t e = (uint32_t)(E - k * ${2 ** es});
    // head = regime bits then the ${es} exponent bits; hl its length.
    unsigned long long head; int rl;
    if (k >= 0) { rl = k + 2; head = ((1ull << (k + 1)) - 1ull) << 1; } else { rl = -k + 1; head = 1ull; }
    head = (head << ${es}) | e;
    const int hl = rl + ${es};
    const qacc_u128 fr = qacc_low(mag, pbits);            // the fraction bits (pbits of them)
    const int L = hl + pbits;                              // length of the exact bit string
    unsigned long long kept; bool guard = false, sticky = false;
    if (L <= keep) kept = (unsigned long long)(((qacc_u128)head << pbits | fr) << (keep - L));
    else if (hl >= keep) {
      const int c = hl - keep;                             // head bits dropped
      kept = head >> c;
      if (c >= 1) { guard = (head >> (c - 1)) & 1ull; sticky = (head & ((1ull << (c - 1)) - 1ull)) != 0ull || fr != 0; }
      else { guard = pbits >= 1 && ((fr >> (pbits - 1)) & 1); sticky = qacc_low(fr, pbits - 1) != 0; }
    } else {
      const int c = L - keep;                              // fraction bits dropped, 1 <= c <= pbits
      kept = (head << (keep - hl)) | (unsigned long long)qacc_shr(fr, c);
      guard = (qacc_shr(fr, c - 1) & 1) != 0;
      sticky = qacc_low(fr, c - 1) != 0;
    }
    if (guard && (sticky || (kept & 1ull))) kept += 1ull;
    if (kept > ${2 ** (n - 1) - 1}ull) kept = ${2 ** (n - 1) - 1}ull;
    if (kept == 0ull) kept = 1ull;
    pat = (uint32_t)kept;
  }
  return neg ? ((${2 ** n}u - pat) & ${2 ** n - 1}u) : pat;
}
constexpr uint32_t QACC_OUT_NAN = 0x${p.narCode.toString(16)}u;`;
}

export function simdCudaSource(config: SimdMacConfig): string {
  checkSimdMacConfig(config);
  const why = simdCudaUnsupported(config);
  if (why !== undefined) throw new NoKernelError(`simd_mac CUDA: ${why}`);
  const F = simdMacQuire(config).fractionBits;
  const el = config.element;
  const size = 2 ** el.bits;
  const values: string[] = [];
  const special: number[] = [];
  for (let c = 0; c < size; c++) {
    const v = el.decode(c);
    const ok = Number.isFinite(v);
    special.push(ok ? 0 : 1);
    values.push(ok ? `${BigInt(v * 2 ** F)}ll` : '0ll'); // exact: a power-of-two scaling of an element value
  }
  const outBytes = config.output.bits <= 16 ? 2 : 4;
  const elBytes = el.bits <= 8 ? 1 : 2;
  const header = cudaHeader('simd_mac CUDA GEMM (sm_90a), bit-exact with src/pe/simd-mac/golden.ts', [
    `config: element ${el.name}, ${config.lanes} lanes, output ${config.output.name}, exact quire (F = ${F}), maxDotLength ${config.maxDotLength}`,
    `Inputs (run/verify DIR): act.bin, w.bin ${elBytes === 1 ? 'u8' : 'u16'} element codes [M×K], [N×K], meta.txt (m n k); output u${8 * outBytes} codes [M×N].`,
  ]);
  return `${header}
${CUDA_HOST_PRELUDE}
${simdEncoderSource(config.output, 2 * F)}
typedef ${elBytes === 1 ? 'uint8_t' : 'uint16_t'} el_t;
typedef ${outBytes === 2 ? 'uint16_t' : 'uint32_t'} out_t;
// Element value · 2^${F} by code (golden's element table); special: NaN/NaR/inf.
#define SIMD_TABLES(Q) \
  Q const long long EL_SCALED_##Q[${size}] = {${values.join(', ')}}; \
  Q const uint8_t EL_SPECIAL_##Q[${size}] = {${special.join(', ')}};
#define __host_tables__
SIMD_TABLES(__device__)
SIMD_TABLES(__host_tables__)

// One output: the exact quire over k ascending (order is irrelevant to an exact sum), one rounding. The same
// function runs in the kernel and, for the launcher's \`cpu\` mode, on the host (tables passed in).
QACC_HD static inline uint32_t simd_output(const el_t* A, const el_t* W, int m, int n, int K, const long long* scaled, const uint8_t* special) {
  __int128 q = 0; bool poisoned = false;
  for (int k = 0; k < K; k++) {
    const uint32_t a = A[(size_t)m * K + k], b = W[(size_t)n * K + k];
    poisoned |= (special[a] | special[b]) != 0;
    q += (__int128)scaled[a] * (__int128)scaled[b];
  }
  return poisoned ? QACC_OUT_NAN : qacc_encode_out(q);
}

__global__ __launch_bounds__(256) void simd_gemm(const el_t* __restrict__ A, const el_t* __restrict__ W, out_t* __restrict__ Y, int M, int N, int K) {
  const int n = blockIdx.x * blockDim.x + threadIdx.x, m = blockIdx.y * blockDim.y + threadIdx.y;
  if (m >= M || n >= N) return;
  Y[(size_t)m * N + n] = (out_t)simd_output(A, W, m, n, K, EL_SCALED___device__, EL_SPECIAL___device__);
}

int main(int argc, char** argv) {
  const std::string mode = argc >= 3 ? argv[1] : "";
  if (mode != "verify" && mode != "run" && mode != "cpu") { std::fprintf(stderr, "usage: %s verify|run|cpu DIR\\n", argv[0]); return 2; }
  const std::string d = argv[2];
  const int M = meta_get(d, "m", -1), N = meta_get(d, "n", -1), K = meta_get(d, "k", -1);
  if (K > ${config.maxDotLength}) { std::fprintf(stderr, "K = %d exceeds the quire's maxDotLength ${config.maxDotLength}\\n", K); return 1; }
  const auto A = read_bin<el_t>(d + "/act.bin", (size_t)M * K);
  const auto W = read_bin<el_t>(d + "/w.bin", (size_t)N * K);
  const size_t outBytes = (size_t)M * N * sizeof(out_t);
  if (mode == "cpu") {
    // The kernel's per-output function on the host (no GPU needed), against golden's y.bin.
    const auto golden = read_bin<out_t>(d + "/y.bin", (size_t)M * N);
    size_t bad = 0;
    for (int m = 0; m < M; m++) for (int n = 0; n < N; n++)
      if ((out_t)simd_output(A.data(), W.data(), m, n, K, EL_SCALED___host_tables__, EL_SPECIAL___host_tables__) != golden[(size_t)m * N + n]) bad++;
    std::printf("simd_mac %s (M=%d N=%d K=%d) on the host: %zu/%zu mismatches -> %s\\n", d.c_str(), M, N, K, bad, (size_t)M * N, bad == 0 ? "BIT-EXACT" : "FAIL");
    return bad == 0 ? 0 : 1;
  }
  el_t* dA = to_device(A); el_t* dW = to_device(W);
  out_t* Y; CK(cudaMalloc(&Y, outBytes));
  return check_twice(mode, d, Y, outBytes, sizeof(out_t), "simd_mac " + d + " (M=" + std::to_string(M) + " N=" + std::to_string(N) + " K=" + std::to_string(K) + ")", [&] {
    simd_gemm<<<dim3((N + 15) / 16, (M + 15) / 16), dim3(16, 16)>>>(dA, dW, Y, M, N, K);
  });
}
`;
}

/** The KERNELS facet's CUDA member for simd_mac (exact accumulation). Declines others with NoKernelError. */
export function simdCudaKernelSet(t: TargetOf<'simd_mac'>): KernelSet<SimdMacOperands> {
  const config = t.golden;
  const file = 'simd_mac.cu';
  const elBytes: 1 | 2 = config.element.bits <= 8 ? 1 : 2;
  const outBytes: 2 | 4 = config.output.bits <= 16 ? 2 : 4;
  return {
    files: [{ path: file, text: simdCudaSource(config) }],
    entries: [
      {
        entryPoint: 'simd_gemm', file, workgroupSize: [16, 16, 1], dispatch: ['ceil(N/16)', 'ceil(M/16)', '1'],
        bindings: [
          { name: 'A', binding: 0, access: 'read', words: `ceil(M*K/${4 / elBytes})`, packing: `${config.element.name} codes, ${4 / elBytes} per word, element 0 in the low bits, [M×K]` },
          { name: 'W', binding: 1, access: 'read', words: `ceil(N*K/${4 / elBytes})`, packing: `${config.element.name} codes, [N×K]` },
          { name: 'Y', binding: 2, access: 'read_write', words: outBytes === 2 ? 'ceil(M*N/2)' : 'M*N', packing: `${config.output.name} codes [M×N]` },
        ],
      },
    ],
    exactness:
      'Element values · 2^F from the format library as int64, exact products summed in a signed 128-bit quire, one RNE rounding ' +
      'to the output (IEEE with subnormals and overflow to infinity, or posit on the exact bit string, saturating); NaN/NaR/inf operands poison.',
    launch(ops: SimdMacOperands): KernelLaunch {
      return {
        params: { m: ops.m, n: ops.n, k: ops.k },
        inputs: { act: codesToWords(ops.activations, elBytes), w: codesToWords(ops.weights, elBytes) },
        output: { name: 'out', words: Math.ceil((ops.m * ops.n * outBytes) / 4) },
        passes: [{ entryPoint: 'simd_gemm', workgroups: [Math.ceil(ops.n / 16), Math.ceil(ops.m / 16), 1] }],
      };
    },
    outputCodes: (words: Uint32Array, ops: SimdMacOperands) => wordsToCodes(words, ops.m * ops.n, outBytes),
  };
}
