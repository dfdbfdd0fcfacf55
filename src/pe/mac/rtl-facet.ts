/**
 * The mac kind's RtlFacet (src/pe/facets/rtl.ts): the PE module with its harness ports (rtl-pe.ts), the
 * tile engine (rtl-engine.ts; rtl-engine-ws.ts for a weight-stationary array); the PE-level harness builds the PE as declared.
 */
import type { RtlFacet } from '../facets/rtl.js';
import { macEngine } from './rtl-engine.js';
import { macWsEngine } from './rtl-engine-ws.js';
import { macRtl } from './rtl-pe.js';

export const macRtlFacet: RtlFacet<'mac'> = {
  pe: (t, top, peName) => ({ rtl: macRtl(t.golden, top, peName), goldens: [t.golden] }),
  engine: (t, ctx) => (t.array.dataflow === 'weight_stationary' ? macWsEngine(t, ctx) : macEngine(t, ctx)),
  harnessOptions: () => ({}),
};
