/**
 * CUDA reference kernel of `bit_serial_mod` for every config golden accepts (issue 14): both datapaths
 * (`qacc` with 1-16 lanes, the authors' `bitmod_rtl`), every weight type (BitMoD/fp4 and int2-int8, up to 4
 * Booth cycles), any group size, candidates with different term schedules mixed per group. The table-driven
 * GEMV of kernel-cuda.ts is the fast path for the configs it takes; this one covers the rest.
 * One thread per output (m, n) runs golden's group datapath in 32-bit integers exactly as golden.ts's
 * runGroupN (qacc) or golden-authors.ts's bitmodRtlGroupDot (bitmod_rtl) do, from a term table flattened on
 * the host from golden's termSchedule; each group's value is then an exact fp32 (an integer R < 2^23 times a
 * power of two), the groups are summed in ascending order with __fadd_rn (golden's stage 5, no atomics) and
 * C · channel scale is formed exactly in double and rounded once to the output. The same group and output
 * functions are `__host__ __device__`: the launcher's `cpu` mode runs them on the host against golden's y.bin,
 * which is how the test suite checks the kernel without a GPU (test/codegen/cuda/bitmod-int-host.test.ts).
 * Launcher inputs (DIR): act.bin u16 fp16 codes [M×K], w.bin u8 weight codes [N×K], sel.bin u8 [N×G],
 * gscale.bin u8 [N×G], cscale.bin u16 [N], meta.txt (m n k) — the files of kernel-cuda.ts's launch().
 */
import { FP16, FP32 } from '../../formats/float.js';
import { CUDA_HOST_PRELUDE, codesToWords, cudaHeader, wordsToCodes } from '../../codegen/cuda/host.js';
import { NoKernelError, type KernelLaunch, type KernelSet } from '../../codegen/kernels/manifest.js';
import type { TargetOf } from '../facets/compile.js';
import { bitSerialConfigGeometry, checkBitSerialModConfig, termSchedule, type BitSerialModConfig, type BitSerialModOperands } from './golden.js';
import { BITMOD_RTL_MAX_ACC_SHIFT } from './golden-authors.js';
import { BITMOD_GEOMETRY } from './golden-geometry.js';

/** Table stride per code: at most 4 cycles (int7/int8 have 4 Booth digits). */
const MAX_CYCLES = 4;

/**
 * The term table [candidate][code < 2^maxBits][cycle < 4] of golden's termSchedule, each term packed as
 * bit | exponent << 1 | sign << 3 (a byte); codes past a type's width and absent cycles are 0 (no term).
 */
function termTable(config: BitSerialModConfig, codeStride: number): number[] {
  const table = new Array<number>(config.candidates.length * codeStride * MAX_CYCLES).fill(0);
  config.candidates.forEach((type, ti) => {
    const s = termSchedule(type);
    if (s.cycles > MAX_CYCLES) throw new NoKernelError(`bit_serial_mod CUDA: type ${type} has ${s.cycles} cycles (at most ${MAX_CYCLES})`);
    for (let code = 0; code < 2 ** s.bits; code++) {
      s.terms(code).forEach((t, c) => {
        table[(ti * codeStride + code) * MAX_CYCLES + c] = t.bit | (t.exponent << 1) | (t.sign << 3);
      });
    }
  });
  return table;
}

