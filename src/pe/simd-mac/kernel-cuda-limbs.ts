/**
 * CUDA reference kernel of `simd_mac` with a multi-limb quire (issue 14): the configs the 128-bit kernel of
 * kernel-cuda.ts declines — `round-each-step` accumulation, and `exact` quires wider than 127 bits (e.g. bf16
 * or fp8_e5m2 elements). One .cu file (kernel + launcher) for sm_90a computing golden.ts's simdMacGemm bit for
 * bit; its per-output function is `__host__ __device__`, so the launcher's `cpu` mode checks it on the host.
 * - Elements decode through a table emitted from the format library (as golden's element tables):
 *   |v|·2^F = m·2^s with m < 2^16, sign and special (NaN/NaR/inf) flags. A product m_a·m_b is an exact u32
 *   added at bit s_a + s_b + (F2q − 2F) of a two's complement quire in NL u32 limbs, LSB 2^−F2q.
 * - `exact`: F2q = 2F, the quire sized by golden's simdMacQuire (it cannot overflow for K ≤ maxDotLength);
 *   one rounding at the end.
 * - `round-each-step`: F2q also reaches the output format's finest quantum, so every output value is exact on
 *   the quire's grid. After each step (one operand word: `lanes` elements, k ascending) the quire is rounded to
 *   the output (acc ← round_out(acc + step sum), golden's order) and replaced by the rounded value, decoded from
 *   its code; an IEEE result that overflowed stays ±inf; a −0 from rounding is kept as the step's code (the
 *   next addition gives +0 for a zero sum, as golden's float64 does).
 * - Rounding from limbs: |Q| is cut to its top 120 bits with every lower bit jammed into the LSB (a sticky
 *   bit ≥ 90 bits below the rounding point), then rounded by kernel-cuda.ts's encoder (qacc_encode_out, RNE,
 *   IEEE with subnormals and overflow to infinity, posit on the exact bit string, saturating).
 * NaN/NaR/inf operands give the output's NaN/NaR. Launcher inputs as kernel-cuda.ts's: act.bin / w.bin element
 * codes (u8 or u16) [M×K], [N×K], meta.txt (m n k); output u16 or u32 codes [M×N].
 */
import { FloatFormat } from '../../formats/float.js';
import type { PositFormat } from '../../formats/posit.js';
import { CUDA_HOST_PRELUDE, codesToWords, cudaHeader, wordsToCodes } from '../../codegen/cuda/host.js';
import { NoKernelError, type KernelLaunch, type KernelSet } from '../../codegen/kernels/manifest.js';
import type { TargetOf } from '../facets/compile.js';
import { checkSimdMacConfig, simdMacQuire, simdQuireWidth, type SimdMacConfig, type SimdMacOperands, type SimdOutputFormat } from './golden.js';
import { simdEncoderSource } from './kernel-cuda.js';

/** The widest quire the kernel builds (bits); the per-thread limb array lives in registers / local memory. */
const MAX_QUIRE_BITS = 1024;

/** Quire geometry: LSB 2^−F2q, W bits (sign and carries included). */
interface LimbQuire {
  readonly f2q: number;
  readonly bits: number;
}

/** log2 of the output's largest finite magnitude, rounded up, and its finest quantum's exponent (negated). */
function outputRange(out: SimdOutputFormat): { readonly topBits: number; readonly quantum: number } {
  if (out instanceof FloatFormat) {
    const emax = 2 ** out.exponentBits - 2 - out.bias;
    return { topBits: emax + 1, quantum: out.bias + out.mantissaBits - 1 };
  }
  const p = out as PositFormat;
  const maxScale = (p.n - 2) * 2 ** p.es;
  // Every posit value is a multiple of 2^−(maxScale + n) (a bound: fraction bits < n), at most 2^maxScale.
  return { topBits: maxScale + 1, quantum: maxScale + p.n };
}

