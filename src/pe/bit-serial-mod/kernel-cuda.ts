/**
 * CUDA reference kernel of `bit_serial_mod` (issue 14), datapath `qacc` with the BitMoD PE's 4 lanes: one
 * .cu file (kernel + host launcher) for sm_90a computing golden.ts's bitSerialModGemm bit for bit. Built for
 * decode (M = 1 GEMV, any M works): one thread per (output channel n, group g) runs golden's stages 1-4 on
 * integers exactly as its runGroup4 (exponent match, aligned truncation, 4-lane sum, 15-bit normalized
 * group accumulator, exact dequantization by the 8-bit scale); the groups' fp32 values are then summed in
 * ascending order by one thread per channel (golden's stage 5, no atomics) and scaled by the channel scale
 * with one rounding. The term schedule tables (bit | exponent << 1 | sign << 3 per code and cycle) are
 * golden's `termSchedule`, emitted as 64-bit constants; only weight types of at most 4 bits are generated.
 * Packing: weight codes 8 per u32, low nibble first, rows of ceil(K/8) words; per (n, g) one u32
 * scale | selector << 8; activations fp16 codes.
 */
import { FP16 } from '../../formats/float.js';
import { CUDA_HOST_PRELUDE, codesToWords, cudaHeader, wordsToCodes } from '../../codegen/cuda/host.js';
import { NoKernelError, type KernelLaunch, type KernelSet } from '../../codegen/kernels/manifest.js';
import type { TargetOf } from '../facets/compile.js';
import { checkBitSerialModConfig, termSchedule, type BitSerialModConfig, type BitSerialModOperands } from './golden.js';
import { BITMOD_GEOMETRY } from './golden-geometry.js';

/** Input streams of the shared generator (inputHash's `stream`). */
export const BIT_SERIAL_STREAMS = { act: 1, w: 2, sel: 3, gscale: 4, cscale: 5 } as const;

/**
 * A benchmark/verification input code from hash h (the launcher's input_code computes the same): finite fp16
 * activations over the whole exponent range (subnormals included), weight codes of the group's selected
 * type (`selector`), uniform selectors and 8-bit scales, channel scales in [0.5, 2).
 */
export function bitSerialInputCode(config: BitSerialModConfig, stream: keyof typeof BIT_SERIAL_STREAMS, h: number, selector: number): number {
  switch (stream) {
    case 'act':
      return ((h & 0x83ff) | ((((h >>> 10) & 31) % 31) << 10)) >>> 0;
    case 'w':
      return h & ((1 << termSchedule(config.candidates[selector]).bits) - 1);
    case 'sel':
      return h % config.candidates.length;
    case 'gscale':
      return h & 255;
    case 'cscale':
      return ((h & 0x07ff) | 0x3800) >>> 0;
  }
}

/** Why the CUDA generator cannot take a config, or undefined when it can. */
export function bitSerialCudaUnsupported(config: BitSerialModConfig): string | undefined {
  if ((config.datapath ?? 'qacc') !== 'qacc') return 'the bitmod_rtl datapath has no CUDA kernel yet';
  if ((config.geometry?.lanes ?? BITMOD_GEOMETRY.lanes) !== 4) return 'only the 4-lane datapath has a CUDA kernel';
  if (config.groupSize % 8 !== 0) return 'group sizes that are not a multiple of 8 have no CUDA kernel yet';
  const shapes = new Set(config.candidates.map((t) => { const s = termSchedule(t); return `${s.cycles}/${s.sigs.join(',')}/${s.unitExponent}`; }));
  if (shapes.size > 1) return 'candidates with different term schedules (cycles, shifts, unit) have no CUDA kernel yet';
  if (config.candidates.some((t) => termSchedule(t).bits > 4)) return 'weight types wider than 4 bits have no CUDA kernel yet';
  return undefined;
}

