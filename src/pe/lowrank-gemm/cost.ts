/**
 * lowrank_gemm's cost model (the estimate layer's facet, src/pe/facets/cost.ts).
 * - Area: the synthesis-calibrated model of ./cost-area.ts of the tile engine's PE: a fixed part, a part per
 *   4-bit lane and one per branch lane in gate equivalents, plus the code tables and the accumulator and output
 *   register files as RAM bits (docs/estimate.md "Calibration").
 * - Energy: no published per-PE figure (../shared/reference/svdquant.md describes GPU kernels). Each of
 *   the `lanes` 4-bit MAC lanes is taken as the BitMoD authors' 28 nm FP16 × INT8 MAC (0.613 mW)
 *   scaled by (4 · 4) / (16 · 8), and each of the lanes / 4 chained 16-bit branch MACs as their FP16 MAC
 *   (0.77 mW): qacc's first-order rule.
 * - Cycles of its compute instructions: the engine's closed forms (./timing.ts, shared with the simulator):
 *   qgemm_tile, lr_down, lr_up, qact (runtime activation quantization), dequant, writeback.
 * - Tile engine growth for `--synth` beyond 16 rows or columns, and the engine and its sub-units in the
 *   analytic estimate (engineArea): ./cost-engine.ts.
 * - The authors' BitMoD simulator has no such class: modelled as a bit-parallel dot-product unit of `lanes`
 *   with the FP16 × INT8 PE's pe_energy / pe_area, weights at their stored bits per element.
 */
import { PE_AREA_CALIBRATION } from '../../arch/gate-area.js';
import { linearAreaUm2 } from '../../estimate/area-model.js';
import type { CostFacet } from '../facets/cost.js';
import { engineAccumulatorEntries, engineBranchLanes, lowRankGemmAreaModel } from './cost-area.js';
import { lowRankEngineArea, lowRankGemmEngineGrowth } from './cost-engine.js';
import { lowRankInstructionCycles } from './timing.js';
import { lowRankEngineWrites } from './microarch.js';

const LANE_SCALE = (4 * 4) / (16 * 8);

export const lowRankGemmCost: CostFacet<'lowrank_gemm'> = {
  areaModel: lowRankGemmAreaModel,
  peCost(pe, array) {
    const b = pe.rank > 0 ? engineBranchLanes(pe) : 0;
    const { fixed, lane, branchLane } = lowRankGemmAreaModel.coefficients;
    const ramBits = lowRankGemmAreaModel.terms(pe, array).ramBits;
    return {
      areaUm2: linearAreaUm2(lowRankGemmAreaModel, pe, array),
      energyPerCyclePj: 0.613 * LANE_SCALE * pe.lanes + 0.77 * b,
      source: `engine PE: ${fixed} GE + ${lane} GE × ${pe.lanes} lanes + ${branchLane} GE × ${engineBranchLanes(pe)} branch lanes + ${ramBits} RAM bits (code tables, ${engineAccumulatorEntries(pe, array)} accumulator and output entries) (${PE_AREA_CALIBRATION}); energy: ${pe.lanes} 4-bit lanes at FP16×INT8 MAC 0.613 mW × 16/128 each${b ? ` + ${b} FP16 MACs 0.77 mW` : ''}, 28 nm (BitMoD authors' PE_Area_Power.xlsx; qacc scaling)`,
    };
  },
  peakModes(pe) {
    const modes = [{ mode: `${pe.activations.elementBits}-bit x ${pe.weights.elementBits}-bit (main)`, macsPerCycle: pe.lanes }];
    if (pe.rank > 0) modes.push({ mode: `${pe.branchFormat.name} low-rank branch`, macsPerCycle: engineBranchLanes(pe) });
    return modes;
  },
  modeOf() {
    return 0;
  },
  computeCycles(t, inst, tile) {
    return lowRankInstructionCycles(t, inst, tile, t.groupSize, t.golden.rank) ?? 0;
  },
  authorsPe(pe) {
    return { peClass: 'low-rank GEMM as bit-parallel (no such class in the authors\' model)', bitSerial: false, dotProduct: pe.lanes, weightBits: pe.weights.bitsPerElement, peEnergyPj: 0.613, peAreaUm2: 1318.6 };
  },
  engineGrowth: lowRankGemmEngineGrowth,
  engineArea: (_pe, _array, t) => lowRankEngineArea(t),
  engineBufferWrites: (t) => lowRankEngineWrites(t),
  // The engine's PE (engine_lowrank_pe.v.hbs): at 64 lanes it holds 16 chained fp32 multiply-adds, the dot's 64
  // multipliers and a dozen fp rounders, ~150 shifters and multipliers behind multiplexers; Yosys's `share`
  // tries them pairwise with SAT problems of ~1,000 cells and had done 21 of 156 after 10 CPU-minutes
  // (29 CPU-minutes and 4.5 GB when stopped before: WebAssembly Yosys's 4 GiB). Without it: docs/estimate.md.
  synthNoShare: ['_lowrank_pe'],
  // The qact column unit (qact_col.v.hbs: the amax tree, the scale unit, B multipliers and converters) under
  // its column slice: flattened together `abc` had not finished after 831 CPU-s; the slice without it takes
  // ~36 s, so it is synthesized once on its own and counted per slice (docs/estimate.md).
  synthUnits: ['_lowrank_qact_col'],
  // The designs' PEs are the engine's (`<top>_lowrank_pe`, rtl-engine.ts), not the standalone PE of the PE-level
  // harness (lowrank_pe.v.hbs): the engine's holds the accumulator and output register files and lanes / 4
  // chained branch multiply-adds (one in the standalone). The area model is calibrated on it (./cost-area.ts).
  arrayPeModule: '_lowrank_pe',
};