/** The quire a config needs: exact = golden's quire; round-each-step = output range plus one step's sum. */
function limbQuire(config: SimdMacConfig): LimbQuire {
  const q = simdMacQuire(config);
  const F2 = 2 * q.fractionBits;
  if (config.accumulation === 'exact') return { f2q: F2, bits: q.width };
  const { topBits, quantum } = outputRange(config.output);
  const f2q = Math.max(F2, quantum);
  const step = simdQuireWidth([config.element], config.lanes);
  return { f2q, bits: Math.max(topBits + f2q, step.width - 1 + (f2q - F2)) + 2 };
}

/** Why the limb kernel cannot take a config, or undefined when it can. */
export function simdLimbsCudaUnsupported(config: SimdMacConfig): string | undefined {
  if (config.element.bits > 16) return 'elements wider than 16 bits have no CUDA kernel';
  if (config.output.bits > 32) return 'outputs wider than 32 bits have no CUDA kernel';
  const q = limbQuire(config);
  if (q.bits > MAX_QUIRE_BITS) return `the quire needs ${q.bits} bits, more than the limb kernel's ${MAX_QUIRE_BITS}`;
  return undefined;
}

/** The output decoder (code → ±sig · 2^e2, finite codes only: never NaN/NaR or inf). */
function decoderSource(out: SimdOutputFormat): string {
  if (out instanceof FloatFormat) {
    const E = out.exponentBits;
    const M = out.mantissaBits;
    return `// IEEE ${out.name}: code -> (-1)^neg · sig · 2^e2.
QACC_HD static inline void out_decode(uint32_t code, bool& neg, uint32_t& sig, int& e2) {
  neg = ((code >> ${E + M}) & 1u) != 0u;
  const uint32_t field = (code >> ${M}) & ${2 ** E - 1}u, frac = code & ${2 ** M - 1}u;
  if (field == 0u) { sig = frac; e2 = ${1 - out.bias - M}; } else { sig = frac | ${2 ** M}u; e2 = (int)field - ${out.bias + M}; }
}
// An IEEE result that overflowed: ±inf.
QACC_HD static inline bool out_is_inf(uint32_t code) { return (code & ${2 ** (E + M) - 1}u) == ${(2 ** E - 1) * 2 ** M}u; }`;
  }
  const p = out as PositFormat;
  const n = p.n;
  return `// posit(${n}, ${p.es}): code -> (-1)^neg · sig · 2^e2 (regime, exponent bits past the end read as 0, fraction).
QACC_HD static inline void out_decode(uint32_t code, bool& neg, uint32_t& sig, int& e2) {
  const uint64_t full = ${2n ** BigInt(n)}ull;
  neg = ((code >> ${n - 1}) & 1u) != 0u;
  const uint32_t pat = neg ? (uint32_t)((full - code) & (full - 1ull)) : code;
  int i = ${n - 2};
  const uint32_t r0 = (pat >> i) & 1u;
  int run = 0;
  while (i >= 0 && ((pat >> i) & 1u) == r0) { run++; i--; }
  const int k = r0 ? run - 1 : -run;
  i--;                                                         // the regime's terminating bit
  int e = 0;
  for (int b = 0; b < ${p.es}; b++) { e <<= 1; if (i >= 0) { e |= (int)((pat >> i) & 1u); i--; } }
  const int fl = i + 1 > 0 ? i + 1 : 0;
  sig = (1u << fl) | (fl > 0 ? pat & ((1u << fl) - 1u) : 0u);
  e2 = k * ${2 ** p.es} + e - fl;
}
QACC_HD static inline bool out_is_inf(uint32_t) { return false; }   // posits saturate`;
}

