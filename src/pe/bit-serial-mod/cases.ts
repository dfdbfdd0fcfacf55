/**
 * The bit_serial_mod kind's VerifyFacet (src/pe/facets/verify.ts): its operand tensors by role (weights in
 * the datatype each group's selector picks), the directed `dtype<i>` cases of a mixture (every group uses
 * candidate i, weights redrawn in that datatype), and the PE-level vectors (vectors.ts).
 */
import { FP16 } from '../../formats/float.js';
import { intFormat } from '../../formats/int.js';
import { seededRandom } from '../../formats/random.js';
import type { NumberFormatBase } from '../../formats/types.js';
import { termSchedule } from './golden.js';
import type { VerifyFacet } from '../facets/verify.js';
import { tensor } from '../../verify/roles.js';
import { outputRows } from '../../verify/rtl/beats.js';
import { bitSerialModVectors } from './vectors.js';

const UINT8 = intFormat(8, false);

export const bitSerialModVerify: VerifyFacet<'bit_serial_mod'> = {
  roles(t, o) {
    const cfg = t.golden;
    const G = Math.ceil(o.k / cfg.groupSize);
    const sel = o.selectors as Uint32Array;
    const wfmt = (i: number): NumberFormatBase => termSchedule(cfg.candidates[sel[Math.floor(i / o.k) * G + Math.floor((i % o.k) / cfg.groupSize)]]).format;
    return {
      multiplicands: [tensor('activations', o.activations as Uint32Array, o.k, FP16), tensor('weights', o.weights as Uint32Array, o.k, wfmt)],
      scales: [tensor('groupScales', o.groupScales as Uint32Array, G, UINT8), tensor('channelScales', o.channelScales as Uint32Array, o.n, FP16)],
    };
  },
  extraContents(t) {
    const cfg = t.golden;
    return cfg.candidates.length > 1 ? cfg.candidates.map((name, i) => ({ content: { kind: 'dtype', candidate: i } as const, purpose: `directed: every group uses datatype ${name}` })) : [];
  },
  applyContent(t, o, content, seed) {
    const cfg = t.golden;
    if (content.kind !== 'dtype' || content.candidate >= cfg.candidates.length) return false;
    (o.selectors as Uint32Array).fill(content.candidate);
    const bits = termSchedule(cfg.candidates[content.candidate]).bits;
    const rng = seededRandom(seed ^ 0x5a5a5a5a);
    const w = o.weights as Uint32Array;
    for (let i = 0; i < w.length; i++) w[i] = Math.floor(rng.nextFloat() * 2 ** bits);
    return true;
  },
  vectors: (t, ops) => ({ ...bitSerialModVectors(t.golden, ops), rowOutputs: outputRows(ops.m, ops.n) }),
  describeVariant: () => '',
};
