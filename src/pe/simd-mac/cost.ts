/**
 * simd_mac's cost model (the estimate layer's facet, src/pe/facets/cost.ts).
 * - Area and energy: the XR-NPE engine as published at 28 nm (../shared/reference/xr-npe.md, arXiv 2508.13049
 *   abstract): 0.016 mm² and 14 pJ per operation at 1.72 GHz, taken as one PE of 4 lanes of 4 bits on a
 *   16-bit operand word; other operand widths scale the area by (width / 16)² (a multiplier's growth: qacc's
 *   first-order rule). Energy per busy cycle = 14 pJ × the widest mode's lanes. The paper body is not
 *   available; these figures are to be calibrated by synthesis (`--synth`).
 * - Cycles of its compute instructions: the engine's closed forms (./timing.ts, shared with the simulator):
 *   simd_tile in the run mode's lanes, writeback.
 * - The authors' BitMoD simulator has no SIMD PE; it is modelled as a bit-parallel dot-product unit of the
 *   run mode's lanes with the FP16 × INT8 PE's pe_energy 0.613 / pe_area 1318.6, weights at the mode's bits.
 */
import type { CostFacet } from '../facets/cost.js';
import { simdTileCycles, simdWritebackCycles } from './timing.js';

export const simdMacCost: CostFacet<'simd_mac'> = {
  peCost(pe) {
    const s = (pe.operandWidth / 16) ** 2;
    return { areaUm2: 16000 * s, energyPerCyclePj: 14 * pe.maxLanes, source: `XR-NPE engine, 28 nm: 0.016 mm², 14 pJ/operation (arXiv 2508.13049 abstract)${s === 1 ? '' : ` × (${pe.operandWidth}/16)²`}; energy × ${pe.maxLanes} lanes` };
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
};
