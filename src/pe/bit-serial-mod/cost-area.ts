/**
 * bit_serial_mod's synthesis-calibrated area model (src/estimate/area-model.ts) of the PE the designs' arrays
 * are made of: the tile engine's own (`<top>_bsm_engine_pe`, ./rtl-engine.ts, engine_bit_serial_mod_pe*.v.hbs;
 * the cost facet's `arrayPeModule` makes `npm run calibrate` synthesize it), not the PE-level top
 * (bit_serial_mod_pe*.v.hbs): the engine decodes the weight terms once per row and passes them to its PEs
 * (no weight register file or term decoder in a PE) and multiplies by the channel scale once per writeback
 * (no fp16 multiply in a PE). In gate equivalents plus the cross-group accumulator file:
 *     GE = fixed + lane · lanes (+ 8.5 · 32 for a one-entry file, not fitted)     RAM bits = 32 · entries (≥ 2)
 * Per lane: the lane's exponent-match operand and its share of the exponent max, the align_bits-wide
 * alignment shifter, the sign and its share of the adder tree. Fixed: the block-floating-point group
 * accumulator (its aligning shifters, adder, leading-zero count and normalizing shift), the bit-serial
 * dequantizer (shift-and-add by the 8-bit group scale), the rounding into fp32 and the fp32 cross-group
 * adder, each with its registers. The cross-group file holds one fp32 entry per array pass of the declared
 * tile_m (ceil(tile_m / cols); one without tile_m): Yosys keeps two or more as a RAM, one as a 32-bit
 * register (a flip-flop with its enable multiplexer and reset gate, 8.5 GE a bit: the library cost). Fitted on
 * the qacc datapath at 1, 2 and 8 lanes (the engine takes 1, 2, 4 or 8); held out: examples/bitmod.qacc's own PEs (4 lanes, qacc and
 * bitmod_rtl datapaths) and 4 lanes with a one-entry file (docs/estimate.md "Calibration").
 */
import type { ArrayShape, LinearAreaModel } from '../../estimate/area-model.js';
import type { BitSerialModPe } from './schema.js';

/** GE per register bit: a D flip-flop (16 transistors), its enable multiplexer (12) and reset gate (6), / 4. */
const GE_PER_REGISTER_BIT = 8.5;
/** Bits of one cross-group entry (fp32). */
const ENTRY_BITS = 32;

/** Entries of the engine PE's cross-group file: one per array pass of the declared tile_m (./rtl-engine.ts). */
export function engineAccumulatorEntries(pe: BitSerialModPe, array: ArrayShape): number {
  return pe.tileM === undefined ? 1 : Math.max(1, Math.ceil(pe.tileM / array.cols));
}

/** examples/bitmod.qacc's PE at another lane count (its lane-sum and group accumulator widths follow). */
const LANES = 'lanes = 4;\n  weights = bitmod_weights;';
const WIDTHS = 'lane_sum_bits = 17;          // 2-level adder tree over 4 lanes\n  group_acc_bits = 23;';
const withLanes = (lanes: number, laneSum: number): readonly (readonly [string, string])[] => [
  [LANES, `lanes = ${lanes};\n  weights = bitmod_weights;`],
  [WIDTHS, `lane_sum_bits = ${laneSum};\n  group_acc_bits = ${laneSum + 6};`],
];

export const bitSerialModAreaModel: LinearAreaModel<BitSerialModPe> = {
  coefficients: {
    /** GE of the parts that do not grow with lanes. */
    fixed: 6783,
    /** GE per lane. */
    lane: 630,
  },
  terms(pe, array) {
    const entries = engineAccumulatorEntries(pe, array);
    return { units: { fixed: 1, lane: pe.lanes }, fixedGe: entries === 1 ? GE_PER_REGISTER_BIT * ENTRY_BITS : 0, ramBits: entries === 1 ? 0 : ENTRY_BITS * entries };
  },
  points: [
    { label: 'bit_serial_mod 4 lanes (qacc)', file: 'bitmod.qacc', accel: 'bitmod', sets: ['rows=2', 'cols=2'], fit: false },
    { label: 'bit_serial_mod 4 lanes (bitmod_rtl)', file: 'bitmod.qacc', accel: 'bitmod_authors', sets: ['rows=2', 'cols=2'], fit: false },
    { label: 'bit_serial_mod 4 lanes, one entry', file: 'bitmod.qacc', accel: 'bitmod', sets: ['rows=2', 'cols=2'], replace: [['tile_m = 2 * cols;', '']], fit: false },
    { label: 'bit_serial_mod 2 lanes', file: 'bitmod.qacc', accel: 'bitmod', sets: ['rows=2', 'cols=2'], replace: withLanes(2, 16), fit: true },
    { label: 'bit_serial_mod 8 lanes', file: 'bitmod.qacc', accel: 'bitmod', sets: ['rows=2', 'cols=2'], replace: withLanes(8, 18), fit: true },
    { label: 'bit_serial_mod 1 lane', file: 'bitmod.qacc', accel: 'bitmod', sets: ['rows=2', 'cols=2'], replace: withLanes(1, 15), fit: true },
  ],
};
