/**
 * Two's-complement and unsigned integer formats `intN` / `uintN` (2 ≤ N ≤ 32; up to 64 through
 * {@link wideIntFormat}, for `decodeExact` only: the number-based methods of a format wider than 32 bits
 * throw FormatError('too-wide')).
 *
 * Decode: a signed code c ≥ 2^(N-1) stands for c − 2^N. Encode rounds |x| to an integer neighbour
 * lo = floor(|x|) or hi = lo + 1 through `roundsUp` (so rne/rtz/rna/stochastic mean what they mean
 * everywhere), then clamps to [min, max]: the only overflow rule is `saturate` (±inf saturate too; NaN
 * has no integer and is a FormatError). Rounding happens on the unbounded integer grid before clamping,
 * so stochastic rounding draws one random number for every non-integer input, in range or not.
 *
 * Two paths, tested against each other and against an independent oracle: float64 input uses exact
 * float64 arithmetic (floor and |x| − floor(|x|) are exact below 2^52, and every float64 ≥ 2^52 is an
 * integer); `Rational` input uses BigInt.
 */
import { FormatError, tooWide } from './errors.js';
import type { RandomSource } from './random.js';
import { rational, type Rational } from './rational.js';
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

const TWO_POW_52 = 4503599627370496;
const TABLE_INDEX: Record<Rounding, number> = { rne: 0, rtz: 1, rna: 2, stochastic: 3 };

/**
 * The bracket handed to `roundsUp` by the float64 path. One shared, mutable instance: `roundsUp` reads
 * it synchronously, so reusing it avoids an allocation per encoded value.
 */
class IntBracket implements Bracket {
  vsBoundary = 0;
  loIsEven = false;
  /** |x| − floor(|x|), exact, in (0, 1). */
  rem = 0;
  fraction(): Rational {
    return fractionOfFloat(this.rem);
  }
}
const sharedBracket = new IntBracket();

/** The exact rational of a float64 in (0, 1): m · 2^-k with m < 2^53. */
function fractionOfFloat(r: number): Rational {
  let k = 0;
  while (!Number.isInteger(r)) {
    r *= 2; // exact: doubling a float64 below 2^53
    k += 1;
  }
  return rational(BigInt(r), 1n << BigInt(k));
}

/** An integer format. Construct through {@link intFormat}. */
export class IntFormat implements NumberFormatBase {
  readonly kind = 'int' as const;
  readonly name: string;
  readonly max: number;
  readonly min: number;
  readonly minPositive = 1;
  readonly defaultOverflow: Overflow = 'saturate';
  readonly overflows: readonly Overflow[] = ['saturate'];
  /** True for formats wider than 32 bits: only `decodeExact` and the exact limits work. */
  readonly wide: boolean;
  /** Exact largest, smallest and smallest positive values (for every width). */
  readonly maxExact: Rational;
  readonly minExact: Rational;
  readonly minPositiveExact: Rational = rational(1n);
  /** 2^bits: the number of codes. */
  private readonly size: number;
  /** 2^bits as a BigInt. */
  private readonly sizeBig: bigint;
  /** The number-based methods accept codes below this: 2^bits, or 0 for a wide format. */
  private readonly codeLimit: number;
  /**
   * Encode tables for float64 input under rne/rtz/rna (formats of ≤ 12 bits), indexed by rounding. Entry
   * `((s·2^(bits+1) + k) << 1) | r` is the code of every x with sign s, floor(2|x|) = k and 2|x| an
   * integer (r = 0) or not (r = 1): all such x round alike, because every rounding boundary is a multiple
   * of 1/2. Built lazily by the arithmetic path, so `roundsUp` still makes each decision.
   */
  private readonly tables: Array<Uint16Array | undefined> = [];

  constructor(
    readonly bits: number,
    readonly signed: boolean,
    maxBits: number = MAX_NUMBER_CODE_BITS,
  ) {
    if (!Number.isInteger(bits) || bits < 2 || bits > maxBits) {
      throw new FormatError(
        'bad-parameter',
        `${signed ? 'int' : 'uint'} width must be an integer from 2 to ${maxBits}, got ${bits}`,
      );
    }
    this.name = `${signed ? 'int' : 'uint'}${bits}`;
    this.wide = bits > MAX_NUMBER_CODE_BITS;
    this.size = 2 ** bits;
    this.sizeBig = 1n << BigInt(bits);
    this.codeLimit = this.wide ? 0 : this.size;
    this.minExact = rational(signed ? -(this.sizeBig >> 1n) : 0n);
    this.maxExact = rational(signed ? (this.sizeBig >> 1n) - 1n : this.sizeBig - 1n);
    // Exact for ≤ 32 bits; the nearest float64 for a wide format.
    this.min = Number(this.minExact.num);
    this.max = Number(this.maxExact.num);
  }

  decode(code: number): number {
    if (!(code >>> 0 === code && code < this.codeLimit)) this.checkCode(code);
    return this.signed && code > this.max ? code - this.size : code;
  }

  /**
   * Exact value of a code of any width, 0 ≤ code < 2^bits (FormatError('bad-code') otherwise): a signed
   * code at or above 2^(bits−1) stands for code − 2^bits.
   */
  decodeExact(code: bigint): ExactValue {
    if (!(code >= 0n && code < this.sizeBig)) {
      throw new FormatError('bad-code', `${code} is not a code of ${this.name} (0 to ${this.sizeBig - 1n})`);
    }
    const v = this.signed && code > this.maxExact.num ? code - this.sizeBig : code;
    return { kind: 'finite', value: rational(v), negativeZero: false };
  }

