/**
 * The Hopper main loop of the lowrank_gemm CUDA kernel (issue 14): `lr_wgmma`, a persistent, warp-specialized
 * kernel for sm_90a that multiplies the 4-bit codes with int8 `wgmma.mma_async` and folds every group into
 * golden's 16/32-bit accumulators while the next group's MMAs run on the tensor cores. It computes the same
 * function as `lr_fast` (kernel-cuda.ts), bit for bit, in golden's order (golden.ts header):
 * - the exact group dot d_g comes from int8 MMAs on 16·value operands (sum = 256·d exactly), read as fp32
 *   through the 49152 magic (one integer add and one subtraction, both exact);
 *   for groups of 64 the default (LR_WG_FP8, with A and B widened on the host, LR_WG_ASMEM and LR_WG_BWIDE, and 10
 *   stages: the fastest build on an H100, bit-exact, 2026-12-07 07:31 UTC) takes fp8 wgmmas instead, whose f32
 *   accumulators hold d itself, the tensor core's fp8 accumulation being exact on these integers for groups of 64
 *   (fp8Encoders);
 * - d̂ = round_P(d), s = round_P(sa·sw), acc = fma or mul + add in P: the shared LR_PAIR_STEP;
 * - the epilogue, the up projection (j ascending, fp32, one rounding per step) and round_R16, per output.
 * Roles (384 threads, 512 with the epilogue warpgroup, one block per SM, grid = min(tiles, SMs), tiles of 128 × 128
 * taken in turn):
 * - warpgroup 0, warp 0 lane 0: issues the bulk copies (cp.async.bulk, completing on an mbarrier) of each
 *   64-deep stage: A and B (8 KB each, widened on the host: LR_WG_ASMEM and LR_WG_BWIDE, the default; 4 KB each
 *   of 4-bit codes without them) and the stage's group scales (2 × 256 B);
 * - warpgroup 0, warps 1–3: with LR_WG_BWIDE (the default) B arrives already widened, packed so on the host,
 *   and these warps exit; with -DLR_WG_BWIDE=0 they widen B's nibbles to int8 (16·value) into the K-major
 *   core-matrix layout wgmma reads from shared memory, then fence the async proxy and arrive on the stage's
 *   `ready` barrier;
 * - warpgroups 1 and 2 (rows 0–63 and 64–127 of the tile): with LR_WG_ASMEM (the default since 2026-12-07 07:31
 *   UTC) A arrives widened from the host and the wgmmas read it from shared memory by descriptor; with
 *   -DLR_WG_ASMEM=0 each warp loads its A fragments (one 16-byte load, widened in registers); each warpgroup
 *   issues two m64n128k32 wgmmas per stage into one of two accumulator sets,
 *   and folds the previous group's set (waited with wgmma.wait_group 1) while the current one runs; then
 *   it releases the previous group's stages (`empty` barriers). No atomics; every output is computed by
 *   one thread in golden's order, so results are deterministic.
 * - warpgroup 3 (LR_WG_EPIWG, the default for 16-bit accumulators, lr_wgmma<0/1>): takes each tile's accumulators from
 *   the consumers through shared memory and runs its epilogue and up projection while they compute the next tile.
 */
import type { LowRankGemmConfig } from './golden.js';

/** Largest |group dot| the 49152 magic reads exactly: |256·d| ≤ 2^22. */
const MAGIC_DOT_LIMIT = 16384;
/**
 * Largest |group dot| LR_WG_FP8 admits: 2^13, under the ~14 bits Hopper's fp8 accumulation is reported to keep
 * (a build-time static_assert; exactness up to it is what sims/cuda/fp8-wgmma-exact.cu measures).
 */
const FP8_DOT_LIMIT = 8192;

/**
 * True when `lr_wgmma` (and `lr_fast`, same read-out) covers the config: the int4 main path, groups a multiple
 * of 64 and small enough that every group dot stays within the magic's exact range.
 */
export function lowRankWgmmaEligible(config: LowRankGemmConfig): boolean {
  const main = config.main;
  if (main.kind !== 'int4' || main.groupSize % 64 !== 0) return false;
  const maxProduct = main.activations === 'uint4' ? 15 * 8 : 8 * 8;
  return main.groupSize * maxProduct <= MAGIC_DOT_LIMIT;
}

/** Pipeline stages that fit sm_90's shared memory: A and B widened on the host (8 KB each per stage), B only, neither. */
const WG_STAGES_ASMEM = 10;
const WG_STAGES_BWIDE = 12;

/**
 * lr_wgmma's default build (the -D knobs' defaults in the generated source, and what the manifest's packings state):
 * A and B widened on the host (LR_WG_ASMEM, LR_WG_BWIDE: both wgmma operands from shared memory) with 10 pipeline
 * stages, and fp8 group dots (LR_WG_FP8) where they are exact, i.e. groups of 64 (two k32 steps, the range the H100
 * micro-test found exact). Measured fastest and bit-exact on an H100: B widened 2026-12-07 04:31 UTC, A too 07:31 UTC
 * (docs/kernels.md); every knob stays overridable with -D: -DLR_WG_ASMEM=0 is the 04:31 default (A as 4-bit codes,
 * widened in the consumers' registers, 12 stages), -DLR_WG_BWIDE=0 the one before it (8 stages; implies ASMEM 0).
 */
export interface LowRankWgmmaDefaults {
  readonly bwide: boolean;
  readonly asmem: boolean;
  readonly fp8: boolean;
  /** LR_WG_STAGES of the default build (with -DLR_WG_ASMEM=0 it is 12, with -DLR_WG_BWIDE=0 8). */
  readonly stages: number;
  /**
   * LR_WG_F16ACC: the fp8 group dots into f16 accumulators, which then hold golden's d̂ = round_fp16(d) itself (no
   * conversion in the fold). Exact where the first k32 half's sum is exact in fp16 (|sum| ≤ 32·64 = 2048: signed int4
   * activations) and the tensor core adds the second half and rounds once to nearest-even, which
   * sims/cuda/fp8-wgmma-f16acc.cu measured on an H100 (2026-12-07 10:03 UTC: 1,671,168 int4 results of two k32 steps,
   * 49,000 of them needing rounding, all equal to round_fp16(d)); and only where golden's d̂ is fp16 (P = fp16).
   */
  readonly f16acc: boolean;
  /**
   * LR_WG_EPIWG: an epilogue warpgroup runs each tile's epilogue and up projection while the consumers go on with the
   * next tile (512 threads). Where golden's accumulator pairs are one word each (P = fp16 or bf16): measured bit-exact
   * and faster on an H100 (2026-12-07 13:05 and 13:30 UTC, docs/kernels.md).
   */
  readonly epiwg: boolean;
}

