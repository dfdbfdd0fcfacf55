/**
 * simd_mac's cost model (the estimate layer's facet, src/pe/facets/cost.ts).
 * - Area: the generated PE's structure in gate equivalents,
 *     GE = GE_PER_QUIRE_BIT · quire bits + GE_PER_MUL_CELL · Σ over modes of lanes · lane bits²
 *   the quire (one, shared by every mode, sized for the widest: its register, adder, the shifter placing
 *   products into it and the final rounding grow with its width; the PE's flip-flops are the quire's bits
 *   plus 18) and each mode's own decoders and lane
 *   multipliers (an n-bit code's significand multiplier grows as n²). Without a quire (round_each_step) the
 *   quire term takes the widest mode's product width. Coefficients fitted (least squares on relative error) on
 *   the single-mode fp4_e2m1, posit8_0 and posit16_1 PEs, checked on posit(4,1), the 4-mode XR-NPE PE and a
 *   2-mode PE held out (docs/estimate.md "Calibration").
 * - Energy: the XR-NPE engine as published at 28 nm (../shared/reference/xr-npe.md, arXiv 2508.13049 abstract):
 *   14 pJ per operation at 1.72 GHz; energy per busy cycle = 14 pJ × the widest mode's lanes.
 * - Cycles of its compute instructions: the engine's closed forms (./timing.ts, shared with the simulator):
 *   simd_tile in the run mode's lanes, writeback.
 * - The authors' BitMoD simulator has no SIMD PE; it is modelled as a bit-parallel dot-product unit of the
 *   run mode's lanes with the FP16 × INT8 PE's pe_energy 0.613 / pe_area 1318.6, weights at the mode's bits.
 */
import { PE_AREA_CALIBRATION, peAreaUm2 } from '../../arch/gate-area.js';
import type { CostFacet } from '../facets/cost.js';
import { simdTileCycles, simdWritebackCycles } from './timing.js';

/** GE per quire bit (fitted). */
const GE_PER_QUIRE_BIT = 75.53;
/** GE per lane-bit² of a mode's multipliers and decoders (fitted). */
const GE_PER_MUL_CELL = 10.85;

export const simdMacCost: CostFacet<'simd_mac'> = {
  peCost(pe) {
    const quire = pe.quireBits ?? Math.max(...pe.modes.map((m) => 2 * m.laneBits));
    const cells = pe.modes.reduce((sum, m) => sum + m.lanes * m.laneBits ** 2, 0);
    return {
      areaUm2: peAreaUm2(GE_PER_QUIRE_BIT * quire + GE_PER_MUL_CELL * cells),
      energyPerCyclePj: 14 * pe.maxLanes,
      source: `${GE_PER_QUIRE_BIT} GE × ${quire} quire bits + ${GE_PER_MUL_CELL} GE × ${cells} multiplier cells (${PE_AREA_CALIBRATION}); energy: XR-NPE 14 pJ/operation (arXiv 2508.13049 abstract) × ${pe.maxLanes} lanes`,
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
};
