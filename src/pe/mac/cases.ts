/**
 * The mac kind's VerifyFacet (src/pe/facets/verify.ts): its operand tensors by role (int8 or fp16
 * activations and weights, the optional fp16 channel scales) and the PE-level vectors (vectors.ts).
 */
import { FP16 } from '../../formats/float.js';
import { intFormat } from '../../formats/int.js';
import type { VerifyFacet } from '../facets/verify.js';
import { tensor } from '../../verify/roles.js';
import { outputRows } from '../../verify/rtl/beats.js';
import { macVectors } from './vectors.js';

export const macVerify: VerifyFacet<'mac'> = {
  roles(t, o) {
    const cfg = t.golden;
    const int8 = intFormat(8, true);
    const a = cfg.variant === 'int8' ? int8 : FP16;
    const w = cfg.variant === 'fp16_fma' ? FP16 : int8;
    const scales = o.channelScales ? [tensor('channelScales', o.channelScales as Uint32Array, o.n, FP16)] : [];
    return { multiplicands: [tensor('activations', o.activations as Uint32Array, o.k, a), tensor('weights', o.weights as Uint32Array, o.k, w)], scales };
  },
  extraContents: () => [],
  applyContent: () => false,
  vectors: (t, ops) => ({ ...macVectors(t.golden, ops), rowOutputs: outputRows(ops.m, ops.n) }),
  describeVariant: () => '',
};
