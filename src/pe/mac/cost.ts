/**
 * mac's cost model (the estimate layer's facet, src/pe/facets/cost.ts).
 * - Area: the generated datapath's structure (./rtl-pe.ts has three: int8 × int8 → int32; fp16 FMA into an
 *   fp16/fp32 accumulator; fp16 × int8-class weights, converted exactly to fp16, the same FMA, then the fp16
 *   channel-scale multiply on the accumulator), in gate equivalents:
 *     GE = GE_PER_MUL_CELL · (multiplier cells + integer adder bits) + GE_PER_FP_ADD_CELL · w · log2 w
 *          + GE_PER_CLEAR_BIT · accumulator bits + GE_PER_REGISTER_BIT · register bits
 *   with multiplier cells a·b for an unsigned a × b array (11 × 11 for the fp16 significand product, plus
 *   p_acc × 11 for the channel-scale multiply) and a·b + a + b for a two's-complement one (int8 × int8: the
 *   sign row and column), the integer accumulator's 32 adder bits, w = 2·11 + p_acc the FMA's aligned-add
 *   width (p_acc the accumulator's significand bits: its alignment and normalization shifters are w · log2 w
 *   cells), and the accumulator input's clear (`first ? 0 : acc`, every variant: one 2-input gate per
 *   accumulator bit, 6 transistors = 1.5 GE, a library figure, not fitted), and the registers (accumulator,
 *   output y, out_valid: 8.5 GE a bit, a flip-flop with its enable and reset, also a library figure). GE_PER_MUL_CELL and
 *   GE_PER_FP_ADD_CELL are fitted on two synthesized points (fp16 × fp16 → fp32, fp16 × int4 per channel →
 *   fp32), checked on four held out (docs/estimate.md "Calibration"). × lanes.
 * - Energy per lane, anchored on the BitMoD authors' 28 nm baseline PEs (../shared/reference/bitmod.md,
 *   their PE_Area_Power.xlsx): an FP16 MAC 0.77 mW; an FP16 × INT8 MAC (the ANT / OliVe class) 0.613 mW.
 *   Weights wider than 8 bits take the FP16 figure; narrower ones the FP16 × INT8 figure, scaled by
 *   (activation bits · weight bits) / (16 · 8) when activations are narrower than 16 bits (qacc's rule).
 * - Cycles of its compute instructions: the engine's closed forms (./timing.ts, shared with the simulator):
 *   mac_tile (operand staging, ceil(k / lanes) steps, pipeline), dequant, writeback.
 * - The authors' simulator models it as a bit-parallel PE (latency 1, dot product `lanes`), weights at their
 *   stored bits per element; FP16 weights use the FP16 PE's pe_energy 0.77 / pe_area 1968.7
 *   (sim/test_baseline.py), others the FP16 × INT8 PE's 0.613 / 1318.6 (sim/test_ant.py, test_olive.py).
 */
import { PE_AREA_CALIBRATION, peAreaUm2 } from '../../arch/gate-area.js';
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

/** GE per multiplier cell (a full adder with its partial-product gate) or integer adder bit (fitted). */
const GE_PER_MUL_CELL = 9.892;
/** GE per cell of a floating-point aligned add, w · log2 w for w bits (alignment, add, normalize; fitted). */
const GE_PER_FP_ADD_CELL = 18.87;
/** GE per accumulator bit of the input clear `first ? 0 : acc`: one AND-NOT (6 transistors / 4; not fitted). */
const GE_PER_CLEAR_BIT = 1.5;
/**
 * GE per register bit: a D flip-flop (16 transistors) with its enable multiplexer (12) and synchronous-reset
 * gate (6) in Yosys's CMOS cost table, 34 / 4 (a library figure, not fitted).
 */
const GE_PER_REGISTER_BIT = 8.5;
/** The fp16 significand (with its hidden bit); int8-class weights reach the multiplier as fp16. */
const FP16_SIG = 11;

function significandBits(name: string, bits: number): number {
  return name === 'fp32' ? 24 : name === 'fp16' ? FP16_SIG : bits;
}

/** Gate equivalents of one lane of the generated datapath (see the header). */
export function macLaneGates(pe: MacPe): number {
  const plainName = (op: IrOperand): string => (op.kind === 'plain' ? op.format.name : '');
  const int8 = plainName(pe.activations) === 'int8' && plainName(pe.weights) === 'int8';
  // the registers of mac_pe.v.hbs: the accumulator, the output y (int32 for int8 × int8, else fp16) and out_valid
  const registers = GE_PER_REGISTER_BIT * (pe.accumulator.bits + (int8 ? 32 : 16) + 1);
  const library = GE_PER_CLEAR_BIT * pe.accumulator.bits + registers;
  if (int8) return GE_PER_MUL_CELL * (8 * 8 + 8 + 8 + 32) + library;
  const pAcc = significandBits(pe.accumulator.name, pe.accumulator.bits);
  const scaleMul = plainName(pe.weights) === 'fp16' ? 0 : pAcc * FP16_SIG;
  const w = 2 * FP16_SIG + pAcc;
  return GE_PER_MUL_CELL * (FP16_SIG * FP16_SIG + scaleMul) + GE_PER_FP_ADD_CELL * w * Math.log2(w) + library;
}

export const macCost: CostFacet<'mac'> = {
  peCost(pe) {
    const a = elementBits(pe.activations);
    const w = elementBits(pe.weights);
    const areaUm2 = peAreaUm2(macLaneGates(pe) * pe.lanes);
    const area = `${Math.round(macLaneGates(pe))} GE per lane (multiplier cells and FMA add width; ${PE_AREA_CALIBRATION}), × lanes`;
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
};
