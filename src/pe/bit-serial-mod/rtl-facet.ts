/**
 * The bit_serial_mod kind's RtlFacet (src/pe/facets/rtl.ts): the PE module with its harness ports
 * (rtl-pe.ts), the tile engine (rtl-engine.ts); the PE-level harness builds the PE as declared.
 */
import type { RtlFacet } from '../facets/rtl.js';
import { bitSerialModEngine } from './rtl-engine.js';
import { bitSerialModRtl } from './rtl-pe.js';

export const bitSerialModRtlFacet: RtlFacet<'bit_serial_mod'> = {
  pe: (t, top, peName) => ({ rtl: bitSerialModRtl(t.golden, top, peName), goldens: [t.golden] }),
  engine: bitSerialModEngine,
  harnessOptions: () => ({}),
};
