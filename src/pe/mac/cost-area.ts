/**
 * mac's synthesis-calibrated area model (src/estimate/area-model.ts), per lane, in gate equivalents:
 *     GE = mulCell · (multiplier cells + integer adder bits) + fpAddCell · w · log2 w
 *          + 1.5 · accumulator bits + 8.5 · register bits                      (the last two not fitted)
 * The generated datapath (./rtl-pe.ts) has three structures: int8 × int8 → int32; an fp16 FMA into an fp16 or
 * fp32 accumulator; fp16 × int8-class weights (converted exactly to fp16), the same FMA, then the fp16
 * channel-scale multiply on the accumulator. Multiplier cells are a·b for an unsigned a × b array (11 × 11 for
 * the fp16 significand product, plus p_acc × 11 for the channel-scale multiply) and a·b + a + b for a
 * two's-complement one (int8 × int8: the sign row and column), plus the integer accumulator's 32 adder bits;
 * w = 2·11 + p_acc is the FMA's aligned-add width (p_acc the accumulator's significand bits; its alignment and
 * normalization shifters are w · log2 w cells). Library terms (Yosys's CMOS cost table, not fitted): the
 * accumulator input's clear `first ? 0 : acc` (one AND-NOT per bit, 6 transistors = 1.5 GE) and the registers
 * of templates/mac_pe.v.hbs (accumulator, output y, out_valid: a flip-flop with its enable multiplexer and
 * reset gate, (16 + 12 + 6) / 4 = 8.5 GE a bit). Fitted on fp16 × fp16 → fp32 and fp16 × int4 → fp32 (two
 * points, two coefficients: exact), checked on four held out (docs/estimate.md "Calibration").
 */
import type { AreaTerms, LinearAreaModel } from '../../estimate/area-model.js';
import type { IrOperand } from '../../ir/types.js';
import type { MacPe } from './schema.js';

/** GE per accumulator bit of the input clear `first ? 0 : acc`: one AND-NOT (6 transistors / 4). */
const GE_PER_CLEAR_BIT = 1.5;
/** GE per register bit: a D flip-flop (16 transistors), its enable multiplexer (12) and reset gate (6), / 4. */
const GE_PER_REGISTER_BIT = 8.5;
/** The fp16 significand (with its hidden bit); int8-class weights reach the multiplier as fp16. */
const FP16_SIG = 11;

const plainName = (op: IrOperand): string => (op.kind === 'plain' ? op.format.name : '');

function significandBits(name: string, bits: number): number {
  return name === 'fp32' ? 24 : name === 'fp16' ? FP16_SIG : bits;
}

/** The terms of one lane (a PE is `lanes` of them). */
function laneTerms(pe: MacPe): AreaTerms {
  const int8 = plainName(pe.activations) === 'int8' && plainName(pe.weights) === 'int8';
  // the registers of mac_pe.v.hbs: the accumulator, the output y (int32 for int8 × int8, else fp16) and out_valid
  const fixedGe = GE_PER_CLEAR_BIT * pe.accumulator.bits + GE_PER_REGISTER_BIT * (pe.accumulator.bits + (int8 ? 32 : 16) + 1);
  if (int8) return { units: { mulCell: 8 * 8 + 8 + 8 + 32, fpAddCell: 0 }, fixedGe, ramBits: 0 };
  const pAcc = significandBits(pe.accumulator.name, pe.accumulator.bits);
  const scaleMul = plainName(pe.weights) === 'fp16' ? 0 : pAcc * FP16_SIG;
  const w = 2 * FP16_SIG + pAcc;
  return { units: { mulCell: FP16_SIG * FP16_SIG + scaleMul, fpAddCell: w * Math.log2(w) }, fixedGe, ramBits: 0 };
}

/** The points (bitmod.qacc's baselines at 2 × 2, with their operand formats varied). */
const OLIVE_WEIGHTS = 'weights = per_channel(int4, scale = fp16);';
const FP16_OPERANDS = 'weights = fp16;\n  activations = fp16;\n  accumulator = fp32;';

export const macAreaModel: LinearAreaModel<MacPe> = {
  coefficients: {
    /** GE per multiplier cell (a full adder with its partial-product gate) or integer adder bit. */
    mulCell: 9.892,
    /** GE per cell of a floating-point aligned add, w · log2 w for w bits (alignment, add, normalize). */
    fpAddCell: 18.87,
  },
  terms(pe) {
    const lane = laneTerms(pe);
    const units = Object.fromEntries(Object.entries(lane.units).map(([name, u]) => [name, u * pe.lanes]));
    return { units, fixedGe: lane.fixedGe * pe.lanes, ramBits: 0 };
  },
  points: [
    { label: 'mac fp16 × fp16, fp32 acc', file: 'bitmod.qacc', accel: 'fp16_baseline', sets: ['fp16_rows=2', 'fp16_cols=2'], fit: true },
    { label: 'mac fp16 × flint4 (ANT)', file: 'bitmod.qacc', accel: 'ant_baseline', sets: ['ant_rows=2', 'ant_cols=2'], fit: false },
    { label: 'mac fp16 × int4 (OliVe)', file: 'bitmod.qacc', accel: 'olive_baseline', sets: ['olive_rows=2', 'olive_cols=2'], fit: true },
    { label: 'mac fp16 × int8', file: 'bitmod.qacc', accel: 'olive_baseline', sets: ['olive_rows=2', 'olive_cols=2'], replace: [[OLIVE_WEIGHTS, 'weights = per_channel(int8, scale = fp16);']], fit: false },
    { label: 'mac fp16 × fp16, fp16 acc', file: 'bitmod.qacc', accel: 'fp16_baseline', sets: ['fp16_rows=2', 'fp16_cols=2'], replace: [[FP16_OPERANDS, 'weights = fp16;\n  activations = fp16;\n  accumulator = fp16;']], fit: false },
    { label: 'mac int8 × int8, int32 acc', file: 'bitmod.qacc', accel: 'olive_baseline', sets: ['olive_rows=2', 'olive_cols=2'], replace: [[`${OLIVE_WEIGHTS}\n  activations = fp16;\n  accumulator = fp32;`, 'weights = int8;\n  activations = int8;\n  accumulator = int32;']], fit: false },
  ],
};
