/**
 * mac's cost model (the estimate layer's facet, src/pe/facets/cost.ts).
 * - Area and energy per lane, anchored on the BitMoD authors' 28 nm baseline PEs (../shared/reference/bitmod.md,
 *   their PE_Area_Power.xlsx): an FP16 MAC 1968.7 µm², 0.77 mW; an FP16 × INT8 MAC (the ANT / OliVe class)
 *   1318.6 µm², 0.613 mW. Weights wider than 8 bits take the FP16 figure; narrower ones the FP16 × INT8
 *   figure, scaled by (activation bits · weight bits) / (16 · 8) when activations are narrower than 16 bits
 *   (a multiplier's area grows with the product of its operand widths: qacc's first-order rule, to be
 *   calibrated by synthesis).
 * - Cycles of its compute instructions: the engine's closed forms (./timing.ts, shared with the simulator):
 *   mac_tile (operand staging, ceil(k / lanes) steps, pipeline), dequant, writeback.
 * - The authors' simulator models it as a bit-parallel PE (latency 1, dot product `lanes`), weights at their
 *   stored bits per element; FP16 weights use the FP16 PE's pe_energy 0.77 / pe_area 1968.7
 *   (sim/test_baseline.py), others the FP16 × INT8 PE's 0.613 / 1318.6 (sim/test_ant.py, test_olive.py).
 */
import type { IrOperand } from '../../ir/types.js';
import type { CostFacet } from '../facets/cost.js';
import type { MacPe } from './schema.js';
import { macDequantCycles, macTileCycles, macWritebackCycles } from './timing.js';

function elementBits(op: IrOperand): number {
  return op.kind === 'plain' ? op.format.bits : op.elementBits;
}

function wideWeights(pe: MacPe): boolean {
  return elementBits(pe.weights) > 8;
}

export const macCost: CostFacet<'mac'> = {
  peCost(pe) {
    const a = elementBits(pe.activations);
    const w = elementBits(pe.weights);
    if (wideWeights(pe)) return { areaUm2: 1968.7 * pe.lanes, energyPerCyclePj: 0.77 * pe.lanes, source: 'FP16 MAC, 28 nm: 1968.7 µm², 0.77 mW at 1 GHz (BitMoD authors\' PE_Area_Power.xlsx), × lanes' };
    const s = a >= 16 ? 1 : (a * w) / (16 * 8);
    return {
      areaUm2: 1318.6 * s * pe.lanes,
      energyPerCyclePj: 0.613 * s * pe.lanes,
      source: `FP16 × INT8 MAC, 28 nm: 1318.6 µm², 0.613 mW at 1 GHz (BitMoD authors' PE_Area_Power.xlsx)${s === 1 ? '' : ` × ${a}·${w}/(16·8)`}, × lanes`,
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
};