/** The .cu source (kernel `bsi_gemm` + launcher) for a bit_serial_mod config. */
export function bitSerialIntCudaSource(config: BitSerialModConfig): string {
  checkBitSerialModConfig(config);
  const rtl = config.datapath === 'bitmod_rtl';
  const geo = bitSerialConfigGeometry(config);
  const scheds = config.candidates.map((t) => termSchedule(t));
  const maxBits = Math.max(...scheds.map((s) => s.bits));
  const codeStride = 2 ** maxBits;
  const pad = (xs: readonly number[]): number[] => [...xs, ...new Array<number>(MAX_CYCLES - xs.length).fill(0)];
  const table = termTable(config, codeStride);
  const nan = `0x${((config.output === 'fp16' ? FP16 : FP32).nanCode as number).toString(16)}u`;
  const header = cudaHeader(`bit_serial_mod CUDA GEMM, any config (sm_90a), bit-exact with src/pe/bit-serial-mod/${rtl ? 'golden-authors.ts' : 'golden.ts'}`, [
    `config: ${JSON.stringify(config)}`,
    'Inputs (run/verify/cpu DIR): act.bin u16 fp16 codes [M×K], w.bin u8 weight codes [N×K], sel.bin u8 selectors [N×G],',
    `gscale.bin u8 group scales [N×G], cscale.bin u16 fp16 channel scales [N], meta.txt (m n k); golden y.bin / output out.bin: ${config.output} codes [M×N].`,
    'Device layout: the same arrays, row-major, one element per byte / half-word.',
  ]);
  const qaccGroup = `  // golden.ts runGroupN: per step of LANES weights and per cycle, stages 1-3 in integers.
  int accS = 0, accM = 0, accX = 0;
  for (int base = 0; base < len; base += LANES) {
    const int width = len - base < LANES ? len - base : LANES;
    for (int c = 0; c < cyc; c++) {
      int sg[LANES], pe[LANES], ng[LANES];
      int pmax = 0;
      for (int i = 0; i < width; i++) {
        const uint32_t av = a[base + i], t = bsi_term(sel, w[base + i], c);
        const uint32_t e = (av >> 10) & 31u, s = e == 31u ? 0u : ((e ? 0x400u : 0u) | (av & 0x3ffu));
        const bool on = (t & 1u) && s != 0u;                       // stage 1: lane active iff term bit and A != 0
        sg[i] = on ? (int)s : 0;
        pe[i] = on ? (int)(e ? e : 1u) + (int)((t >> 1) & 3u) : 0;  // P = Ea + e
        ng[i] = (int)(((av >> 15) ^ (t >> 3)) & 1u);
        pmax = pe[i] > pmax ? pe[i] : pmax;
      }
      int L = 0;                                                   // stage 2: truncating alignment, exact lane sum
      for (int i = 0; i < width; i++) {
        const int d = pmax - pe[i];
        const int al = d >= ALIGN_BITS ? 0 : (sg[i] << GUARD_BITS) >> d;
        L += ng[i] ? -al : al;
      }
      if (L == 0) continue;                                        // a zero lane sum leaves the accumulator as it is
      const int term = L * (1 << bsi_sig(sel, c));                 // stage 3: floor-align, add, normalize to 15 bits
      const int accLsb = accX - (MANT_BITS - 1), accV = accS ? -accM : accM;
      int e, sum;
      if (pmax >= accLsb) { e = pmax; sum = bsi_floor_shift(accV, pmax - accLsb) + term; }
      else { e = accLsb; sum = accV + bsi_floor_shift(term, accLsb - pmax); }
      if (sum == 0) { accS = 0; accM = 0; accX = 0; continue; }
      const uint32_t mag = (uint32_t)(sum < 0 ? -sum : sum);
      const int n = 32 - bsi_clz(mag);
      accX = e + n - 1;
      accM = (int)(n > MANT_BITS ? mag >> (n - MANT_BITS) : mag << (MANT_BITS - n));
      accS = sum < 0 ? 1 : 0;
    }
  }
  // Stage 4: R = M · scale exactly (< 2^23); the value (-1)^S · R · 2^(X - 14 + u - 28) is an exact fp32.
  const uint32_t r = (uint32_t)accM * scale;
  if (r == 0u) return 0.0f;
  const float v = mul_rn((float)r, bsi_pow2(accX - (MANT_BITS - 1) + bsi_uexp(sel) + LSB_EXP));
  return accS ? -v : v;`;
  const rtlGroup = `  // golden-authors.ts bitmodRtlGroupDot: 4 lanes, every lane's product exponent in the max (a lane past the
  // group's end: a +0 activation with no term, P = 1); the signed 15-bit mantissa M right-shifted to
  // max(x, Pmax) (0 past ${BITMOD_RTL_MAX_ACC_SHIFT}), T = L · 2^sig added unshifted with 23-bit wrap-around,
  // normalized only on overflow; every step-cycle, also when L = 0.
  int accM = 0, accX = 0;
  for (int base = 0; base < len; base += LANES) {
    for (int c = 0; c < cyc; c++) {
      int sg[LANES], pe[LANES], ng[LANES];
      int pmax = 0;
      for (int i = 0; i < LANES; i++) {
        sg[i] = 0; pe[i] = 1; ng[i] = 0;
        if (base + i < len) {
          const uint32_t av = a[base + i], t = bsi_term(sel, w[base + i], c);
          const uint32_t e = (av >> 10) & 31u;
          sg[i] = (t & 1u) && e != 31u ? (int)((e ? 0x400u : 0u) | (av & 0x3ffu)) : 0;
          pe[i] = (int)(e ? e : 1u) + (int)((t >> 1) & 3u);
          ng[i] = (int)(((av >> 15) ^ (t >> 3)) & 1u);
        }
        pmax = pe[i] > pmax ? pe[i] : pmax;
      }
      int L = 0;
      for (int i = 0; i < LANES; i++) {
        const int d = pmax - pe[i];
        const int al = d >= ALIGN_BITS ? 0 : (sg[i] << GUARD_BITS) >> d;
        L += ng[i] ? -al : al;
      }
      const int mx = accX > pmax ? accX : pmax, d = mx - accX;
      const int shifted = d <= ${BITMOD_RTL_MAX_ACC_SHIFT} ? accM >> d : 0;         // floor (arithmetic shift)
      const int sum = bsi_wrap(L * (1 << bsi_sig(sel, c)) + shifted, ADDER_BITS);
      const uint32_t q = (uint32_t)(sum < 0 ? -sum : sum);
      const int p = q == 0u || q >= (1u << (ADDER_BITS - 1)) ? -1 : 31 - bsi_clz(q);
      const int k = p > MANT_BITS - 2 ? p - (MANT_BITS - 2) : 0;
      accM = bsi_wrap(sum >> k, MANT_BITS);
      accX = (mx + k) & ${2 ** geo.exponentBits - 1};
    }
  }
  // Stage 4: R = M · scale (signed, exact); the value R · 2^(x + u - 28) is an exact fp32.
  const int r = accM * (int)scale;
  if (r == 0) return 0.0f;
  return mul_rn((float)r, bsi_pow2(accX + bsi_uexp(sel) + LSB_EXP));`;
  return `${header}
${CUDA_HOST_PRELUDE}
constexpr int GS = ${config.groupSize};
constexpr int LANES = ${rtl ? BITMOD_GEOMETRY.lanes : geo.lanes};
constexpr int GUARD_BITS = ${geo.guardBits};
constexpr int ALIGN_BITS = ${geo.alignBits};
[[maybe_unused]] constexpr int ADDER_BITS = ${geo.adderBits};
constexpr int MANT_BITS = ${geo.mantissaBits};
constexpr int LSB_EXP = ${geo.lsbExponent};
constexpr int CODES = ${codeStride};      // table stride per candidate: 2^(widest candidate's bits)
constexpr bool OUT_FP16 = ${config.output === 'fp16'};

// Golden's term schedules (termSchedule): [candidate][code][cycle < ${MAX_CYCLES}], bit | exponent << 1 | sign << 3.
#define BSI_TERMS { ${table.join(', ')} }
// Per candidate: cycles, the cycles' bit-significance shifts, the unit exponent u.
#define BSI_CYC { ${scheds.map((s) => s.cycles).join(', ')} }
#define BSI_SIGS { ${scheds.flatMap((s) => pad(s.sigs)).join(', ')} }
#define BSI_UEXP { ${scheds.map((s) => s.unitExponent).join(', ')} }
__constant__ uint8_t TERMS_DEV[] = BSI_TERMS;
__constant__ int CYC_DEV[] = BSI_CYC;
__constant__ int SIGS_DEV[] = BSI_SIGS;
__constant__ int UEXP_DEV[] = BSI_UEXP;
[[maybe_unused]] static const uint8_t TERMS_HOST[] = BSI_TERMS;
[[maybe_unused]] static const int CYC_HOST[] = BSI_CYC;
[[maybe_unused]] static const int SIGS_HOST[] = BSI_SIGS;
[[maybe_unused]] static const int UEXP_HOST[] = BSI_UEXP;

// The device side uses the _rn intrinsics (never contracted); the host side plain binary32/64 operations (RN;
// x86-64 without FMA does not contract). Every product below is exact, every sum is golden's fp32 addition.
#ifdef __CUDA_ARCH__
#define BSI_T(name) name##_DEV
static __device__ __forceinline__ float add_rn(float a, float b) { return __fadd_rn(a, b); }
static __device__ __forceinline__ float mul_rn(float a, float b) { return __fmul_rn(a, b); }
static __device__ __forceinline__ double dmul_rn(double a, double b) { return __dmul_rn(a, b); }
static __device__ __forceinline__ int bsi_clz(uint32_t x) { return __clz((int)x); }
static __device__ __forceinline__ float bsi_u2f(uint32_t u) { return __uint_as_float(u); }
static __device__ __forceinline__ uint32_t bsi_f2u(float f) { return __float_as_uint(f); }
#else
#define BSI_T(name) name##_HOST
static inline float add_rn(float a, float b) { volatile float x = a, y = b; volatile float r = x + y; return r; }
static inline float mul_rn(float a, float b) { volatile float x = a, y = b; volatile float r = x * y; return r; }
static inline double dmul_rn(double a, double b) { volatile double x = a, y = b; volatile double r = x * y; return r; }
static inline int bsi_clz(uint32_t x) { return x == 0u ? 32 : __builtin_clz(x); }
static inline float bsi_u2f(uint32_t u) { float f; std::memcpy(&f, &u, 4); return f; }
static inline uint32_t bsi_f2u(float f) { uint32_t u; std::memcpy(&u, &f, 4); return u; }
#endif
static __host__ __device__ inline uint32_t bsi_term(uint32_t sel, uint32_t code, int c) { return BSI_T(TERMS)[(sel * CODES + code) * ${MAX_CYCLES} + c]; }
static __host__ __device__ inline int bsi_sig(uint32_t sel, int c) { return BSI_T(SIGS)[sel * ${MAX_CYCLES} + c]; }
static __host__ __device__ inline int bsi_uexp(uint32_t sel) { return BSI_T(UEXP)[sel]; }
// 2^e as an fp32 (normal range only: the group values' exponents stay within [-50, 60]).
static __host__ __device__ inline float bsi_pow2(int e) { return bsi_u2f((uint32_t)(e + 127) << 23); }
// Golden's floorShift: arithmetic right shift (floor division by 2^d) of |x| < 2^25, any d >= 0.
[[maybe_unused]] static __host__ __device__ inline int bsi_floor_shift(int x, int d) { return d >= 25 ? (x < 0 ? -1 : 0) : x >> d; }
// x wrapped to a bits-bit two's complement value.
[[maybe_unused]] static __host__ __device__ inline int bsi_wrap(int x, int bits) { return (int)((uint32_t)x << (32 - bits)) >> (32 - bits); }

// One group (len <= GS weights): golden's stages 1-4. a: the row's activation codes, w: the channel's weight
// codes of candidate sel, scale: the 8-bit group scale. Returns the exact fp32 group value, NaN when an
// activation of the group is inf/NaN (golden's bitSerialModGroupValue).
static __host__ __device__ float bsi_group(const uint16_t* a, const uint8_t* w, int len, uint32_t sel, uint32_t scale) {
  for (int i = 0; i < len; i++) if (((a[i] >> 10) & 31u) == 31u) return bsi_u2f(0x7fc00000u);
  const int cyc = BSI_T(CYC)[sel];
${rtl ? rtlGroup : qaccGroup}
}

// Golden stage 5's result and the output: Y = round_out(C · s_ch), the product exact in double, one RNE rounding;
// NaN gives golden's canonical NaN code.
static __host__ __device__ inline uint32_t bsi_output(float c, uint16_t cs) {
  const double y = dmul_rn((double)c, (double)__half2float(__ushort_as_half(cs)));
  if (y != y) return ${nan};
  if (OUT_FP16) return (uint32_t)__half_as_ushort(__double2half(y));
  return bsi_f2u((float)y);  // one RNE rounding (host and device conversions round to nearest even)
}

// One output (m, n): the groups ascending from C = +0, C = fp32(C + group) (golden's stage 5), then the output.
static __host__ __device__ inline uint32_t bsi_dot(const uint16_t* arow, const uint8_t* wrow, const uint8_t* sel, const uint8_t* gsc, uint16_t cs, int K, int G) {
  float c = 0.0f;
  for (int g = 0; g < G; g++) {
    const int start = g * GS, len = (K - start < GS ? K - start : GS);
    c = add_rn(c, bsi_group(arow + start, wrow + start, len, sel[g], gsc[g]));
  }
  return bsi_output(c, cs);
}

// One thread per output: n = blockIdx.x · 128 + threadIdx.x, rows m = blockIdx.y, + gridDim.y, ...
__global__ __launch_bounds__(128) void bsi_gemm(const uint16_t* __restrict__ act, const uint8_t* __restrict__ w, const uint8_t* __restrict__ sel,
    const uint8_t* __restrict__ gsc, const uint16_t* __restrict__ cs, void* __restrict__ Y, int M, int N, int K, int G) {
  const int n = blockIdx.x * blockDim.x + threadIdx.x;
  if (n >= N) return;
  for (int m = blockIdx.y; m < M; m += gridDim.y) {
    const uint32_t y = bsi_dot(act + (size_t)m * K, w + (size_t)n * K, sel + (size_t)n * G, gsc + (size_t)n * G, cs[n], K, G);
    if (OUT_FP16) reinterpret_cast<uint16_t*>(Y)[(size_t)m * N + n] = (uint16_t)y; else reinterpret_cast<uint32_t*>(Y)[(size_t)m * N + n] = y;
  }
}

struct Problem {
  int M, N, K, G; std::vector<uint16_t> act, cs; std::vector<uint8_t> w, sel, gsc;
  Problem(const std::string& d, int m, int n, int k) : M(m), N(n), K(k), G((k + GS - 1) / GS) {
    act = read_bin<uint16_t>(d + "/act.bin", (size_t)M * K); w = read_bin<uint8_t>(d + "/w.bin", (size_t)N * K);
    sel = read_bin<uint8_t>(d + "/sel.bin", (size_t)N * G); gsc = read_bin<uint8_t>(d + "/gscale.bin", (size_t)N * G);
    cs = read_bin<uint16_t>(d + "/cscale.bin", N);
    for (size_t i = 0; i < sel.size(); i++) if (sel[i] >= ${config.candidates.length}) { std::fprintf(stderr, "sel.bin[%zu] = %d: only ${config.candidates.length} candidates\\n", i, sel[i]); std::exit(1); }
  }
  // The kernel's arithmetic on the host (bsi_dot, the same function): output codes [M×N].
  std::vector<uint32_t> cpu() const {
    std::vector<uint32_t> y((size_t)M * N);
    for (int m = 0; m < M; m++) for (int n = 0; n < N; n++)
      y[(size_t)m * N + n] = bsi_dot(act.data() + (size_t)m * K, w.data() + (size_t)n * K, sel.data() + (size_t)n * G, gsc.data() + (size_t)n * G, cs[n], K, G);
    return y;
  }
};

int main(int argc, char** argv) {
  const std::string mode = argc >= 3 ? argv[1] : "";
  if (mode != "verify" && mode != "run" && mode != "cpu") { std::fprintf(stderr, "usage: %s verify|run|cpu DIR\\n", argv[0]); return 2; }
  const std::string d = argv[2];
  const Problem p(d, meta_get(d, "m", -1), meta_get(d, "n", -1), meta_get(d, "k", -1));
  const size_t ob = OUT_FP16 ? 2 : 4, outBytes = (size_t)p.M * p.N * ob;
  if (mode == "cpu") {
    // The kernel's own functions on the host, against qacc's golden y.bin; no GPU needed.
    const std::vector<uint8_t> golden = read_bin<uint8_t>(d + "/y.bin", outBytes);
    const std::vector<uint32_t> y = p.cpu();
    size_t bad = 0;
    for (size_t i = 0; i < y.size(); i++) if (std::memcmp(&y[i], &golden[i * ob], ob) != 0) { if (bad < 5) std::printf("  mismatch at output %zu\\n", i); bad++; }
    std::printf("bit_serial_mod cpu %s (M=%d N=%d K=%d): %zu/%zu mismatches -> %s\\n", d.c_str(), p.M, p.N, p.K, bad, y.size(), bad == 0 ? "BIT-EXACT" : "FAIL");
    return bad == 0 ? 0 : 1;
  }
  uint16_t* act = to_device(p.act); uint8_t* w = to_device(p.w); uint8_t* sel = to_device(p.sel); uint8_t* gsc = to_device(p.gsc); uint16_t* cs = to_device(p.cs);
  void* Y; CK(cudaMalloc(&Y, std::max<size_t>(outBytes, 1)));
  const dim3 grid((p.N + 127) / 128, std::min(p.M, 65535));
  auto once = [&]() {
    std::vector<uint8_t> got(outBytes);
    poison(Y, outBytes);
    bsi_gemm<<<grid, 128>>>(act, w, sel, gsc, cs, Y, p.M, p.N, p.K, p.G); CK_LAUNCH(); CK(cudaDeviceSynchronize());
    CK(cudaMemcpy(got.data(), Y, outBytes, cudaMemcpyDeviceToHost));
    return got;
  };
  if (mode == "run") {
    // qacc verify --backends cuda: the output codes to DIR/out.bin.
    const std::vector<uint8_t> got = once();
    FILE* f = std::fopen((d + "/out.bin").c_str(), "wb");
    if (!f || std::fwrite(got.data(), 1, outBytes, f) != outBytes) { std::fprintf(stderr, "cannot write %s/out.bin\\n", d.c_str()); return 1; }
    std::fclose(f);
    std::printf("bit_serial_mod %s: %zu outputs\\n", d.c_str(), outBytes / ob);
    return 0;
  }
  const std::vector<uint8_t> golden = read_bin<uint8_t>(d + "/y.bin", outBytes);
  const std::vector<uint8_t> first = once(), second = once();
  size_t bad = 0;
  for (size_t i = 0; i < outBytes; i += ob) if (std::memcmp(&first[i], &golden[i], ob) != 0) { if (bad < 5) std::printf("  mismatch at output %zu\\n", i / ob); bad++; }
  const bool same = first == second;
  std::printf("bit_serial_mod (bsi_gemm) %s (M=%d N=%d K=%d): %zu/%zu mismatches, rerun %s -> %s\\n", d.c_str(), p.M, p.N, p.K, bad, outBytes / ob,
              same ? "identical" : "DIFFERS", bad == 0 && same ? "BIT-EXACT" : "FAIL");
  return bad == 0 && same ? 0 : 1;
}
`;
}

