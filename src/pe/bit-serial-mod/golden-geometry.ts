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