  isNaN(code: number): boolean {
    this.checkCode(code);
    return false;
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
    if (this.wide) throw tooWide(this.name, this.bits);
    if (this.bits > 16) throw new FormatError('too-wide', `${this.name} has too many codes to enumerate (over 16 bits)`);
    for (let c = 0; c < this.size; c++) yield c;
  }

  encode(x: EncodeInput, options?: EncodeOptions): number {
    if (this.wide) throw tooWide(this.name, this.bits);
    const rounding: Rounding = options?.rounding ?? 'rne';
    const random = options?.random;
    if (TABLE_INDEX[rounding] === undefined) {
      throw new FormatError('unsupported-rounding', `unknown rounding '${String(rounding)}' (expected rne, rtz, rna or stochastic)`);
    }
    if (options?.overflow !== undefined && options.overflow !== 'saturate') {
      throw new FormatError('unsupported-overflow', `${this.name} supports only overflow 'saturate', not '${options.overflow}'`);
    }
    if (typeof x === 'number' && this.bits <= 12 && rounding !== 'stochastic') {
      const a = x < 0 ? -x : x;
      if (a < this.size) {
        const t = this.tables[TABLE_INDEX[rounding]] ?? this.buildTable(rounding);
        const twice = 2 * a;
        const k = Math.floor(twice);
        return t[(((x < 0 ? 2 * this.size : 0) + k) << 1) | (k === twice ? 0 : 1)];
      }
    }
    if (rounding === 'stochastic' && !random) throw new FormatError('unsupported-rounding', 'stochastic rounding needs a seed');
    const v = typeof x === 'number' ? this.roundNumber(x, rounding, random) : this.roundRational(x, rounding, random);
    return this.codeOf(v);
  }

  private buildTable(rounding: Rounding): Uint16Array {
    const span = 2 * this.size; // k = floor(2|x|) ranges over 0 .. 2·2^bits − 1
    const t = new Uint16Array(4 * span);
    for (let s = 0; s < 2; s++) {
      for (let k = 0; k < span; k++) {
        for (let r = 0; r < 2; r++) {
          const m = (k + r / 2) / 2; // exact: k/2, or the middle of (k/2, (k+1)/2)
          t[((s * span + k) << 1) | r] = this.codeOf(this.roundNumber(s ? -m : m, rounding, undefined));
        }
      }
    }
    this.tables[TABLE_INDEX[rounding]] = t;
    return t;
  }

  /** The integer (unclamped, possibly ±inf) that float64 x rounds to. */
  private roundNumber(x: number, rounding: Rounding, random: RandomSource | undefined): number {
    if (x !== x) throw new FormatError('unrepresentable', `${this.name} cannot represent NaN`);
    const a = Math.abs(x);
    if (a >= TWO_POW_52) return x; // every float64 this large (and ±inf) is already an integer
    const lo = Math.floor(a);
    const rem = a - lo; // exact
    if (rem === 0) return x;
    const b = sharedBracket;
    b.vsBoundary = rem > 0.5 ? 1 : rem < 0.5 ? -1 : 0;
    b.loIsEven = lo % 2 === 0;
    b.rem = rem;
    const m = roundsUp(rounding, b, random) ? lo + 1 : lo;
    return x < 0 ? -m : m;
  }

  /** The integer that rational x rounds to, as a float64 (exact once clamped). */
  private roundRational(x: Rational, rounding: Rounding, random: RandomSource | undefined): number {
    const negative = x.num < 0n;
    const num = negative ? -x.num : x.num;
    const lo = num / x.den;
    const remNum = num - lo * x.den;
    let m = lo;
    if (remNum !== 0n) {
      const twice = 2n * remNum;
      const bracket: Bracket = {
        vsBoundary: twice > x.den ? 1 : twice < x.den ? -1 : 0,
        loIsEven: (lo & 1n) === 0n,
        fraction: () => rational(remNum, x.den),
      };
      if (roundsUp(rounding, bracket, random)) m += 1n;
    }
    // Clamp while still exact, then convert.
    const limit = BigInt(negative ? -this.min : this.max);
    const clamped = m > limit ? limit : m;
    const n = Number(clamped);
    return negative ? -n : n;
  }

  private codeOf(v: number): number {
    const c = v > this.max ? this.max : v < this.min ? this.min : v;
    return c < 0 ? c + this.size : c + 0; // `+ 0` turns -0 into code 0
  }

  private checkCode(code: number): void {
    if (this.wide) throw tooWide(this.name, this.bits);
    if (!(Number.isInteger(code) && code >= 0 && code < this.size)) {
      throw new FormatError('bad-code', `${String(code)} is not a code of ${this.name} (0 to ${this.size - 1})`);
    }
  }
}

/** `intN` (signed, two's complement) or `uintN`, 2 ≤ N ≤ 32. Throws FormatError('bad-parameter') otherwise. */
export function intFormat(bits: number, signed: boolean): IntFormat {
  return new IntFormat(bits, signed);
}

/**
 * `intN` / `uintN` with 2 ≤ N ≤ 64. Up to 32 bits the same as {@link intFormat}; wider formats serve
 * `decodeExact` only (see the file header).
 */
export function wideIntFormat(bits: number, signed: boolean): IntFormat {
  return new IntFormat(bits, signed, 64);
}

/** int64 and uint64 (decodeExact only). */
export const INT64 = wideIntFormat(64, true);
export const UINT64 = wideIntFormat(64, false);