const EXACTNESS =
  "Integers only up to each group's value, in golden's order: per group (the selector picks the candidate's " +
  'term schedule, a table from golden termSchedule), per step and cycle the exponent max, the truncating ' +
  'alignment above the guard bits, the exact lane sum and the group accumulator (qacc: floor-shift alignment and ' +
  'normalization to a 15-bit mantissa; bitmod_rtl: the authors\' right-shift-only accumulator with 23-bit wrap ' +
  'and normalization on overflow); R = M · scale exactly, so the group value is an exact fp32. Groups summed in ' +
  'ascending order by one thread per output (__fadd_rn, no atomics); C · channel scale exact in double, one RNE ' +
  "rounding to the output format; an inf/NaN activation gives golden's canonical NaN code.";

/**
 * The KERNELS facet's CUDA member for the bit_serial_mod configs the table-driven GEMV (kernel-cuda.ts)
 * declines: bit_serial_mod_int.cu; launch().inputs are the files DIR/<name>.bin the launcher reads.
 */
export function bitSerialIntCudaKernelSet(t: TargetOf<'bit_serial_mod'>): KernelSet<BitSerialModOperands> {
  const config = t.golden;
  const file = 'bit_serial_mod_int.cu';
  const ob: 2 | 4 = config.output === 'fp16' ? 2 : 4;
  return {
    files: [{ path: file, text: bitSerialIntCudaSource(config) }],
    entries: [
      {
        entryPoint: 'bsi_gemm', file, workgroupSize: [128, 1, 1], dispatch: ['ceil(N/128)', 'min(M, 65535)', '1'],
        bindings: [
          { name: 'act', binding: 0, access: 'read', words: 'ceil(M*K/2)', packing: 'fp16 codes, 2 per word, element 0 in bits 15:0, [M×K]' },
          { name: 'w', binding: 1, access: 'read', words: 'ceil(N*K/4)', packing: "weight codes of the group's selected type, one per byte (4 per word, element 0 in bits 7:0), [N×K]" },
          { name: 'sel', binding: 2, access: 'read', words: 'ceil(N*G/4)', packing: 'candidate index per (n, g), one per byte, [N×G]' },
          { name: 'gscale', binding: 3, access: 'read', words: 'ceil(N*G/4)', packing: 'unsigned 8-bit group scales, one per byte, [N×G]' },
          { name: 'cscale', binding: 4, access: 'read', words: 'ceil(N/2)', packing: 'fp16 codes, 2 per word' },
          { name: 'Y', binding: 5, access: 'read_write', words: ob === 2 ? 'ceil(M*N/2)' : 'M*N', packing: `${config.output} codes [M×N]` },
        ],
      },
    ],
    exactness: EXACTNESS,
    launch(ops: BitSerialModOperands): KernelLaunch {
      return {
        params: { m: ops.m, n: ops.n, k: ops.k },
        inputs: { act: codesToWords(ops.activations, 2), w: codesToWords(ops.weights, 1), sel: codesToWords(ops.selectors, 1), gscale: codesToWords(ops.groupScales, 1), cscale: codesToWords(ops.channelScales, 2) },
        output: { name: 'out', words: Math.ceil((ops.m * ops.n * ob) / 4) },
        passes: [{ entryPoint: 'bsi_gemm', workgroups: [Math.ceil(ops.n / 128), Math.min(ops.m, 65535), 1] }],
      };
    },
    outputCodes: (words: Uint32Array, ops: BitSerialModOperands) => wordsToCodes(words, ops.m * ops.n, ob),
  };
}
