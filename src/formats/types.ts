/**
 * The common shape of every number format. A format is a typed value (an `IntFormat`, `FloatFormat`,
 * `PositFormat`, `LutFormat`…), never a string switch: code that needs a format asks the registry for
 * one by name once, then calls its methods.
 *
 * Codes are the unsigned integer of the bit pattern (0 ≤ code < 2^bits, at most 32 bits, so a JS number).
 * Formats of 33 to 64 bits (fp64, int64, posit64_2, …; see {@link MAX_NUMBER_CODE_BITS}) exist only for
 * `decodeExact` (BigInt codes, exact Rational values): their number-based methods throw
 * FormatError('too-wide'), and `lookupFormat` (designs, arithmetic, quantization) refuses them.
 *
 * Exactness invariant: for every supported format, every code's value is exactly representable as a
 * float64 (the widest formats are fp32, int32/uint32 and posit(32, es ≤ 4), all of which fit), so
 * `decode` returns an exact value. `encode` accepts a float64 or an exact `Rational`; both are
 * rounded exactly once, never through an intermediate float.
 */
import type { RandomSource } from './random.js';
import type { Rational } from './rational.js';

/** Rounding rules for encode. `rne` is the default everywhere. */
export type Rounding = 'rne' | 'rtz' | 'rna' | 'stochastic';
export const ROUNDINGS: readonly Rounding[] = ['rne', 'rtz', 'rna', 'stochastic'];

/**
 * What happens when a value's magnitude lies beyond the largest finite value after rounding.
 * `saturate`: clamp to ±max finite. `inf`: ±infinity (IEEE formats only). `nan`: the NaN code (formats
 * that have one).
 */
export type Overflow = 'saturate' | 'inf' | 'nan';
export const OVERFLOWS: readonly Overflow[] = ['saturate', 'inf', 'nan'];

export interface EncodeOptions {
  /** Default `rne`. */
  readonly rounding?: Rounding;
  /** Default: the format's `defaultOverflow`. */
  readonly overflow?: Overflow;
  /**
   * Random bits for `stochastic` rounding; required for it. Rule: with lo ≤ |x| < hi the two
   * representable magnitudes around |x|, |x| rounds to hi iff r·(hi − lo) < (|x| − lo)·2^32, where r is
   * the next 32-bit draw. Exactly representable values consume no draw.
   */
  readonly random?: RandomSource;
  /**
   * Keep the sign bit of a NaN input (a conversion of data, as IEEE 754 and ml_dtypes do: −NaN → the
   * negative NaN code where the format has NaNs of both signs). Off by default: a NaN that JavaScript
   * arithmetic produced carries the machine's default-NaN sign (set on x86, clear on ARM), so results of
   * computations always get the positive canonical NaN, the same on every machine.
   */
  readonly keepNaNSign?: boolean;
}

/** Input to encode: a float64 (may be ±0, ±inf, NaN) or an exact finite rational. */
export type EncodeInput = number | Rational;

export type FormatKind = 'int' | 'fp' | 'posit' | 'lut';

/** Widest format whose codes are JS numbers and whose values are float64s (every number-based method). */
export const MAX_NUMBER_CODE_BITS = 32;
/** Widest format `decodeExact` handles (BigInt codes). */
export const MAX_EXACT_CODE_BITS = 64;

/** The exact value of a code of any width (`decodeExact`): a finite rational (with the sign of a zero), or a special. */
export type ExactValue =
  | { readonly kind: 'finite'; readonly value: Rational; readonly negativeZero: boolean }
  | { readonly kind: 'nan' }
  | { readonly kind: 'inf'; readonly negative: boolean }
  | { readonly kind: 'nar' };

/** Methods and facts every format offers. */
export interface NumberFormatBase {
  readonly kind: FormatKind;
  /** Canonical name, as the registry and CLI spell it (`fp8_e4m3`, `posit8_0`, `lut([...])`). */
  readonly name: string;
  /** Width of a code in bits, 1..32 (up to 64 for formats that only decode exactly, see the file header). */
  readonly bits: number;
  /** Largest finite value (e.g. 448 for fp8_e4m3); for formats wider than 32 bits the nearest float64. */
  readonly max: number;
  /** Smallest (most negative) finite value. */
  readonly min: number;
  /** Smallest positive value: the minimum subnormal for fp, minpos for posits, 1 for ints. */
  readonly minPositive: number;
  /** Overflow behaviour used when EncodeOptions.overflow is not given. */
  readonly defaultOverflow: Overflow;
  /** Overflow behaviours this format accepts; others raise FormatError('unsupported-overflow'). */
  readonly overflows: readonly Overflow[];
  /** Exact value of a code (NaN for NaN/NaR codes, ±Infinity for infinities, -0 for negative zero). */
  decode(code: number): number;
  /** The code nearest to x under the options. Throws FormatError for values the format cannot hold. */
  encode(x: EncodeInput, options?: EncodeOptions): number;
  isNaN(code: number): boolean;
  isInf(code: number): boolean;
  /** Posit Not-a-Real; false for every non-posit format. */
  isNaR(code: number): boolean;
  /** All codes in increasing code order; throws FormatError('too-wide') for formats wider than 16 bits. */
  codes(): Iterable<number>;
}
