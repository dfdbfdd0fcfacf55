/**
 * mac's synthesis-calibrated area model (src/estimate/area-model.ts) of the PE the designs' arrays are made of:
 * the output-stationary tile engine's cell (`<top>_mac_cell_<variant>_<acc>_l<lanes>`, ./rtl-engine.ts,
 * engine_mac_cell*.v.hbs; the cost facet's `arrayPeModule` makes `npm run calibrate` synthesize it), not the
 * PE-level top (mac_pe.v.hbs), which also holds an output register and rounding and, for int8-class weights,
 * the fp16 channel-scale multiply: the engine applies the channel scale and rounds once per row at writeback.
 * In gate equivalents:
 *     GE = lanes · (mulCell · fp multiplier cells + fpAddCell · w · log2 w + intCell · integer cells)
 *          + 3 · accumulator bits · lanes + 10 · accumulator bits                    (the last two not fitted)
 * The cell's lanes are chained: each an fp16 FMA into an fp16 or fp32 accumulator (fp16 × fp16, or
 * int8-class weights converted exactly to fp16), or an int8 × int8 product into a wrapping int32 sum.
 * fp multiplier cells: 11 × 11 for the fp16 significand product, 11 × 8 where the weights are int8-class
 * (|b| ≤ 128 has at most 8 significant bits, so 3 of the converted significand's bits are always zero and
 * their cells fold away); w = 11 + w_sig + p_acc is the FMA's aligned-add width (the product's significand
 * bits, 11 + 11 or 11 + 8, plus p_acc, the accumulator's significand bits; its alignment and normalization
 * shifters are w · log2 w cells). Integer cells: an 8 × 8
 * two's-complement multiplier's a·b + a + b plus the 32 adder bits of the sum. Library terms (Yosys's CMOS
 * cost table, not fitted): each lane's lane_valid multiplexer on the accumulator (12 transistors = 3 GE a
 * bit), the accumulator input's clear `first ? 0 : acc` (one AND-NOT, 1.5 GE a bit) and the accumulator
 * register (a flip-flop with its enable multiplexer and reset gate, 8.5 GE a bit). Fitted on 2-lane cells
 * (fp16 × fp16 into fp32 and into fp16, fp16 × int4 into fp32, int8 × int8); held out: the 1-lane cells of
 * examples/bitmod.qacc's baselines and more (docs/estimate.md "Calibration"). Weight-stationary arrays
 * (engine_mac_ws_cell: combinational, its registers in the engine) are priced with the same model, uncalibrated.
 */
import type { LinearAreaModel } from '../../estimate/area-model.js';
import type { IrOperand } from '../../ir/types.js';
import type { MacPe } from './schema.js';

/** GE per accumulator bit of the input clear `first ? 0 : acc`: one AND-NOT (6 transistors / 4). */
const GE_PER_CLEAR_BIT = 1.5;
/** GE per register bit: a D flip-flop (16 transistors), its enable multiplexer (12) and reset gate (6), / 4. */
const GE_PER_REGISTER_BIT = 8.5;
/** GE per accumulator bit of a lane's `lane_valid ? f : chain` multiplexer (12 transistors / 4). */
const GE_PER_LANE_MUX_BIT = 3;
/** The fp16 significand (with its hidden bit); int8-class weights reach the multiplier as fp16. */
const FP16_SIG = 11;
/** Significant bits of an int8-class weight converted to fp16 (|b| ≤ 128). */
const INT8_CLASS_SIG = 8;

const plainName = (op: IrOperand): string => (op.kind === 'plain' ? op.format.name : '');

function significandBits(name: string, bits: number): number {
  return name === 'fp32' ? 24 : name === 'fp16' ? FP16_SIG : bits;
}

/** The fitted units of one lane (a PE is `lanes` of them). */
function laneUnits(pe: MacPe): Record<string, number> {
  if (plainName(pe.activations) === 'int8' && plainName(pe.weights) === 'int8') return { mulCell: 0, fpAddCell: 0, intCell: 8 * 8 + 8 + 8 + 32 };
  const pAcc = significandBits(pe.accumulator.name, pe.accumulator.bits);
  const weightSig = plainName(pe.weights) === 'fp16' ? FP16_SIG : INT8_CLASS_SIG;
  const w = FP16_SIG + weightSig + pAcc;
  return { mulCell: FP16_SIG * weightSig, fpAddCell: w * Math.log2(w), intCell: 0 };
}

