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
 */
import type { KernelSet } from '../../codegen/kernels/manifest.js';
import { gemmLaunch, wgslGemm } from '../../codegen/wgsl/gemm-kernel.js';
import { packCodes } from '../../codegen/wgsl/pack.js';
import { sfCodeArgs, sfDecodeTable, sfFormat, sfRoundArgs, WGSL_FMA, type SfFormat } from '../../codegen/wgsl/softfloat.js';
import { wideFormat } from '../../golden/common.js';
import type { TargetOf } from '../facets/compile.js';
import { lowRankActivationCodes, lowRankElementValues, lowRankScaleFormat, type LowRankGemmOperands } from './golden.js';

const FORMATS: Readonly<Record<'fp16' | 'bf16' | 'fp32', SfFormat>> = { fp16: sfFormat(5, 10), bf16: sfFormat(8, 7), fp32: sfFormat(8, 23) };
const F32 = FORMATS.fp32;

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
  const scaleBits = nv ? 8 : 16;
  const scaleTable = nv ? sfDecodeTable(8, (c) => scaleFmt.decode(c)) : undefined;
  const scale = (code: string): string => (nv ? `sf_from_table(stab[${code}])` : `sf_decode(${code}, ${sfCodeArgs(FORMATS[scaleFmt.name as 'fp16' | 'bf16'])})`);
  const r16 = (code: string): string => `sf_decode(${code}, ${sfCodeArgs(R)})`;
  const r = cfg.rank;
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
  const down = `var l = sf_zero(0u);
for (var k = 0u; k < params.K; k++) {
  l = sf_add_round(l, sf_round(sf_mul(${r16('x_at(y * params.K + k)')}, ${r16(`dn_at(k * ${r}u + x)`)}), ${sfRoundArgs(F32)}), ${sfRoundArgs(F32)});
}
if ((params.flags & 4u) != 0u) { l = sf_round(sf_mul_wide(l, sf_decode(lora_at(x >> 4u), ${sfCodeArgs(F32)})), ${sfRoundArgs(F32)}); }
lbuf[y * ${r}u + x] = sf_encode(sf_round(l, ${sfRoundArgs(R)}), ${sfCodeArgs(R)}, ${wideFormat(cfg.branchFormat).nanCode}u);`;
  const branch =
    r === 0
      ? ''
      : `for (var j = 0u; j < ${r}u; j++) {
  let lr = ${r16(`lbuf[m * ${r}u + j]`)};
  y = sf_add_round(y, sf_round(sf_mul(lr, ${r16(`up_at(n * ${r}u + j)`)}), ${sfRoundArgs(F32)}), ${sfRoundArgs(F32)});
}`;
  const body = `var acc = sf_zero(0u);
for (var g = 0u; g < params.G; g++) {
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
var y = acc;
${nv ? `y = sf_round(sf_mul_wide(y, sf_decode(params.ts, ${sfCodeArgs(F32)})), ${sfRoundArgs(F32)});` : ''}
${epilogue}
${branch}
out[m * params.N + n] = sf_encode(sf_round(y, ${sfRoundArgs(R)}), ${sfCodeArgs(R)}, ${wideFormat(cfg.branchFormat).nanCode}u);`;
  const helpers = `${fused ? WGSL_FMA : ''}
var<private> ACT: array<i32, 16> = array<i32, 16>(${[...el.act].join(', ')});
var<private> WGT: array<i32, 16> = array<i32, 16>(${[...el.wgt].join(', ')});`;
  const mainText = nv ? 'nvfp4 (fp4_e2m1 values ×2, fp8_e4m3 block scales, fp32 tensor scale)' : `int4 (${cfg.main.kind === 'int4' ? cfg.main.activations : ''} activations, ${scaleFmt.name} group scales)`;
  const exactness = `Integers only. Group dots exact in i32 (4-bit values from golden's tables${nv ? ', doubled: the dot counts quarters' : ''}); d̂ = round_${cfg.accumulation}(d), s = round_${cfg.accumulation}(sa·sw); ${fused ? `acc = round_${cfg.accumulation}(d̂·s + acc) (the product exact in 64 bits, one rounding: sf_fma_round)` : `acc = round_${cfg.accumulation}(acc + round_${cfg.accumulation}(d̂·s))`}; epilogue in ${E}; branch in fp32 with each product and sum rounded once, L rounded to ${cfg.branchFormat}; Y = round_${cfg.branchFormat}(y). RNE with IEEE inf/NaN throughout (sf_round, sf_add_round, sf_mul_wide with a sticky bit before a rounding).`;
  const { files, entries } = wgslGemm({
    file: `lowrank_${nv ? 'nvfp4' : 'int4'}_r${r}.wgsl`,
    title: `lowrank_gemm ${mainText} GEMM with a rank-${r} ${cfg.branchFormat} branch (src/pe/lowrank-gemm/golden.ts lowRankGemm)`,
    config: cfg,
    exactness,
    params: [
      ['G', 'scale groups along K = ceil(K/GS)'],
      ['GS', `group size (${cfg.main.groupSize})`],
      ['flags', 'bit 0: bias given; bit 1: channel scales given; bit 2: LoRA scales given'],
      ['ts', 'nvfp4: fp32 code of the tensor scale (else 0)'],
    ],
    inputs: [
      { name: 'qa', bits: 4, what: `4-bit activation codes, row-major [M × K]`, elements: 'M*K' },
      { name: 'sa', bits: scaleBits, what: `activation group-scale ${scaleFmt.name} codes [M × G]`, elements: 'M*G' },
      { name: 'qw', bits: 4, what: `4-bit weight codes, row-major [N × K]`, elements: 'N*K' },
      { name: 'sw', bits: scaleBits, what: `weight group-scale ${scaleFmt.name} codes [N × G]`, elements: 'N*G' },
      { name: 'x', bits: 16, what: `raw activation ${cfg.branchFormat} codes X [M × K] (dummy when rank = 0)`, elements: 'M*K' },
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
    scratch: r === 0 ? [] : [{ name: 'lbuf', what: `L = the rounded down projection, one ${cfg.branchFormat} code per u32, row-major [M × rank]`, words: `M*${r}` }],
    prePasses: r === 0 ? [] : [{ entryPoint: 'down', uses: ['x', 'dn', 'lora', 'lbuf'], extent: [`${r}`, 'M'], wgslExtent: [`${r}u`, 'params.M'], body: down }],
    mainUses: ['qa', 'sa', 'qw', 'sw', 'bias', 'cs', ...(nv ? ['stab'] : []), ...(r === 0 ? [] : ['up', 'lbuf'])],
  });
  return {
    files,
    entries,
    exactness,
    config: cfg,
    launch(ops) {
      const G = Math.ceil(ops.k / cfg.main.groupSize);
      const flags = (ops.bias ? 1 : 0) | (ops.channelScales ? 2 : 0) | (ops.loraScales ? 4 : 0);
      // Runtime-quantizing designs: the activation codes come from the golden quantizer (qact runs on the host).
      const { qa, sa } = lowRankActivationCodes(cfg, ops);
      const inputs: Record<string, Uint32Array> = {
        qa: packCodes(qa, 4),
        sa: packCodes(sa, scaleBits),
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
      const pre = r === 0 ? [] : [{ entryPoint: 'down', extent: [r, ops.m] as const }];
      return gemmLaunch(ops.m, ops.k, ops.n, { G, GS: cfg.main.groupSize, flags, ts: ops.tensorScale ?? 0 }, inputs, pre, r === 0 ? {} : { lbuf: ops.m * r });
    },
    outputCodes: (words) => Uint32Array.from(words),
  };
}
