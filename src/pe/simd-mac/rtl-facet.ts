/**
 * The simd_mac kind's RtlFacet (src/pe/facets/rtl.ts): one multi-mode PE module for every SIMD mode of
 * the PE (rtl-pe.ts; its golden configs, one per mode, in mode order), the tile engine (rtl-engine.ts);
 * the PE-level harness builds the PE as declared.
 */
import type { RtlFacet } from '../facets/rtl.js';
import { simdMacEngine } from './rtl-engine.js';
import { simdMacRtl, simdPeSpecOf } from './rtl-pe.js';

export const simdMacRtlFacet: RtlFacet<'simd_mac'> = {
  pe(t, top, peName) {
    const spec = simdPeSpecOf(t.pe, t.golden);
    return { rtl: simdMacRtl(spec, top, peName), goldens: spec.modes.map((m) => ({ ...t.golden, element: m.element, lanes: m.lanes })) };
  },
  engine: simdMacEngine,
  harnessOptions: () => ({}),
};
