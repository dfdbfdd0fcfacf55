/**
 * The simd_mac kind's VerifyFacet (src/pe/facets/verify.ts): its operand tensors by role (both in the
 * mode's element format; no scales), the PE-level vectors of the target's SIMD mode (vectors.ts), and how
 * a report names a mode.
 */
import type { VerifyFacet } from '../facets/verify.js';
import { tensor } from '../../verify/roles.js';
import { outputRows } from '../../verify/rtl/beats.js';
import { simdMacVectors } from './vectors.js';

export const simdMacVerify: VerifyFacet<'simd_mac'> = {
  roles(t, o) {
    const f = t.golden.element;
    return { multiplicands: [tensor('activations', o.activations as Uint32Array, o.k, f), tensor('weights', o.weights as Uint32Array, o.k, f)], scales: [] };
  },
  extraContents: () => [],
  applyContent: () => false,
  vectors: (t, ops) => ({ ...simdMacVectors(t.golden, t.simdMode, ops), rowOutputs: outputRows(ops.m, ops.n) }),
  describeVariant: (pe, mode) => (mode !== undefined ? `, SIMD mode ${mode} (${pe.modes[mode]?.lanes ?? '?'} × ${pe.modes[mode]?.format.name ?? '?'})` : ''),
};
