/**
 * The lowrank_gemm kind's WGSL reference kernel (issue 14): the fused W4A4 / NVFP4 group GEMM with the
 * low-rank branch of golden.ts, one invocation per output (m, n), every step in golden's order and
 * rounding, in integers only (src/codegen/wgsl/softfloat.ts):
 * 1. per group g ascending: the exact i32 group dot of the 4-bit element values (golden's
 *    lowRankElementValues tables, embedded; nvfp4 values doubled, so the dot is in quarter units),
 *    d̂ = round_P(d), s = round_P(sa·sw) (exact product), then acc = round_P(d̂·s + acc) fused (sf_fma_round:
 *    the product exact in 64 bits, one rounding) or round_P(acc + round_P(d̂·s)) unfused;
 * 2.–3. the nvfp4 tensor scale and the fp32 or 16-bit epilogue (channel scale, bias), each one rounding;
 * 4. the branch: a first pass (entry `down`, one invocation per (j, m)) computes l = round_32(l + round_32(x·d))
 *    over k and L = round_R16(l) (or of round_32(l·loraScale)) into scratch; the GEMM pass adds
 *    y = round_32(y + round_32(L·u)) over ranks j ascending;
 * 5. Y = round_R16(y).
 * With `activation_quant = runtime` a first pass (entry `qact`, one invocation per (group g, row m)) is
 * golden-qact.ts's lowRankQuantizeGroup on the raw X, in integers: the group's max |x| (NaN codes skipped),
 * s = round_32(amax · round_32(1/qmax)) (NVFP4: capped at 448 by comparing fp32 codes), sa = the scale
 * code (RNE), r = round_32(1/s) from a restoring division of 2^50 by s's 24-bit significand (remainder as
 * a sticky bit; r = +inf for a zero or fp32-subnormal s, +0 for s = inf), v = round_32(x·r) and the 4-bit
 * code under the rounding register (rne / rtz / rna on the magnitude, saturating, NaN → +0). It writes
 * the codes and scale codes, one per u32, into the scratch buffers `qa` and `sa` that the GEMM pass reads:
 * no activation quantization happens on the host.
 */
import { NoKernelError, type KernelSet } from '../../codegen/kernels/manifest.js';
import { gemmLaunch, wgslGemm } from '../../codegen/wgsl/gemm-kernel.js';
import { LLVMPIPE_LOOP_LIMIT, WGSL_LOOP_BUDGET } from '../../codegen/wgsl/loop-limit.js';
import { packCodes, type PackedBits } from '../../codegen/wgsl/pack.js';
import { sfCodeArgs, sfDecodeTable, sfFormat, sfRoundArgs, WGSL_FMA, type SfFormat } from '../../codegen/wgsl/softfloat.js';
import { FP32 } from '../../formats/float.js';
import { wideFormat } from '../../golden/common.js';
import type { TargetOf } from '../facets/compile.js';
import { lowRankActivationCodes, lowRankElementValues, lowRankScaleFormat, type LowRankGemmOperands } from './golden.js';
import { lowRankQactScaleFactor, NVFP4_SCALE_CAP } from './golden-qact.js';

const FORMATS: Readonly<Record<'fp16' | 'bf16' | 'fp32', SfFormat>> = { fp16: sfFormat(5, 10), bf16: sfFormat(8, 7), fp32: sfFormat(8, 23) };
const F32 = FORMATS.fp32;
/** fp8_e4m3 (fn: no infinities, exponent field 15 holds finite values up to 448) for sf_round / sf_encode. */
const E4M3: SfFormat = { ebits: 4, mbits: 3, bias: 7, qmin: -9, emax: 8 };
/** k steps per pass of the down projection: ≤ 2 back-edges each (the k loop; its soft float has no loops) within the budget. */
const DOWN_K_PER_PASS = WGSL_LOOP_BUDGET / 2;
/** Zeroes the 3-word state of (x, y) in a scratch buffer of row length `row` before the first chunk. */
const STATE_INIT = (buf: string, row: string): string => `let si = (y * ${row} + x) * 3u;\n${buf}[si] = 0u;\n${buf}[si + 1u] = 0u;\n${buf}[si + 2u] = 0u;`;
/** The rounding register's modes as the qact pass's MODE constant. */
const QACT_MODES = { rne: 0, rtz: 1, rna: 2 } as const;

