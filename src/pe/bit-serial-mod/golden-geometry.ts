/**
 * The widths of the bit_serial_mod datapath as one typed value (issue 12: typed configurations, no hidden
 * constants). `BITMOD_GEOMETRY` is the BitMoD PE's (docs/golden.md §bit_serial_mod); golden.ts,
 * golden-authors.ts, timing.ts, the RTL generators and schema.ts's width checks all read it. A leaf (no
 * imports) so that golden.ts and golden-authors.ts, which import each other, can both use it at load time.
 */

/** Widths in bits of the bit-serial datapath's stages (docs/golden.md §bit_serial_mod). */
export interface BitSerialGeometry {
  /** Lanes per PE: the dot-product width of one step. */
  readonly lanes: number;
  /** Significand width of an fp16 activation, hidden bit included. */
  readonly significandBits: number;
  /** Guard bits below the significand in the alignment field. */
  readonly guardBits: number;
  /** Width of the aligned-significand field (significand + guard bits). */
  readonly alignBits: number;
  /** Width of the signed lane sum after the adder tree. */
  readonly laneSumBits: number;
  /** Width of the group adder's operands (the sum keeps one carry bit more). */
  readonly adderBits: number;
  /** Width of the group accumulator's mantissa. */
  readonly mantissaBits: number;
  /** Width of the accumulator and product exponents. */
  readonly exponentBits: number;
  /** Width of the unsigned group scale (one dequantization cycle per bit). */
  readonly scaleBits: number;
  /** Width of the dequantization register (mantissa × scale, exact). */
  readonly dequantBits: number;
  /** The LSB unit of the datapath is 2^(u + lsbExponent): fp16 bias 15 + 10 fraction bits + 3 guard bits. */
  readonly lsbExponent: number;
}

/** The BitMoD PE's geometry (bitmod.md; the authors' exp_match.v, bs_mul.v, grp_accum.v widths). */
export const BITMOD_GEOMETRY: BitSerialGeometry = {
  lanes: 4,
  significandBits: 11,
  guardBits: 3,
  alignBits: 14,
  laneSumBits: 17,
  adderBits: 23,
  mantissaBits: 15,
  exponentBits: 6,
  scaleBits: 8,
  dequantBits: 23,
  lsbExponent: -28,
};

/** The largest bit significance of a weight term (the 3-bit shift field holds 6 at most, int8's top Booth digit). */
const MAX_SIG = 6;

/**
 * The qacc datapath's geometry for `lanes` lanes (a power of two, 1…16): the adder tree grows by
 * ⌈log2 lanes⌉ bits (laneSumBits = alignBits + 1 + ⌈log2 lanes⌉) and the group adder holds the lane sum
 * shifted by the largest bit significance (adderBits = laneSumBits + 6); every other width is the PE's.
 * `bitSerialGeometry(4)` equals BITMOD_GEOMETRY.
 */
export function bitSerialGeometry(lanes: number): BitSerialGeometry {
  const log = Math.ceil(Math.log2(lanes));
  const laneSumBits = BITMOD_GEOMETRY.alignBits + 1 + log;
  return { ...BITMOD_GEOMETRY, lanes, laneSumBits, adderBits: laneSumBits + MAX_SIG };
}

/** Lane counts the qacc datapath builds (powers of two up to 16); bitmod_rtl has BITMOD_GEOMETRY.lanes only. */
export function isSupportedLaneCount(lanes: number): boolean {
  return Number.isInteger(lanes) && lanes >= 1 && lanes <= 16 && (lanes & (lanes - 1)) === 0;
}
