/**
 * mac's cost model (the estimate layer's facet, src/pe/facets/cost.ts).
 * - Area: the synthesis-calibrated model of ./cost-area.ts of the tile engine's cell (multiplier cells, FMA
 *   add width, the lane multiplexers, the accumulator clear and register, in gate equivalents; docs/estimate.md
 *   "Calibration").
 * - Energy per lane, anchored on the BitMoD authors' 28 nm baseline PEs (../shared/reference/bitmod.md,
 *   their PE_Area_Power.xlsx): an FP16 MAC 0.77 mW; an FP16 × INT8 MAC (the ANT / OliVe class) 0.613 mW.
 *   Weights wider than 8 bits take the FP16 figure; narrower ones the FP16 × INT8 figure, scaled by
 *   (activation bits · weight bits) / (16 · 8) when activations are narrower than 16 bits (qacc's rule).
 * - The tile engine's own logic (weight stationary: with its accumulator memories; output stationary: without its
 *   operand staging sub-units) (--synth's growth terms and the analytic estimate's fit on recorded syntheses):
 *   ./cost-engine.ts.
 * - Cycles of its compute instructions: the engine's closed forms (./timing.ts, shared with the simulator):
 *   mac_tile (operand staging, ceil(k / lanes) steps, pipeline), dequant, writeback.
 * - The authors' simulator models it as a bit-parallel PE (latency 1, dot product `lanes`), weights at their
 *   stored bits per element; FP16 weights use the FP16 PE's pe_energy 0.77 / pe_area 1968.7
 *   (sim/test_baseline.py), others the FP16 × INT8 PE's 0.613 / 1318.6 (sim/test_ant.py, test_olive.py).
 */
import { PE_AREA_CALIBRATION } from '../../arch/gate-area.js';
import { linearAreaGe, linearAreaUm2 } from '../../estimate/area-model.js';
import type { IrOperand } from '../../ir/types.js';
import type { CostFacet } from '../facets/cost.js';
import { macAreaModel } from './cost-area.js';
import { macEngineArea, macEngineGrowth } from './cost-engine.js';
import type { MacPe } from './schema.js';
import { macDequantCycles, macTileCycles, macWritebackCycles } from './timing.js';

function elementBits(op: IrOperand): number {
  return op.kind === 'plain' ? op.format.bits : op.elementBits;
}

function wideWeights(pe: MacPe): boolean {
  return elementBits(pe.weights) > 8;
}

export const macCost: CostFacet<'mac'> = {
  areaModel: macAreaModel,
  peCost(pe, array) {
    const a = elementBits(pe.activations);
    const w = elementBits(pe.weights);
    const areaUm2 = linearAreaUm2(macAreaModel, pe, array);
    const laneGe = linearAreaGe(macAreaModel.coefficients, macAreaModel.terms(pe, array)) / pe.lanes;
    const area = `engine cell: ${Math.round(laneGe)} GE per lane (multiplier cells, FMA add width, accumulator; ${PE_AREA_CALIBRATION}), × lanes`;
    if (wideWeights(pe)) return { areaUm2, energyPerCyclePj: 0.77 * pe.lanes, source: `${area}; energy: FP16 MAC 0.77 mW at 1 GHz (BitMoD authors' PE_Area_Power.xlsx), × lanes` };
    const s = a >= 16 ? 1 : (a * w) / (16 * 8);
    return {
      areaUm2,
      energyPerCyclePj: 0.613 * s * pe.lanes,
      source: `${area}; energy: FP16 × INT8 MAC 0.613 mW at 1 GHz (BitMoD authors' PE_Area_Power.xlsx)${s === 1 ? '' : ` × ${a}·${w}/(16·8)`}, × lanes`,
    };
  },
  peakModes(pe) {
    const name = (op: IrOperand): string => (op.kind === 'plain' ? op.format.name : `${op.elementBits}-bit ${op.scheme.kind}`);
    return [{ mode: `${name(pe.activations)} x ${name(pe.weights)}`, macsPerCycle: pe.macsPerCycle }];
  },
  modeOf() {
    return 0;
  },
  computeCycles(t, inst, tile) {
    switch (inst.kind) {
      case 'mac_tile':
        return macTileCycles(t, tile.m, tile.n, tile.k);
      case 'dequant':
        return macDequantCycles(t, tile.n, inst.use_cscale);
      case 'writeback':
        return macWritebackCycles(t, tile.m, tile.n);
      default:
        return 0;
    }
  },
  authorsPe(pe) {
    const weightBits = pe.weights.bitsPerElement;
    return wideWeights(pe)
      ? { peClass: 'FP16 (bit-parallel)', bitSerial: false, dotProduct: pe.lanes, weightBits, peEnergyPj: 0.77, peAreaUm2: 1968.7 }
      : { peClass: 'FP16 x INT8 (bit-parallel, ANT/OliVe class)', bitSerial: false, dotProduct: pe.lanes, weightBits, peEnergyPj: 0.613, peAreaUm2: 1318.6 };
  },
  // The designs' PEs are the engine's cells (`<top>_mac_cell_<variant>_<acc>_l<lanes>`, ./rtl-engine.ts,
  // engine_mac_cell*.v.hbs), not the PE-level top (mac_pe.v.hbs): the engine applies the channel scale once per
  // row at writeback (its fp multiply is not in the cell). The output-stationary cell only: the
  // weight-stationary engine's (`_mac_ws_cell_`) is combinational, its PE registers in the engine module.
  arrayPeModule: /_mac_cell_\w+_l\d+$/,
  // each dataflow's engine growth and analytic model (./cost-engine.ts)
  engineGrowth: macEngineGrowth,
  engineArea: (_pe, array, t) => macEngineArea(array, t),
};