/** The points (bitmod.qacc's baselines at 2 × 2, with their operand formats and lanes varied). */
const OLIVE_WEIGHTS = 'weights = per_channel(int4, scale = fp16);';
const OLIVE_OPERANDS = `${OLIVE_WEIGHTS}\n  activations = fp16;\n  accumulator = fp32;`;
const OLIVE_ACC16 = `${OLIVE_WEIGHTS}\n  activations = fp16;\n  accumulator = fp16;`;
const INT8_OPERANDS = 'weights = int8;\n  activations = int8;\n  accumulator = int32;';
const FP16_OPERANDS = 'weights = fp16;\n  activations = fp16;\n  accumulator = fp32;';
const FP16_ACC16 = 'weights = fp16;\n  activations = fp16;\n  accumulator = fp16;';

/** A point at `lanes` lanes per PE (the pe block's closing line of bitmod.qacc's baselines). */
const lanes2 = (operands: string): readonly [string, string] => [operands, `${operands}\n  lanes = 2;`];

export const macAreaModel: LinearAreaModel<MacPe> = {
  coefficients: {
    /** GE per fp multiplier cell (a full adder with its partial-product gate). */
    mulCell: 18.93,
    /** GE per cell of a floating-point aligned add, w · log2 w for w bits (alignment, add, normalize). */
    fpAddCell: 11.86,
    /** GE per int8 multiplier cell or integer adder bit. */
    intCell: 9.063,
  },
  terms(pe) {
    const units = Object.fromEntries(Object.entries(laneUnits(pe)).map(([name, u]) => [name, u * pe.lanes]));
    const acc = pe.accumulator.bits;
    return { units, fixedGe: GE_PER_LANE_MUX_BIT * acc * pe.lanes + (GE_PER_CLEAR_BIT + GE_PER_REGISTER_BIT) * acc, ramBits: 0 };
  },
  points: [
    { label: 'mac fp16 × fp16, fp32 acc', file: 'bitmod.qacc', accel: 'fp16_baseline', sets: ['fp16_rows=2', 'fp16_cols=2'], fit: false },
    { label: 'mac fp16 × flint4 (ANT)', file: 'bitmod.qacc', accel: 'ant_baseline', sets: ['ant_rows=2', 'ant_cols=2'], fit: false },
    { label: 'mac fp16 × int4 (OliVe)', file: 'bitmod.qacc', accel: 'olive_baseline', sets: ['olive_rows=2', 'olive_cols=2'], fit: false },
    { label: 'mac fp16 × int8', file: 'bitmod.qacc', accel: 'olive_baseline', sets: ['olive_rows=2', 'olive_cols=2'], replace: [[OLIVE_WEIGHTS, 'weights = per_channel(int8, scale = fp16);']], fit: false },
    { label: 'mac fp16 × fp16, fp16 acc', file: 'bitmod.qacc', accel: 'fp16_baseline', sets: ['fp16_rows=2', 'fp16_cols=2'], replace: [[FP16_OPERANDS, FP16_ACC16]], fit: false },
    { label: 'mac fp16 × int4, fp16 acc', file: 'bitmod.qacc', accel: 'olive_baseline', sets: ['olive_rows=2', 'olive_cols=2'], replace: [[OLIVE_OPERANDS, OLIVE_ACC16]], fit: false },
    { label: 'mac int8 × int8, int32 acc', file: 'bitmod.qacc', accel: 'olive_baseline', sets: ['olive_rows=2', 'olive_cols=2'], replace: [[OLIVE_OPERANDS, INT8_OPERANDS]], fit: false },
    { label: 'mac fp16 × fp16, fp32 acc, 2 lanes', file: 'bitmod.qacc', accel: 'fp16_baseline', sets: ['fp16_rows=2', 'fp16_cols=2'], replace: [lanes2(FP16_OPERANDS)], fit: true },
    { label: 'mac fp16 × fp16, fp16 acc, 2 lanes', file: 'bitmod.qacc', accel: 'fp16_baseline', sets: ['fp16_rows=2', 'fp16_cols=2'], replace: [[FP16_OPERANDS, `${FP16_ACC16}\n  lanes = 2;`]], fit: true },
    { label: 'mac fp16 × int4, fp32 acc, 2 lanes', file: 'bitmod.qacc', accel: 'olive_baseline', sets: ['olive_rows=2', 'olive_cols=2'], replace: [lanes2(OLIVE_OPERANDS)], fit: true },
    { label: 'mac int8 × int8, int32 acc, 2 lanes', file: 'bitmod.qacc', accel: 'olive_baseline', sets: ['olive_rows=2', 'olive_cols=2'], replace: [[OLIVE_OPERANDS, `${INT8_OPERANDS}\n  lanes = 2;`]], fit: true },
  ],
};