/** The default knobs of lr_wgmma for `config` (only meaningful where lowRankWgmmaEligible holds). */
export function lowRankWgmmaDefaults(config: LowRankGemmConfig): LowRankWgmmaDefaults {
  const main = config.main;
  const maxProduct = main.kind === 'int4' && main.activations === 'uint4' ? 15 * 8 : 8 * 8;
  const asmem = true;
  const fp8 = main.groupSize === 64 && main.groupSize * maxProduct <= FP8_DOT_LIMIT;
  const f16acc = fp8 && main.kind === 'int4' && main.activations !== 'uint4' && config.accumulation === 'fp16' && main.scaleFormat === 'fp16';
  const epiwg = config.accumulation !== 'fp32';
  return { bwide: true, asmem, fp8, stages: asmem ? WG_STAGES_ASMEM : WG_STAGES_BWIDE, f16acc, epiwg };
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/**
 * The inline-PTX wgmma m64n128k32 (A from registers, B from a shared-memory descriptor): int8 operands into s32
 * accumulators, or (LR_WG_FP8) A as e4m3 and B as e5m2 into f32 accumulators.
 */
function wgmmaAsm(aType: 's8' | 'u8'): string {
  const d = range(64).map((i) => `%${i}`).join(', ');
  const outs = (c: string): string => range(64).map((i) => `"+${c}"(d[${i}])`).join(', ');
  const h = range(32).map((i) => `%${i}`).join(', ');
  const houts = range(32).map((i) => `"+r"(d[${i}])`).join(', ');
  return `#if LR_WG_FP8 && LR_WG_F16ACC
// LR_WG_F16ACC: f16 accumulators, register r = the fp16 pair (row 16·warp + g + 8(r&1), columns 8(r>>1) + 2t, +1),
// i.e. registers 2i and 2i + 1 hold what f32 registers 4i..4i+1 and 4i+2..4i+3 would.
typedef uint32_t wg_acc_t;
#define WG_ACC_N 32
__device__ __forceinline__ void wg_mma(uint32_t (&d)[32], const uint32_t (&a)[4], uint64_t desc, int scale_d) {
  asm volatile("{\\n.reg .pred p;\\nsetp.ne.b32 p, %37, 0;\\n"
    "wgmma.mma_async.sync.aligned.m64n128k32.f16.e4m3.e5m2 {${h}}, {%32, %33, %34, %35}, %36, p, 1, 1;\\n}\\n"
    : ${houts}
    : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "l"(desc), "r"(scale_d));
}
__device__ __forceinline__ void wg_mma_ss(uint32_t (&d)[32], uint64_t da, uint64_t db, int scale_d) {
  asm volatile("{\\n.reg .pred p;\\nsetp.ne.b32 p, %34, 0;\\n"
    "wgmma.mma_async.sync.aligned.m64n128k32.f16.e4m3.e5m2 {${h}}, %32, %33, p, 1, 1;\\n}\\n"
    : ${houts}
    : "l"(da), "l"(db), "r"(scale_d));
}
#elif LR_WG_FP8
typedef float wg_acc_t;
#define WG_ACC_N 64
__device__ __forceinline__ void wg_mma(float (&d)[64], const uint32_t (&a)[4], uint64_t desc, int scale_d) {
  asm volatile("{\\n.reg .pred p;\\nsetp.ne.b32 p, %69, 0;\\n"
    "wgmma.mma_async.sync.aligned.m64n128k32.f32.e4m3.e5m2 {${d}}, {%64, %65, %66, %67}, %68, p, 1, 1;\\n}\\n"
    : ${outs('f')}
    : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "l"(desc), "r"(scale_d));
}
// LR_WG_ASMEM: A from shared memory too (descriptor da), the same operation.
__device__ __forceinline__ void wg_mma_ss(float (&d)[64], uint64_t da, uint64_t db, int scale_d) {
  asm volatile("{\\n.reg .pred p;\\nsetp.ne.b32 p, %66, 0;\\n"
    "wgmma.mma_async.sync.aligned.m64n128k32.f32.e4m3.e5m2 {${d}}, %64, %65, p, 1, 1;\\n}\\n"
    : ${outs('f')}
    : "l"(da), "l"(db), "r"(scale_d));
}
#else
typedef int wg_acc_t;
#define WG_ACC_N 64
__device__ __forceinline__ void wg_mma(int (&d)[64], const uint32_t (&a)[4], uint64_t desc, int scale_d) {
  asm volatile("{\\n.reg .pred p;\\nsetp.ne.b32 p, %69, 0;\\n"
    "wgmma.mma_async.sync.aligned.m64n128k32.s32.${aType}.s8 {${d}}, {%64, %65, %66, %67}, %68, p;\\n}\\n"
    : ${outs('r')}
    : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "l"(desc), "r"(scale_d));
}
__device__ __forceinline__ void wg_mma_ss(int (&d)[64], uint64_t da, uint64_t db, int scale_d) {
  asm volatile("{\\n.reg .pred p;\\nsetp.ne.b32 p, %66, 0;\\n"
    "wgmma.mma_async.sync.aligned.m64n128k32.s32.${aType}.s8 {${d}}, %64, %65, p;\\n}\\n"
    : ${outs('r')}
    : "l"(da), "l"(db), "r"(scale_d));
}
#endif`;
}

/**
 * LR_WG_FP8's operand encodings (CUDA, __host__ __device__ so that the launcher's wglayout model runs them):
 * A as e4m3 bytes whose value is a·2^-9 (e4m3 codes 0..16 are exactly b·2^-9: subnormals and the first binade;
 * a sign bit for negatives), so uint4 codes need no lookup; B as e5m2 codes of w·2^9 (|w| ≤ 8 has at most 3
 * significant bits) looked up with two PRMTs: products are a·w at scale 1 and a group's f32 sum is its integer
 * dot, exact as long as the tensor core's fp8 accumulation keeps the bits (sims/cuda/fp8-wgmma-exact.cu).
 */
function fp8Encoders(unsignedAct: boolean): string {
  return `#if LR_WG_FP8
// PRMT (prmt.b32, default mode): byte i of the result is byte (c_i & 7) of {a, b}, or its sign replicated when
// c_i & 8, c_i being selector nibble i of c's low 16 bits.
__host__ __device__ __forceinline__ uint32_t wg_prmt(uint32_t a, uint32_t b, uint32_t c) {
#ifdef __CUDA_ARCH__
  uint32_t r; asm("prmt.b32 %0, %1, %2, %3;" : "=r"(r) : "r"(a), "r"(b), "r"(c)); return r;
#else
  const uint64_t t = ((uint64_t)b << 32) | a; uint32_t r = 0;
  for (int i = 0; i < 4; i++) {
    const uint32_t sel = (c >> (4 * i)) & 15, byte = (uint32_t)(t >> (8 * (sel & 7))) & 255;
    r |= (sel & 8 ? (byte & 128 ? 255u : 0u) : byte) << (8 * i);
  }
  return r;
#endif
}
${unsignedAct ? `// uint4 activations: the code itself is the e4m3 byte of u·2^-9.
__host__ __device__ __forceinline__ uint32_t wg_a_lo(uint32_t w) { return w & 0x0F0F0F0Fu; }
__host__ __device__ __forceinline__ uint32_t wg_a_hi(uint32_t w) { return (w >> 4) & 0x0F0F0F0Fu; }`
    : `// int4 activations: sign and magnitude. x holds a two's complement code n per byte (low nibble), s has n's bit 3
// at bit 7 of each byte; negative n becomes 0x80 | (16 - n) = 0x90 - n (no borrow between bytes).
__host__ __device__ __forceinline__ uint32_t wg_a_sm(uint32_t x, uint32_t s) {
  const uint32_t neg = wg_prmt(s, 0, 0xBA98), m = 0x90909090u - x;
  return (neg & m) | (~neg & x);
}
__host__ __device__ __forceinline__ uint32_t wg_a_lo(uint32_t w) { return wg_a_sm(w & 0x0F0F0F0Fu, w << 4); }
__host__ __device__ __forceinline__ uint32_t wg_a_hi(uint32_t w) { return wg_a_sm((w >> 4) & 0x0F0F0F0Fu, w); }`}
// B: 4 int4 codes n (selector nibbles in bits 0-15) to 4 e5m2 bytes of n·2^9. x looks up n < 8 (0x00 for n ≥ 8:
// the table's bytes are < 0x80), y looks up 16 - n for n ≥ 8 (0x00 for n < 8); every nonzero magnitude's code has
// bit 6 set, shifted into the sign bit for the negatives.
__host__ __device__ __forceinline__ uint32_t wg_b_e5m2(uint32_t s) {
  const uint32_t x = wg_prmt(0x66646000u, 0x6B6A6968u, s), y = wg_prmt(0x696A6B6Cu, 0x60646668u, s ^ 0x8888u);
  const uint32_t sg = y & 0x40404040u;
  return (x | y) + sg + sg;   // one IADD3: x and y have no byte in common, sg + sg is bit 7 of the negatives' bytes
}
#endif`;
}

/** CUDA source of lr_wgmma and its host packing; pasted after the shared device steps and LR_PAIR_STEP. */
export function lowRankWgmmaKernel(config: LowRankGemmConfig): string {
  const unsignedAct = config.main.kind === 'int4' && config.main.activations === 'uint4';
  const dflt = lowRankWgmmaDefaults(config);
  return `
// ---- lr_wgmma: Hopper warp-specialized main loop (sm_90a), see kernel-cuda-wgmma.ts ---------------------
// Packings (host pack_wg_* below; layout only, stated in kernels.json):
//  Aw (default, LR_WG_ASMEM): [M/128][K/64][8,192 bytes], each stage's shared-memory image of A, byte (m, k) at
//      (m/8)·512 + (k/16)·128 + (m%8)·16 + k%16 (warpgroup cw's 64 rows the 4 KB at cw·4096) holding
//      ${dflt.fp8 ? 'the e4m3 code of a·2^-9 (LR_WG_FP8; -DLR_WG_FP8=0: 16·a as int8 / uint8)' : '16·a as int8 / uint8 (LR_WG_FP8: the e4m3 code of a·2^-9)'}.
//  Aw (-DLR_WG_ASMEM=0): [M/128][K/64][8 mt][32 lanes][4 words]: lr_fast's A fragment order with the tile's 8 m16
//      blocks adjacent, so one 64-deep stage of a 128-row tile is 4 KB contiguous (widened in the consumers' registers).
//  Bw (default, LR_WG_BWIDE): [N/128][K/64][8,192 bytes], each stage's shared-memory image (below), byte (n, k)
//      holding ${dflt.fp8 ? 'the e5m2 code of w·2^9 (LR_WG_FP8; -DLR_WG_FP8=0: 16·w as int8)' : '16·w as int8 (LR_WG_FP8: the e5m2 code of w·2^9)'}.
//  Bw (-DLR_WG_BWIDE=0): [N/128][K/64][2 p][128 n][4 words]: word i, byte b: low nibble qw[n][64kc + 32p + 4i + b],
//      high nibble the same at k + 16; one 16-byte piece widens to the two 16-byte k chunks 2p and 2p + 1 of row n.
//      LR_WG_FP8: word i, bits 4b..4b+3: qw[n][64kc + 32p + 4i + b], bits 16 + 4b..: the same at k + 16.
//  saW: [G][M/128][8 mt][8 g][2 rh] (row 16mt + g + 8rh), swW: [G][N/128][4 t][16 i][2 e] (column 8i + 2t + e):
//      16-bit scale codes in the order the accumulator fragments use them.
// Shared memory B (per stage, 8 KB): int8 16·value (or LR_WG_FP8 e5m2) in wgmma's K-major layout without swizzle: core matrices
// of 8 rows × 16 bytes, byte (n, k) at (n/8)·512 + (k/16)·128 + (n%8)·16 + k%16 (descriptor LBO = 128,
// SBO = 512); the second k32 half starts 256 bytes in. With LR_WG_ASMEM, A's 8 KB per stage the same way.
// Tuning knobs (-D; the defaults are the fastest configuration measured, bit-exact on every verify case and the
// 4096³ samples on an H100, docs/kernels.md: since 2026-12-07 07:31 UTC A and B widened on the host (LR_WG_ASMEM = 1,
// LR_WG_BWIDE = 1, below) with ${dflt.stages} stages${dflt.fp8 ? ' and fp8 group dots (LR_WG_FP8 = 1)' : ' (this config has no fp8 default: groups other than 64)'}; from 04:31 UTC
// to then B only (-DLR_WG_ASMEM=0: 12 stages); before that, 2026-12-06 14:05 UTC: 8 stages, split unpackers, early
// release, branch-free up projection; the 13:21 configuration was 6, 0, 0, 0): LR_WG_STAGES, pipeline depth
// (default ${WG_STAGES_ASMEM} with LR_WG_ASMEM, ${WG_STAGES_BWIDE} with LR_WG_BWIDE alone, 8 without either, whose per-stage packed B
// copy leaves no room for 12); LR_WG_SPLIT = 1, one unpacker warp per stage (three stages
// widened at once) instead of three warps per stage (without LR_WG_BWIDE); LR_WG_EARLY = 1, a group's stages
// released once its scales are in registers instead of after its fold; LR_WG_UPFAST = 1, the up projection's
// whole 4-rank steps without branches. None changes any output's order of operations.
#ifndef LR_WG_BWIDE
#define LR_WG_BWIDE ${dflt.bwide ? 1 : 0}
#endif
// LR_WG_BSWZ = 1 (with LR_WG_BWIDE, without LR_WG_ASMEM): the B image in wgmma's 64-byte-swizzle K-major layout
// instead of the unswizzled core matrices: row n of a stage is 64 contiguous bytes at (n/8)·512 + (n%8)·64, its 16-byte
// chunk c stored at chunk c ^ ((n%8)/2) (address bits 4-5 XOR bits 7-8); descriptor swizzle mode 2, SBO 512, the second
// k32 half 32 bytes in. Layout only.
#ifndef LR_WG_BSWZ
#define LR_WG_BSWZ 0
#endif
// LR_WG_ASMEM = 1 (branch lrwg; the default since 2026-12-07 07:31 UTC: bit-exact on every int4 lowrank verify case on
// an H100 and faster, 0.2478 vs 0.2564 ms without the branch at 4096³, docs/kernels.md; it needs LR_WG_BWIDE and not
// LR_WG_BSWZ, so it defaults to 0 in builds with -DLR_WG_BWIDE=0 or -DLR_WG_BSWZ=1): A widened on the host too, into each
// stage's 8 KB shared-memory image (Aw: [M/128][K/64][8,192 bytes], byte (m, k) at (m/8)·512 + (k/16)·128 + (m%8)·16 +
// k%16, the e4m3 code of a·2^-9 with LR_WG_FP8, else 16·a as int8 / uint8), and the wgmmas read A from shared memory by
// descriptor (warpgroup cw's 64 rows are the 4 KB at cw·4096): the consumers no longer load and widen A (one LDS.128
// and 7 (int8) or 39 (fp8) instructions per warp and stage) and each warp's chain between the data wait and the
// wgmmas is the fence alone. Cost: A takes M·K bytes instead of M·K/2, 16.5 KB per stage from L2 instead of 12.5,
// and ${WG_STAGES_ASMEM} stages fit instead of ${WG_STAGES_BWIDE}. -DLR_WG_ASMEM=0: A as 4-bit codes in fragment order, widened in the
// consumers' registers (the default of 2026-12-07 04:31–07:31 UTC, ${WG_STAGES_BWIDE} stages).
#ifndef LR_WG_ASMEM
#define LR_WG_ASMEM ((LR_WG_BWIDE) && !(LR_WG_BSWZ) ? ${dflt.asmem ? 1 : 0} : 0)
#endif
#ifndef LR_WG_STAGES
#define LR_WG_STAGES (LR_WG_BWIDE ? (LR_WG_ASMEM ? ${WG_STAGES_ASMEM} : ${WG_STAGES_BWIDE}) : 8)
#endif
#ifndef LR_WG_SPLIT
#define LR_WG_SPLIT 1
#endif
#ifndef LR_WG_EARLY
#define LR_WG_EARLY 1
#endif
#ifndef LR_WG_UPFAST
#define LR_WG_UPFAST 1
#endif
// LR_WG_FP8 = 1 (branch w4a4c, docs/kernels.md; the default for groups of 64 since 2026-12-07): the group dots by fp8
// wgmma (A e4m3 = a·2^-9, B e5m2 = w·2^9) into f32 accumulators that hold each group's integer dot d exactly, so the
// fold reads d without the 49152 magic (3 instead of 7 instructions per output pair). Exact only while the tensor
// core's fp8 accumulation keeps every bit of |d| ≤ GS·max|a·w| (measured by sims/cuda/fp8-wgmma-exact.cu); without
// LR_WG_BWIDE, B is then packed with each 16-bit half of a word holding 4 consecutive k codes (pack_wg_b).
#ifndef LR_WG_FP8
#define LR_WG_FP8 ${dflt.fp8 ? 1 : 0}
#endif
// LR_WG_F16ACC = 1 (with LR_WG_FP8; the default where it is exact, ${dflt.f16acc ? 'as in this config' : 'not this config'}): the fp8 wgmmas accumulate in f16
// registers, which then hold golden's rounded group dot d̂ = round_fp16(d) itself: the first k32 half's sum of int4
// products (|sum| ≤ 32·64 = 2048) is exact in fp16 and the tensor core adds the second half and rounds once to nearest
// even (sims/cuda/fp8-wgmma-f16acc.cu: every one of 1,671,168 int4 results of two k32 steps equal to round_fp16 of the
// exact sum on an H100, 2026-12-07 10:03 UTC, 49,000 of them rounded; uint4 activations break the first condition and
// did differ). The fold then needs no conversion (2 instead of 3 instructions per output pair) and each accumulator
// set takes 32 registers instead of 64. Needs golden's d̂ in fp16 (accumulation and scales fp16: LR_F16_PAIR).
#ifndef LR_WG_F16ACC
#define LR_WG_F16ACC (LR_WG_FP8 ? ${dflt.f16acc ? 1 : 0} : 0)
#endif
static_assert(!LR_WG_F16ACC || (LR_WG_FP8 && LR_F16_PAIR && ${unsignedAct ? 0 : 1}), "LR_WG_F16ACC: needs LR_WG_FP8, signed int4 activations and fp16 group steps");
// LR_WG_SPRE = 1 (default with LR_WG_F16ACC, whose freed registers it uses; with f32 accumulators lr_wgmma<2> would spill): a group's scales are loaded into registers when its last stage's data has arrived, before
// its wgmmas are issued, instead of at the start of its fold (an H100 profile, 2026-12-07 10:03 UTC: the fold's first
// HMUL2s waiting on those shared-memory loads were ~20% of the consumers' stall samples).
#ifndef LR_WG_SPRE
#define LR_WG_SPRE LR_WG_F16ACC
#endif
#ifndef LR_WG_SAPIN
#define LR_WG_SAPIN 1
#endif
// LR_WG_MCAST = 1 (lr_wgmma<0/1>, B widened on the host): launched as clusters of two CTAs (the launcher does so when M
// is a multiple of 256) that take row blocks 2p and 2p + 1 of the same column block; each CTA multicasts half of every B
// stage image into both, so L2 serves a quarter fewer bytes per MAC (the copies-only build runs at the L2's read
// bandwidth, docs/kernels.md). A stage slot is refilled only when both CTAs' consumers have released it (each
// consumer warp arrives on its own and its peer's empty barrier). Layout and order unchanged.
#ifndef LR_WG_MCAST
#define LR_WG_MCAST 0
#endif
static_assert(!LR_WG_MCAST || LR_WG_BWIDE, "LR_WG_MCAST multicasts B's host-widened stage images (needs LR_WG_BWIDE)");
// LR_WG_EPIWG = 1 (lr_wgmma<0/1>, 16-bit golden accumulators; the default where they are, ${dflt.epiwg ? 'as in this config' : 'not this config'}): an epilogue warpgroup (a fourth, threads 384-511) runs each
// tile's epilogue and up projection while the consumers go on with the next tile's main loop, instead of the consumers
// running them while the tensor cores wait (0.042 ms of the 0.23 ms lr_wgmma<1> at 4096³, rank 32, H100, 10:23 UTC).
// The consumers hand over golden's accumulator pairs through shared memory (accb: one 32 KB tile, named barriers
// EPI_FULL / EPI_EMPTY), then go on; the epilogue warpgroup stages the tile's L and U chunk as 16-bit codes
// (transposed: rank-major) while the consumers still compute, and takes the tile in four passes of 32 rows, a thread
// 4 rows × 8 columns (per rank one 8-byte L load and one 16-byte U load for 32 FMAs). Every output's operations are
// golden's, in golden's order (lr_epilogue, then j ascending, one rounding per step, then out_code), as in the
// consumers' epilogue: only who computes it and when change. Registers after setmaxnreg: consumers LR_WG_CREGE,
// producer LR_WG_PREGE, epilogue warpgroup LR_WG_EREG (512 threads share 65,536).
// Off by default in the -DLR_WG_BWIDE=0 and -DLR_WG_MCAST=1 builds: their unpacker warps or cluster code spill at the
// producer's 40 and the consumers' 192 registers.
#ifndef LR_WG_EPIWG
#define LR_WG_EPIWG ((LR_WG_BWIDE) && !(LR_WG_MCAST) ? ${dflt.epiwg ? 1 : 0} : 0)
#endif
// LR_WG_EPIRG = 1 (the default with f16 accumulators, whose consumers fit 168 registers; the int8 and f32 forms spill
// there): the epilogue warpgroup reads its 128 accumulator pairs of a tile into registers at once
// and frees accb before its passes (the consumers' next hand-over then never waits on the up projection), at 64 more
// registers (consumers 168, epilogue 136). H100, 2026-12-07 13:56 UTC, same call: bit-exact on all 15 int4 cases;
// serial form 0.2812 against 0.2855 ms, no branch 0.1706 against 0.1720 ms (-DLR_WG_EPIRG=0).
#ifndef LR_WG_EPIRG
#define LR_WG_EPIRG LR_WG_F16ACC
#endif
#ifndef LR_WG_CREGE
#define LR_WG_CREGE (LR_WG_EPIRG ? 168 : 192)
#endif
#ifndef LR_WG_PREGE
#define LR_WG_PREGE 40
#endif
#ifndef LR_WG_EREG
#define LR_WG_EREG (LR_WG_EPIRG ? 136 : 88)
#endif
static_assert(2 * LR_WG_CREGE + LR_WG_PREGE + LR_WG_EREG <= 512, "LR_WG_EPIWG: registers of 512 threads");
static_assert(!LR_WG_EPIWG || sizeof(pair_t) == 4, "LR_WG_EPIWG hands over 16-bit accumulator pairs (one word per output pair)");
// LR_WG_BWIDE = 1 (branch w4a4d; the default since 2026-12-07, defined above): B (constant weights) is widened once
// on the host into the exact 8 KB per-stage image wgmma reads (Bw: [N/128][K/64][8,192 bytes], int8 16·w, or with
// LR_WG_FP8 the e5m2 code of w·2^9, at (n/8)·512 + (k/16)·128 + (n%8)·16 + k%16), so the copier's bulk copy lands B
// where the wgmmas read it: no unpacker warps, no ready barrier, twice B's memory (N·K bytes instead of N·K/2).
// -DLR_WG_BWIDE=0: B packed as 4-bit codes and widened on chip by warps 1-3 of warpgroup 0 (LR_WG_ASMEM then defaults
// to 0: A as 4-bit codes too, widened in the consumers' registers).
static_assert(!LR_WG_BSWZ || LR_WG_BWIDE, "LR_WG_BSWZ needs LR_WG_BWIDE (the image is swizzled on the host)");
static_assert(!LR_WG_ASMEM || !LR_WG_BSWZ, "LR_WG_ASMEM needs the unswizzled layout (one descriptor form for A and B)");
// LR_WG_DIAG (measurement builds only, WRONG results): bit 1 the consumers skip the fold's arithmetic, bit 2 the
// unpackers skip the widening, bit 4 the consumers skip the wgmmas, bit 8 the copier skips the bulk copies (a
// plain arrive on full), bit 16 the copier skips the two scale copies (2 bulk copies a stage instead of 4), bit 32 the
// epilogue warpgroup (LR_WG_EPIWG) skips the up projection's steps, bit 64 its staging of L and U (with one rank chunk);
// each keeps every barrier, so the time left is what the remaining roles cost
// (docs/kernels.md, branch w4a4d).
#ifndef LR_WG_DIAG
#define LR_WG_DIAG 0
#endif
#if LR_WG_FP8
static_assert(GS * ${unsignedAct ? 15 * 8 : 8 * 8} <= ${FP8_DOT_LIMIT}, "LR_WG_FP8: a group dot beyond the fp8 accumulation's exact range");
// The exactness micro-test on an H100 (sims/cuda/fp8-wgmma-exact.cu, lead's run 2026-12-06 21:45 UTC) found every sum
// exact for 1 and 2 k32 steps per accumulation and mismatches at 4: groups of 64 only.
static_assert(GS == 64, "LR_WG_FP8: exact only up to two k32 steps per group (groups of 64)");
#endif
constexpr int WG_BM = 128, WG_BN = 128, WG_GSTAGES = GS / 64;
// A consumer holds two groups' stages at once (one folding, one in flight): at least 2·GS/64 + 1 stages.
constexpr int WST = LR_WG_STAGES > 2 * WG_GSTAGES ? LR_WG_STAGES : 2 * WG_GSTAGES + 1;
constexpr int WG_UNPACKERS = LR_WG_SPLIT ? 32 : 96, WG_CONSUMER_WARPS = 8;   // arrivals on ready, empty
struct __align__(LR_WG_BSWZ ? 1024 : 128) WgSmem {
  __align__(LR_WG_BSWZ ? 1024 : 16) uint8_t bu[WST][WG_BN * 64];   // widened B, core-matrix layout (LR_WG_BSWZ: 1024-aligned stages)
#if LR_WG_ASMEM
  __align__(16) uint8_t a[WST][WG_BM * 64];   // widened A (host), core-matrix layout: warpgroup cw's rows at cw·4096
#else
  uint4 a[WST][8][32];           // packed A, fragment order
#endif
#if !LR_WG_BWIDE
  uint4 bp[WST][2][WG_BN];       // packed B
#endif
  uint16_t sa[WST][WG_BM];
  uint16_t sw[WST][WG_BN];
#if LR_WG_EPIWG
  unsigned long long full[WST], ready[WST], empty[WST];
#endif
  // With LR_WG_EPIWG last, so that lr_wgmma<0/1> can lay WgEpiSmem over them (its consumers do not use them).
  // 16-aligned: LR_WG_EPIWG lays WgEpiSmem (16-byte accesses) here; after an odd number of stages the barriers end at
  // an offset ≡ 8 (mod 16), and -DLR_WG_STAGES=9 stopped with a misaligned address before this (H100, 15:38 UTC).
  __align__(16) float Ls[WG_BM][36];   // epilogue: L and U tiles as fp32 (rows padded: conflict-free float4 reads)
  float Us[WG_BN][36];
#if !LR_WG_EPIWG
  unsigned long long full[WST], ready[WST], empty[WST];
#endif
};
// LR_WG_EPIWG's hand-over and staging (from offsetof(WgSmem, Ls)): accb[row][c/2] the tile's accumulator pair of
// columns c, c + 1 (rows padded to 68 words: the consumers' word stores and the epilogue's 16-byte loads are
// conflict-free); Lt[j][row], Ut[j][column] one rank chunk of L and U as 16-bit codes (rows padded to 272 bytes).
// LR_WG_EF32 (a knob, default 0): 1 stages U as fp32 (decoded once per tile while staging, instead of eight decodes
// per rank step in each of the four passes: 8 of a step's 46 instructions), 2 stages L as fp32 too (4 more; 15 KB more
// shared memory than 16-bit staging, which needs LR_WG_STAGES ≤ 9). The values are the codes' exact decodes, so every
// FMA's operands and order are unchanged. fp32 rows are unpadded: a warp's stores write 32 consecutive words, its
// reads of one rank row are broadcasts. Measured (H100, 2026-12-07 16:22 UTC, one call): lr_wgmma<1> at 4096³, rank 32,
// 0.2034 (1) and 0.2014 ms (2, 9 stages) against 0.2013 ms with 16-bit staging: no gain, so off.
#ifndef LR_WG_EF32
#define LR_WG_EF32 0
#endif
#if LR_WG_EF32 >= 1
typedef float we_u_t;
#else
typedef uint16_t we_u_t;
#endif
#if LR_WG_EF32 >= 2
typedef float we_l_t;
#else
typedef uint16_t we_l_t;
#endif
constexpr int WE_RANKS = 32, WE_AS = WG_BN / 2 + 4, WE_LS = LR_WG_EF32 >= 2 ? WG_BM : WG_BM + 8, WE_US = LR_WG_EF32 >= 1 ? WG_BN : WG_BN + 8;
struct __align__(16) WgEpiSmem {
  uint32_t accb[WG_BM][WE_AS];
  we_l_t Lt[WE_RANKS][WE_LS];
  we_u_t Ut[WE_RANKS][WE_US];
};
static_assert(offsetof(WgSmem, Ls) % 16 == 0, "LR_WG_EPIWG: WgEpiSmem (laid at Ls) needs 16-byte alignment");
// The staged U column of tile column c: as is for 16-bit codes; for fp32 (LR_WG_EF32) a thread's columns 8cg .. 8cg + 3
// at 4cg and 8cg + 4 .. at 64 + 4cg, so that each of its two 16-byte reads of a rank row takes consecutive 16-byte
// slots across the quarter warp (unswizzled, lanes 32 bytes apart met in pairs on the same banks: 15:38 UTC, ef1 ran
// the up projection 11% slower than 16-bit staging).
__device__ __forceinline__ int we_ucol(int c) { return LR_WG_EF32 >= 1 ? (c & 4) * 16 + 4 * (c >> 3) + (c & 3) : c; }
// One staged L or U entry from its 16-bit code: kept as the code, or its exact fp32 value (LR_WG_EF32).
__device__ __forceinline__ void we_put(uint16_t& dst, uint32_t code) { dst = (uint16_t)code; }
__device__ __forceinline__ void we_put(float& dst, uint32_t code) { dst = r16_val(code); }
// The fused down projection (MODE 2, a fourth warpgroup, see lr_wgmma): one slice is WD_ROWS rows × WD_RANKS
// ranks of L (1,024 chains), X and D staged WD_KC k steps at a time as fp32, two buffers, after WgSmem.
// Registers per thread after setmaxnreg: consumers LR_WG_CREG4, the producer warpgroup LR_WG_PREG4, the down
// warpgroup LR_WG_DREG; 512 threads share 65,536 registers.
#ifndef LR_WG_CREG4
#define LR_WG_CREG4 200
#endif
#ifndef LR_WG_PREG4
#define LR_WG_PREG4 56
#endif
#ifndef LR_WG_DREG
#define LR_WG_DREG 56
#endif
static_assert(2 * LR_WG_CREG4 + LR_WG_PREG4 + LR_WG_DREG <= 512, "lr_wgmma<2>: registers of 512 threads");
constexpr int WD_ROWS = 32, WD_RANKS = 32, WD_KC = 32, WD_XS = WD_KC + 4;
struct __align__(16) WgDownSmem {
  float x[2][WD_ROWS][WD_XS];    // rows padded: the float4 reads of a warp's 4 row pairs are conflict-free
  float d[2][WD_KC][WD_RANKS];
};
// LR_WG_FDOWN = 1 (lr_wgmma<2>; a knob, off: measured exact and 2.6× slower, below): the down projection runs in warps 1-3 of
// the producer warpgroup, which idle once A and B arrive widened from the host, instead of in a fourth warpgroup (the
// form of 2026-12-06, which computed all of a block's chains before any epilogue could start: 122 µs, docs/kernels.md).
// Why this can hide it: the persistent kernel takes tiles row-major, so its first wave of 132 tiles needs only rows
// 0-639 of L (16% of the chains), the next wave the next ~16% a wave later. So L is computed in units of WF_ROWS = 8
// rows × 32 ranks in row order, unit u by block u mod grid (the first wave's rows spread over 80 blocks), and each unit is
// published with its own epoch flag; the epilogue warpgroup waits for the 16 units of a tile's rows before it stages
// them. In a unit, lane = rank and down warp w takes rows w, w + 3, w + 6 (3, 3 and 2 chains a lane); X and D are staged
// WF_KC steps at a time in shared memory as fp32 (two buffers, after WgEpiSmem), D transposed so that a lane's four
// steps are one float4 and X rows read as warp-uniform float4 broadcasts. Each chain is golden's: branch_step in k order,
// one fp32 chain per (row, rank), no atomics, no split of K. Registers after setmaxnreg: consumers LR_WG_CREGF,
// producer warpgroup LR_WG_PREGF, epilogue warpgroup LR_WG_EREG. Measured (H100, 2026-12-07 18:50 UTC, one call, 4096³,
// rank 32): bit-exact on every int4 lowrank case (ranks 20, 32, 64; rerun and one-block runs identical; memcheck and
// racecheck clean), but lr_wgmma<2> took 0.698 ms against 0.271 ms for the serial form: the down warps needed ~170 µs per
// unit (LR_WG_PROBE: the first tile's L arrived at 180 µs, the last unit at 685 µs). One 32-step chunk ahead cannot cover
// L2's latency beside the GEMM's traffic, and the ~11 KB of free shared memory allow no deeper ring. With the loads
// hidden, the loop's ~4 instructions per step for 3 chains (branch_step is one FMA for an fp16 branch) would take ~21 µs
// per unit at the ~44% of issue the consumers leave (docs/kernels.md, "Session 17" and its session-18 correction): the
// L2 wait, not issue, is what to remove. So off; -DLR_WG_FDOWN=1 builds it.
#ifndef LR_WG_FDOWN
#define LR_WG_FDOWN 0
#endif
// Registers 152 / 72 (epilogue 136): ptxas finds no spills; 160 / 56 spill 8 bytes (measured no faster: 0.747 ms). For the
// builds whose consumers need more (f32 or int8 accumulators, A widened in registers) ptxas spills 8 to 36 bytes in
// lr_wgmma<2>.
#ifndef LR_WG_CREGF
#define LR_WG_CREGF 152
#endif
#ifndef LR_WG_PREGF
#define LR_WG_PREGF 72
#endif
static_assert(!LR_WG_FDOWN || LR_WG_EPIWG, "LR_WG_FDOWN: the down warps hand L to the epilogue warpgroup (needs LR_WG_EPIWG)");
#ifndef LR_WG_FLATE
#define LR_WG_FLATE 0
#endif
static_assert(!LR_WG_FLATE || (LR_WG_FDOWN && LR_WG_EPIRG), "LR_WG_FLATE: the epilogue warpgroup's first tile from accb into registers before its L (needs LR_WG_FDOWN, LR_WG_EPIRG)");
static_assert(!LR_WG_FDOWN || 2 * LR_WG_CREGF + LR_WG_PREGF + LR_WG_EREG <= 512, "lr_wgmma<2> (LR_WG_FDOWN): registers of 512 threads");
// LR_WG_FROWS: rows of a down unit (8 or 16). Every unit reads all of D (K × 32 codes) from L2, so 16 rows halve D's
// traffic (128 MB → 64 MB at 4096³) and give each lane 5-6 chains instead of 2-3. Measured (H100, 2026-12-08 00:25 UTC,
// 4096³ rank 32, lr_wgmma<2>, all exact): session 17's form 0.659 ms; 16 rows (LR_WG_STAGES=9 for the room) 0.544; 8 rows
// with a ring of 4 0.623; 16 rows with a ring of 5 0.4995 (of 8, LR_WG_STAGES=8: 0.4992); the serial form 0.272. ncu of
// the last: the chunk loop waits on each row's shared-memory load and on each chain's previous FMA (short-scoreboard and
// wait stalls), as ptxas, held to the producer warpgroup's 72 registers, keeps one row's values live at a time; loading
// all rows first (tried, dropped) ptxas re-serialized, slower (0.565).
#ifndef LR_WG_FROWS
#define LR_WG_FROWS 8
#endif
// LR_WG_FRING: with S > 0, the down warps' global loads go through a ring of S raw chunks in shared memory filled by
// cp.async (16 bytes per piece, zero-filled past the operand's end), issued S - 1 chunks ahead; each thread copies and later
// reads back only its own pieces, so cp.async.wait_group alone orders them (no barrier). 0: one chunk ahead in registers
// (session 17's form). Only where X and D rows are 16-byte aligned (K and R multiples of 8); otherwise that form.
#ifndef LR_WG_FRING
#define LR_WG_FRING 0
#endif
// LR_WG_FTAKE (with LR_WG_FRING): 1 reads chunk c + 1's pieces back from the ring after chunk c's steps, just before they
// are stored, instead of before the steps, so that those 8 registers are not live across the chunk loop (the down warps
// have 72). LR_WG_FUNROLL: the unroll factor of the chunk loop (default 2). Both are tuning knobs for the ptxas schedule of
// that loop (session 20); neither changes what a chain computes or its order.
#ifndef LR_WG_FTAKE
#define LR_WG_FTAKE 0
#endif
#ifndef LR_WG_FUNROLL
#define LR_WG_FUNROLL 2
#endif
constexpr int WF_ROWS = LR_WG_FROWS, WF_RANKS = 32, WF_KC = 32, WF_WARPS = 3, WF_THREADS = 32 * WF_WARPS, WF_UNROLL = LR_WG_FUNROLL;
static_assert(WF_ROWS == 8 || WF_ROWS == 16, "LR_WG_FROWS: 8 or 16 rows per down unit");
static_assert(LR_WG_FRING == 0 || LR_WG_FRING >= 2, "LR_WG_FRING: 0, or a ring of at least 2 chunks");
constexpr int WF_AMAX = (WF_ROWS + WF_WARPS - 1) / WF_WARPS;   // chains per lane of down warp 0
// A chunk's staging pieces of 8 codes: WF_DPIECES of D (step p/4, ranks 8·(p%4) ..), then WF_XPIECES of X (row q/4,
// steps 8·(q%4) .., q = p - WF_DPIECES); down thread ft stages pieces ft and ft + 96.
constexpr int WF_DPIECES = WF_KC * WF_RANKS / 8, WF_XPIECES = WF_ROWS * WF_KC / 8, WF_PIECES = WF_DPIECES + WF_XPIECES;
static_assert(WF_PIECES <= 2 * WF_THREADS, "LR_WG_FDOWN: two staging pieces per down thread");
struct __align__(16) WgFDownSmem {
  float x[2][WF_ROWS][WF_KC];               // X rows as fp32 (a warp reads one row's float4: a broadcast)
  float4 d[2][WF_KC / 4][WF_RANKS + 1];     // d[kq][r] = D steps 4kq .. 4kq + 3 of rank j0 + r (one pad: staging conflicts)
#if LR_WG_FRING
  uint4 raw[LR_WG_FRING][WF_PIECES];         // the cp.async ring: chunk c's pieces in slot c % LR_WG_FRING, piece order
#endif
};
// The down units' index maps (__host__ too: the launcher's \`wgdown\` mode checks them without a GPU). Unit u holds rows
// wf_m0 .. + WF_ROWS and ranks wf_j0 .. + 32 (rank chunks inner, rows in order); down warp w (0-2) takes its rows wf_row(w, a)
// for a < wf_nrows(w); a tile's epilogue waits for the units wf_unit_of(row, j0) of its rows.
__host__ __device__ inline int wf_chunks(int R) { return (R + WF_RANKS - 1) / WF_RANKS; }
__host__ __device__ inline int wf_units(int M, int R) { return ((M + WF_ROWS - 1) / WF_ROWS) * wf_chunks(R); }
__host__ __device__ inline int wf_m0(int u, int R) { return (u / wf_chunks(R)) * WF_ROWS; }
__host__ __device__ inline int wf_j0(int u, int R) { return (u % wf_chunks(R)) * WF_RANKS; }
__host__ __device__ inline int wf_row(int w, int a) { return w + WF_WARPS * a; }
__host__ __device__ inline int wf_nrows(int w) { return (WF_ROWS - w + WF_WARPS - 1) / WF_WARPS; }
__host__ __device__ inline int wf_unit_of(int row, int j0, int R) { return (row / WF_ROWS) * wf_chunks(R) + j0 / WF_RANKS; }
constexpr int wg_threads(int mode) { return mode == 2 || LR_WG_EPIWG ? 512 : 384; }
// LR_WG_BSWZ: 1 KB more, so that the kernel can start WgSmem at the next 1,024-aligned shared address.
constexpr size_t wg_smem(int mode) {
  return (mode == 2 && LR_WG_FDOWN ? offsetof(WgSmem, Ls) + sizeof(WgEpiSmem) + sizeof(WgFDownSmem)
          : mode != 2 && LR_WG_EPIWG ? offsetof(WgSmem, Ls) + sizeof(WgEpiSmem) : sizeof(WgSmem) + (mode == 2 ? sizeof(WgDownSmem) : 0)) + (LR_WG_BSWZ ? 1024 : 0);
}
constexpr uint32_t WG_B_STAGE_BYTES = LR_WG_BWIDE ? WG_BN * 64 : sizeof(uint4) * 2 * WG_BN;
constexpr uint32_t WG_A_STAGE_BYTES = LR_WG_ASMEM ? WG_BM * 64 : sizeof(uint4) * 8 * 32;
constexpr uint32_t WG_STAGE_BYTES = WG_A_STAGE_BYTES + WG_B_STAGE_BYTES + 2 * WG_BM + 2 * WG_BN;
static_assert(wg_smem(2) <= 232448 && wg_smem(1) <= 232448, "lr_wgmma: shared memory per block beyond sm_90's 227 KB (fewer LR_WG_STAGES)");
__device__ __forceinline__ uint32_t smem_u32(const void* p) { return (uint32_t)__cvta_generic_to_shared(p); }
__device__ __forceinline__ void mbar_init(unsigned long long* b, uint32_t n) {
  asm volatile("mbarrier.init.shared::cta.b64 [%0], %1;\\n" :: "r"(smem_u32(b)), "r"(n) : "memory");
}
__device__ __forceinline__ void mbar_expect_tx(unsigned long long* b, uint32_t bytes) {
  asm volatile("mbarrier.arrive.expect_tx.shared::cta.b64 _, [%0], %1;\\n" :: "r"(smem_u32(b)), "r"(bytes) : "memory");
}
__device__ __forceinline__ void mbar_arrive(unsigned long long* b) {
  asm volatile("mbarrier.arrive.shared::cta.b64 _, [%0];\\n" :: "r"(smem_u32(b)) : "memory");
}
__device__ __forceinline__ void mbar_wait(unsigned long long* b, uint32_t parity) {
  asm volatile("{\\n.reg .pred P1;\\nWAIT:\\nmbarrier.try_wait.parity.shared::cta.b64 P1, [%0], %1;\\n@!P1 bra WAIT;\\n}\\n"
    :: "r"(smem_u32(b)), "r"(parity) : "memory");
}
__device__ __forceinline__ void bulk_g2s(void* dst, const void* src, uint32_t bytes, unsigned long long* bar) {
  asm volatile("cp.async.bulk.shared::cluster.global.mbarrier::complete_tx::bytes [%0], [%1], %2, [%3];\\n"
    :: "r"(smem_u32(dst)), "l"(src), "r"(bytes), "r"(smem_u32(bar)) : "memory");
}
__device__ __forceinline__ uint32_t cluster_nctarank() { uint32_t r; asm volatile("mov.u32 %0, %%cluster_nctarank;\\n" : "=r"(r)); return r; }
__device__ __forceinline__ uint32_t cluster_ctarank() { uint32_t r; asm volatile("mov.u32 %0, %%cluster_ctarank;\\n" : "=r"(r)); return r; }
// Every thread of both CTAs (not .aligned: the copier's lanes arrive apart).
__device__ __forceinline__ void cluster_sync_all() { asm volatile("barrier.cluster.arrive.release;\\nbarrier.cluster.wait.acquire;\\n" ::: "memory"); }
// An arrival on the peer CTA's barrier at the same offset (its shared::cluster address by mapa).
__device__ __forceinline__ void mbar_arrive_peer(unsigned long long* b, uint32_t peer) {
  asm volatile("{\\n.reg .b32 ra;\\nmapa.shared::cluster.u32 ra, %0, %1;\\nmbarrier.arrive.release.cluster.shared::cluster.b64 _, [ra];\\n}\\n"
    :: "r"(smem_u32(b)), "r"(peer) : "memory");
}
// A bulk copy landing at the same offset in every CTA of mask, completing on each one's barrier at the same offset.
__device__ __forceinline__ void bulk_g2s_mc(void* dst, const void* src, uint32_t bytes, unsigned long long* bar, uint16_t mask) {
  asm volatile("cp.async.bulk.shared::cluster.global.mbarrier::complete_tx::bytes.multicast::cluster [%0], [%1], %2, [%3], %4;\\n"
    :: "r"(smem_u32(dst)), "l"(src), "r"(bytes), "r"(smem_u32(bar)), "h"(mask) : "memory");
}
__device__ __forceinline__ void wg_fence() { asm volatile("wgmma.fence.sync.aligned;\\n" ::: "memory"); }
__device__ __forceinline__ void wg_commit() { asm volatile("wgmma.commit_group.sync.aligned;\\n" ::: "memory"); }
template <int N_> __device__ __forceinline__ void wg_wait() { asm volatile("wgmma.wait_group.sync.aligned %0;\\n" :: "n"(N_) : "memory"); }
// Orders later reads of an accumulator set after the wait that completed it (the compiler sees no other dependency).
__device__ __forceinline__ void wg_fence_regs(int (&d)[64]) {
  #pragma unroll
  for (int i = 0; i < 64; i++) asm volatile("" : "+r"(d[i]) :: "memory");
}
__device__ __forceinline__ void wg_fence_regs(float (&d)[64]) {
  #pragma unroll
  for (int i = 0; i < 64; i++) asm volatile("" : "+f"(d[i]) :: "memory");
}
__device__ __forceinline__ void wg_fence_regs(uint32_t (&d)[32]) {
  #pragma unroll
  for (int i = 0; i < 32; i++) asm volatile("" : "+r"(d[i]) :: "memory");
}
// K-major, no swizzle: start address, LBO = 128 bytes (next 16-byte k chunk), SBO = 512 bytes (next 8 rows).
// LR_WG_DESC_SWAP = 1 exchanges the two fields (a diagnostic build: wrong results if PTX's definition holds).
#ifndef LR_WG_DESC_SWAP
#define LR_WG_DESC_SWAP 0
#endif
__device__ __forceinline__ uint64_t wg_desc(const void* p) {
#if LR_WG_BSWZ
  // 64-byte swizzle (mode 2 in bits 62-63): SBO 512 bytes (next 8 rows); LBO unused for K-major swizzled (1).
  return (uint64_t)((smem_u32(p) & 0x3FFFF) >> 4) | (1ull << 16) | ((512ull >> 4) << 32) | (2ull << 62);
#else
  constexpr uint64_t lbo = LR_WG_DESC_SWAP ? 512 : 128, sbo = LR_WG_DESC_SWAP ? 128 : 512;
  return (uint64_t)((smem_u32(p) & 0x3FFFF) >> 4) | ((lbo >> 4) << 16) | ((sbo >> 4) << 32);
#endif
}
// Byte offset of B(n, k) (k < 64) in one stage's image: unswizzled core matrices, or (LR_WG_BSWZ) 64-byte swizzle.
__host__ __device__ inline int wg_b_off(int n, int k) {
#if LR_WG_BSWZ
  const int o = (n >> 3) * 512 + (n & 7) * 64 + k;
  return o ^ (((o >> 7) & 3) << 4);
#else
  return (n >> 3) * 512 + (k >> 4) * 128 + (n & 7) * 16 + (k & 15);
#endif
}
__device__ __forceinline__ void named_sync_consumers() { asm volatile("bar.sync 1, 256;\\n" ::: "memory"); }
__device__ __forceinline__ void named_sync_down() { asm volatile("bar.sync 2, 128;\\n" ::: "memory"); }
// LR_WG_EPIWG's hand-over: EPI_FULL (3) the consumers arrive once accb holds a tile, the epilogue warpgroup waits;
// EPI_EMPTY (4) the epilogue warpgroup arrives once it has read accb, the consumers wait before writing it; 5 the
// epilogue warpgroup's own barrier (L and U staging).
__device__ __forceinline__ void epi_full_arrive() { asm volatile("bar.arrive 3, 384;\\n" ::: "memory"); }
__device__ __forceinline__ void epi_full_wait() { asm volatile("bar.sync 3, 384;\\n" ::: "memory"); }
__device__ __forceinline__ void epi_empty_arrive() { asm volatile("bar.arrive 4, 384;\\n" ::: "memory"); }
__device__ __forceinline__ void epi_empty_wait() { asm volatile("bar.sync 4, 384;\\n" ::: "memory"); }
__device__ __forceinline__ void epi_sync() { asm volatile("bar.sync 5, 128;\\n" ::: "memory"); }
__device__ __forceinline__ void named_sync_fdown() { asm volatile("bar.sync 6, 96;\\n" ::: "memory"); }
// A slice's (or LR_WG_FDOWN unit's) flag: written once per launch with that launch's epoch (plain release store, no
// atomics), polled with acquire loads by the consumers (or the epilogue warpgroup) of every tile whose rows it holds.
__device__ __forceinline__ void flag_publish(uint32_t* f, uint32_t epoch) {
  asm volatile("st.release.gpu.global.u32 [%0], %1;\\n" :: "l"(f), "r"(epoch) : "memory");
}
__device__ __forceinline__ void flag_wait(const uint32_t* f, uint32_t epoch) {
  for (;;) {
    uint32_t v;
    asm volatile("ld.acquire.gpu.global.u32 %0, [%1];\\n" : "=r"(v) : "l"(f) : "memory");
    if (v == epoch) return;
    __nanosleep(128);
  }
}
// The down warpgroup's index maps (__host__ too: the launcher's \`wgdown\` mode checks them without a GPU).
// Slice sl = rs·RC + rc: rows 32rs .., ranks 32rc ..; slices in row order, block b computes b, b + grid, ...
// Thread dt (0-127) of the down warpgroup: warp w = dt/32, lane = rg·8 + q: rows 8w + 2rg + a (a < 2),
// ranks 4q + i (i < 4) of the slice; staging piece dt: X row dt/4, k 8·(dt%4) ..; D step dt/4, ranks 8·(dt%4) ..
__host__ __device__ inline int wd_row(int dt, int a) { return 8 * (dt >> 5) + 2 * ((dt & 31) >> 3) + a; }
__host__ __device__ inline int wd_rank(int dt, int i) { return 4 * (dt & 7) + i; }
__host__ __device__ inline int wd_m0(int sl, int R) { return (sl / ((R + WD_RANKS - 1) / WD_RANKS)) * WD_ROWS; }
__host__ __device__ inline int wd_j0(int sl, int R) { return (sl % ((R + WD_RANKS - 1) / WD_RANKS)) * WD_RANKS; }
__host__ __device__ inline int wd_piece_row(int dt) { return dt >> 2; }        // X row, or D step, of staging piece dt
__host__ __device__ inline int wd_piece_col(int dt) { return (dt & 3) * 8; }   // its first k (X) or rank (D)
__host__ __device__ inline int wd_slices(int M, int R) { return ((M + WD_ROWS - 1) / WD_ROWS) * ((R + WD_RANKS - 1) / WD_RANKS); }
// The slice holding rows 32·rs' (rs' = bm/32 + s) and rank chunk j0/32 that a tile's epilogue waits for.
__host__ __device__ inline int wd_slice_of(int row0, int j0, int R) { return (row0 / WD_ROWS) * ((R + WD_RANKS - 1) / WD_RANKS) + j0 / WD_RANKS; }
${wgmmaAsm(unsignedAct ? 'u8' : 's8')}
${fp8Encoders(unsignedAct)}
// WG_SUM(c): what the fold hands LR_PAIR_STEP's mma_sum_to_dot: the s32 sum with the 49152 magic added, or
// (LR_WG_FP8) the f32 accumulator itself, which is the group dot (no add at all: x + 0.0f is not x for x = -0).
#if LR_WG_FP8
__device__ __forceinline__ float mma_sum_to_dot(float c) { return c; }
#define WG_SUM(c) (c)
#else
#define WG_SUM(c) ((c) + MAGIC)
#endif

// LR_WG_PROBE = 1 (a measurement build): %globaltimer stamps per block in wg_probe, read by the bench: 0 start,
// 1 first tile's main loop done, 2 its slices' flags seen, 3 the down warpgroup done, 4 the consumers done.
#ifndef LR_WG_PROBE
#define LR_WG_PROBE 0
#endif
#if LR_WG_PROBE
__device__ unsigned long long wg_probe[1024][5];
#define WG_PROBE(slot) do { unsigned long long t_; asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t_)); if (blockIdx.x < 1024) wg_probe[blockIdx.x][slot] = t_; } while (0)
#else
#define WG_PROBE(slot) do { } while (0)
#endif
// LR_WG_TRACE = 1 (a measurement build, branch w4a4d): %clock64 stamps of block 0's pipeline steps for the
// stages it = 64 .. 127 of its sequence (its second tile at K = 4096: steady state), read by the bench: 0 the copier
// before its wait for the stage's slot (empty), 1 after it (copies issued), 2 the unpacker after its wait for the
// data (full), 3 after its ready arrive, 4 consumer thread 0 before its data waits, 5 after them, 6 the group's fold
// starts (wgmma.wait_group returned), 7 the fold ends, 8 the group's wgmmas committed. One SM's clock: the
// differences are cycles.
#ifndef LR_WG_TRACE
#define LR_WG_TRACE 0
#endif
#if LR_WG_TRACE
constexpr int WG_TRACE_IT0 = 64, WG_TRACE_N = 64, WG_TRACE_SLOTS = 9;
__device__ long long wg_trace[WG_TRACE_N][WG_TRACE_SLOTS];
#define WG_TRACE(slot, i_) do { const uint32_t ti_ = (i_); if (blockIdx.x == 0 && ti_ >= WG_TRACE_IT0 && ti_ < WG_TRACE_IT0 + WG_TRACE_N) \
    wg_trace[ti_ - WG_TRACE_IT0][slot] = clock64(); } while (0)
#else
#define WG_TRACE(slot, i_) do { } while (0)
#endif
// The down warpgroup (MODE 2): L = round_R16(X·D (× LoRA scale)) slice by slice, each chain in k order
// (golden's), then the slice's flag. Padding (k ≥ K, rows ≥ M, ranks ≥ R) holds code 0 = +0 and leaves every
// chain unchanged (lr_down's argument); padded rows and ranks are not written.
__device__ __forceinline__ void wg_down(WgDownSmem& ds, const uint16_t* __restrict__ X, const uint16_t* __restrict__ Dn,
    const uint32_t* __restrict__ ls, uint16_t* Lo, uint32_t* flags, uint32_t epoch, int M, int K, int R) {
  const int dt = threadIdx.x - 384, q4 = wd_rank(dt, 0), r0 = wd_row(dt, 0), pr = wd_piece_row(dt), p8 = wd_piece_col(dt);
  const int slices = wd_slices(M, R), chunks = (K + WD_KC - 1) / WD_KC;
  const bool xvec = (K & 7) == 0, dvec = (R & 7) == 0;
  for (int sl = blockIdx.x; sl < slices; sl += gridDim.x) {
    const int m0 = wd_m0(sl, R), j0 = wd_j0(sl, R);
    uint4 xr, dr;
    auto load = [&](int k0) {
      xr = load8(X, (size_t)(m0 + pr) * K + k0 + p8, m0 + pr < M ? K - k0 - p8 : 0, xvec);
      dr = load8(Dn, (size_t)(k0 + pr) * R + j0 + p8, k0 + pr < K ? R - j0 - p8 : 0, dvec);
    };
    auto store = [&](int b) { store8(&ds.x[b][pr][p8], xr); store8(&ds.d[b][pr][p8], dr); };
    float l[2][4];
    #pragma unroll
    for (int a = 0; a < 2; a++)
      #pragma unroll
      for (int i = 0; i < 4; i++) l[a][i] = 0.0f;
    load(0); store(0); named_sync_down();
    for (int c = 0; c < chunks; c++) {
      const int b = c & 1;
      const bool more = c + 1 < chunks;
      if (more) load((c + 1) * WD_KC);
      #pragma unroll 2
      for (int kk = 0; kk < WD_KC; kk += 4) {
        const float4 x0 = *reinterpret_cast<const float4*>(&ds.x[b][r0][kk]);
        const float4 x1 = *reinterpret_cast<const float4*>(&ds.x[b][r0 + 1][kk]);
        float4 dv[4];
        #pragma unroll
        for (int u = 0; u < 4; u++) dv[u] = *reinterpret_cast<const float4*>(&ds.d[b][kk + u][q4]);
        #pragma unroll
        for (int u = 0; u < 4; u++) {
          const float xa[2] = {u == 0 ? x0.x : u == 1 ? x0.y : u == 2 ? x0.z : x0.w, u == 0 ? x1.x : u == 1 ? x1.y : u == 2 ? x1.z : x1.w};
          const float dd[4] = {dv[u].x, dv[u].y, dv[u].z, dv[u].w};
          #pragma unroll
          for (int a = 0; a < 2; a++)
            #pragma unroll
            for (int i = 0; i < 4; i++) l[a][i] = branch_step(l[a][i], xa[a], dd[i]);
        }
      }
      if (more) store(b ^ 1);
      named_sync_down();
    }
    #pragma unroll
    for (int a = 0; a < 2; a++) {
      const int m = m0 + wd_row(dt, a);
      #pragma unroll
      for (int i = 0; i < 4; i++) {
        const int j = j0 + wd_rank(dt, i);
        if (m >= M || j >= R) continue;
        Lo[(size_t)m * R + j] = down_code(l[a][i], ls != nullptr, ls, j);
      }
    }
    __threadfence();     // this thread's L values, before the flag (classic release pattern)
    named_sync_down();
    if (dt == 0) flag_publish(&flags[sl], epoch);
  }
  if (dt == 0) WG_PROBE(3);
}

// lr_wgmma<2>'s down warps (LR_WG_FDOWN: threads 32-127, warps 1-3 of the producer warpgroup): L = round_R16(X·D
// (× LoRA scale)) unit by unit (WF_ROWS rows × 32 ranks), in row order, unit u by block u mod grid; lane = rank j0 + lane,
// warp w the rows wf_row(w, a); each chain branch_step in k order (golden's), staged WF_KC steps at a time (the next
// chunk's global loads issued before the current chunk's steps, stored after them, one barrier of the 96 per chunk).
// Then the unit's L values, __threadfence, the barrier, and its flag (the release pattern of wg_down). Padding (k ≥ K,
// rows ≥ M, ranks ≥ R) holds code 0 = +0 and leaves every chain unchanged (lr_down's argument); padding is not written.
__device__ __forceinline__ void wg_fdown(WgFDownSmem& fs, const uint16_t* __restrict__ X, const uint16_t* __restrict__ Dn,
    const uint32_t* __restrict__ ls, uint16_t* Lo, uint32_t* flags, uint32_t epoch, int M, int K, int R) {
  const int ft = threadIdx.x - 32, w = ft >> 5, lane = threadIdx.x & 31, na = wf_nrows(w);
  const int units = wf_units(M, R), chunks = (K + WF_KC - 1) / WF_KC;
  const bool xvec = (K & 7) == 0, dvec = (R & 7) == 0;
  // Piece p of the chunk at step k0: its first code's offset in X or D and how many of its 8 codes lie inside the operand.
  auto piece = [&](int p, int m0, int j0, int k0, const uint16_t*& base, size_t& off, int& avail) {
    if (p < WF_DPIECES) {
      const int kk = p >> 2, r8 = 8 * (p & 3);
      base = Dn; off = (size_t)(k0 + kk) * R + j0 + r8; avail = k0 + kk < K ? R - j0 - r8 : 0;
    } else {
      const int q = p - WF_DPIECES, row = q >> 2, k8 = 8 * (q & 3);
      base = X; off = (size_t)(m0 + row) * K + k0 + k8; avail = m0 + row < M ? K - k0 - k8 : 0;
    }
  };
#if LR_WG_FRING
  const bool ring = xvec && dvec;
#endif
  for (int u = blockIdx.x; u < units; u += gridDim.x) {
    const int m0 = wf_m0(u, R), j0 = wf_j0(u, R);
    uint4 pv[2];
    auto load = [&](int k0) {
      #pragma unroll
      for (int i = 0; i < 2; i++) {
        const int p = ft + WF_THREADS * i;
        if (p >= WF_PIECES) continue;
        const uint16_t* base; size_t off; int avail;
        piece(p, m0, j0, k0, base, off, avail);
        pv[i] = load8(base, off, avail, p < WF_DPIECES ? dvec : xvec);
      }
    };
#if LR_WG_FRING
    // Chunk c's pieces into ring slot c % LR_WG_FRING (a zero-filled tail where fewer than 8 codes remain); one commit
    // group per chunk, empty past the last.
    auto issue = [&](int c) {
      if (c < chunks) {
        #pragma unroll
        for (int i = 0; i < 2; i++) {
          const int p = ft + WF_THREADS * i;
          if (p >= WF_PIECES) continue;
          const uint16_t* base; size_t off; int avail;
          piece(p, m0, j0, c * WF_KC, base, off, avail);
          const int bytes = avail <= 0 ? 0 : avail >= 8 ? 16 : 2 * avail;
          asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\\n"
            :: "r"(smem_u32(&fs.raw[c % LR_WG_FRING][p])), "l"(bytes ? base + off : base), "r"(bytes) : "memory");
        }
      }
      asm volatile("cp.async.commit_group;\\n" ::: "memory");
    };
    // Chunk c's own pieces, once its group has landed: at most LR_WG_FRING - 2 newer groups may still be in flight.
    auto take = [&](int c) {
      asm volatile("cp.async.wait_group %0;\\n" :: "n"(LR_WG_FRING - 2) : "memory");
      #pragma unroll
      for (int i = 0; i < 2; i++) {
        const int p = ft + WF_THREADS * i;
        if (p < WF_PIECES) pv[i] = fs.raw[c % LR_WG_FRING][p];
      }
    };
#endif
    auto store = [&](int b) {
      #pragma unroll
      for (int i = 0; i < 2; i++) {
        const int p = ft + WF_THREADS * i;
        if (p < WF_DPIECES) {   // D step kk, ranks r8 .. r8 + 7: component kk % 4 of d[kk / 4][r8 + e]
          const int kk = p >> 2, r8 = 8 * (p & 3);
          float* const dd = reinterpret_cast<float*>(&fs.d[b][kk >> 2][r8]) + (kk & 3);
          const uint32_t wv[4] = {pv[i].x, pv[i].y, pv[i].z, pv[i].w};
          #pragma unroll
          for (int e = 0; e < 8; e++) dd[4 * e] = r16_val((wv[e >> 1] >> 16 * (e & 1)) & 0xffffu);
        } else if (p < WF_PIECES) {
          const int q = p - WF_DPIECES;
          store8(&fs.x[b][q >> 2][8 * (q & 3)], pv[i]);
        }
      }
    };
    float l[WF_AMAX];
    #pragma unroll
    for (int a = 0; a < WF_AMAX; a++) l[a] = 0.0f;
#if LR_WG_FRING
    if (ring) {
      for (int c = 0; c < LR_WG_FRING - 1; c++) issue(c);
      take(0);
    } else load(0);
#else
    load(0);
#endif
    store(0); named_sync_fdown();
    for (int c = 0; c < chunks; c++) {
      const int b = c & 1;
      const bool more = c + 1 < chunks;
#if LR_WG_FRING
      if (ring) {
        issue(c + LR_WG_FRING - 1);   // into the slot chunk c - 1 used, read back by this thread before
        if (more && !LR_WG_FTAKE) take(c + 1);
      } else if (more) load((c + 1) * WF_KC);
#else
      if (more) load((c + 1) * WF_KC);
#endif
      #pragma unroll WF_UNROLL
      for (int kq = 0; kq < WF_KC / 4; kq++) {
        const float4 d4 = fs.d[b][kq][lane];
        #pragma unroll
        for (int a = 0; a < WF_AMAX; a++) {
          if (a >= na) continue;   // warp-uniform (the last warps may have a row fewer)
          const float4 x4 = *reinterpret_cast<const float4*>(&fs.x[b][wf_row(w, a)][4 * kq]);
          l[a] = branch_step(branch_step(branch_step(branch_step(l[a], x4.x, d4.x), x4.y, d4.y), x4.z, d4.z), x4.w, d4.w);
        }
      }
#if LR_WG_FRING
      if (ring && more && LR_WG_FTAKE) take(c + 1);
#endif
      if (more) store(b ^ 1);
      named_sync_fdown();
    }
    const int j = j0 + lane;
    #pragma unroll
    for (int a = 0; a < WF_AMAX; a++) {
      const int m = m0 + wf_row(w, a);
      if (a >= na || m >= M || j >= R) continue;
      Lo[(size_t)m * R + j] = down_code(l[a], ls != nullptr, ls, j);
    }
    __threadfence();     // this thread's L values, before the flag
    named_sync_fdown();
    if (ft == 0) flag_publish(&flags[u], epoch);
  }
  if (ft == 0) WG_PROBE(3);
}

// LR_WG_EPIWG's epilogue warpgroup (threads 384-511 of lr_wgmma<0/1>): for each of the block's tiles, in the consumers'
// order, the tile's L and U rank chunk staged as 16-bit codes (before the hand-over when one chunk holds every rank,
// so it overlaps the consumers' main loop), then four passes of 32 rows: thread et takes rows 32p + 4(et/16) + r
// (r < 4) and columns 8(et%16) + e (e < 8), y = lr_epilogue(acc), y = branch_step(y, L[row, j], U[col, j]) for j
// ascending, and one 16-byte store of eight output codes per row.
// FUSED (lr_wgmma<2>, LR_WG_FDOWN): L is written by this launch's down warps (any block), so before staging a rank chunk
// one thread per WF_ROWS-row unit of the tile acquires the unit's flag, the epilogue warpgroup syncs, and L is read through
// L2 only (ld.global.cg).
template <bool FUSED>
__device__ __forceinline__ void wg_epi(WgEpiSmem& es, int t0, int tn, int ts, bool mc, uint32_t crank, int NT,
    const uint16_t* __restrict__ bias, const uint16_t* __restrict__ cs, const uint16_t* L,
    const uint16_t* __restrict__ up, uint16_t* __restrict__ Y, int N, int R, const uint32_t* flags, uint32_t epoch) {
  const int et = threadIdx.x - 384, cg = et & 15, rg = et >> 4;
  const int nch = (R + WE_RANKS - 1) / WE_RANKS;
  auto await_L = [&](int bm, int ch) {
    if (FUSED && et < WG_BM / WF_ROWS) flag_wait(&flags[wf_unit_of(bm + WF_ROWS * et, ch * WE_RANKS, R)], epoch);
  };
  auto ldL8 = [&](const uint16_t* p) -> uint4 { return FUSED ? __ldcg(reinterpret_cast<const uint4*>(p)) : __ldg(reinterpret_cast<const uint4*>(p)); };
  auto ldL = [&](const uint16_t* p) -> uint16_t { return FUSED ? __ldcg(p) : *p; };
  // Rank chunk ch of the tile: thread et copies row et of L and column et of U (ranks 32ch ..), transposed.
  auto stage = [&](int bm, int bn, int ch) {
    const int j0 = ch * WE_RANKS, jc = min(WE_RANKS, R - j0);
    const uint16_t* const lr = L + (size_t)(bm + et) * R + j0;
    const uint16_t* const ur = up + (size_t)(bn + et) * R + j0;
    const int uc = we_ucol(et);
    if (R % 8 == 0) {
      #pragma unroll
      for (int q = 0; q < WE_RANKS / 8; q++) {
        if (8 * q >= jc) break;
        const uint4 lv = ldL8(lr + 8 * q), uv = __ldg(reinterpret_cast<const uint4*>(ur + 8 * q));
        const uint32_t lw[4] = {lv.x, lv.y, lv.z, lv.w}, uw[4] = {uv.x, uv.y, uv.z, uv.w};
        #pragma unroll
        for (int w = 0; w < 4; w++) {
          we_put(es.Lt[8 * q + 2 * w][et], lw[w] & 0xffff); we_put(es.Lt[8 * q + 2 * w + 1][et], lw[w] >> 16);
          we_put(es.Ut[8 * q + 2 * w][uc], uw[w] & 0xffff); we_put(es.Ut[8 * q + 2 * w + 1][uc], uw[w] >> 16);
        }
      }
    } else {
      for (int jj = 0; jj < jc; jj++) { we_put(es.Lt[jj][et], ldL(lr + jj)); we_put(es.Ut[jj][uc], ur[jj]); }
    }
  };
  epi_empty_arrive();   // accb is free for the consumers' first tile
  for (int tile = t0; tile < tn; tile += ts) {
    const int bm = (mc ? 2 * (tile / NT) + (int)crank : tile / NT) * WG_BM, bn = (tile % NT) * WG_BN;
    const bool last = tile + ts >= tn;
    const int c0 = bn + 8 * cg;
    // The tile's channel scales and biases of this thread's 8 columns, as code pairs, loaded once per tile before the
    // hand-over (a profile at 14:12 UTC found the epilogue warpgroup waiting on them in every pass).
    const bool hb = bias != nullptr, hc = cs != nullptr;
    uint32_t csw[4], bsw[4];
    #pragma unroll
    for (int w = 0; w < 4; w++) {
      csw[w] = hc ? cs[c0 + 2 * w] | (uint32_t)cs[c0 + 2 * w + 1] << 16 : 0u;
      bsw[w] = hb ? bias[c0 + 2 * w] | (uint32_t)bias[c0 + 2 * w + 1] << 16 : 0u;
    }
    // The epilogue warpgroup syncs before the hand-over wait whatever the rank: with one rank chunk it stages the tile's
    // L and U between this sync and the next, with more (rank > 32) it stages inside the passes. PTX orders the hand-over
    // by barrier 3 alone (the consumers' bar.arrive, then this bar.sync); compute-sanitizer's racecheck reported 16
    // hazards between the consumers' accb stores and the loads below on the rank-64 path when it went to the wait without
    // this sync (none on the rank-32 path, none with it; every result bit-exact either way: H100, 2026-12-07 16:22 and
    // 16:28 UTC).
    // LR_WG_FLATE (lr_wgmma<2>): the block's first tile is taken from accb before its L is awaited and staged, so the
    // consumers' second hand-over does not wait on the down projection's first units.
    const bool late = FUSED && LR_WG_FLATE && tile == t0;
    if (!late) await_L(bm, 0);
    epi_sync();
    if (FUSED && !late && et == 0 && tile == t0) WG_PROBE(2);
    if (!late && nch == 1 && !(LR_WG_DIAG & 64)) { stage(bm, bn, 0); epi_sync(); }
    epi_full_wait();
#if LR_WG_EPIRG
    uint4 ar[4][4];
    #pragma unroll
    for (int p = 0; p < 4; p++)
      #pragma unroll
      for (int r = 0; r < 4; r++) ar[p][r] = *reinterpret_cast<const uint4*>(&es.accb[32 * p + 4 * rg + r][4 * cg]);
    if (!last) epi_empty_arrive();
#endif
    if (late) {
      await_L(bm, 0);
      epi_sync();
      if (et == 0) WG_PROBE(2);
      if (nch == 1 && !(LR_WG_DIAG & 64)) { stage(bm, bn, 0); epi_sync(); }
    }
#if LR_WG_EPIRG
    #pragma unroll   // ar[p] stays in registers
#else
    #pragma unroll 1
#endif
    for (int p = 0; p < 4; p++) {
      const int r0 = 32 * p + 4 * rg;
      float y[4][8];
      #pragma unroll
      for (int r = 0; r < 4; r++) {
#if LR_WG_EPIRG
        const uint4 a4 = ar[p][r];
#else
        const uint4 a4 = *reinterpret_cast<const uint4*>(&es.accb[r0 + r][4 * cg]);
#endif
        const uint32_t aw[4] = {a4.x, a4.y, a4.z, a4.w};
        #pragma unroll
        for (int w = 0; w < 4; w++) {
          pair_t pa; memcpy(&pa, &aw[w], 4);
          y[r][2 * w] = lr_epilogue(pair_lo(pa), hc, r16_val(csw[w] & 0xffff), hb, r16_val(bsw[w] & 0xffff));
          y[r][2 * w + 1] = lr_epilogue(pair_hi(pa), hc, r16_val(csw[w] >> 16), hb, r16_val(bsw[w] >> 16));
        }
      }
      if (!LR_WG_EPIRG && p == 3 && !last) epi_empty_arrive();   // the consumers may write the next tile
      for (int ch = 0; ch < nch; ch++) {
        if (nch > 1) { await_L(bm, ch); epi_sync(); stage(bm, bn, ch); epi_sync(); }
        const int jc = (LR_WG_DIAG & 32) ? 0 : min(WE_RANKS, R - ch * WE_RANKS);
        #pragma unroll 4
        for (int j = 0; j < jc; j++) {
#if LR_WG_EF32 >= 2
          const float4 l4 = *reinterpret_cast<const float4*>(&es.Lt[j][r0]);
          const float lv[4] = {l4.x, l4.y, l4.z, l4.w};
#else
          const uint2 l4 = *reinterpret_cast<const uint2*>(&es.Lt[j][r0]);
          const float lv[4] = {r16_val(l4.x & 0xffff), r16_val(l4.x >> 16), r16_val(l4.y & 0xffff), r16_val(l4.y >> 16)};
#endif
#if LR_WG_EF32 >= 1
          const float4 ua = *reinterpret_cast<const float4*>(&es.Ut[j][we_ucol(8 * cg)]), ub = *reinterpret_cast<const float4*>(&es.Ut[j][we_ucol(8 * cg + 4)]);
          const float uv[8] = {ua.x, ua.y, ua.z, ua.w, ub.x, ub.y, ub.z, ub.w};
#else
          const uint4 u8 = *reinterpret_cast<const uint4*>(&es.Ut[j][8 * cg]);
          const float uv[8] = {r16_val(u8.x & 0xffff), r16_val(u8.x >> 16), r16_val(u8.y & 0xffff), r16_val(u8.y >> 16),
                               r16_val(u8.z & 0xffff), r16_val(u8.z >> 16), r16_val(u8.w & 0xffff), r16_val(u8.w >> 16)};
#endif
          #pragma unroll
          for (int r = 0; r < 4; r++)
            #pragma unroll
            for (int e = 0; e < 8; e++) y[r][e] = branch_step(y[r][e], lv[r], uv[e]);
        }
      }
      #pragma unroll
      for (int r = 0; r < 4; r++) {
        uint32_t o[4];
        #pragma unroll
        for (int w = 0; w < 4; w++) o[w] = out_code(y[r][2 * w]) | (out_code(y[r][2 * w + 1]) << 16);
        *reinterpret_cast<uint4*>(&Y[(size_t)(bm + r0 + r) * N + c0]) = make_uint4(o[0], o[1], o[2], o[3]);
      }
    }
  }
}

// MODE 0: no branch; 1: the branch with L computed before (lr_down); 2: the branch with L computed in this
// kernel, by a fourth warpgroup (wg_down, the default) or with -DLR_WG_FDOWN=1 by the producer warpgroup's warps 1-3
// (wg_fdown, measured slower), published per slice or unit with epoch flags (cooperative launch:
// every block resident, so a wait on another block's unit always ends).
template <int MODE>
__global__ __launch_bounds__(wg_threads(MODE), 1) void lr_wgmma(const uint4* __restrict__ Aw, const uint4* __restrict__ Bw,
    const uint16_t* __restrict__ saW, const uint16_t* __restrict__ swW, const uint16_t* __restrict__ bias,
    const uint16_t* __restrict__ cs, const uint16_t* __restrict__ L, const uint16_t* __restrict__ up,
    uint16_t* __restrict__ Y, int M, int N, int K, int R,
    const uint16_t* __restrict__ X, const uint16_t* __restrict__ Dn, const uint32_t* __restrict__ ls, uint16_t* Lo,
    uint32_t* flags, uint32_t epoch) {
  constexpr bool BRANCH = MODE != 0, FUSED = MODE == 2, EPI = (MODE != 2 || LR_WG_FDOWN) && LR_WG_EPIWG;
  extern __shared__ __align__(128) uint8_t wg_raw_[];
  // LR_WG_BSWZ: the swizzle pattern is applied to shared addresses, so every stage starts 1,024-aligned.
  uint8_t* const wg_raw = LR_WG_BSWZ ? wg_raw_ + ((1024 - (smem_u32(wg_raw_) & 1023)) & 1023) : wg_raw_;
  WgSmem& sm = *reinterpret_cast<WgSmem*>(wg_raw);
  const int tid = threadIdx.x, wg = tid >> 7, lane = tid & 31, lw = (tid >> 5) & 3;
  const int KC = K / 64, MT = M / WG_BM, NT = N / WG_BN, tiles = MT * NT;
  // LR_WG_MCAST, when launched as clusters of two: this CTA's rank, and its tiles (row blocks 2p + rank of pair p).
  // Without the knob the tile loops are exactly the former ones (WG_T*: lr_wgmma<2>'s registers are tight enough that
  // even folded-away code changed its allocation).
#if LR_WG_MCAST
  const bool mc = !FUSED && cluster_nctarank() == 2;
  const uint32_t crank = mc ? cluster_ctarank() : 0;
  const int tfirst = mc ? (int)blockIdx.x / 2 : (int)blockIdx.x, tstep = mc ? (int)gridDim.x / 2 : (int)gridDim.x, tcount = mc ? tiles / 2 : tiles;
#define WG_T0 tfirst
#define WG_TN tcount
#define WG_TS tstep
#define WG_TMB(t) (mc ? 2 * ((t) / NT) + (int)crank : (t) / NT)
#else
  constexpr bool mc = false;
  constexpr uint32_t crank = 0;
#define WG_T0 blockIdx.x
#define WG_TN tiles
#define WG_TS gridDim.x
#define WG_TMB(t) ((t) / NT)
#endif
  if (tid == 0) {
    for (int s = 0; s < WST; s++) { mbar_init(&sm.full[s], 1); mbar_init(&sm.ready[s], WG_UNPACKERS); mbar_init(&sm.empty[s], (mc ? 2 : 1) * WG_CONSUMER_WARPS); }
    asm volatile("fence.mbarrier_init.release.cluster;\\n" ::: "memory");
  }
  __syncthreads();
  if (mc) cluster_sync_all();   // the peer's barriers are initialized before any copy or arrival reaches them
  if (LR_WG_BSWZ && tid == 0 && (smem_u32(sm.bu[0]) & 1023)) __trap();   // the swizzle pattern needs aligned stages
  if (tid == 0) WG_PROBE(0);
  if (FUSED && !LR_WG_FDOWN && wg == 3) {
    asm volatile("setmaxnreg.dec.sync.aligned.u32 %0;\\n" :: "n"(LR_WG_DREG) : "memory");
    wg_down(*reinterpret_cast<WgDownSmem*>(wg_raw + sizeof(WgSmem)), X, Dn, ls, Lo, flags, epoch, M, K, R);
    return;
  }
  if (EPI && wg == 3) {
    // 512 threads start at 128 registers each: above that the epilogue warpgroup's count is an increase (LR_WG_EPIRG).
    if (LR_WG_EREG > 128) asm volatile("setmaxnreg.inc.sync.aligned.u32 %0;\\n" :: "n"(LR_WG_EREG) : "memory");
    else asm volatile("setmaxnreg.dec.sync.aligned.u32 %0;\\n" :: "n"(LR_WG_EREG) : "memory");
    wg_epi<FUSED>(*reinterpret_cast<WgEpiSmem*>(wg_raw + offsetof(WgSmem, Ls)), WG_T0, WG_TN, WG_TS, mc, crank, NT, bias, cs, FUSED ? Lo : L, up, Y, N, R, flags, epoch);
    if (mc) cluster_sync_all();
    return;
  }
  if (wg == 0) {
    asm volatile("setmaxnreg.dec.sync.aligned.u32 %0;\\n" :: "n"(FUSED ? (LR_WG_FDOWN ? LR_WG_PREGF : LR_WG_PREG4) : EPI ? LR_WG_PREGE : 56) : "memory");
    if (lw == 0) {
      if (lane != 0) { if (mc) cluster_sync_all(); return; }
      // Copier: stage it of the block's sequence of (tile, kc), refilled once the consumers released it.
      uint32_t it = 0;
      for (int tile = WG_T0; tile < WG_TN; tile += WG_TS) {
        const int mb = WG_TMB(tile), nb = tile % NT;
        for (int kc = 0; kc < KC; kc++, it++) {
          const int s = it % WST, g = kc / WG_GSTAGES;
          WG_TRACE(0, it);
          mbar_wait(&sm.empty[s], ((it / WST) & 1) ^ 1);
          WG_TRACE(1, it);
          if (LR_WG_DIAG & 8) { mbar_arrive(&sm.full[s]); continue; }
          mbar_expect_tx(&sm.full[s], (LR_WG_DIAG & 16) ? WG_STAGE_BYTES - 2 * WG_BM - 2 * WG_BN : WG_STAGE_BYTES);
          bulk_g2s(sm.a[s], Aw + ((size_t)mb * KC + kc) * (WG_A_STAGE_BYTES / 16), WG_A_STAGE_BYTES, &sm.full[s]);
#if LR_WG_BWIDE
          if (mc)   // this CTA's half of B's stage image (rows 64·rank ..), into both CTAs
            bulk_g2s_mc(sm.bu[s] + crank * (WG_B_STAGE_BYTES / 2), Bw + ((size_t)nb * KC + kc) * (WG_B_STAGE_BYTES / 16) + crank * (WG_B_STAGE_BYTES / 32),
                WG_B_STAGE_BYTES / 2, &sm.full[s], (uint16_t)3);
          else bulk_g2s(sm.bu[s], Bw + ((size_t)nb * KC + kc) * (WG_B_STAGE_BYTES / 16), WG_B_STAGE_BYTES, &sm.full[s]);
#else
          bulk_g2s(sm.bp[s], Bw + ((size_t)nb * KC + kc) * 256, 4096, &sm.full[s]);
#endif
          if (LR_WG_DIAG & 16) continue;
          bulk_g2s(sm.sa[s], saW + ((size_t)g * MT + mb) * WG_BM, 2 * WG_BM, &sm.full[s]);
          bulk_g2s(sm.sw[s], swW + ((size_t)g * NT + nb) * WG_BN, 2 * WG_BN, &sm.full[s]);
        }
      }
      if (mc) cluster_sync_all();
      return;
    }
    if (FUSED && LR_WG_FDOWN) {   // warps 1-3: the down projection (wg_fdown), shared memory after WgEpiSmem
      wg_fdown(*reinterpret_cast<WgFDownSmem*>(wg_raw + offsetof(WgSmem, Ls) + sizeof(WgEpiSmem)), X, Dn, ls, Lo, flags, epoch, M, K, R);
      return;
    }
    // Unpackers: B's nibbles to 16·value int8 in the core-matrix layout. Warps 1-3 together widen each stage,
    // or (LR_WG_SPLIT) warp w widens the stages it ≡ w - 1 (mod 3), so three stages are in progress at once
    // (one stage's wait, loads, stores and proxy fence are a latency chain).
#if LR_WG_BWIDE
    if (mc) cluster_sync_all();
    return;   // B arrives widened (pack_wg_b)
#else
    const int u0 = LR_WG_SPLIT ? lane : tid - 32, ustep = LR_WG_SPLIT ? 32 : 96;
    uint32_t it = 0;
    for (int tile = blockIdx.x; tile < tiles; tile += gridDim.x) {
      for (int kc = 0; kc < KC; kc++, it++) {
        if (LR_WG_SPLIT && (int)(it % 3) != lw - 1) continue;
        const int s = it % WST;
        mbar_wait(&sm.full[s], (it / WST) & 1);
        if (lane == 0) WG_TRACE(2, it);
        #pragma unroll
        for (int u = u0; u < ((LR_WG_DIAG & 2) ? 0 : 2 * WG_BN); u += ustep) {
          const int p = u / WG_BN, n = u % WG_BN;
          const uint4 v = sm.bp[s][p][n];
          uint8_t* o = &sm.bu[s][(n >> 3) * 512 + 2 * p * 128 + (n & 7) * 16];
#if LR_WG_FP8
          *reinterpret_cast<uint4*>(o) = make_uint4(wg_b_e5m2(v.x), wg_b_e5m2(v.y), wg_b_e5m2(v.z), wg_b_e5m2(v.w));
          *reinterpret_cast<uint4*>(o + 128) = make_uint4(wg_b_e5m2(v.x >> 16), wg_b_e5m2(v.y >> 16), wg_b_e5m2(v.z >> 16), wg_b_e5m2(v.w >> 16));
#else
          *reinterpret_cast<uint4*>(o) = make_uint4((v.x << 4) & HI, (v.y << 4) & HI, (v.z << 4) & HI, (v.w << 4) & HI);
          *reinterpret_cast<uint4*>(o + 128) = make_uint4(v.x & HI, v.y & HI, v.z & HI, v.w & HI);
#endif
        }
        asm volatile("fence.proxy.async.shared::cta;\\n" ::: "memory");
        mbar_arrive(&sm.ready[s]);
        if (lane == 0) WG_TRACE(3, it);
      }
    }
    return;
#endif
  }
  asm volatile("setmaxnreg.inc.sync.aligned.u32 %0;\\n" :: "n"(FUSED ? (LR_WG_FDOWN ? LR_WG_CREGF : LR_WG_CREG4) : EPI ? LR_WG_CREGE : 224) : "memory");
  const int cw = wg - 1, mt = 4 * cw + lw, g8 = lane >> 2, t4 = lane & 3, ct = tid - 128;
  const int G = KC / WG_GSTAGES;
  uint32_t it = 0;
  for (int tile = WG_T0; tile < WG_TN; tile += WG_TS) {
    wg_acc_t c0[WG_ACC_N], c1[WG_ACC_N];   // two accumulator sets (not live across tiles)
    // A group's scales (LR_WG_SPRE: loaded by issue() once its last stage's data is there, one set per accumulator set).
    struct GroupScales { uint32_t sap; uint4 sw[4]; } sc0, sc1;
    auto load_scales = [&](GroupScales& g, int s) {
      g.sap = *reinterpret_cast<const uint32_t*>(&sm.sa[s][mt * 16 + g8 * 2]);
      const uint4* swq = reinterpret_cast<const uint4*>(&sm.sw[s][t4 * 32]);
      #pragma unroll
      for (int q = 0; q < 4; q++) g.sw[q] = swq[q];
    };
    const int bm = WG_TMB(tile) * WG_BM, bn = (tile % NT) * WG_BN;
    pair_t acc[16][2];
    #pragma unroll
    for (int i = 0; i < 16; i++) { acc[i][0] = pair_zero(); acc[i][1] = pair_zero(); }
    // One group's wgmmas into c (the first one with scale-d = 0: the set starts at 0 = 256·0).
    auto issue = [&](wg_acc_t (&c)[WG_ACC_N], GroupScales& gs) {
      for (int st = 0; st < WG_GSTAGES; st++, it++) {
        const int s = it % WST;
        const uint32_t ph = (it / WST) & 1;
        if (ct == 0) WG_TRACE(4, it);
        mbar_wait(&sm.full[s], ph);
        if (!LR_WG_BWIDE) mbar_wait(&sm.ready[s], ph);
        if (ct == 0) WG_TRACE(5, it);
        if (LR_WG_SPRE && st == WG_GSTAGES - 1) load_scales(gs, s);
#if LR_WG_ASMEM
        // A by descriptor: this warpgroup's 64 rows of the stage's image, the second k32 half 256 bytes in (as B).
        wg_fence();
        if (!(LR_WG_DIAG & 4)) {
          const uint8_t* const ap = sm.a[s] + cw * 4096;
          wg_mma_ss(c, wg_desc(ap), wg_desc(sm.bu[s]), st > 0);
          wg_mma_ss(c, wg_desc(ap + 256), wg_desc(sm.bu[s] + 256), 1);
        }
#else
        const uint4 av = sm.a[s][mt][lane];
#if LR_WG_FP8
        const uint32_t a0[4] = {wg_a_lo(av.x), wg_a_lo(av.y), wg_a_hi(av.x), wg_a_hi(av.y)};
        const uint32_t a1[4] = {wg_a_lo(av.z), wg_a_lo(av.w), wg_a_hi(av.z), wg_a_hi(av.w)};
#else
        const uint32_t a0[4] = {(av.x << 4) & HI, (av.y << 4) & HI, av.x & HI, av.y & HI};
        const uint32_t a1[4] = {(av.z << 4) & HI, (av.w << 4) & HI, av.z & HI, av.w & HI};
#endif
        wg_fence();
        if (!(LR_WG_DIAG & 4)) {
          wg_mma(c, a0, wg_desc(sm.bu[s]), st > 0);
          wg_mma(c, a1, wg_desc(sm.bu[s] + (LR_WG_BSWZ ? 32 : 256)), 1);
        }
#endif
      }
      wg_commit();
      if (ct == 0) WG_TRACE(8, it - 1);
    };
    // Golden's group step for the group whose first stage is it0 (its scales are in its last stage).
    auto fold = [&](wg_acc_t (&c)[WG_ACC_N], GroupScales& gs, uint32_t it0) {
      wg_fence_regs(c);
      if (ct == 0) WG_TRACE(6, it0 + WG_GSTAGES - 1);
      if (!LR_WG_SPRE) load_scales(gs, (it0 + WG_GSTAGES - 1) % WST);
      uint32_t sap = gs.sap;
      // Keeps the extraction of the second row's scale (a shift) here, after the wait: scheduled next to its load
      // (issue()), it stalled the warp before its wgmmas (an H100 profile, 2026-12-07 10:09 UTC: 6% of the samples;
      // -DLR_WG_SAPIN=0 measured 0.1947 ms against 0.1911 without the branch at 4096³, 10:33 UTC).
      if (LR_WG_SAPIN) asm volatile("" : "+r"(sap));
      const uint16_t sa0 = (uint16_t)(sap & 0xffff), sa1 = (uint16_t)(sap >> 16);
      const uint4 (&swv)[4] = gs.sw;
      // The stages go back to the copier once the scales are read (the wgmmas reading them are complete): with
      // LR_WG_EARLY right away, so the fold below overlaps the refill; else after the fold.
      auto release = [&]() {
        __syncwarp();
        if (lane == 0)
          for (int st = 0; st < WG_GSTAGES; st++) {
            mbar_arrive(&sm.empty[(it0 + st) % WST]);
            if (mc) mbar_arrive_peer(&sm.empty[(it0 + st) % WST], crank ^ 1);   // the peer's copier writes this slot too
          }
      };
      if (LR_WG_EARLY) release();
      #pragma unroll
      for (int q = 0; q < ((LR_WG_DIAG & 1) ? 0 : 4); q++) {
        const uint4 w4 = swv[q];
        #pragma unroll
        for (int e = 0; e < 4; e++) {
          const int i = 4 * q + e;
          const auto swp = sw_pair_word(word_of(w4, e));
#if LR_WG_FP8 && LR_WG_F16ACC
          LR_PAIR_STEP_F16(acc[i][0], c[2 * i], sa0, swp);
          LR_PAIR_STEP_F16(acc[i][1], c[2 * i + 1], sa1, swp);
#else
          LR_PAIR_STEP(acc[i][0], WG_SUM(c[4 * i]), WG_SUM(c[4 * i + 1]), sa0, swp);
          LR_PAIR_STEP(acc[i][1], WG_SUM(c[4 * i + 2]), WG_SUM(c[4 * i + 3]), sa1, swp);
#endif
        }
      }
      if (!LR_WG_EARLY) release();
      if (ct == 0) WG_TRACE(7, it0 + WG_GSTAGES - 1);
    };
    // Group gi runs in c0 (even) or c1 (odd); the previous group is folded while it runs. The loop is left
    // only after wait_group 0, so no accumulator is in flight past it (ptxas then keeps the wgmmas asynchronous).
    uint32_t it_c0 = it, it_c1 = it;
    issue(c0, sc0);
    for (int gi = 0;; gi += 2) {
      if (gi + 1 == G) { wg_wait<0>(); fold(c0, sc0, it_c0); break; }
      it_c1 = it;
      issue(c1, sc1);
      wg_wait<1>();
      fold(c0, sc0, it_c0);
      if (gi + 2 == G) { wg_wait<0>(); fold(c1, sc1, it_c1); break; }
      it_c0 = it;
      issue(c0, sc0);
      wg_wait<1>();
      fold(c1, sc1, it_c1);
    }
    if (ct == 0 && tile == (int)blockIdx.x) WG_PROBE(1);
    if constexpr (EPI) {   // LR_WG_EPIWG: the accumulator pairs to accb, for the epilogue warpgroup (wg_epi)
      WgEpiSmem& es = *reinterpret_cast<WgEpiSmem*>(wg_raw + offsetof(WgSmem, Ls));
      epi_empty_wait();
      #pragma unroll
      for (int i = 0; i < 16; i++)
        #pragma unroll
        for (int rh = 0; rh < 2; rh++) memcpy(&es.accb[mt * 16 + g8 + 8 * rh][4 * i + t4], &acc[i][rh], 4);
      epi_full_arrive();
    }
    if constexpr (!EPI) {   // the consumers' own epilogue (without LR_WG_EPIWG, and in lr_wgmma<2>)
    // Epilogue: y = lr_epilogue(acc); y[i][e + 2rh] is (row 16mt + g8 + 8rh, column 8i + 2t4 + e) of the tile.
    float y[16][4];
    #pragma unroll
    for (int i = 0; i < 16; i++) {
      const int c = bn + 8 * i + 2 * t4;
      const float b0 = bias ? r16_val(bias[c]) : 0.0f, b1 = bias ? r16_val(bias[c + 1]) : 0.0f;
      const float s0 = cs ? r16_val(cs[c]) : 0.0f, s1 = cs ? r16_val(cs[c + 1]) : 0.0f;
      const bool hb = bias != nullptr, hc = cs != nullptr;
      y[i][0] = lr_epilogue(pair_lo(acc[i][0]), hc, s0, hb, b0);
      y[i][1] = lr_epilogue(pair_hi(acc[i][0]), hc, s1, hb, b1);
      y[i][2] = lr_epilogue(pair_lo(acc[i][1]), hc, s0, hb, b0);
      y[i][3] = lr_epilogue(pair_hi(acc[i][1]), hc, s1, hb, b1);
    }
    if (BRANCH) {
      const int rl = mt * 16 + g8;
      // FUSED: L is written by this launch (wg_down, any block): read through L2 only (ld.global.cg), after
      // the acquire of its slice's flag by one thread per 32-row slice and the barrier below.
      const uint16_t* const Lr = FUSED ? Lo : L;
      auto ldL = [&](size_t i) -> uint16_t { return FUSED ? __ldcg(Lr + i) : Lr[i]; };
      auto ldL8 = [&](size_t i) -> uint4 { return FUSED ? __ldcg(reinterpret_cast<const uint4*>(Lr + i)) : __ldg(reinterpret_cast<const uint4*>(Lr + i)); };
      for (int j0 = 0; j0 < R; j0 += 32) {
        const int jc = min(32, R - j0);
        if (FUSED && ct < WG_BM / WD_ROWS) flag_wait(&flags[wd_slice_of(bm + WD_ROWS * ct, j0, R)], epoch);
        named_sync_consumers();   // the previous chunk's (or tile's) readers are done; FUSED: the slices are in
        if (ct == 0 && j0 == 0 && tile == (int)blockIdx.x) WG_PROBE(2);
        if (R % 8 == 0) {
          uint4 lq[2], uq[2];
          #pragma unroll
          for (int i = 0; i < 2; i++) {
            const int p = ct + 256 * i, r = p >> 2, j8 = (p & 3) * 8;
            const bool in = j8 < jc;
            lq[i] = in ? ldL8((size_t)(bm + r) * R + j0 + j8) : make_uint4(0, 0, 0, 0);
            uq[i] = in ? __ldg(reinterpret_cast<const uint4*>(up + (size_t)(bn + r) * R + j0 + j8)) : make_uint4(0, 0, 0, 0);
          }
          #pragma unroll
          for (int i = 0; i < 2; i++) {
            const int p = ct + 256 * i, r = p >> 2, j8 = (p & 3) * 8;
            store8(&sm.Ls[r][j8], lq[i]);
            store8(&sm.Us[r][j8], uq[i]);
          }
        } else {
          #pragma unroll 4
          for (int e = ct; e < WG_BM * 32; e += 256) {
            const int r = e >> 5, jj = e & 31;
            sm.Ls[r][jj] = jj < jc ? r16_val(ldL((size_t)(bm + r) * R + j0 + jj)) : 0.0f;
            sm.Us[r][jj] = jj < jc ? r16_val(up[(size_t)(bn + r) * R + j0 + jj]) : 0.0f;
          }
        }
        named_sync_consumers();
        for (int jq = 0; jq < jc; jq += 4) {
          const int jn = min(4, jc - jq);   // ranks past jc are never stepped (golden stops at r)
          const float4 lv0 = *reinterpret_cast<const float4*>(&sm.Ls[rl][jq]);
          const float4 lv1 = *reinterpret_cast<const float4*>(&sm.Ls[rl + 8][jq]);
          if (LR_WG_UPFAST && jn == 4) {   // branch-free: the scheduler interleaves the 64 independent chains
            #pragma unroll
            for (int i = 0; i < 16; i++) {
              const float4 u0 = *reinterpret_cast<const float4*>(&sm.Us[8 * i + 2 * t4][jq]);
              const float4 u1 = *reinterpret_cast<const float4*>(&sm.Us[8 * i + 2 * t4 + 1][jq]);
              y[i][0] = branch_step(branch_step(branch_step(branch_step(y[i][0], lv0.x, u0.x), lv0.y, u0.y), lv0.z, u0.z), lv0.w, u0.w);
              y[i][1] = branch_step(branch_step(branch_step(branch_step(y[i][1], lv0.x, u1.x), lv0.y, u1.y), lv0.z, u1.z), lv0.w, u1.w);
              y[i][2] = branch_step(branch_step(branch_step(branch_step(y[i][2], lv1.x, u0.x), lv1.y, u0.y), lv1.z, u0.z), lv1.w, u0.w);
              y[i][3] = branch_step(branch_step(branch_step(branch_step(y[i][3], lv1.x, u1.x), lv1.y, u1.y), lv1.z, u1.z), lv1.w, u1.w);
            }
            continue;
          }
          #pragma unroll
          for (int i = 0; i < 16; i++)
            #pragma unroll
            for (int e = 0; e < 2; e++) {
              const float4 uv = *reinterpret_cast<const float4*>(&sm.Us[8 * i + 2 * t4 + e][jq]);
              #pragma unroll
              for (int q = 0; q < 4; q++) {
                if (q >= jn) break;
                const float u = q == 0 ? uv.x : q == 1 ? uv.y : q == 2 ? uv.z : uv.w;
                const float l0 = q == 0 ? lv0.x : q == 1 ? lv0.y : q == 2 ? lv0.z : lv0.w;
                const float l1 = q == 0 ? lv1.x : q == 1 ? lv1.y : q == 2 ? lv1.z : lv1.w;
                y[i][e] = branch_step(y[i][e], l0, u);
                y[i][e + 2] = branch_step(y[i][e + 2], l1, u);
              }
            }
        }
      }
    }
    #pragma unroll
    for (int i = 0; i < 16; i++)
      #pragma unroll
      for (int rh = 0; rh < 2; rh++) {
        const int row = bm + mt * 16 + g8 + 8 * rh, col = bn + 8 * i + 2 * t4;
        *reinterpret_cast<uint32_t*>(&Y[(size_t)row * N + col]) = out_code(y[i][2 * rh]) | (out_code(y[i][2 * rh + 1]) << 16);
      }
    }
  }
  if (ct == 0) WG_PROBE(4);
  if (mc) cluster_sync_all();   // no arrival or copy reaches a CTA that has exited
}
#undef WG_T0
#undef WG_TN
#undef WG_TS
#undef WG_TMB

// Host packing for lr_wgmma (layout only).
static std::vector<uint32_t> pack_wg_a(const std::vector<uint8_t>& q, int M, int K) {
#if LR_WG_ASMEM
  // Widened once: each (row block, 64-deep stage) is the 8 KB image of the shared memory a, byte (m, k) at
  // (m/8)·512 + (k/16)·128 + (m%8)·16 + k%16, holding the e4m3 code of a·2^-9 (LR_WG_FP8) or 16·a (int8 / uint8).
  const int KCW = K / 64; std::vector<uint32_t> pw((size_t)M * K / 4);
  uint8_t* pb = reinterpret_cast<uint8_t*>(pw.data());
  for (int mb = 0; mb < M / 128; mb++) for (int kc = 0; kc < KCW; kc++) for (int m = 0; m < 128; m++) for (int k = 0; k < 64; k++) {
    const uint32_t c = q[(size_t)(128 * mb + m) * K + 64 * kc + k] & 15;
#if LR_WG_FP8
    const uint8_t v = (uint8_t)(wg_a_lo(c) & 255);
#else
    const uint8_t v = (uint8_t)(c << 4);
#endif
    pb[((size_t)mb * KCW + kc) * 8192 + (m >> 3) * 512 + (k >> 4) * 128 + (m & 7) * 16 + (k & 15)] = v;
  }
  return pw;
#endif
  const std::vector<uint32_t> f = pack_a(q, M, K);   // [M/16][K/64][32][4]
  const int KC = K / 64; std::vector<uint32_t> p(f.size());
  for (int mb = 0; mb < M / 128; mb++) for (int kc = 0; kc < KC; kc++) for (int mt = 0; mt < 8; mt++)
    std::memcpy(&p[(((size_t)mb * KC + kc) * 8 + mt) * 128], &f[(((size_t)(8 * mb + mt)) * KC + kc) * 128], 128 * sizeof(uint32_t));
  return p;
}
static std::vector<uint32_t> pack_wg_b(const std::vector<uint8_t>& q, int N, int K) {
#if LR_WG_BWIDE
  // Widened once: each (column block, 64-deep stage) is the 8 KB image of the shared memory bu, byte (n, k) at
  // (n/8)·512 + (k/16)·128 + (n%8)·16 + k%16, holding 16·w as int8 (or, LR_WG_FP8, the e5m2 code of w·2^9).
  const int KCW = K / 64; std::vector<uint32_t> pw((size_t)N * K / 4);
  uint8_t* pb = reinterpret_cast<uint8_t*>(pw.data());
  for (int nb = 0; nb < N / 128; nb++) for (int kc = 0; kc < KCW; kc++) for (int n = 0; n < 128; n++) for (int k = 0; k < 64; k++) {
    const uint32_t c = q[(size_t)(128 * nb + n) * K + 64 * kc + k] & 15;
#if LR_WG_FP8
    const uint8_t v = (uint8_t)(wg_b_e5m2(c) & 255);
#else
    const uint8_t v = (uint8_t)(c << 4);
#endif
    pb[((size_t)nb * KCW + kc) * 8192 + wg_b_off(n, k)] = v;
  }
  return pw;
#else
  const int KC = K / 64; std::vector<uint32_t> p((size_t)N * K / 8);
  for (int nb = 0; nb < N / 128; nb++) for (int kc = 0; kc < KC; kc++) for (int pp = 0; pp < 2; pp++) for (int n = 0; n < 128; n++) for (int i = 0; i < 4; i++) {
    const size_t row = (size_t)(128 * nb + n) * K; uint32_t w = 0;
#if LR_WG_FP8
    // Bits 4b..4b+3: code of k = 64kc + 32pp + 4i + b, bits 16 + 4b..: the same at k + 16 (PRMT selectors).
    for (int b = 0; b < 4; b++) { const int k = 64 * kc + 32 * pp + 4 * i + b; w |= (uint32_t)(q[row + k] | (q[row + k + 16] << 16)) << (4 * b); }
#else
    for (int b = 0; b < 4; b++) { const int k = 64 * kc + 32 * pp + 4 * i + b; w |= (uint32_t)(q[row + k] | (q[row + k + 16] << 4)) << (8 * b); }
#endif
    p[((((size_t)nb * KC + kc) * 2 + pp) * 128 + n) * 4 + i] = w;
  }
  return p;
#endif
}
// Scales [rows × G] to [G][rows/128][128] in fragment order: rows (sa: 16mt + g + 8rh at 16mt + 2g + rh) or
// columns (sw: 8i + 2t + e at 32t + 2i + e).
static std::vector<uint16_t> pack_wg_scales(const std::vector<uint16_t>& s, int rows, int G, bool cols) {
  std::vector<uint16_t> o((size_t)rows * G);
  for (int g = 0; g < G; g++) for (int b = 0; b < rows / 128; b++) for (int x = 0; x < 128; x++) {
    const int r = cols ? 8 * ((x >> 1) & 15) + 2 * (x >> 5) + (x & 1) : 16 * (x >> 4) + ((x >> 1) & 7) + 8 * (x & 1);
    o[((size_t)g * (rows / 128) + b) * 128 + x] = s[(size_t)(128 * b + r) * G + g];
  }
  return o;
}

#if LR_WG_FP8
// The integer v·2^shift that an fp8 code (mbits mantissa bits: e4m3 3, e5m2 2; bias 2^(ebits-1) - 1) stands
// for, decoded from the OCP FP8 definition; a non-integer or a NaN/infinity code is an error of the encoders (-9999).
static int wg_fp8_int(uint8_t b, int mbits, int shift) {
  const int ebits = 7 - mbits, bias = (1 << (ebits - 1)) - 1, e = (b >> mbits) & ((1 << ebits) - 1), m = b & ((1 << mbits) - 1);
  if ((mbits == 3 && (b & 0x7F) == 0x7F) || (mbits == 2 && e == 31)) return -9999;
  const double v = e == 0 ? std::ldexp((double)m, 1 - bias - mbits) : std::ldexp((double)((1 << mbits) + m), e - bias - mbits);
  const double x = std::ldexp(v, shift);
  if (x != std::floor(x)) return -9999;
  return (b & 0x80) ? -(int)x : (int)x;
}
#endif
// Host model of lr_wgmma's operand layouts (no GPU; launcher mode \`wglayout M N K\`): random codes packed by
// pack_wg_*, B widened by the unpackers' formula, then read back the way PTX defines wgmma's operands —
// B as K-major core matrices at (n%8)·16 + (n/8)·SBO + ((k%32)/16)·LBO + k%16 from the k32 half's start,
// A from the m64nNk32 register fragment (register r of lane (g, t) in warp w: row 16w + g + 8·(r&1),
// k 16·(r>>1) + 4t + byte) — and each group's integer dot compared with the one from the codes; the scale
// words each lane reads are compared with the scale codes of its rows and columns. Returns the mismatches.
static size_t wg_layout_check(int M, int N, int K) {
  const int G = K / GS, KC = K / 64, MT = M / 128, NT = N / 128;
  std::vector<uint8_t> qa((size_t)M * K), qw((size_t)N * K); std::vector<uint16_t> sa((size_t)M * G), sw((size_t)N * G);
  for (size_t i = 0; i < qa.size(); i++) qa[i] = qacc_hash(11, 1, (uint32_t)i) & 15;
  for (size_t i = 0; i < qw.size(); i++) qw[i] = qacc_hash(11, 2, (uint32_t)i) & 15;
  for (size_t i = 0; i < sa.size(); i++) sa[i] = qacc_hash(11, 3, (uint32_t)i) & 0xffff;
  for (size_t i = 0; i < sw.size(); i++) sw[i] = qacc_hash(11, 4, (uint32_t)i) & 0xffff;
  const std::vector<uint32_t> Aw = pack_wg_a(qa, M, K), Bw = pack_wg_b(qw, N, K);
  const std::vector<uint16_t> saW = pack_wg_scales(sa, M, G, false), swW = pack_wg_scales(sw, N, G, true);
  auto aval = [](uint32_t c) { return ${unsignedAct ? '(int)c' : '(int)(c >= 8 ? c - 16 : c)'}; };
  auto wval = [](uint32_t c) { return (int)(c >= 8 ? c - 16 : c); };
  size_t bad = 0;
  // Where wgmma reads B(n, k) of k32 half h, from PTX's definition of the descriptor: K-major core matrices at
  // (n%8)·16 + (n/8)·SBO + ((k%32)/16)·LBO + k%16 from the half's start (LBO 128, SBO 512, halves 256 apart), or
  // with 64-byte swizzle rows of 64 bytes, 8-row groups SBO = 512 apart, the half 32 bytes in, then the address
  // bits 4-5 XOR bits 7-8.
  auto wg_read_off = [](int n, int h, int kk) {
#if LR_WG_BSWZ
    const int o = (n / 8) * 512 + (n % 8) * 64 + 32 * h + kk;
    return o ^ (((o >> 7) & 3) << 4);
#else
    return 256 * h + (n % 8) * 16 + (n / 8) * 512 + (kk / 16) * 128 + kk % 16;
#endif
  };
  std::vector<int64_t> acc(128 * 128);
  std::vector<uint8_t> bu(8192);
  for (int mb = 0; mb < MT; mb++) for (int nb = 0; nb < NT; nb++) {
    std::fill(acc.begin(), acc.end(), 0);
    for (int kc = 0; kc < KC; kc++) {
      const uint32_t* a = &Aw[((size_t)mb * KC + kc) * (WG_A_STAGE_BYTES / 4)];
#if LR_WG_BWIDE
      std::memcpy(bu.data(), &Bw[((size_t)nb * KC + kc) * 2048], 8192);   // already the stage's image
#else
      const uint32_t* bp = &Bw[((size_t)nb * KC + kc) * 1024];
      for (int u = 0; u < 256; u++) {
        const int p = u / 128, n = u % 128;
        for (int i = 0; i < 4; i++) {
#if LR_WG_FP8
          const uint32_t v = bp[(p * 128 + n) * 4 + i], lo = wg_b_e5m2(v), hi = wg_b_e5m2(v >> 16);
#else
          const uint32_t v = bp[(p * 128 + n) * 4 + i], lo = (v << 4) & HI, hi = v & HI;
#endif
          std::memcpy(&bu[(n >> 3) * 512 + 2 * p * 128 + (n & 7) * 16 + 4 * i], &lo, 4);
          std::memcpy(&bu[(n >> 3) * 512 + 2 * p * 128 + (n & 7) * 16 + 128 + 4 * i], &hi, 4);
        }
      }
#endif
      // acc(row, ·) += a(row, k) · B(·, k) for k = 32h + kk of this stage.
      auto add_row = [&](int row, int h, int kk, int av) {
        for (int n = 0; n < 128; n++) {
#if LR_WG_FP8
          const int bv = wg_fp8_int(bu[wg_read_off(n, h, kk)], 2, -9);   // e5m2 of w·2^9
#else
          const int bv = (int8_t)bu[wg_read_off(n, h, kk)];
#endif
          acc[row * 128 + n] += (int64_t)av * bv;
        }
      };
#if LR_WG_ASMEM
      // A through the descriptor (PTX: K-major core matrices, LBO 128 between the 16-byte k chunks, SBO 512 between
      // 8-row groups): warpgroup cw = row/64 reads its row r = row%64 of half h at cw·4096 + 256h + (r%8)·16 + (r/8)·512
      // + (kk/16)·128 + kk%16.
      const uint8_t* ab = reinterpret_cast<const uint8_t*>(a);
      for (int row = 0; row < 128; row++) for (int h = 0; h < 2; h++) for (int kk = 0; kk < 32; kk++) {
        const int cw = row / 64, r = row % 64;
        const uint8_t byte = ab[cw * 4096 + 256 * h + (r % 8) * 16 + (r / 8) * 512 + (kk / 16) * 128 + kk % 16];
#if LR_WG_FP8
        add_row(row, h, kk, wg_fp8_int(byte, 3, 9));   // e4m3 code of a·2^-9
#else
        add_row(row, h, kk, ${unsignedAct ? '(int)byte' : '(int)(int8_t)byte'});
#endif
      }
#else
      for (int mt = 0; mt < 8; mt++) for (int lane = 0; lane < 32; lane++) for (int h = 0; h < 2; h++) {
        const uint32_t* wq = &a[(mt * 32 + lane) * 4];
#if LR_WG_FP8
        const uint32_t r4[4] = {wg_a_lo(wq[2 * h]), wg_a_lo(wq[2 * h + 1]), wg_a_hi(wq[2 * h]), wg_a_hi(wq[2 * h + 1])};
#else
        const uint32_t r4[4] = {(wq[2 * h] << 4) & HI, (wq[2 * h + 1] << 4) & HI, wq[2 * h] & HI, wq[2 * h + 1] & HI};
#endif
        const int g = lane >> 2, t = lane & 3;
        for (int r = 0; r < 4; r++) for (int byte = 0; byte < 4; byte++) {
          const int row = 16 * mt + g + 8 * (r & 1), kk = 16 * (r >> 1) + 4 * t + byte;   // kk: k within the half
#if LR_WG_FP8
          const int av = wg_fp8_int((uint8_t)(r4[r] >> (8 * byte)), 3, 9);   // e4m3 code of a·2^-9
#else
          const int av = ${unsignedAct ? '(int)(uint8_t)(r4[r] >> (8 * byte))' : '(int)(int8_t)(r4[r] >> (8 * byte))'};
#endif
          add_row(row, h, kk, av);
        }
      }
#endif
      if (kc % (GS / 64) != GS / 64 - 1) continue;
      const int gg = kc / (GS / 64);
      for (int m = 0; m < 128; m++) for (int n = 0; n < 128; n++) {
        int64_t d = 0;
        for (int k = gg * GS; k < (gg + 1) * GS; k++) d += aval(qa[(size_t)(128 * mb + m) * K + k]) * wval(qw[(size_t)(128 * nb + n) * K + k]);
        const int64_t want = LR_WG_FP8 ? d : 256 * d;   // int8: 16·a times 16·w
        if (acc[m * 128 + n] != want && bad++ < 5) std::printf("  wglayout: tile (%d, %d) group %d (%d, %d): %lld, codes give %lld\\n", mb, nb, gg, m, n, (long long)acc[m * 128 + n], (long long)want);
        acc[m * 128 + n] = 0;
      }
      // The scale words of lane (g, t) in warp mt: rows 16mt + g (+8), columns 8i + 2t (+1).
      for (int mt = 0; mt < 8; mt++) for (int lane = 0; lane < 32; lane++) {
        const int g = lane >> 2, t = lane & 3;
        const uint16_t* sap = &saW[((size_t)gg * MT + mb) * 128 + mt * 16 + g * 2];
        for (int rh = 0; rh < 2; rh++) if (sap[rh] != sa[(size_t)(128 * mb + 16 * mt + g + 8 * rh) * G + gg]) bad++;
        const uint16_t* swp = &swW[((size_t)gg * NT + nb) * 128 + t * 32];
        for (int i = 0; i < 16; i++) for (int e = 0; e < 2; e++) if (swp[2 * i + e] != sw[(size_t)(128 * nb + 8 * i + 2 * t + e) * G + gg]) bad++;
      }
    }
  }
  return bad;
}

// Host check of lr_wgmma<2>'s down warpgroup index maps (launcher mode \`wgdown M R\`, no GPU), through the same
// __host__ __device__ functions the kernel uses: every L value (m < M, j < R) is one chain of exactly one
// (slice, thread, a, i), each thread's rows and ranks inside its slice (a float4 of 4 ranks: 4-aligned); the
// staging pieces cover every (row, k) of an X chunk and every (step, rank) of a D chunk exactly once; and the
// slices a 128-row tile's epilogue waits for (rank chunk j0) hold all of its rows' values of that chunk.
// Returns the number of violations.
static size_t wg_down_check(int M, int R) {
  size_t bad = 0;
  const int slices = wd_slices(M, R);
  std::vector<int> cover((size_t)M * R, 0), owner((size_t)M * R, -1);
  for (int sl = 0; sl < slices; sl++) for (int dt = 0; dt < 128; dt++) {
    if (wd_rank(dt, 0) % 4 != 0) bad++;
    for (int a = 0; a < 2; a++) for (int i = 0; i < 4; i++) {
      const int r = wd_row(dt, a), c = wd_rank(dt, i);
      if (r < 0 || r >= WD_ROWS || c < 0 || c >= WD_RANKS) { bad++; continue; }
      const int m = wd_m0(sl, R) + r, j = wd_j0(sl, R) + c;
      if (m < M && j < R) { cover[(size_t)m * R + j]++; owner[(size_t)m * R + j] = sl; }
    }
  }
  for (size_t i = 0; i < cover.size(); i++) if (cover[i] != 1 && bad++ < 5) std::printf("  wgdown: L(%zu, %zu) computed %d times\\n", i / R, i % R, cover[i]);
  std::vector<int> xs(WD_ROWS * WD_KC, 0), dsn(WD_KC * WD_RANKS, 0);
  for (int dt = 0; dt < 128; dt++) for (int e = 0; e < 8; e++) {
    const int pr = wd_piece_row(dt), pc = wd_piece_col(dt) + e;
    if (pr >= WD_ROWS || pc >= WD_KC || pr >= WD_KC || pc >= WD_RANKS) { bad++; continue; }
    xs[pr * WD_KC + pc]++; dsn[pr * WD_RANKS + pc]++;
  }
  for (int v : xs) if (v != 1) bad++;
  for (int v : dsn) if (v != 1) bad++;
  for (int bm = 0; bm + 128 <= M; bm += 128) for (int j0 = 0; j0 < R; j0 += 32) {
    int waits[4];
    for (int s = 0; s < 4; s++) waits[s] = wd_slice_of(bm + WD_ROWS * s, j0, R);
    for (int m = bm; m < bm + 128; m++) for (int j = j0; j < std::min(R, j0 + 32); j++) {
      const int o = owner[(size_t)m * R + j];
      if (o != waits[0] && o != waits[1] && o != waits[2] && o != waits[3] && bad++ < 5) std::printf("  wgdown: tile rows %d.. rank chunk %d: L(%d, %d) in slice %d, not waited for\\n", bm, j0, m, j, o);
    }
  }
  return bad;
}
// The same for LR_WG_FDOWN's down units (wg_fdown): every L value (m < M, j < R) is the chain of exactly one (unit, warp,
// row a, lane); the staging pieces of the 96 down threads cover every (step, rank) of a D chunk and every (row, step) of
// an X chunk exactly once; and the units a 128-row tile's epilogue waits for (rank chunk j0) hold all of its rows' values.
static size_t wf_down_check(int M, int R) {
  size_t bad = 0;
  const int units = wf_units(M, R);
  std::vector<int> cover((size_t)M * R, 0), owner((size_t)M * R, -1);
  for (int u = 0; u < units; u++) for (int w = 0; w < WF_WARPS; w++) for (int a = 0; a < wf_nrows(w); a++) for (int lane = 0; lane < 32; lane++) {
    const int r = wf_row(w, a);
    if (r < 0 || r >= WF_ROWS) { bad++; continue; }
    const int m = wf_m0(u, R) + r, j = wf_j0(u, R) + lane;
    if (m < M && j < R) { cover[(size_t)m * R + j]++; owner[(size_t)m * R + j] = u; }
  }
  for (size_t i = 0; i < cover.size(); i++) if (cover[i] != 1 && bad++ < 5) std::printf("  wfdown: L(%zu, %zu) computed %d times\\n", i / R, i % R, cover[i]);
  std::vector<int> ds(WF_KC * WF_RANKS, 0), xs(WF_ROWS * WF_KC, 0);
  for (int ft = 0; ft < WF_THREADS; ft++) for (int i = 0; i < 2; i++) {
    const int p = ft + WF_THREADS * i;
    for (int e = 0; e < 8; e++) {
      if (p < WF_DPIECES) ds[(p >> 2) * WF_RANKS + 8 * (p & 3) + e]++;
      else if (p < WF_PIECES) { const int q = p - WF_DPIECES; xs[(q >> 2) * WF_KC + 8 * (q & 3) + e]++; }
    }
  }
  for (int v : ds) if (v != 1) bad++;
  for (int v : xs) if (v != 1) bad++;
  for (int bm = 0; bm + 128 <= M; bm += 128) for (int j0 = 0; j0 < R; j0 += WF_RANKS) {
    std::vector<int> waits;
    for (int et = 0; et < 128 / WF_ROWS; et++) waits.push_back(wf_unit_of(bm + WF_ROWS * et, j0, R));
    for (int m = bm; m < bm + 128; m++) for (int j = j0; j < std::min(R, j0 + WF_RANKS); j++) {
      const int o = owner[(size_t)m * R + j];
      if (std::find(waits.begin(), waits.end(), o) == waits.end() && bad++ < 5) std::printf("  wfdown: tile rows %d.. rank chunk %d: L(%d, %d) in unit %d, not waited for\\n", bm, j0, m, j, o);
    }
  }
  return bad;
}
`;
}
