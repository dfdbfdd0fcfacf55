/**
 * The lowrank_gemm kind's RtlFacet (src/pe/facets/rtl.ts): the PE module with its harness ports
 * (rtl-pe.ts; `harnessLanes` caps its DOT lanes so the 64-bit harness can drive the qa/qw ports), the tile
 * engine (rtl-engine.ts) and, for runtime activation quantization, its extra ports (qact's buffer writes).
 */
import type { RtlFacet } from '../facets/rtl.js';
import { lowRankEngine } from './rtl-engine.js';
import { declaredOptionalOperands, HARNESS_LOWRANK_LANES, lowRankRtl } from './rtl-pe.js';
import { lowRankEngineWrites } from './microarch.js';

export const lowRankGemmRtlFacet: RtlFacet<'lowrank_gemm'> = {
  pe(t, top, peName, options) {
    const lanes = Math.min(t.pe.lanes, options.harnessLanes ?? t.pe.lanes);
    return { rtl: lowRankRtl(t.golden, lanes, top, peName, declaredOptionalOperands(t.pe)), goldens: [t.golden] };
  },
  engine: lowRankEngine,
  // activation_quant = runtime: qact writes codes (act) and scales (meta) under the rounding register
  engineExtras: (t) => ({ writes: lowRankEngineWrites(t), rounding: t.golden.activationQuant === 'runtime' }),
  harnessOptions: (pe) => ({ harnessLanes: Math.min(pe.lanes, HARNESS_LOWRANK_LANES) }),
};
