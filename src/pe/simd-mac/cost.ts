/**
 * simd_mac's cost model (the estimate layer's facet, src/pe/facets/cost.ts).
 * - Area: the synthesis-calibrated model of ./cost-area.ts: quire bits and Σ lanes · lane bits² over the
 *   modes, in gate equivalents (docs/estimate.md "Calibration").
 * - Energy: the XR-NPE engine as published at 28 nm (../shared/reference/xr-npe.md, arXiv 2508.13049 abstract):
 *   14 pJ per operation at 1.72 GHz; energy per busy cycle = 14 pJ × the widest mode's lanes.
 * - The tile engine's own logic and staging RAMs (--synth's growth terms and the analytic estimate's fit on
 *   recorded syntheses): ./cost-engine.ts.
 * - Cycles of its compute instructions: the engine's closed forms (./timing.ts, shared with the simulator):
 *   simd_tile in the run mode's lanes, writeback.
 * - The authors' BitMoD simulator has no SIMD PE; it is modelled as a bit-parallel dot-product unit of the
 *   run mode's lanes with the FP16 × INT8 PE's pe_energy 0.613 / pe_area 1318.6, weights at the mode's bits.
 */
import { PE_AREA_CALIBRATION } from '../../arch/gate-area.js';
import { linearAreaUm2 } from '../../estimate/area-model.js';
import type { CostFacet } from '../facets/cost.js';
import { simdMacAreaModel } from './cost-area.js';
import { simdMacEngineArea, simdMacEngineGrowth } from './cost-engine.js';
import { simdTileCycles, simdWritebackCycles } from './timing.js';

export const simdMacCost: CostFacet<'simd_mac'> = {
  areaModel: simdMacAreaModel,
  peCost(pe, array) {
    const { quireBit, mulCell } = simdMacAreaModel.coefficients;
    const { quireBit: quire, mulCell: cells } = simdMacAreaModel.terms(pe, array).units;
    return {
      areaUm2: linearAreaUm2(simdMacAreaModel, pe, array),
      energyPerCyclePj: 14 * pe.maxLanes,
      source: `${quireBit} GE × ${quire} quire bits + ${mulCell} GE × ${cells} multiplier cells (${PE_AREA_CALIBRATION}); energy: XR-NPE 14 pJ/operation (arXiv 2508.13049 abstract) × ${pe.maxLanes} lanes`,
    };
  },
  peakModes(pe) {
    return pe.modes.map((m) => ({ mode: `${m.lanes} x ${m.format.name}`, macsPerCycle: m.lanes }));
  },
  modeOf(t) {
    return t.simdMode;
  },
  computeCycles(t, inst, tile) {
    switch (inst.kind) {
      case 'simd_tile':
        return simdTileCycles(t, tile.m, tile.n, tile.k, t.pe.modes[t.simdMode]?.lanes ?? 1);
      case 'writeback':
        return simdWritebackCycles(t, tile.m, tile.n);
      default:
        return 0;
    }
  },
  authorsPe(pe) {
    const mode = pe.modes[0];
    return { peClass: 'SIMD MAC as bit-parallel (no such class in the authors\' model)', bitSerial: false, dotProduct: mode.lanes, weightBits: mode.format.bits, peEnergyPj: 0.613, peAreaUm2: 1318.6 };
  },
  engineGrowth: simdMacEngineGrowth,
  engineArea: (_pe, array, t) => simdMacEngineArea(array, t),
};
