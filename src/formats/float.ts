/**
 * Binary floating-point formats: the generic `fp(E, M, bias, variant)` with its four NaN/infinity variants
 * (ieee, fn, fnuz, finite), the named formats (fp8/fp6/fp4/fp3, fp16, bf16, fp32) and the unsigned scale
 * format `e8m0`.
 *
 * Value of a code (sign s, biased exponent e, fraction f): (-1)^s · 2^(e−bias) · (1 + f/2^M) for e ≥ 1,
 * (-1)^s · 2^(1−bias) · f/2^M for e = 0 (subnormals).
 *
 * Encoding, in one sentence: round |x| on the format's grid extended with an unbounded exponent, through
 * `roundsUp`, then map the result to a code. The grid point below |x| has a magnitude code
 * `(be − 1)·2^M + kept` (be the biased exponent of |x|, kept its significand truncated to M fraction bits,
 * hidden bit included) or `kept` in the subnormal range, so rounding up is `+1` and carries into the next
 * binade by itself; ties go to the even magnitude code. A magnitude code above the largest finite one is
 * an overflow, resolved by the overflow rule — except under `rtz`, which never increases a magnitude and
 * gives ±max finite (IEEE 754 §7.4 behaviour). Because the grid is unbounded, overflow is decided exactly
 * as "the value rounded with an unbounded exponent exceeds max finite" (fp8_e4m3: 464 ties to 448, 465
 * overflows), and stochastic rounding draws one number for every value that is not on that grid.
 *
 * Two implementations of that one rule: float64 input goes through a bit-level path (significand and
 * exponent read from the float64 bit pattern, exact float64 arithmetic on 53-bit integers); Rational
 * input (and float64 subnormals) through BigInt. The tests check both exhaustively against an
 * independent oracle. Decode uses a lazily built Float64Array table for formats of ≤ 16 bits.
 *
 * Formats of 33 to 64 bits (fp64, `fp(E, M, …)` through {@link wideFp}) serve `decodeExact` only (BigInt
 * codes, exact Rational values, read from the same code constants as every width); their number-based
 * methods throw FormatError('too-wide').
 */
import { FormatError, tooWide } from './errors.js';
import type { RandomSource } from './random.js';
import { floor, floorLog2, fromNumber, neg, pow2, rational, scale2, toNumber, type Rational } from './rational.js';
import { roundsUp, type Bracket } from './rounding.js';
import {
  MAX_NUMBER_CODE_BITS,
  type EncodeInput,
  type EncodeOptions,
  type ExactValue,
  type NumberFormatBase,
  type Overflow,
  type Rounding,
} from './types.js';

/** Widest binary exponent a wide format's values may reach (keeps exact values' BigInts small). */
const MAX_WIDE_EXPONENT = 65536;

/**
 * What the all-ones exponent and the negative-zero code mean.
 * - `ieee`: all-ones exponent is ±inf (f = 0) or NaN (f ≠ 0).
 * - `fn`: no infinity; only the all-ones magnitude S.1…1.1…1 is NaN.
 * - `fnuz`: no infinity, no negative zero; the code 1000…0 is the only NaN.
 * - `finite`: every code is a finite number.
 */
export type FloatVariant = 'ieee' | 'fn' | 'fnuz' | 'finite';
export const FLOAT_VARIANTS: readonly FloatVariant[] = ['ieee', 'fn', 'fnuz', 'finite'];

// ---- exact float64 helpers -------------------------------------------------------------------------

/** POW2[k + 1074] = 2^k exactly, for -1074 ≤ k ≤ 1023 (built by exact halving/doubling). */
const POW2 = (() => {
  const t = new Float64Array(1074 + 1024);
  t[1074] = 1;
  for (let k = 1; k <= 1023; k++) t[1074 + k] = t[1074 + k - 1] * 2;
  for (let k = -1; k >= -1074; k--) t[1074 + k] = t[1074 + k + 1] / 2;
  return t;
})();