export function simdLimbsCudaSource(config: SimdMacConfig): string {
  checkSimdMacConfig(config);
  const why = simdLimbsCudaUnsupported(config);
  if (why !== undefined) throw new NoKernelError(`simd_mac CUDA: ${why}`);
  const F = simdMacQuire(config).fractionBits;
  const { f2q, bits } = limbQuire(config);
  const NL = Math.ceil(bits / 32) + 1;
  const el = config.element;
  const table: string[] = [];
  for (let c = 0; c < 2 ** el.bits; c++) {
    const v = el.decode(c);
    if (!Number.isFinite(v)) {
      table.push('0x20000000u');
      continue;
    }
    let mag = BigInt(Math.abs(v) * 2 ** F); // exact: a power-of-two scaling of an element value
    let s = 0;
    while (mag !== 0n && (mag & 1n) === 0n) {
      mag >>= 1n;
      s++;
    }
    if (mag >= 1n << 16n || s >= 4096) throw new NoKernelError(`simd_mac CUDA: ${el.name} value ${v} has more than 16 significant bits`);
    table.push(`0x${(Number(mag) | (s << 16) | (v < 0 || Object.is(v, -0) ? 1 << 28 : 0)).toString(16)}u`);
  }
  const outBytes = config.output.bits <= 16 ? 2 : 4;
  const elBytes = el.bits <= 8 ? 1 : 2;
  const res = config.accumulation === 'round-each-step';
  const header = cudaHeader('simd_mac CUDA GEMM with a multi-limb quire (sm_90a), bit-exact with src/pe/simd-mac/golden.ts', [
    `config: element ${el.name}, ${config.lanes} lanes, output ${config.output.name}, ${config.accumulation} accumulation, maxDotLength ${config.maxDotLength}`,
    `quire: ${NL} u32 limbs (${bits} bits needed), LSB 2^-${f2q}; element F = ${F}`,
    `Inputs (run/verify/cpu DIR): act.bin, w.bin ${elBytes === 1 ? 'u8' : 'u16'} element codes [M×K], [N×K], meta.txt (m n k); output u${8 * outBytes} codes [M×N].`,
  ]);
  return `${header}
${CUDA_HOST_PRELUDE}
${simdEncoderSource(config.output, f2q)}
${decoderSource(config.output)}
typedef ${elBytes === 1 ? 'uint8_t' : 'uint16_t'} el_t;
typedef ${outBytes === 2 ? 'uint16_t' : 'uint32_t'} out_t;
constexpr int NL = ${NL};                 // quire limbs (u32, little-endian, two's complement)
constexpr int F2Q = ${f2q};               // quire LSB 2^-F2Q
constexpr int PSHIFT = ${f2q - 2 * F};     // a product's m_a·m_b lands at bit s_a + s_b + PSHIFT
constexpr int LANES = ${config.lanes};
constexpr bool ROUND_EACH_STEP = ${res};
// Element code -> m | s << 16 | neg << 28 | special << 29 with |v|·2^${F} = m·2^s (golden's element tables).
#define SIMD_LIMB_TABLE(Q) Q const uint32_t EL_##Q[${2 ** el.bits}] = {${table.join(', ')}};
#define __host_tables__
SIMD_LIMB_TABLE(__device__)
SIMD_LIMB_TABLE(__host_tables__)

// q += (neg ? -1 : 1) · v · 2^shift (v < 2^32, 0 <= shift < 32·NL - 64): a 64-bit window at limb shift/32, the
// carry (or borrow) run through every higher limb.
QACC_HD static inline void q_add(uint32_t* q, uint32_t v, int shift, bool neg) {
  const int lo = shift >> 5, bo = shift & 31;
  const uint64_t x = (uint64_t)v << bo;
  uint64_t c = 0;
  for (int i = 0; i < NL; i++) {
    const uint32_t w = i == lo ? (uint32_t)x : i == lo + 1 ? (uint32_t)(x >> 32) : 0u;
    if (!neg) { const uint64_t t = (uint64_t)q[i] + w + c; q[i] = (uint32_t)t; c = t >> 32; }
    else { const uint64_t t = (uint64_t)q[i] - w - c; q[i] = (uint32_t)t; c = (t >> 63) & 1u; }
  }
}

// The output code of round(Q · 2^-F2Q): |Q| cut to its top 120 bits, the rest jammed into the LSB (sticky),
// then the encoder with the matching exponent.
QACC_HD static inline uint32_t q_round(const uint32_t* q) {
  uint32_t m[NL];
  const bool neg = (q[NL - 1] >> 31) != 0u;
  uint64_t c = 1;
  for (int i = 0; i < NL; i++) { if (neg) { const uint64_t t = (uint64_t)(~q[i]) + c; m[i] = (uint32_t)t; c = t >> 32; } else m[i] = q[i]; }
  int top = NL - 1;
  while (top >= 0 && m[top] == 0u) top--;
  if (top < 0) return qacc_encode_out((__int128)0, F2Q);
  int bl = 32 * top;
  for (uint32_t t = m[top]; t != 0u; t >>= 1) bl++;          // bit length of |Q|
  const int cut = bl > 120 ? bl - 120 : 0;
  qacc_u128 v = 0;
  for (int b = 0; b < 4; b++) {                               // bits [cut, cut + 128) of |Q|
    const int pos = cut + 32 * b, li = pos >> 5, sh = pos & 31;
    uint64_t w = li < NL ? m[li] : 0u;
    if (li + 1 < NL) w |= (uint64_t)m[li + 1] << 32;
    v |= (qacc_u128)(uint32_t)(w >> sh) << (32 * b);
  }
  bool sticky = false;
  for (int i = 0; i < NL; i++) {
    const int below = cut - 32 * i;                           // bits of limb i below the cut
    if (below >= 32) sticky |= m[i] != 0u;
    else if (below > 0) sticky |= (m[i] & ((1u << below) - 1u)) != 0u;
  }
  if (sticky) v |= 1u;
  return qacc_encode_out(neg ? -(__int128)v : (__int128)v, F2Q - cut);
}

// One output: the dot product of A's row m and W's row n, golden's simdMacAccumulate + simdMacOutputCode.
QACC_HD static inline uint32_t simd_output(const el_t* A, const el_t* W, int m, int n, int K, const uint32_t* tab) {
  uint32_t q[NL];
  for (int i = 0; i < NL; i++) q[i] = 0u;
  bool poisoned = false, inf = false;
  uint32_t code = 0u;                                         // round-each-step: the last step's rounded code
  for (int s = 0; s < K; s += LANES) {
    const int end = s + LANES < K ? s + LANES : K;
    for (int k = s; k < end; k++) {
      const uint32_t ea = tab[A[(size_t)m * K + k]], eb = tab[W[(size_t)n * K + k]];
      poisoned |= ((ea | eb) & 0x20000000u) != 0u;
      const uint32_t p = (ea & 0xffffu) * (eb & 0xffffu);
      if (p != 0u) q_add(q, p, (int)((ea >> 16) & 0xfffu) + (int)((eb >> 16) & 0xfffu) + PSHIFT, ((ea ^ eb) >> 28) & 1u);
    }
    if (ROUND_EACH_STEP && !inf) {
      code = q_round(q);
      if (out_is_inf(code)) { inf = true; continue; }       // ±inf + finite = ±inf for the rest of the dot product
      bool neg; uint32_t sig; int e2;
      for (int i = 0; i < NL; i++) q[i] = 0u;
      if ((code & ${2 ** (config.output.bits - 1) - 1}u) != 0u) { out_decode(code, neg, sig, e2); q_add(q, sig, e2 + F2Q, neg); }
    }
  }
  if (poisoned) return QACC_OUT_NAN;
  return ROUND_EACH_STEP ? (K == 0 ? 0u : code) : q_round(q);
}

__global__ __launch_bounds__(128) void simd_limb_gemm(const el_t* __restrict__ A, const el_t* __restrict__ W, out_t* __restrict__ Y, int M, int N, int K) {
  const int n = blockIdx.x * blockDim.x + threadIdx.x;
  if (n >= N) return;
  for (int m = blockIdx.y; m < M; m += gridDim.y) Y[(size_t)m * N + n] = (out_t)simd_output(A, W, m, n, K, EL___device__);
}

int main(int argc, char** argv) {
  const std::string mode = argc >= 3 ? argv[1] : "";
  if (mode != "verify" && mode != "run" && mode != "cpu") { std::fprintf(stderr, "usage: %s verify|run|cpu DIR\\n", argv[0]); return 2; }
  const std::string d = argv[2];
  const int M = meta_get(d, "m", -1), N = meta_get(d, "n", -1), K = meta_get(d, "k", -1);
  if (!ROUND_EACH_STEP && K > ${config.maxDotLength}) { std::fprintf(stderr, "K = %d exceeds the quire's maxDotLength ${config.maxDotLength}\\n", K); return 1; }
  const auto A = read_bin<el_t>(d + "/act.bin", (size_t)M * K);
  const auto W = read_bin<el_t>(d + "/w.bin", (size_t)N * K);
  const size_t outBytes = (size_t)M * N * sizeof(out_t);
  if (mode == "cpu") {
    // The kernel's per-output function on the host (no GPU needed), against golden's y.bin.
    const auto golden = read_bin<out_t>(d + "/y.bin", (size_t)M * N);
    size_t bad = 0;
    for (int m = 0; m < M; m++) for (int n = 0; n < N; n++)
      if ((out_t)simd_output(A.data(), W.data(), m, n, K, EL___host_tables__) != golden[(size_t)m * N + n]) { if (bad < 5) std::printf("  mismatch at output %d\\n", m * N + n); bad++; }
    std::printf("simd_mac %s (M=%d N=%d K=%d) on the host: %zu/%zu mismatches -> %s\\n", d.c_str(), M, N, K, bad, (size_t)M * N, bad == 0 ? "BIT-EXACT" : "FAIL");
    return bad == 0 ? 0 : 1;
  }
  el_t* dA = to_device(A); el_t* dW = to_device(W);
  out_t* Y; CK(cudaMalloc(&Y, std::max<size_t>(outBytes, 1)));
  return check_twice(mode, d, Y, outBytes, sizeof(out_t), "simd_mac (limb quire) " + d + " (M=" + std::to_string(M) + " N=" + std::to_string(N) + " K=" + std::to_string(K) + ")", [&] {
    simd_limb_gemm<<<dim3((N + 127) / 128, std::min(M, 65535)), 128>>>(dA, dW, Y, M, N, K);
  });
}
`;
}