/** One 64-bit table per cycle: nibble `code` = bit | exponent << 1 | sign << 3 of that code's term. */
function termTables(type: BitSerialModConfig['candidates'][number]): string[] {
  const s = termSchedule(type);
  return s.sigs.map((_, c) => {
    let v = 0n;
    for (let code = 0; code < 2 ** s.bits; code++) {
      const t = s.terms(code)[c];
      v |= BigInt(t.bit | (t.exponent << 1) | (t.sign << 3)) << BigInt(4 * code);
    }
    return `0x${v.toString(16)}ull`;
  });
}

export function bitSerialCudaSource(config: BitSerialModConfig): string {
  checkBitSerialModConfig(config);
  const why = bitSerialCudaUnsupported(config);
  if (why !== undefined) throw new NoKernelError(`bit_serial_mod CUDA: ${why}`);
  const s0 = termSchedule(config.candidates[0]);
  const C = s0.cycles;
  const tables = config.candidates.map(termTables);
  const nan = config.output === 'fp16' ? `0x${(FP16.nanCode ?? 0).toString(16)}u` : '0x7fc00000u';
  const bitsOf = config.candidates.map((t) => termSchedule(t).bits);
  const tableSelect = Array.from({ length: C }, (_, c) =>
    `    const uint64_t tab${c} = ${tables.map((t, i) => (i === tables.length - 1 ? t[c] : `sel == ${i} ? ${t[c]} : `)).join('')};`,
  ).join('\n');
  const cycles = Array.from({ length: C }, (_, c) => `      BSM_CYCLE(tab${c}, ${s0.sigs[c]});`).join('\n');
  const header = cudaHeader('bit_serial_mod CUDA GEMV/GEMM (sm_90a), bit-exact with src/pe/bit-serial-mod/golden.ts', [
    `config: ${JSON.stringify(config)}`,
    'Inputs: generated from qacc_hash (the same generator as qacc: src/pe/bit-serial-mod/kernel-cuda.ts bitSerialInputCode);',
    `golden output y.bin (${config.output} codes [M×N]) written by qacc. Packing: weights 8 codes per u32, low nibble first;`,
    'group words scale | selector << 8 [N×G]; activation fields in shared memory: sig | Ea << 11 | sign << 16 | special << 17.',
  ]);
  return `${header}
${CUDA_HOST_PRELUDE}
constexpr int GS = ${config.groupSize};
constexpr int NCAND = ${config.candidates.length};
constexpr int UNIT_EXP = ${s0.unitExponent};
constexpr bool OUT_FP16 = ${config.output === 'fp16'};

// Stage 1-3 for one cycle of one 4-lane step (golden runGroup4 / accumulateStep + normalize).
#define BSM_LANE(i, tab) \\
  { const uint32_t f = af[i]; const uint32_t t = (uint32_t)(tab >> (4 * ((wq >> (4 * (i))) & 15))) & 15u; \\
    const uint32_t sg = f & 0x7ffu; const bool act = (t & 1u) && sg != 0u; \\
    p[i] = act ? (int)((f >> 11) & 31u) + (int)((t >> 1) & 3u) : 0; s[i] = act ? (int)sg : 0; n[i] = ((f >> 16) ^ (t >> 3)) & 1u; }
#define BSM_CYCLE(tab, SIG) do { \\
    int p[4], s[4]; uint32_t n[4]; \\
    BSM_LANE(0, tab) BSM_LANE(1, tab) BSM_LANE(2, tab) BSM_LANE(3, tab) \\
    const int pmax = max(max(p[0], p[1]), max(p[2], p[3])); int lsum = 0; \\
    _Pragma("unroll") for (int i = 0; i < 4; i++) { const int al = (s[i] << 3) >> min(pmax - p[i], 31); lsum += n[i] ? -al : al; } \\
    if (lsum != 0) { \\
      const int term = lsum * (1 << (SIG)); const int accLsb = accX - 14; const int accV = accS ? -accM : accM; int e, sum; \\
      if (pmax >= accLsb) { e = pmax; sum = (accV >> min(pmax - accLsb, 31)) + term; } \\
      else { e = accLsb; sum = accV + (term >> min(accLsb - pmax, 31)); } \\
      if (sum == 0) { accS = 0; accM = 0; accX = 0; } \\
      else { const int mag = sum < 0 ? -sum : sum; const int nb = 32 - __clz(mag); accX = e + nb - 1; \\
             accM = nb > 15 ? (mag >> (nb - 15)) : (mag << (15 - nb)); accS = sum < 0; } \\
    } } while (0)

// Block: 32 channels (lanes) × WG warps; warp w runs groups w, w + WG, ...; then lane sums its channel's
// groups in ascending order (golden stage 5) and applies the channel scale.
__global__ __launch_bounds__(1024) void bsm_gemv(const uint32_t* __restrict__ wq_all, const uint32_t* __restrict__ gmeta,
    const uint16_t* __restrict__ act, const uint16_t* __restrict__ cscale, void* __restrict__ Y, int N, int K, int KW, int G) {
  extern __shared__ uint32_t sm[];
  uint32_t* af_s = sm;                          // [G·GS] activation fields (0 past K: inactive lanes)
  float* gv = reinterpret_cast<float*>(sm + G * GS); // [G][32] group values
  const int m = blockIdx.y, lane = threadIdx.x, w = threadIdx.y, WG = blockDim.y;
  for (int k = w * 32 + lane; k < G * GS; k += WG * 32) {
    uint32_t f = 0;
    if (k < K) {
      const uint32_t c = act[(size_t)m * K + k], e = (c >> 10) & 31u, fr = c & 0x3ffu;
      f = e == 31u ? (1u << 17) : ((e ? (1u << 10) | fr : fr) | ((e ? e : 1u) << 11) | ((c >> 15) << 16));
    }
    af_s[k] = f;
  }
  __syncthreads();
  const int nrow = blockIdx.x * 32 + lane;
  if (nrow < N) {
    const uint32_t* wrow = wq_all + (size_t)nrow * KW;
    for (int g = w; g < G; g += WG) {
      const uint32_t meta = gmeta[(size_t)nrow * G + g];
      const uint32_t scale = meta & 255u, sel = (meta >> 8) & 3u;
${tableSelect}
      int accS = 0, accM = 0, accX = 0; bool special = false;
      const int len = min(K, (g + 1) * GS) - g * GS;
      for (int b = 0; b < len; b += 8) {
        const int k0 = g * GS + b;
        const uint32_t w8 = wrow[k0 >> 3];
        #pragma unroll
        for (int half = 0; half < 2; half++) {
          if (b + 4 * half >= len) break;
          const uint4 a4 = *reinterpret_cast<const uint4*>(&af_s[k0 + 4 * half]);
          const uint32_t af[4] = {a4.x, a4.y, a4.z, a4.w};
          special |= ((a4.x | a4.y | a4.z | a4.w) >> 17) & 1u;
          const uint32_t wq = (w8 >> (16 * half)) & 0xffffu;
${cycles.replace(/^/gm, '    ')}
        }
      }
      float v;
      if (special) v = __int_as_float(0x7fc00000);
      else {
        const int r = accM * (int)scale;  // R = M · scale, exact (< 2^23)
        v = r == 0 ? 0.0f : __fmul_rn(__int2float_rn(r), __int_as_float((127 + accX - 14 + UNIT_EXP - 28) << 23));
        if (accS && r != 0) v = -v;
      }
      gv[g * 32 + lane] = v;
    }
  }
  __syncthreads();
  if (w == 0 && nrow < N) {
    float c = 0.0f;
    for (int g = 0; g < G; g++) c = __fadd_rn(c, gv[g * 32 + lane]);
    const double y = (double)c * (double)__half2float(__ushort_as_half(cscale[nrow]));  // exact product
    if (OUT_FP16) reinterpret_cast<uint16_t*>(Y)[(size_t)m * N + nrow] = isnan(y) ? (uint16_t)${nan} : __half_as_ushort(__double2half(y));
    else reinterpret_cast<uint32_t*>(Y)[(size_t)m * N + nrow] = isnan(y) ? ${nan} : __float_as_uint(__double2float_rn(y));
  }
}

static const int CAND_BITS[NCAND] = {${bitsOf.join(', ')}};
static uint32_t input_code(uint32_t seed, uint32_t stream, uint32_t index, uint32_t sel) {
  const uint32_t h = qacc_hash(seed, stream, index);
  switch (stream) {
    case ${BIT_SERIAL_STREAMS.act}: return (h & 0x83ffu) | ((((h >> 10) & 31u) % 31u) << 10);
    case ${BIT_SERIAL_STREAMS.w}: return h & ((1u << CAND_BITS[sel]) - 1u);
    case ${BIT_SERIAL_STREAMS.sel}: return h % (uint32_t)NCAND;
    case ${BIT_SERIAL_STREAMS.gscale}: return h & 255u;
    default: return (h & 0x07ffu) | 0x3800u;
  }
}

struct Problem {
  int M, N, K, G, KW; std::vector<uint32_t> wq, meta; std::vector<uint16_t> act, cs;
  // Operand codes from DIR's files (act.bin u16 [M×K], w.bin u8 [N×K], sel.bin u8 [N×G], gscale.bin u8 [N×G],
  // cscale.bin u16 [N]) when w.bin is there, else from qacc_hash with meta.txt's seed; then packed.
  Problem(const std::string& d, int m, int n, int k) : M(m), N(n), K(k), G((k + GS - 1) / GS), KW((k + 7) / 8) {
    const bool files = file_exists(d + "/w.bin");
    const uint32_t seed = files ? 0u : (uint32_t)meta_get(d, "seed", -1);
    std::vector<uint32_t> sel((size_t)N * G), gs((size_t)N * G), w((size_t)N * K);
    if (files) {
      const auto s8 = read_bin<uint8_t>(d + "/sel.bin", sel.size()); const auto g8 = read_bin<uint8_t>(d + "/gscale.bin", gs.size());
      const auto w8 = read_bin<uint8_t>(d + "/w.bin", w.size());
      sel.assign(s8.begin(), s8.end()); gs.assign(g8.begin(), g8.end()); w.assign(w8.begin(), w8.end());
      act = read_bin<uint16_t>(d + "/act.bin", (size_t)M * K); cs = read_bin<uint16_t>(d + "/cscale.bin", N);
    } else {
      for (size_t i = 0; i < sel.size(); i++) sel[i] = input_code(seed, ${BIT_SERIAL_STREAMS.sel}, (uint32_t)i, 0);
      for (size_t i = 0; i < gs.size(); i++) gs[i] = input_code(seed, ${BIT_SERIAL_STREAMS.gscale}, (uint32_t)i, 0);
      for (int r = 0; r < N; r++) for (int kk = 0; kk < K; kk++) {
        const size_t i = (size_t)r * K + kk; w[i] = input_code(seed, ${BIT_SERIAL_STREAMS.w}, (uint32_t)i, sel[(size_t)r * G + kk / GS]);
      }
      act.resize((size_t)M * K); for (size_t i = 0; i < act.size(); i++) act[i] = (uint16_t)input_code(seed, ${BIT_SERIAL_STREAMS.act}, (uint32_t)i, 0);
      cs.resize(N); for (int i = 0; i < N; i++) cs[i] = (uint16_t)input_code(seed, ${BIT_SERIAL_STREAMS.cscale}, (uint32_t)i, 0);
    }
    meta.resize((size_t)N * G);
    for (size_t i = 0; i < meta.size(); i++) meta[i] = (gs[i] & 255u) | ((sel[i] & 3u) << 8);
    wq.assign((size_t)N * KW, 0u);
    for (int r = 0; r < N; r++) for (int kk = 0; kk < K; kk++) wq[(size_t)r * KW + kk / 8] |= (w[(size_t)r * K + kk] & 15u) << (4 * (kk % 8));
  }
  size_t smem() const { return (size_t)G * GS * 4 + (size_t)G * 32 * 4; }
  int wg() const { return std::min(G, 32); }
};
static void launch(const Problem& p, const uint32_t* wq, const uint32_t* meta, const uint16_t* act, const uint16_t* cs, void* Y) {
  bsm_gemv<<<dim3((p.N + 31) / 32, p.M), dim3(32, p.wg()), p.smem()>>>(wq, meta, act, cs, Y, p.N, p.K, p.KW, p.G);
  CK_LAUNCH();
}

int main(int argc, char** argv) {
  const std::string mode = argc >= 3 ? argv[1] : "";
  if (mode != "verify" && mode != "bench" && mode != "run") { std::fprintf(stderr, "usage: %s verify|bench|run DIR\\n", argv[0]); return 2; }
  const bool bench = mode == "bench";
  const std::string d = argv[2];
  const Problem p(d, meta_get(d, "m", -1), meta_get(d, "n", -1), meta_get(d, "k", -1));
  const size_t ob = OUT_FP16 ? 2 : 4, outBytes = (size_t)p.M * p.N * ob;
  if (p.smem() > 200 * 1024) { std::fprintf(stderr, "K too large for the shared-memory activation table\\n"); return 1; }
  CK(cudaFuncSetAttribute(bsm_gemv, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)p.smem()));
  if (mode == "run") {
    // qacc verify --backends cuda: the output codes to DIR/out.bin.
    uint32_t* wq = to_device(p.wq); uint32_t* meta = to_device(p.meta); uint16_t* act = to_device(p.act); uint16_t* cs = to_device(p.cs);
    void* Y; CK(cudaMalloc(&Y, outBytes)); poison(Y, outBytes); launch(p, wq, meta, act, cs, Y); CK(cudaDeviceSynchronize());
    std::vector<uint8_t> got(outBytes); CK(cudaMemcpy(got.data(), Y, outBytes, cudaMemcpyDeviceToHost));
    FILE* f = std::fopen((d + "/out.bin").c_str(), "wb");
    if (!f || std::fwrite(got.data(), 1, outBytes, f) != outBytes) { std::fprintf(stderr, "cannot write %s/out.bin\\n", d.c_str()); return 1; }
    std::fclose(f);
    std::printf("bit_serial_mod %s: %zu outputs\\n", d.c_str(), outBytes / ob);
    return 0;
  }
  std::vector<uint8_t> golden = read_bin<uint8_t>(d + "/y.bin", outBytes);
  // Weight copies rotated between runs so the timed traffic exceeds L2 twice over.
  const size_t wbytes = p.wq.size() * 4 + p.meta.size() * 4;
  const int copies = bench ? (int)std::max<size_t>(1, (4 * l2_bytes()) / wbytes + 1) : 1;
  std::vector<uint32_t*> wq(copies), meta(copies);
  for (int i = 0; i < copies; i++) { wq[i] = to_device(p.wq); meta[i] = to_device(p.meta); }
  uint16_t* act = to_device(p.act); uint16_t* cs = to_device(p.cs); void* Y; CK(cudaMalloc(&Y, outBytes));
  size_t bad = 0; bool same = true; std::vector<uint8_t> first;
  for (int run = 0; run < 2; run++) {
    poison(Y, outBytes); launch(p, wq[0], meta[0], act, cs, Y); CK(cudaDeviceSynchronize());
    std::vector<uint8_t> got(outBytes); CK(cudaMemcpy(got.data(), Y, outBytes, cudaMemcpyDeviceToHost));
    if (run == 0) { first = got; for (size_t i = 0; i < outBytes; i += ob) if (std::memcmp(&got[i], &golden[i], ob) != 0) {
      if (bad < 5) std::printf("  mismatch at output %zu\\n", i / ob); bad++; } }
    else same = got == first;
  }
  std::printf("bit_serial_mod %s (M=%d N=%d K=%d): %zu/%zu mismatches, rerun %s -> %s\\n", d.c_str(), p.M, p.N, p.K, bad, outBytes / ob,
              same ? "identical" : "DIFFERS", bad == 0 && same ? "BIT-EXACT" : "FAIL");
  if (bench) {
    const double ms = median_ms([&](int i) { launch(p, wq[i % copies], meta[i % copies], act, cs, Y); }, 5, 50);
    const double bytes = (double)wbytes + p.act.size() * 2 + p.cs.size() * 2 + outBytes;
    // Device copy bandwidth: a 1 GiB device-to-device copy, bytes read + written.
    const size_t cb = (size_t)1 << 30; void *src, *dst; CK(cudaMalloc(&src, cb)); CK(cudaMalloc(&dst, cb)); CK(cudaMemset(src, 1, cb));
    const double cms = median_ms([&](int) { CK(cudaMemcpyAsync(dst, src, cb, cudaMemcpyDeviceToDevice)); }, 3, 20);
    const double bw = bytes / ms / 1e6, cbw = 2.0 * cb / cms / 1e6;
    std::printf("RESULT bitmod device=\\"%s\\" M=%d N=%d K=%d us=%.2f GBps=%.0f copy_GBps=%.0f pct_of_copy=%.1f copies=%d\\n",
                device_name().c_str(), p.M, p.N, p.K, ms * 1e3, bw, cbw, 100.0 * bw / cbw, copies);
  }
  return bad == 0 && same ? 0 : 1;
}
`;
}

