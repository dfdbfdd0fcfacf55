/**
 * The lowrank_gemm kind's VerifyFacet (src/pe/facets/verify.ts): its operand tensors by role (4-bit main
 * codes — or, with runtime activation quantization, the raw X in their place —, the branch's X/D/U,
 * group/channel/LoRA scales and bias) and the PE-level vectors (vectors.ts),
 * whose expected rows start each row m with the branch's down-projection results L[m, j] (no GEMM output).
 */
import { BF16, FP16, FP32, FP4_E2M1, FP8_E4M3 } from '../../formats/float.js';
import { lookupFormat } from '../../formats/registry.js';
import type { VerifyFacet } from '../facets/verify.js';
import { tensor } from '../../verify/roles.js';
import { outputRows } from '../../verify/rtl/beats.js';
import { declaredOptionalOperands, HARNESS_LOWRANK_LANES } from './rtl-pe.js';
import { lowRankVectors } from './vectors.js';

export const lowRankGemmVerify: VerifyFacet<'lowrank_gemm'> = {
  roles(t, o) {
    const cfg = t.golden;
    const G = Math.ceil(o.k / cfg.main.groupSize);
    const nv = cfg.main.kind === 'nvfp4';
    const qaFmt = nv ? FP4_E2M1 : lookupFormat(cfg.main.kind === 'int4' ? cfg.main.activations : 'int4');
    const qwFmt = nv ? FP4_E2M1 : lookupFormat('int4');
    const sFmt = nv ? FP8_E4M3 : cfg.main.kind === 'int4' && cfg.main.scaleFormat === 'bf16' ? BF16 : FP16;
    const b = cfg.branchFormat === 'bf16' ? BF16 : FP16;
    // Activations first, weights second (the generic contents read multiplicands[1] as the weights). With
    // runtime quantization the activations are the raw X: zeros, extremes, specials and tiny values of X
    // then exercise qact's all-zero groups (0 · inf), saturation, NaN/inf maxima and subnormal scales.
    const mult = o.qa ? [tensor('qa', o.qa as Uint32Array, o.k, qaFmt), tensor('qw', o.qw as Uint32Array, o.k, qwFmt)] : [];
    if (o.x) mult.push(tensor('x', o.x as Uint32Array, o.k, b));
    if (!o.qa) mult.push(tensor('qw', o.qw as Uint32Array, o.k, qwFmt));
    if (o.down) mult.push(tensor('down', o.down as Uint32Array, cfg.rank, b));
    if (o.up) mult.push(tensor('up', o.up as Uint32Array, cfg.rank, b));
    const scales = o.sa ? [tensor('sa', o.sa as Uint32Array, G, sFmt), tensor('sw', o.sw as Uint32Array, G, sFmt)] : [tensor('sw', o.sw as Uint32Array, G, sFmt)];
    if (o.bias) scales.push(tensor('bias', o.bias as Uint32Array, o.n, b));
    if (o.channelScales) scales.push(tensor('channelScales', o.channelScales as Uint32Array, o.n, b));
    if (o.loraScales) scales.push(tensor('loraScales', o.loraScales as Uint32Array, o.loraScales.length, FP32));
    return { multiplicands: mult, scales };
  },
  extraContents: () => [],
  applyContent: () => false,
  vectors(t, ops, options) {
    const cfg = t.golden;
    const v = lowRankVectors(cfg, options.harnessLanes ?? Math.min(t.pe.lanes, HARNESS_LOWRANK_LANES), ops, declaredOptionalOperands(t.pe));
    const leading = cfg.rank > 0 && ops.x && ops.down ? cfg.rank : 0;
    return { ...v, rowOutputs: outputRows(ops.m, ops.n, leading) };
  },
  describeVariant: () => '',
};