/**
 * WGSL of the runtime quantizer pass (golden-qact.ts lowRankQuantizeGroup, step for step; see the file
 * header): the entry body for (x, y) = (group, row) and its helper functions.
 */
function qactPass(t: TargetOf<'lowrank_gemm'>, R: SfFormat, S: SfFormat, scaleNan: number): { readonly helpers: string; readonly body: string } {
  const cfg = t.golden;
  const nv = cfg.main.kind === 'nvfp4';
  const mode = QACT_MODES[cfg.activationRounding ?? 'rne'];
  const act = nv ? 'fp4' : cfg.main.kind === 'int4' ? cfg.main.activations : 'int4';
  const infCode = ((2 ** R.ebits - 1) * 2 ** R.mbits) >>> 0;
  const factor = FP32.encode(lowRankQactScaleFactor(cfg));
  const cap = FP32.encode(NVFP4_SCALE_CAP);
  // The 4-bit code of v = round_32(x·r) (an fp32-rounded Sf: m < 2^24), saturating, NaN → +0.
  const toCode =
    act === 'fp4'
      ? `if (v.c == 2u) { return 0u; }
let sb = v.s << 3u;
if (v.c == 1u) { return sb | 7u; }
if (v.m == 0u) { return sb; }
let top = i32(firstLeadingBit(v.m)) + v.e;
if (top > 2) { return sb | 7u; }
let qe = max(top - 1, -1);
var r: u32;
if (qe > v.e) { r = qact_shift(v.m, u32(qe - v.e)); } else { r = v.m << u32(v.e - qe); }
let h = r << u32(qe + 1);
if (h <= 4u) { return sb | h; }
if (h <= 6u) { return sb | 5u; }
if (h <= 8u) { return sb | 6u; }
return sb | 7u;`
      : `if (v.c == 2u) { return 0u; }
var mag: u32;
if (v.c == 1u) { mag = 0xffffu; } else if (v.e >= 0) { mag = select(v.m << u32(v.e), 0xffffu, v.e > 7 && v.m != 0u); } else { mag = qact_shift(v.m, u32(-v.e)); }
${act === 'uint4' ? 'if (v.s == 1u) { return 0u; }\nreturn min(mag, 15u);' : 'if (v.s == 1u) { return (16u - min(mag, 8u)) & 15u; }\nreturn min(mag, 7u);'}`;
  const helpers = `// ---- runtime activation quantizer (golden-qact.ts lowRankQuantizeGroup) ----
// m / 2^sh rounded by the rounding register (${cfg.activationRounding ?? 'rne'}: 0 rne, 1 rtz, 2 rna), m < 2^31.
fn qact_shift(m: u32, sh: u32) -> u32 {
  if (sh == 0u) { return m; }
  if (sh >= 32u) { return 0u; }
  let q = m >> sh;
  let rem = m & ((1u << sh) - 1u);
  let half = 1u << (sh - 1u);
  if (${mode}u == 1u) { return q; }
  if (${mode}u == 2u) { return q + select(0u, 1u, rem >= half); }
  if (rem > half || (rem == half && (q & 1u) == 1u)) { return q + 1u; }
  return q;
}

// r = round_32(1/s): +0 for s = inf, +inf for a zero or fp32-subnormal s, else a restoring division of
// 2^50 by s's 24-bit significand d (q = floor(2^50/d) < 2^28, the remainder as a sticky bit), rounded once.
fn qact_rcp(s: Sf) -> Sf {
  if (s.c == 1u) { return sf_zero(0u); }
  if (s.m == 0u || i32(firstLeadingBit(s.m)) + s.e < -126) { return sf_inf(0u); }
  let sh = 23 - i32(firstLeadingBit(s.m));
  let d = s.m << u32(sh);
  let es = s.e - sh;
  var q = 0u;
  var rem = 0u;
  for (var i = 50; i >= 0; i--) {
    rem = (rem << 1u) | select(0u, 1u, i == 50);
    q = q << 1u;
    if (rem >= d) {
      rem = rem - d;
      q = q | 1u;
    }
  }
  return sf_round(Sf(0u, (q << 1u) | select(0u, 1u, rem != 0u), -es - 51, 0u), ${sfRoundArgs(F32)});
}

// The ${act === 'fp4' ? 'fp4_e2m1' : act} code of v, saturating; a NaN v gives +0.
fn qact_code(v: Sf) -> u32 {
${toCode.replace(/^/gm, '  ')}
}`;
  const body = `let k0 = x * params.GS;
let k1 = min(params.K, k0 + params.GS);
var amax = 0u;
for (var k = k0; k < k1; k++) {
  let a = x_at(y * params.K + k) & 0x7fffu;
  if (a <= ${infCode}u) { amax = max(amax, a); }
}
var s = sf_round(sf_mul_wide(sf_decode(amax, ${sfCodeArgs(R)}), sf_decode(${factor}u, ${sfCodeArgs(F32)})), ${sfRoundArgs(F32)});
${nv ? `s = sf_decode(min(sf_encode(s, ${sfCodeArgs(F32)}, ${FP32.nanCode ?? 0}u), ${cap}u), ${sfCodeArgs(F32)});\n` : ''}sa[y * params.G + x] = sf_encode(sf_round(s, ${sfRoundArgs(S)}), ${sfCodeArgs(S)}, ${scaleNan}u);
let r = qact_rcp(s);
for (var k = k0; k < k1; k++) {
  qa[y * params.K + k] = qact_code(sf_round(sf_mul_wide(sf_decode(x_at(y * params.K + k), ${sfCodeArgs(R)}), r), ${sfRoundArgs(F32)}));
}`;
  return { helpers, body };
}