const BIT_SERIAL_CUDA_EXACTNESS =
  'Golden stages 1-4 on integers per (channel, group), exactly as golden runGroup4 (exponent match, aligned ' +
  'truncation, 4-lane sum, 15-bit normalized group accumulator, exact dequantization); the exact fp32 group ' +
  'values summed in ascending order by one thread per channel (__fadd_rn, no atomics); C · channel scale exact ' +
  'in double, one RNE rounding to the output format; NaN outputs are golden\'s canonical NaN code.';

/**
 * The KERNELS facet's CUDA member for bit_serial_mod: bit_serial_mod.cu (kernel + launcher); launch().inputs
 * are the files DIR/<name>.bin the launcher's `run DIR` reads and packs. Throws for a config it cannot generate.
 */
export function bitSerialCudaKernelSet(t: TargetOf<'bit_serial_mod'>): KernelSet<BitSerialModOperands> {
  const config = t.golden;
  const file = 'bit_serial_mod.cu';
  const ob: 2 | 4 = config.output === 'fp16' ? 2 : 4;
  return {
    files: [{ path: file, text: bitSerialCudaSource(config) }],
    entries: [
      {
        entryPoint: 'bsm_gemv', file, workgroupSize: [32, 32, 1], dispatch: ['ceil(N/32)', 'M', '1'],
        bindings: [
          { name: 'wq', binding: 0, access: 'read', words: 'N*ceil(K/8)', packing: 'weight codes 8 per word, low nibble first, rows of ceil(K/8) words' },
          { name: 'gmeta', binding: 1, access: 'read', words: 'N*G', packing: 'one word per (n, g): scale | selector << 8' },
          { name: 'act', binding: 2, access: 'read', words: 'ceil(M*K/2)', packing: 'fp16 codes, 2 per word, element 0 in bits 15:0, [M×K]' },
          { name: 'cscale', binding: 3, access: 'read', words: 'ceil(N/2)', packing: 'fp16 codes, 2 per word' },
          { name: 'Y', binding: 4, access: 'read_write', words: ob === 2 ? 'ceil(M*N/2)' : 'M*N', packing: `${config.output} codes [M×N]` },
        ],
      },
    ],
    exactness: BIT_SERIAL_CUDA_EXACTNESS,
    launch(ops: BitSerialModOperands): KernelLaunch {
      return {
        params: { m: ops.m, n: ops.n, k: ops.k },
        inputs: { act: codesToWords(ops.activations, 2), w: codesToWords(ops.weights, 1), sel: codesToWords(ops.selectors, 1), gscale: codesToWords(ops.groupScales, 1), cscale: codesToWords(ops.channelScales, 2) },
        output: { name: 'out', words: Math.ceil((ops.m * ops.n * ob) / 4) },
        passes: [{ entryPoint: 'bsm_gemv', workgroups: [Math.ceil(ops.n / 32), ops.m, 1] }],
      };
    },
    outputCodes: (words: Uint32Array, ops: BitSerialModOperands) => wordsToCodes(words, ops.m * ops.n, ob),
  };
}
