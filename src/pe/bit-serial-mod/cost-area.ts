/**
 * bit_serial_mod's synthesis-calibrated area model (src/estimate/area-model.ts), in gate equivalents plus its
 * weight register file:
 *     GE = fixed + lane · lanes                RAM bits = lanes · group · weight bits + scale bits
 * Per lane: the bit-serial term multiply (the align_bits-wide significand by weight_bits_per_cycle bits), the
 * lane's term decoder and its share of the adder tree and exponent max. Fixed: the group accumulator, the
 * group-scale dequantizing multiply, the fp16 channel-scale multiply, the cross-group adder and the output
 * rounding, which do not grow with lanes; each part's registers (pipeline and state, with their enables and
 * resets) included. Fitted on the qacc datapath at 2 and 4 lanes (exact: two points, two coefficients),
 * checked on 8 lanes and the bitmod_rtl datapath held out (docs/estimate.md "Calibration").
 */
import type { LinearAreaModel } from '../../estimate/area-model.js';
import type { BitSerialModPe } from './schema.js';

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
    fixed: 10100,
    /** GE per lane. */
    lane: 702,
  },
  terms(pe) {
    return { units: { fixed: 1, lane: pe.lanes }, fixedGe: 0, ramBits: pe.lanes * pe.groupSize * pe.weights.elementBits + pe.scaleBits };
  },
  points: [
    { label: 'bit_serial_mod 4 lanes (qacc)', file: 'bitmod.qacc', accel: 'bitmod', sets: ['rows=2', 'cols=2'], fit: true },
    { label: 'bit_serial_mod 4 lanes (bitmod_rtl)', file: 'bitmod.qacc', accel: 'bitmod_authors', sets: ['rows=2', 'cols=2'], fit: false },
    { label: 'bit_serial_mod 2 lanes', file: 'bitmod.qacc', accel: 'bitmod', sets: ['rows=2', 'cols=2'], replace: withLanes(2, 16), fit: true },
    { label: 'bit_serial_mod 8 lanes', file: 'bitmod.qacc', accel: 'bitmod', sets: ['rows=2', 'cols=2'], replace: withLanes(8, 18), fit: false },
  ],
};