/** The KERNELS facet's CUDA member for the simd_mac configs the 128-bit kernel declines. */
export function simdLimbsCudaKernelSet(t: TargetOf<'simd_mac'>): KernelSet<SimdMacOperands> {
  const config = t.golden;
  const file = 'simd_mac_limbs.cu';
  const elBytes: 1 | 2 = config.element.bits <= 8 ? 1 : 2;
  const outBytes: 2 | 4 = config.output.bits <= 16 ? 2 : 4;
  return {
    files: [{ path: file, text: simdLimbsCudaSource(config) }],
    entries: [
      {
        entryPoint: 'simd_limb_gemm', file, workgroupSize: [128, 1, 1], dispatch: ['ceil(N/128)', 'min(M, 65535)', '1'],
        bindings: [
          { name: 'A', binding: 0, access: 'read', words: `ceil(M*K/${4 / elBytes})`, packing: `${config.element.name} codes, ${4 / elBytes} per word, element 0 in the low bits, [M×K]` },
          { name: 'W', binding: 1, access: 'read', words: `ceil(N*K/${4 / elBytes})`, packing: `${config.element.name} codes, [N×K]` },
          { name: 'Y', binding: 2, access: 'read_write', words: outBytes === 2 ? 'ceil(M*N/2)' : 'M*N', packing: `${config.output.name} codes [M×N]` },
        ],
      },
    ],
    exactness:
      'Elements |v|·2^F = m·2^s from the format library; exact u32 products m_a·m_b added at their bit into a two\'s complement quire of u32 limbs ' +
      '(exact: golden\'s quire width; round-each-step: down to the output\'s finest quantum, rounded to the output after every operand word and ' +
      'replaced by the rounded value, IEEE overflow kept as ±inf); each rounding RNE on the top 120 bits with the rest as a sticky bit; ' +
      'NaN/NaR/inf operands poison.',
    launch(ops: SimdMacOperands): KernelLaunch {
      return {
        params: { m: ops.m, n: ops.n, k: ops.k },
        inputs: { act: codesToWords(ops.activations, elBytes), w: codesToWords(ops.weights, elBytes) },
        output: { name: 'out', words: Math.ceil((ops.m * ops.n * outBytes) / 4) },
        passes: [{ entryPoint: 'simd_limb_gemm', workgroups: [Math.ceil(ops.n / 128), Math.min(ops.m, 65535), 1] }],
      };
    },
    outputCodes: (words: Uint32Array, ops: SimdMacOperands) => wordsToCodes(words, ops.m * ops.n, outBytes),
  };
}