function pow2f(k: number): number {
  return POW2[k + 1074];
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/**
 * A quiet NaN with the given sign bit, for `encode(x, { keepNaNSign: true })` (JavaScript's `-NaN` may be
 * folded to the canonical NaN). Pass it on directly: storing a NaN in a plain JS array may canonicalize it
 * (typed arrays keep it).
 */
export function signedNaN(negative: boolean): number {
  u32[1] = negative ? 0xfff80000 : 0x7ff80000;
  u32[0] = 0;
  return f64[0];
}

/** True when the sign bit of x is set (also for NaN and −0). */
export function signBit(x: number): boolean {
  f64[0] = x;
  return u32[1] >>> 31 === 1;
}
const f32 = new Float32Array(1);
const f32bits = new Uint32Array(f32.buffer);

/**
 * The bracket handed to `roundsUp` by the float64 paths: |x| = lo + rem·2^-shift·(hi − lo)… precisely,
 * (|x| − lo)/(hi − lo) = rem / 2^shift with rem an integer below 2^53. One shared mutable instance:
 * `roundsUp` reads it synchronously, so reusing it avoids an allocation per encoded value.
 */
class Float64Bracket implements Bracket {
  vsBoundary = 0;
  loIsEven = false;
  rem = 0;
  shift = 0;
  fraction(): Rational {
    return rational(BigInt(this.rem), 1n << BigInt(this.shift));
  }
}
const sharedBracket = new Float64Bracket();

/** Marks an encode-table entry whose input must take the long path (codes in tables are < 2^15). */
const NO_CODE = 0xffff;
const ROUNDING_INDEX: Record<Rounding, number> = { rne: 0, rtz: 1, rna: 2, stochastic: 3 };
const OVERFLOW_INDEX: Record<Overflow, number> = { saturate: 0, inf: 1, nan: 2 };

function badRounding(rounding: unknown): FormatError {
  return new FormatError('unsupported-rounding', `unknown rounding '${String(rounding)}' (expected rne, rtz, rna or stochastic)`);
}

function sign3(n: bigint): number {
  return n > 0n ? 1 : n < 0n ? -1 : 0;
}

// ---- the generic binary float -----------------------------------------------------------------------

/** A binary floating-point format `fp(E, M, bias, variant)`. Construct through {@link fp}. */
export class FloatFormat implements NumberFormatBase {
  readonly kind = 'fp' as const;
  readonly bits: number;
  /** Every FloatFormat has a sign bit (e8m0, the unsigned scale format, is an {@link E8m0Format}). */
  readonly signed = true;
  /** Largest finite value. */
  readonly max: number;
  /** −max (every FloatFormat has a sign bit). */
  readonly min: number;
  /** Smallest positive value: the smallest subnormal (the smallest normal when M = 0). */
  readonly minPositive: number;
  /** Smallest positive normal value, 2^(1 − bias). */
  readonly minNormal: number;
  /** Unbiased exponent of the smallest normal binade, 1 − bias. */
  readonly minNormalExponent: number;
  /** Unbiased exponent of the largest finite value's binade (fp8_e4m3: 8, fp16: 15, fp4_e2m1: 2). */
  readonly maxNormalExponent: number;
  readonly hasInf: boolean;
  readonly hasNaN: boolean;
  readonly hasNegativeZero: boolean;
  /** Canonical positive NaN code (ieee: quiet NaN, fn: 0x7f-like, fnuz: 0x80-like); undefined if none. */
  readonly nanCode: number | undefined;
  /** Code of +inf; undefined if the format has none. */
  readonly infCode: number | undefined;
  /** Code of +max (the largest finite magnitude code). */
  readonly maxCode: number;
  /** The sign bit, 2^(bits − 1). */
  readonly signMask: number;
  readonly defaultOverflow: Overflow;
  readonly overflows: readonly Overflow[];
  /** True for formats wider than 32 bits: only `decodeExact` and the exact limits work. */
  readonly wide: boolean;
  /** Exact largest, smallest and smallest positive values (for every width). */
  readonly maxExact: Rational;
  readonly minExact: Rational;
  readonly minPositiveExact: Rational;

  /** The code constants as BigInts (exact for every width; the number fields above are exact up to 32 bits). */
  private readonly big: {
    readonly signMask: bigint;
    readonly mantScale: bigint;
    readonly allOnesExp: bigint;
    readonly infCode: bigint | undefined;
  };
  /** 2^M. */
  private readonly mantScale: number;
  private readonly normalShift: number;
  private readonly isFp32: boolean;
  private table: Float64Array | undefined;
  /**
   * Encode tables for float64 input under the deterministic roundings (formats with M ≤ 4), indexed by
   * `ROUNDING_INDEX·3 + OVERFLOW_INDEX`; built lazily from the bit-level path, so `roundsUp` still makes
   * every decision (see {@link FloatFormat.prefixTable}).
   */
  private readonly prefixTables: Array<Uint16Array | undefined> = [];
  /** Right shift of the float64 high word that leaves sign, exponent and M + 1 fraction bits; 0: no tables. */
  private readonly prefixShift: number;

  constructor(
    readonly exponentBits: number,
    readonly mantissaBits: number,
    readonly bias: number,
    readonly variant: FloatVariant,
    readonly name: string,
    maxBits: number = MAX_NUMBER_CODE_BITS,
  ) {
    const E = exponentBits;
    const M = mantissaBits;
    const bad = (why: string): never => {
      throw new FormatError('bad-parameter', `${name}: ${why}`);
    };
    if (!Number.isInteger(E) || E < 1) bad(`exponent bits must be an integer ≥ 1, got ${E}`);
    if (!Number.isInteger(M) || M < 0) bad(`mantissa bits must be an integer ≥ 0, got ${M}`);
    if (!FLOAT_VARIANTS.includes(variant)) bad(`variant must be one of ${FLOAT_VARIANTS.join(', ')}, got '${String(variant)}'`);
    if (1 + E + M > maxBits) bad(`total width 1 + ${E} + ${M} = ${1 + E + M} bits exceeds ${maxBits}`);
    if (!Number.isSafeInteger(bias)) bad(`bias must be an integer, got ${bias}`);

    this.bits = 1 + E + M;
    this.wide = this.bits > MAX_NUMBER_CODE_BITS;
    // The code constants, computed once in BigInt; as numbers they are exact up to 32 bits.
    const signMask = 1n << BigInt(this.bits - 1);
    const mantScale = 1n << BigInt(M);
    const allOnesExp = (1n << BigInt(E)) - 1n;
    const maxMag = variant === 'ieee' ? allOnesExp * mantScale - 1n : variant === 'fn' ? signMask - 2n : signMask - 1n;
    const nanCode =
      variant === 'ieee'
        ? M > 0
          ? allOnesExp * mantScale + (mantScale >> 1n)
          : undefined
        : variant === 'fn'
          ? signMask - 1n
          : variant === 'fnuz'
            ? signMask
            : undefined;
    const infCode = variant === 'ieee' ? allOnesExp * mantScale : undefined;
    this.big = { signMask, mantScale, allOnesExp, infCode };
    this.signMask = Number(signMask);
    this.mantScale = Number(mantScale);
    this.normalShift = 52 - M;
    this.hasInf = variant === 'ieee';
    this.hasNaN = variant === 'fnuz' || variant === 'fn' || (variant === 'ieee' && M > 0);
    this.hasNegativeZero = variant !== 'fnuz';
    this.maxCode = Number(maxMag);
    this.nanCode = nanCode === undefined ? undefined : Number(nanCode);
    this.infCode = infCode === undefined ? undefined : Number(infCode);
    const maxBiasedExp = Number(maxMag / mantScale);
    if (maxBiasedExp < 1) bad(`the ${variant} variant with ${E} exponent bit(s) leaves no normal numbers`);
    this.minNormalExponent = 1 - bias;
    this.maxNormalExponent = maxBiasedExp - bias;
    const minExp = M > 0 ? 1 - bias - M : 1 - bias;
    if (this.wide) {
      // Values need not be float64s, but their exact BigInts must stay small.
      if (this.maxNormalExponent > MAX_WIDE_EXPONENT || minExp < -MAX_WIDE_EXPONENT) {
        bad(`values from 2^${minExp} to about 2^${this.maxNormalExponent + 1} exceed the supported range 2^±${MAX_WIDE_EXPONENT}`);
      }
    } else if (this.maxNormalExponent > 1023 || minExp < -1074) {
      bad(
        `values from 2^${minExp} to about 2^${this.maxNormalExponent + 1} do not fit float64 exactly ` +
          `(bias ${bias} is out of range for ${E} exponent bits)`,
      );
    }
    this.isFp32 = variant === 'ieee' && E === 8 && M === 23 && bias === 127;
    this.prefixShift = M <= 4 && this.bits <= 15 ? 20 - (M + 1) : 0;
    this.maxExact = (this.decodeExact(maxMag) as { value: Rational }).value;
    this.minExact = neg(this.maxExact);
    this.minPositiveExact = pow2(minExp);
    if (this.wide) {
      // The nearest float64s (possibly ±inf or 0 for ranges beyond float64's).
      this.minNormal = toNumber(pow2(1 - bias));
      this.minPositive = toNumber(this.minPositiveExact);
      this.max = toNumber(this.maxExact);
    } else {
      this.minNormal = pow2f(1 - bias);
      this.minPositive = pow2f(minExp);
      this.max = this.decodeArith(this.maxCode);
    }
    this.min = -this.max;
    this.overflows = variant === 'ieee' ? ['inf', 'saturate'] : variant === 'finite' ? ['saturate'] : ['nan', 'saturate'];
    this.defaultOverflow = this.overflows[0];
  }

  // ---- decode ----

  decode(code: number): number {
    const t = this.table;
    if (t !== undefined && code >>> 0 === code && code < t.length) return t[code];
    this.checkCode(code);
    if (this.bits <= 16) return this.decodeTable()[code];
    if (this.isFp32) {
      f32bits[0] = code;
      return f32[0];
    }
    return this.decodeArith(code);
  }

  /**
   * Exact value of a code of any width, 0 ≤ code < 2^bits (FormatError('bad-code') otherwise), from the
   * same fields and variant rules as `decode`.
   */
  decodeExact(code: bigint): ExactValue {
    const { signMask, mantScale, allOnesExp } = this.big;
    if (!(code >= 0n && code < 2n * signMask)) {
      throw new FormatError('bad-code', `${code} is not a code of ${this.name} (0 to ${2n * signMask - 1n})`);
    }
    const negative = code >= signMask;
    const mag = negative ? code - signMask : code;
    if (this.variant === 'fnuz' ? code === signMask : this.variant === 'fn' ? mag === signMask - 1n : false) {
      return { kind: 'nan' };
    }
    const e = mag / mantScale;
    const f = mag % mantScale;
    if (this.variant === 'ieee' && e === allOnesExp) return f === 0n ? { kind: 'inf', negative } : { kind: 'nan' };
    const M = this.mantissaBits;
    const v = e === 0n ? scale2(rational(f), 1 - this.bias - M) : scale2(rational(mantScale + f), Number(e) - this.bias - M);
    return { kind: 'finite', value: negative ? neg(v) : v, negativeZero: negative && f === 0n && e === 0n };
  }

  /** The lazily built table of every code's value (formats of ≤ 16 bits). */
  private decodeTable(): Float64Array {
    if (this.table === undefined) {
      const t = new Float64Array(2 ** this.bits);
      for (let c = 0; c < t.length; c++) t[c] = this.decodeArith(c);
      this.table = t;
    }
    return this.table;
  }

  /** Value of a valid code from its bit fields; exact by the float64-range check in the constructor. */
  private decodeArith(code: number): number {
    const negative = code >= this.signMask;
    const mag = negative ? code - this.signMask : code;
    if (this.variant === 'fnuz' ? code === this.signMask : this.variant === 'fn' ? mag === this.signMask - 1 : false) {
      return NaN;
    }
    const e = Math.floor(mag / this.mantScale);
    const f = mag - e * this.mantScale;
    if (this.variant === 'ieee' && e === 2 ** this.exponentBits - 1) return f === 0 ? (negative ? -Infinity : Infinity) : NaN;
    const v = e === 0 ? f * pow2f(1 - this.bias - this.mantissaBits) : (this.mantScale + f) * pow2f(e - this.bias - this.mantissaBits);
    return negative ? -v : v;
  }

  isNaN(code: number): boolean {
    this.checkCode(code);
    const mag = code >= this.signMask ? code - this.signMask : code;
    switch (this.variant) {
      case 'ieee':
        return mag > (this.infCode as number);
      case 'fn':
        return mag === this.signMask - 1;
      case 'fnuz':
        return code === this.signMask;
      case 'finite':
        return false;
      default:
        return unreachable(this.variant);
    }
  }

  isInf(code: number): boolean {
    this.checkCode(code);
    return this.infCode !== undefined && (code === this.infCode || code === this.signMask + this.infCode);
  }

  isNaR(code: number): boolean {
    this.checkCode(code);
    return false;
  }

  *codes(): Iterable<number> {
    if (this.wide) throw tooWide(this.name, this.bits);
    if (this.bits > 16) throw new FormatError('too-wide', `${this.name} has too many codes to enumerate (${this.bits} bits > 16)`);
    const n = 2 ** this.bits;
    for (let c = 0; c < n; c++) yield c;
  }

  private checkCode(code: number): void {
    if (this.wide) throw tooWide(this.name, this.bits);
    if (!(Number.isInteger(code) && code >= 0 && code < 2 * this.signMask)) {
      throw new FormatError('bad-code', `${String(code)} is not a code of ${this.name} (0 to ${2 * this.signMask - 1})`);
    }
  }

  // ---- encode ----

  encode(x: EncodeInput, options?: EncodeOptions): number {
    if (this.wide) throw tooWide(this.name, this.bits);
    const rounding: Rounding = options?.rounding ?? 'rne';
    const overflow = options?.overflow ?? this.defaultOverflow;
    const random = options?.random;
    if (ROUNDING_INDEX[rounding] === undefined) throw badRounding(rounding);
    if (overflow !== this.defaultOverflow && !this.overflows.includes(overflow)) {
      throw new FormatError(
        'unsupported-overflow',
        `${this.name} supports overflow ${this.overflows.map((o) => `'${o}'`).join(' or ')}, not '${String(overflow)}'`,
      );
    }
    if (typeof x === 'number') {
      if (x !== x && options?.keepNaNSign === true) return this.nanInput(signBit(x));
      if (this.prefixShift !== 0 && rounding !== 'stochastic') {
        const t = this.prefixTables[ROUNDING_INDEX[rounding] * 3 + OVERFLOW_INDEX[overflow]] ?? this.prefixTable(rounding, overflow);
        f64[0] = x;
        const hi = u32[1];
        const rest = (hi & ((1 << this.prefixShift) - 1)) | u32[0];
        const c = t[((hi >>> this.prefixShift) << 1) | (rest === 0 ? 0 : 1)];
        if (c !== NO_CODE) return c;
      }
      if (rounding === 'stochastic' && !random) throw new FormatError('unsupported-rounding', 'stochastic rounding needs a seed');
      return this.encodeNumber(x, rounding, overflow, random);
    }
    if (rounding === 'stochastic' && !random) throw new FormatError('unsupported-rounding', 'stochastic rounding needs a seed');
    return this.encodeRational(x, rounding, overflow, random);
  }

  /**
   * The encode table for one deterministic rounding and overflow rule. Entry 2·p + r holds the code of
   * every float64 whose high word, shifted right by `prefixShift`, is p (sign, exponent and the top M + 1
   * fraction bits), with the remaining bits all zero (r = 0) or not (r = 1). That is exact: every grid
   * point and every rounding boundary (midpoint) of an M-bit format has at most M + 2 significant bits, so
   * none lies strictly inside the open interval of float64s sharing a prefix, and they all round alike.
   * Entries are computed by `encodeNumber` itself; inputs that raise an error (NaN in a format without
   * NaN) hold NO_CODE and go the long way, which throws.
   */
  private prefixTable(rounding: Rounding, overflow: Overflow): Uint16Array {
    const n = 2 ** (32 - this.prefixShift);
    const t = new Uint16Array(2 * n);
    for (let p = 0; p < n; p++) {
      for (let r = 0; r < 2; r++) {
        u32[1] = p * 2 ** this.prefixShift;
        u32[0] = r;
        try {
          t[2 * p + r] = this.encodeNumber(f64[0], rounding, overflow, undefined);
        } catch (e) {
          if (!(e instanceof FormatError)) throw e;
          t[2 * p + r] = NO_CODE;
        }
      }
    }
    this.prefixTables[ROUNDING_INDEX[rounding] * 3 + OVERFLOW_INDEX[overflow]] = t;
    return t;
  }

  /** The float64 path: significand and exponent straight from the bit pattern. */
  private encodeNumber(x: number, rounding: Rounding, overflow: Overflow, random: RandomSource | undefined): number {
    if (x !== x) return this.nanInput(false);
    f64[0] = x;
    const hi = u32[1];
    const lo32 = u32[0];
    const negative = hi >>> 31 === 1;
    const bexp = (hi >>> 20) & 0x7ff;
    if (bexp === 0x7ff) return this.infInput(negative);
    if (bexp === 0) {
      if ((hi & 0xfffff) === 0 && lo32 === 0) return this.zeroCode(negative);
      return this.encodeRational(fromNumber(x), rounding, overflow, random); // float64 subnormal: rare, exact path
    }
    // |x| = sig · 2^(bexp − 1075), sig a 53-bit integer.
    const sig = (hi & 0xfffff) * 4294967296 + lo32 + 4503599627370496;
    const be = bexp - 1023 + this.bias;
    // Number of low significand bits below the format's quantum at this exponent.
    const shift = be >= 1 ? this.normalShift : this.normalShift + 1 - be;
    let kept: number;
    let rem: number;
    let vs: number;
    if (shift <= 53) {
      const p = POW2[shift + 1074];
      kept = Math.floor(sig / p); // exact: division by a power of two, floor of a value < 2^53
      rem = sig - kept * p;
      const half = p * 0.5;
      vs = rem > half ? 1 : rem < half ? -1 : 0;
    } else {
      kept = 0; // |x| below half the smallest subnormal
      rem = sig;
      vs = -1;
    }
    let mag = be >= 1 ? (be - 1) * this.mantScale + kept : kept;
    if (rem !== 0) {
      const b = sharedBracket;
      b.vsBoundary = vs;
      // Parity of the magnitude code: (be − 1)·2^M is even unless M = 0.
      b.loIsEven = ((be >= 1 && this.mantissaBits === 0 ? be - 1 + kept : kept) & 1) === 0;
      b.rem = rem;
      b.shift = shift;
      if (roundsUp(rounding, b, random)) mag += 1;
    }
    if (mag > this.maxCode) return this.overflowCode(negative, rounding, overflow);
    if (mag === 0) return this.zeroCode(negative);
    return negative ? this.signMask + mag : mag;
  }

  /** The exact path: the same rule in BigInt. */
  private encodeRational(x: Rational, rounding: Rounding, overflow: Overflow, random: RandomSource | undefined): number {
    if (x.num === 0n) return 0; // a Rational zero has no sign
    const negative = x.num < 0n;
    const m: Rational = negative ? { num: -x.num, den: x.den } : x;
    const ex = floorLog2(m);
    const be = ex + this.bias;
    const qe = be >= 1 ? ex - this.mantissaBits : 1 - this.bias - this.mantissaBits;
    const scaled = scale2(m, -qe);
    const kept = floor(scaled);
    const remNum = scaled.num - kept * scaled.den;
    let mag = be >= 1 ? (BigInt(be - 1) << BigInt(this.mantissaBits)) + kept : kept;
    if (remNum !== 0n) {
      const lo = mag;
      const bracket: Bracket = {
        vsBoundary: sign3(2n * remNum - scaled.den),
        loIsEven: (lo & 1n) === 0n,
        fraction: () => rational(remNum, scaled.den),
      };
      if (roundsUp(rounding, bracket, random)) mag += 1n;
    }
    if (mag > BigInt(this.maxCode)) return this.overflowCode(negative, rounding, overflow);
    if (mag === 0n) return this.zeroCode(negative);
    return negative ? this.signMask + Number(mag) : Number(mag);
  }

  private zeroCode(negative: boolean): number {
    return negative && this.hasNegativeZero ? this.signMask : 0;
  }

  /**
   * NaN input: the canonical NaN, negative when asked (keepNaNSign and a negative input) and the format has
   * a NaN of each sign (ieee, fn); the one NaN code of fnuz; an error for formats without NaN.
   */
  private nanInput(negative: boolean): number {
    if (this.nanCode === undefined) throw new FormatError('unrepresentable', `${this.name} has no NaN`);
    if (this.variant === 'fnuz') return this.nanCode;
    return (negative ? this.signMask : 0) + this.nanCode;
  }

  /** ±inf input: ieee keeps it; fn/fnuz turn it into NaN (also under saturation, as ml_dtypes does); finite saturates. */
  private infInput(negative: boolean): number {
    const s = negative ? this.signMask : 0;
    switch (this.variant) {
      case 'ieee':
        return s + (this.infCode as number);
      case 'fn':
        return s + (this.nanCode as number);
      case 'fnuz':
        return this.signMask;
      case 'finite':
        return s + this.maxCode;
      default:
        return unreachable(this.variant);
    }
  }

  /** A finite input whose rounded magnitude exceeds max finite. */
  private overflowCode(negative: boolean, rounding: Rounding, overflow: Overflow): number {
    const s = negative ? this.signMask : 0;
    if (overflow === 'saturate' || rounding === 'rtz') return s + this.maxCode;
    if (overflow === 'inf') return s + (this.infCode as number);
    return this.variant === 'fnuz' ? this.signMask : s + (this.nanCode as number);
  }
}

function unreachable(v: never): never {
  throw new Error(`unreachable: ${String(v)}`);
}

/**
 * The generic binary float `fp(E, M, bias, variant)`.
 * @param e exponent bits, ≥ 1
 * @param m mantissa (fraction) bits, ≥ 0; 1 + e + m ≤ 32
 * @param bias default 2^(e−1) − 1 (fnuz formats customarily use one more: pass it)
 * @param variant default `ieee`
 * @param name default `fp(E,M,bias,variant)`
 * @throws FormatError('bad-parameter') for out-of-range parameters or value ranges that do not fit float64
 */
export function fp(e: number, m: number, bias?: number, variant: FloatVariant = 'ieee', name?: string): FloatFormat {
  const b = bias ?? (Number.isInteger(e) && e >= 1 && e <= 31 ? 2 ** (e - 1) - 1 : 0);
  return new FloatFormat(e, m, b, variant, name ?? `fp(${e},${m},${b},${variant})`);
}

/**
 * `fp(E, M, bias, variant)` of up to 64 bits: the same as {@link fp} up to 32 bits; a wider format serves
 * `decodeExact` only (see the file header).
 */
export function wideFp(e: number, m: number, bias?: number, variant: FloatVariant = 'ieee', name?: string): FloatFormat {
  const b = bias ?? (Number.isInteger(e) && e >= 1 && e <= 53 ? 2 ** (e - 1) - 1 : 0);
  return new FloatFormat(e, m, b, variant, name ?? `fp(${e},${m},${b},${variant})`, 64);
}

/** OCP E4M3 [ml_dtypes float8_e4m3fn]: max 448, no inf, NaN 0x7f/0xff; overflow → NaN by default. */
export const FP8_E4M3 = fp(4, 3, 7, 'fn', 'fp8_e4m3');
/** OCP E5M2 [float8_e5m2]: IEEE-like, max 57344; overflow → inf by default. */
export const FP8_E5M2 = fp(5, 2, 15, 'ieee', 'fp8_e5m2');
/** [float8_e4m3fnuz]: bias 8, max 240, NaN 0x80, no −0. */
export const FP8_E4M3FNUZ = fp(4, 3, 8, 'fnuz', 'fp8_e4m3fnuz');
/** [float8_e5m2fnuz]: bias 16, max 57344, NaN 0x80, no −0. */
export const FP8_E5M2FNUZ = fp(5, 2, 16, 'fnuz', 'fp8_e5m2fnuz');
/** OCP FP6 E2M3 [float6_e2m3fn]: max 7.5, all codes finite (saturating). */
export const FP6_E2M3 = fp(2, 3, 1, 'finite', 'fp6_e2m3');
/** OCP FP6 E3M2 [float6_e3m2fn]: max 28, all codes finite (saturating). */
export const FP6_E3M2 = fp(3, 2, 3, 'finite', 'fp6_e3m2');
/** OCP FP4 E2M1 [float4_e2m1fn]: 0, 0.5, 1, 1.5, 2, 3, 4, 6 and negatives; all finite (saturating). */
export const FP4_E2M1 = fp(2, 1, 1, 'finite', 'fp4_e2m1');
/** fp3: sign + 2-bit exponent, no fraction bits: 0, ±1, ±2, ±4 (code 4 is −0). */
export const FP3 = fp(2, 0, 1, 'finite', 'fp3');
/** IEEE binary16. */
export const FP16 = fp(5, 10, 15, 'ieee', 'fp16');
/** bfloat16. */
export const BF16 = fp(8, 7, 127, 'ieee', 'bf16');
/** IEEE binary32. */
export const FP32 = fp(8, 23, 127, 'ieee', 'fp32');
/** IEEE binary64 (decodeExact only: a format wider than 32 bits). */
export const FP64 = wideFp(11, 52, 1023, 'ieee', 'fp64');

// ---- e8m0 -------------------------------------------------------------------------------------------

/**
 * The OCP MX scale format `e8m0` [ml_dtypes float8_e8m0fnu]: 8 unsigned exponent bits, value 2^(code−127)
 * for codes 0..254, code 0xFF = NaN; no sign, no zero, no infinity, no subnormals. A class of its own
 * (kind `fp`) rather than a FloatFormat: code 0 is a normal number, not zero.
 *
 * Encode rounds the real value like every other format: between neighbours 2^k and 2^(k+1) the boundary
 * is the arithmetic midpoint 1.5·2^k, ties go to the even code, and stochastic rounding rounds up with
 * probability (x − 2^k)/2^k. The grid of powers of two is unbounded in both directions; a result below
 * 2^-127 becomes code 0 (the smallest scale), as do +0 and −0 (the MX convention for an all-zero block);
 * a result above 2^127 overflows: NaN by default (ml_dtypes), 2^127 under `saturate` or `rtz`. NaN and
 * +inf give NaN; negative values cannot be held and raise FormatError('unrepresentable').
 */
export class E8m0Format implements NumberFormatBase {
  readonly kind = 'fp' as const;
  readonly name = 'e8m0';
  readonly bits = 8;
  readonly exponentBits = 8;
  readonly mantissaBits = 0;
  readonly bias = 127;
  readonly signed = false;
  readonly max = pow2f(127);
  /** 2^-127: the format is unsigned and has no zero. */
  readonly min = pow2f(-127);
  readonly minPositive = pow2f(-127);
  readonly minNormal = pow2f(-127);
  readonly minNormalExponent = -127;
  readonly maxNormalExponent = 127;
  readonly hasInf = false;
  readonly hasNaN = true;
  readonly hasNegativeZero = false;
  readonly nanCode = 0xff;
  readonly infCode: number | undefined = undefined;
  readonly maxCode = 0xfe;
  readonly defaultOverflow: Overflow = 'nan';
  readonly overflows: readonly Overflow[] = ['nan', 'saturate'];

  decode(code: number): number {
    this.checkCode(code);
    return code === 0xff ? NaN : pow2f(code - 127);
  }

  isNaN(code: number): boolean {
    this.checkCode(code);
    return code === 0xff;
  }

  isInf(code: number): boolean {
    this.checkCode(code);
    return false;
  }

  isNaR(code: number): boolean {
    this.checkCode(code);
    return false;
  }

  *codes(): Iterable<number> {
    for (let c = 0; c < 256; c++) yield c;
  }

  encode(x: EncodeInput, options?: EncodeOptions): number {
    const rounding: Rounding = options?.rounding ?? 'rne';
    const overflow = options?.overflow ?? this.defaultOverflow;
    const random = options?.random;
    if (ROUNDING_INDEX[rounding] === undefined) throw badRounding(rounding);
    if (!this.overflows.includes(overflow)) {
      throw new FormatError('unsupported-overflow', `e8m0 supports overflow 'nan' or 'saturate', not '${String(overflow)}'`);
    }
    if (rounding === 'stochastic' && !random) throw new FormatError('unsupported-rounding', 'stochastic rounding needs a seed');
    if (typeof x === 'number') {
      if (x !== x || x === Infinity) return 0xff;
      if (x === 0) return 0;
      if (x < 0) throw new FormatError('unrepresentable', `e8m0 cannot represent the negative value ${x}`);
      f64[0] = x;
      const hi = u32[1];
      const bexp = (hi >>> 20) & 0x7ff;
      if (bexp !== 0) {
        // x = 2^k · (1 + frac/2^52): lo = 2^k, and (x − lo)/(hi − lo) = frac/2^52.
        const frac = (hi & 0xfffff) * 4294967296 + u32[0];
        let code = bexp - 1023 + 127;
        if (frac !== 0) {
          const b = sharedBracket;
          b.vsBoundary = frac > 2251799813685248 ? 1 : frac < 2251799813685248 ? -1 : 0;
          b.loIsEven = (code & 1) === 0;
          b.rem = frac;
          b.shift = 52;
          if (roundsUp(rounding, b, random)) code += 1;
        }
        return this.finish(code, rounding, overflow);
      }
      x = fromNumber(x); // float64 subnormal: exact path
    }
    if (x.num === 0n) return 0;
    if (x.num < 0n) throw new FormatError('unrepresentable', `e8m0 cannot represent a negative value`);
    const k = floorLog2(x);
    const scaled = scale2(x, -k); // in [1, 2)
    const remNum = scaled.num - scaled.den;
    let code = k + 127;
    if (remNum !== 0n) {
      const bracket: Bracket = {
        vsBoundary: sign3(2n * remNum - scaled.den),
        loIsEven: (code & 1) === 0,
        fraction: () => rational(remNum, scaled.den),
      };
      if (roundsUp(rounding, bracket, random)) code += 1;
    }
    return this.finish(code, rounding, overflow);
  }

  private finish(code: number, rounding: Rounding, overflow: Overflow): number {
    if (code < 0) return 0;
    if (code > 0xfe) return overflow === 'saturate' || rounding === 'rtz' ? 0xfe : 0xff;
    return code;
  }

  private checkCode(code: number): void {
    if (!(Number.isInteger(code) && code >= 0 && code < 256)) {
      throw new FormatError('bad-code', `${String(code)} is not a code of e8m0 (0 to 255)`);
    }
  }
}

/** The e8m0 scale format (see {@link E8m0Format}). */
export const E8M0 = new E8m0Format();

/** Any binary floating-point format: kind `fp`. */
export type FpFormat = FloatFormat | E8m0Format;