/** The WGSL kernel set of a lowrank_gemm target. */
export function lowRankGemmWgsl(t: TargetOf<'lowrank_gemm'>): KernelSet<LowRankGemmOperands> {
  const cfg = t.golden;
  const nv = cfg.main.kind === 'nvfp4';
  const P = FORMATS[cfg.accumulation];
  const R = FORMATS[cfg.branchFormat];
  const fused = cfg.fmaAccumulation === true;
  const E = cfg.epilogue ?? 'fp32';
  const el = lowRankElementValues(cfg);
  const scaleFmt = lowRankScaleFormat(cfg);
  const scaleBits: PackedBits = nv ? 8 : 16;
  const scaleTable = nv ? sfDecodeTable(8, (c) => scaleFmt.decode(c)) : undefined;
  const scale = (code: string): string => (nv ? `sf_from_table(stab[${code}])` : `sf_decode(${code}, ${sfCodeArgs(FORMATS[scaleFmt.name as 'fp16' | 'bf16'])})`);
  const r16 = (code: string): string => `sf_decode(${code}, ${sfCodeArgs(R)})`;
  const r = cfg.rank;
  const runtime = cfg.activationQuant === 'runtime';
  const qact = runtime ? qactPass(t, R, nv ? E4M3 : FORMATS[scaleFmt.name as 'fp16' | 'bf16'], scaleFmt.nanCode ?? 0) : undefined;
  const epilogue =
    E === 'fp32'
      ? `if ((params.flags & 2u) != 0u) { y = sf_round(sf_mul_wide(y, ${r16('cs_at(n)')}), ${sfRoundArgs(F32)}); }
if ((params.flags & 1u) != 0u) { y = sf_add_round(y, ${r16('bias_at(n)')}, ${sfRoundArgs(F32)}); }`
      : `y = sf_round(y, ${sfRoundArgs(R)});
let has_cs = (params.flags & 2u) != 0u;
let has_bias = (params.flags & 1u) != 0u;
if (has_cs && has_bias) {
  y = sf_add_round(sf_mul(y, ${r16('cs_at(n)')}), ${r16('bias_at(n)')}, ${sfRoundArgs(R)});
} else if (has_cs) {
  y = sf_round(sf_mul(y, ${r16('cs_at(n)')}), ${sfRoundArgs(R)});
} else if (has_bias) {
  y = sf_add_round(y, ${r16('bias_at(n)')}, ${sfRoundArgs(R)});
}`;
  // The branch: a pre-pass computes L[m, j] = round_R16(…) once per (m, j) into scratch (its R16 code;
  // decoding it back is exact), the GEMM pass adds y = round_32(y + round_32(L·u)) over j ascending.
  // The down projection runs over k in chunks of KP, one pass each (llvmpipe's loop limit, loop-limit.ts),
  // the fp32 chain l carried exactly in `dst` per (m, j): word 0 = l.s | l.c << 1 | next k << 3, l.m, l.e.
  const downFn = `fn lr_down(mm: u32, j: u32) {
  let si = (mm * ${r}u + j) * 3u;
  let w0 = dst[si];
  var l = Sf(w0 & 1u, dst[si + 1u], bitcast<i32>(dst[si + 2u]), (w0 >> 1u) & 3u);
  let k0 = w0 >> 3u;
  let k1 = min(params.K, k0 + params.KP);
  for (var k = k0; k < k1; k++) {
    l = sf_add_round(l, sf_round(sf_mul(${r16('x_at(mm * params.K + k)')}, ${r16(`dn_at(k * ${r}u + j)`)}), ${sfRoundArgs(F32)}), ${sfRoundArgs(F32)});
  }
  dst[si] = l.s | (l.c << 1u) | (k1 << 3u);
  dst[si + 1u] = l.m;
  dst[si + 2u] = bitcast<u32>(l.e);
}`;
  const down = `lr_down(y, x);
let si = (y * ${r}u + x) * 3u;
var l = Sf(dst[si] & 1u, dst[si + 1u], bitcast<i32>(dst[si + 2u]), (dst[si] >> 1u) & 3u);
if ((params.flags & 4u) != 0u) { l = sf_round(sf_mul_wide(l, sf_decode(lora_at(x >> 4u), ${sfCodeArgs(F32)})), ${sfRoundArgs(F32)}); }
lbuf[y * ${r}u + x] = sf_encode(sf_round(l, ${sfRoundArgs(R)}), ${sfCodeArgs(R)}, ${wideFormat(cfg.branchFormat).nanCode}u);`;
  const branch =
    r === 0
      ? ''
      : `for (var j = 0u; j < ${r}u; j++) {
  let lr = ${r16(`lbuf[m * ${r}u + j]`)};
  y = sf_add_round(y, sf_round(sf_mul(lr, ${r16(`up_at(n * ${r}u + j)`)}), ${sfRoundArgs(F32)}), ${sfRoundArgs(F32)});
}`;
  // The group loop runs in chunks of GP groups, one pass each (llvmpipe's loop limit, loop-limit.ts), acc
  // carried exactly in `ast` per (m, n): word 0 = acc.s | acc.c << 1 | next group << 3, acc.m, acc.e.
  const groupsFn = `fn lr_groups(m: u32, n: u32) {
  let si = (m * params.N + n) * 3u;
  let w0 = ast[si];
  var acc = Sf(w0 & 1u, ast[si + 1u], bitcast<i32>(ast[si + 2u]), (w0 >> 1u) & 3u);
  let g0 = w0 >> 3u;
  let g1 = min(params.G, g0 + params.GP);
  for (var g = g0; g < g1; g++) {
    let start = g * params.GS;
    let end = min(params.K, start + params.GS);
    var d: i32 = 0;
    for (var k = start; k < end; k++) {
      d = d + ACT[qa_at(m * params.K + k)] * WGT[qw_at(n * params.K + k)];
    }
    var dv = sf_from_i32(d);
    dv.e = ${-Math.log2(el.unit)};
    let dh = sf_round(dv, ${sfRoundArgs(P)});
    let s = sf_round(sf_mul(${scale('sa_at(m * params.G + g)')}, ${scale('sw_at(n * params.G + g)')}), ${sfRoundArgs(P)});
    ${fused ? `acc = sf_fma_round(dh, s, acc, ${sfRoundArgs(P)});` : `acc = sf_add_round(acc, sf_round(sf_mul_wide(dh, s), ${sfRoundArgs(P)}), ${sfRoundArgs(P)});`}
  }
  ast[si] = acc.s | (acc.c << 1u) | (g1 << 3u);
  ast[si + 1u] = acc.m;
  ast[si + 2u] = bitcast<u32>(acc.e);
}`;
  const body = `lr_groups(m, n);
let si = (m * params.N + n) * 3u;
let acc = Sf(ast[si] & 1u, ast[si + 1u], bitcast<i32>(ast[si + 2u]), (ast[si] >> 1u) & 3u);
var y = acc;
${nv ? `y = sf_round(sf_mul_wide(y, sf_decode(params.ts, ${sfCodeArgs(F32)})), ${sfRoundArgs(F32)});` : ''}
${epilogue}
${branch}
out[m * params.N + n] = sf_encode(sf_round(y, ${sfRoundArgs(R)}), ${sfCodeArgs(R)}, ${wideFormat(cfg.branchFormat).nanCode}u);`;
  const helpers = `${fused ? WGSL_FMA : ''}
var<private> ACT: array<i32, 16> = array<i32, 16>(${[...el.act].join(', ')});
var<private> WGT: array<i32, 16> = array<i32, 16>(${[...el.wgt].join(', ')});
${qact ? `// qa and sa are the qact pass's scratch buffers, one code per u32.
fn qa_at(i: u32) -> u32 { return qa[i]; }
fn sa_at(i: u32) -> u32 { return sa[i]; }
${qact.helpers}` : ''}

${groupsFn}
${r === 0 ? '' : `\n${downFn}`}`;
  const mainText = nv ? 'nvfp4 (fp4_e2m1 values ×2, fp8_e4m3 block scales, fp32 tensor scale)' : `int4 (${cfg.main.kind === 'int4' ? cfg.main.activations : ''} activations, ${scaleFmt.name} group scales)`;
  const exactness = `Integers only. Group dots exact in i32 (4-bit values from golden's tables${nv ? ', doubled: the dot counts quarters' : ''}); d̂ = round_${cfg.accumulation}(d), s = round_${cfg.accumulation}(sa·sw); ${fused ? `acc = round_${cfg.accumulation}(d̂·s + acc) (the product exact in 64 bits, one rounding: sf_fma_round)` : `acc = round_${cfg.accumulation}(acc + round_${cfg.accumulation}(d̂·s))`}; epilogue in ${E}; branch in fp32 with each product and sum rounded once, L rounded to ${cfg.branchFormat}; Y = round_${cfg.branchFormat}(y). RNE with IEEE inf/NaN throughout (sf_round, sf_add_round, sf_mul_wide with a sticky bit before a rounding).${runtime ? ` Activations quantized on the GPU by entry qact (golden-qact.ts lowRankQuantizeGroup, one invocation per (group, row)): amax over non-NaN codes, s = round_fp32(amax·round_fp32(1/qmax))${nv ? ' capped at 448' : ''}, sa = round_${scaleFmt.name}(s), r = round_fp32(1/s) by a restoring division of 2^50 by s's 24-bit significand (+inf for a zero or subnormal s, +0 for s = inf), codes from round_fp32(x·r) with ${cfg.activationRounding ?? 'rne'} rounding, saturating, NaN → +0; the host passes X only.` : ''}`;
  // Loop back-edges per group of the main path (an upper bound): the k loop, the group loop, the soft
  // float's short 96-bit loops (sf_fma_round). The qact pass: two loops over a group and the 51-step division.
  const perGroup = cfg.main.groupSize + 16;
  const qactLoops = 2 * cfg.main.groupSize + 64;
  if (Math.max(perGroup, runtime ? qactLoops : 0) > WGSL_LOOP_BUDGET) throw new NoKernelError(`lowrank_gemm group of ${cfg.main.groupSize} needs ~${Math.max(perGroup, qactLoops)} loop iterations in one WGSL invocation; Mesa llvmpipe ends every loop after ${LLVMPIPE_LOOP_LIMIT} per invocation (kernel budget ${WGSL_LOOP_BUDGET})`);
  const groupsPerPass = Math.floor(WGSL_LOOP_BUDGET / perGroup);
  const { files, entries } = wgslGemm({
    file: `lowrank_${nv ? 'nvfp4' : 'int4'}_r${r}.wgsl`,
    title: `lowrank_gemm ${mainText} GEMM with a rank-${r} ${cfg.branchFormat} branch (src/pe/lowrank-gemm/golden.ts lowRankGemm)`,
    config: cfg,
    exactness,
    params: [
      ['G', 'scale groups along K = ceil(K/GS)'],
      ['GS', `group size (${cfg.main.groupSize})`],
      ['GP', `groups per pass (${groupsPerPass}: the loop budget ${WGSL_LOOP_BUDGET} of llvmpipe's ${LLVMPIPE_LOOP_LIMIT} per invocation over ~${perGroup} per group)`],
      ['KP', `k per down pass (${DOWN_K_PER_PASS}: within the loop budget ${WGSL_LOOP_BUDGET})`],
      ['flags', 'bit 0: bias given; bit 1: channel scales given; bit 2: LoRA scales given'],
      ['ts', 'nvfp4: fp32 code of the tensor scale (else 0)'],
    ],
    inputs: [
      ...(runtime
        ? []
        : [
            { name: 'qa', bits: 4 as const, what: `4-bit activation codes, row-major [M × K]`, elements: 'M*K' },
            { name: 'sa', bits: scaleBits, what: `activation group-scale ${scaleFmt.name} codes [M × G]`, elements: 'M*G' },
          ]),
      { name: 'qw', bits: 4, what: `4-bit weight codes, row-major [N × K]`, elements: 'N*K' },
      { name: 'sw', bits: scaleBits, what: `weight group-scale ${scaleFmt.name} codes [N × G]`, elements: 'N*G' },
      { name: 'x', bits: 16, what: `raw activation ${cfg.branchFormat} codes X [M × K]${runtime ? ' (quantized by the qact pass)' : ' (dummy when rank = 0)'}`, elements: 'M*K' },
      { name: 'dn', bits: 16, what: `down projection ${cfg.branchFormat} codes [K × rank]`, elements: `K*${r}` },
      { name: 'up', bits: 16, what: `up projection ${cfg.branchFormat} codes [N × rank]`, elements: `N*${r}` },
      { name: 'bias', bits: 16, what: `bias ${cfg.branchFormat} codes [N] (dummy unless flags bit 0)`, elements: 'N' },
      { name: 'cs', bits: 16, what: `channel-scale ${cfg.branchFormat} codes [N] (dummy unless flags bit 1)`, elements: 'N' },
      { name: 'lora', bits: 32, what: `LoRA scale fp32 codes [ceil(rank/16)] (dummy unless flags bit 2)`, elements: `${Math.ceil(r / 16)}` },
      ...(nv ? [{ name: 'stab', bits: 32 as const, what: 'fp8_e4m3 decode table [256] (sf_from_table words: m 15:0, e+256 25:16, class 29:28, sign 30)', elements: '256' }] : []),
    ],
    output: `the ${cfg.branchFormat} code in bits 15:0`,
    softfloat: true,
    helpers,
    body,
    scratch: [
      ...(runtime
        ? [
            { name: 'qa', what: `4-bit activation codes from the qact pass, one per u32 (bits 3:0), row-major [M × K]`, words: 'M*K' },
            { name: 'sa', what: `activation group-scale ${scaleFmt.name} codes from the qact pass, one per u32, row-major [M × G]`, words: 'M*G' },
          ]
        : []),
      { name: 'ast', what: 'per output (m, n) the group accumulator after a pass: acc.s | acc.c << 1 | next group << 3, acc.m, acc.e', words: 'M*N*3' },
      ...(r === 0 ? [] : [{ name: 'dst', what: 'per (m, j) the down projection\'s fp32 chain after a pass: l.s | l.c << 1 | next k << 3, l.m, l.e', words: `M*${r}*3` }]),
      ...(r === 0 ? [] : [{ name: 'lbuf', what: `L = the rounded down projection, one ${cfg.branchFormat} code per u32, row-major [M × rank]`, words: `M*${r}` }]),
    ],
    prePasses: [
      ...(qact ? [{ entryPoint: 'qact', uses: ['x', 'qa', 'sa'], extent: ['G', 'M'] as const, wgslExtent: ['params.G', 'params.M'] as const, body: qact.body }] : []),
      ...(r === 0
        ? []
        : [
            { entryPoint: 'dinit', uses: ['dst'], extent: [`${r}`, 'M'] as const, wgslExtent: [`${r}u`, 'params.M'] as const, body: STATE_INIT('dst', `${r}u`) },
            { entryPoint: 'dchunk', uses: ['x', 'dn', 'dst'], extent: [`${r}`, 'M'] as const, wgslExtent: [`${r}u`, 'params.M'] as const, body: 'lr_down(y, x);' },
            { entryPoint: 'down', uses: ['x', 'dn', 'lora', 'dst', 'lbuf'], extent: [`${r}`, 'M'] as const, wgslExtent: [`${r}u`, 'params.M'] as const, body: down },
          ]),
      { entryPoint: 'ainit', uses: ['ast'], extent: ['N', 'M'] as const, wgslExtent: ['params.N', 'params.M'] as const, body: STATE_INIT('ast', 'params.N') },
      { entryPoint: 'agroups', uses: ['qa', 'sa', 'qw', 'sw', ...(nv ? ['stab'] : []), 'ast'], extent: ['N', 'M'] as const, wgslExtent: ['params.N', 'params.M'] as const, body: 'lr_groups(y, x);' },
    ],
    mainUses: ['qa', 'sa', 'qw', 'sw', 'bias', 'cs', ...(nv ? ['stab'] : []), 'ast', ...(r === 0 ? [] : ['up', 'lbuf'])],
  });
  return {
    files,
    entries,
    exactness,
    config: cfg,
    launch(ops) {
      const G = Math.ceil(ops.k / cfg.main.groupSize);
      const flags = (ops.bias ? 1 : 0) | (ops.channelScales ? 2 : 0) | (ops.loraScales ? 4 : 0);
      // Runtime designs pass X only: the qact pass quantizes it on the GPU (lowRankActivationCodes checks the operands).
      const offline = runtime ? undefined : lowRankActivationCodes(cfg, ops);
      if (runtime && (!ops.x || ops.qa || ops.sa)) lowRankActivationCodes(cfg, ops);
      const inputs: Record<string, Uint32Array> = {
        ...(offline ? { qa: packCodes(offline.qa, 4), sa: packCodes(offline.sa, scaleBits) } : {}),
        qw: packCodes(ops.qw, 4),
        sw: packCodes(ops.sw, scaleBits),
        x: packCodes(ops.x ?? [], 16),
        dn: packCodes(ops.down ?? [], 16),
        up: packCodes(ops.up ?? [], 16),
        bias: packCodes(ops.bias ?? [], 16),
        cs: packCodes(ops.channelScales ?? [], 16),
        lora: packCodes(ops.loraScales ?? [], 32),
      };
      if (scaleTable) inputs.stab = scaleTable;
      // Chunked passes (llvmpipe's loop limit): init, all but the last chunk, then the pass that finishes.
      const times = (count: number, entryPoint: string, extent: readonly [number, number]): { entryPoint: string; extent: readonly [number, number] }[] => Array.from({ length: count }, () => ({ entryPoint, extent }));
      const aChunks = Math.max(1, Math.ceil(G / groupsPerPass));
      const dChunks = Math.max(1, Math.ceil(ops.k / DOWN_K_PER_PASS));
      const pre = [
        ...(runtime ? [{ entryPoint: 'qact', extent: [G, ops.m] as const }] : []),
        ...(r === 0 ? [] : [{ entryPoint: 'dinit', extent: [r, ops.m] as const }, ...times(dChunks - 1, 'dchunk', [r, ops.m]), { entryPoint: 'down', extent: [r, ops.m] as const }]),
        { entryPoint: 'ainit', extent: [ops.n, ops.m] as const },
        ...times(aChunks - 1, 'agroups', [ops.n, ops.m]),
      ];
      const scratch = { ...(runtime ? { qa: ops.m * ops.k, sa: ops.m * G } : {}), ast: ops.m * ops.n * 3, ...(r === 0 ? {} : { dst: ops.m * r * 3, lbuf: ops.m * r }) };
      return gemmLaunch(ops.m, ops.k, ops.n, { G, GS: cfg.main.groupSize, GP: groupsPerPass, KP: DOWN_K_PER_PASS, flags, ts: ops.tensorScale ?? 0 }, inputs, pre, scratch);
    },
    outputCodes: (words) => Uint32Array.from(words),
  };
}
