/**
 * Posit(n, es) formats (2022 posit standard structure, with es a parameter): 2 ≤ n ≤ 32, 0 ≤ es ≤ 4.
 *
 * Decode. A code's magnitude pattern (two's complement of negative codes) is shifted so that the n−1 bits
 * after the sign sit at the top of a 32-bit word, zero-padded below. The regime is the run of identical
 * leading bits (Math.clz32 of the word or of its complement); after the run and its terminator come the
 * es exponent bits (bits cut off by the word end read as 0, exactly the zero padding) and the fraction.
 * value = 2^(k·2^es + e) · (1 + f), exact in float64 for every n ≤ 32, es ≤ 4 (at most 29 fraction bits,
 * |scale| ≤ 480). Formats of ≤ 16 bits decode through a lazily built table.
 *
 * Encode: rounding on the infinitely precise bit string (the standard's rule). For minpos < |x| < maxpos
 * the scale s = floor(log2|x|) gives the regime k = floor(s / 2^es) and exponent e = s − k·2^es; the
 * string regime ‖ exponent ‖ fraction is built for exactly n bits (the n−1 magnitude bits of the code plus
 * one guard bit) and everything below becomes a sticky bit. The top n−1 bits are the lower neighbour
 * `lo`; `lo + 1` is the upper one. The tie boundary between them is the guard bit alone, i.e. the value of
 * the (n+1)-bit posit with code 2·lo+1, so guard/sticky give the Bracket's `vsBoundary` directly, and
 * `roundsUp` (rounding.ts) decides. Because cut-off exponent bits are part of that string, the boundary
 * next to maxpos/minpos is the geometric midpoint, as the standard requires. Outside (minpos, maxpos)
 * every rule saturates: a nonzero value never becomes 0 (→ ±minpos) and never NaR (→ ±maxpos).
 * float64 input reads its 52 fraction bits straight from the IEEE word (two 32-bit halves), so the
 * common path allocates nothing; Rational input does the same with one BigInt division. Each input is
 * rounded exactly once. For n ≤ 16, float64 encodes under rne/rtz/rna read a table indexed by the
 * float's scale, top n−2−es fraction bits and a sticky bit, filled by this same general path.
 *
 * Specials: code 0 is zero (±0 encode to it), code 2^(n−1) is NaR (NaN and ±inf encode to it; it decodes
 * to NaN). `isNaR(narCode)` is true and `isNaN` is false for every posit code: NaR is not an IEEE NaN,
 * and callers that handle "no value" test `isNaR` (or Number.isNaN(decode(c))).
 *
 * Posits of 33 to 64 bits (posit64_2, {@link widePosit}) serve `decodeExact` only (BigInt codes, exact
 * Rational values: posit64's values carry up to 59 fraction bits, more than a float64 holds); their
 * number-based methods throw FormatError('too-wide').
 */
import { FormatError, tooWide } from './errors.js';
import type { RandomSource } from './random.js';
import {
  abs,
  cmp,
  div,
  floorLog2,
  fromNumber,
  pow2,
  neg,
  rational,
  scale2,
  sub,
  ZERO,
  type Rational,
} from './rational.js';
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

const POSIT_OVERFLOWS: readonly Overflow[] = ['saturate'];

/** 2^i for i = 0..32, as exact float64s (used to compose bit strings of up to 32 bits arithmetically). */
const POW2: readonly number[] = Array.from({ length: 33 }, (_, i) => 2 ** i);

/**
 * Widest posit whose float64 encoder uses lookup tables (4·(n−2)·2^(n−2) entries per rule: 1536 for
 * n = 8, 917504 for n = 16). Tables of up to FAST_EAGER_SIZE entries are built on first use; larger ones
 * once a format has done size/8 float64 encodes the general way, so a one-off encode stays cheap.
 */
const FAST_MAX_N = 16;
const FAST_EAGER_SIZE = 65536;

/** 2^i for i = −POW2_BIAS .. POW2_BIAS (covers every posit scale ± 32); a lookup is much faster than `**`. */
const POW2_BIAS = 544;
const POW2_WIDE = Float64Array.from({ length: 2 * POW2_BIAS + 1 }, (_, i) => 2 ** (i - POW2_BIAS));

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);

/**
 * The exact value of a nonzero, non-NaR code as an integer significand times a power of two:
 * value = (negative ? −1 : 1) · significand · 2^exponent, with `significand` odd or the hidden-bit form
 * (1 ≤ significand < 2^30). For zero, significand is 0.
 */
export interface PositParts {
  readonly negative: boolean;
  readonly significand: number;
  readonly exponent: number;
}

/**
 * A Bracket that is reused by one format's encoder (JS is single-threaded and `roundsUp` never re-enters
 * encode), so the rne/rtz/rna fast path allocates nothing. `fraction` is only computed for stochastic:
 * for float64 input whose guard bit is a fraction bit, (|x| − lo)/(hi − lo) is simply the fraction bits
 * below the code's last bit read as a binary fraction (the neighbours are one fraction ulp apart); next to
 * maxpos/minpos, where exponent bits are cut off and the spacing is geometric, and for Rational input,
 * it is computed from the exact values.
 */
class PositBracket implements Bracket {
  vsBoundary = 0;
  loIsEven = false;
  lo = 0;
  /** The Rational input's magnitude, or undefined for float64 input (then xFloat, fhi, flo, avail hold). */
  xRational: Rational | undefined = undefined;
  xFloat = 0;
  fhi = 0;
  flo = 0;
  avail = 0;
  constructor(private readonly format: PositFormat) {}
  fraction = (): Rational => {
    if (this.xRational === undefined && this.avail >= 1) {
      // Fraction bits avail−1 .. 51 (the guard bit and below): R / 2^L, exact in float64 (R < 2^52).
      const L = 53 - this.avail;
      const r = (this.fhi * 4294967296 + this.flo) % 2 ** L;
      if (r === 0) return ZERO;
      // Reduce by the power of two in r (den is one): cheaper than rational()'s Euclid.
      const low = r % 4294967296;
      const tz =
        low !== 0
          ? 31 - Math.clz32(low & -low)
          : 63 - Math.clz32(((r - low) / 4294967296) & -((r - low) / 4294967296));
      return { num: BigInt(r / 2 ** tz), den: 1n << BigInt(L - tz) };
    }
    const lo = this.format.decodeRational(this.lo) as Rational;
    const hi = this.format.decodeRational(this.lo + 1) as Rational;
    const x = this.xRational ?? fromNumber(this.xFloat);
    return div(sub(x, lo), sub(hi, lo));
  };
}

/**
 * A posit format. Invariants: codes are n-bit unsigned integers; code 0 is zero, `narCode` = 2^(n−1) is
 * NaR; codes 1..narCode−1 are the positive values in increasing order, and code 2^n − c is −value(c).
 * Overflow always saturates to ±maxpos (the posit standard's rule; there is no infinity).
 */
export class PositFormat implements NumberFormatBase {
  readonly kind = 'posit' as const;
  readonly name: string;
  readonly bits: number;
  /** useed = 2^(2^es), the regime's radix. */
  readonly useed: number;
  /** Largest positive value, useed^(n−2). */
  readonly maxpos: number;
  /** Smallest positive value, useed^−(n−2). */
  readonly minpos: number;
  /** The code of maxpos: 2^(n−1) − 1. */
  readonly maxposCode: number;
  /** The Not-a-Real code 2^(n−1) (the sign bit alone). */
  readonly narCode: number;
  readonly max: number;
  readonly min: number;
  readonly minPositive: number;
  readonly defaultOverflow: Overflow = 'saturate';
  readonly overflows = POSIT_OVERFLOWS;
  /** True for posits wider than 32 bits: only `decodeExact` and the exact limits work. */
  readonly wide: boolean;
  /** Exact largest, smallest and smallest positive values (for every width). */
  readonly maxExact: Rational;
  readonly minExact: Rational;
  readonly minPositiveExact: Rational;
  /** Number of codes, 2^n. */
  private readonly size: number;
  private readonly maxposR: Rational;
  private readonly minposR: Rational;
  private readonly bracket: PositBracket;
  private table: Float64Array | undefined;
  /** log2(maxpos) = (n−2)·2^es. */
  private readonly maxScale: number;
  /** Fraction bits that can matter for a float64 input: K = max(0, n−2−es) (see encodeNumber). */
  private readonly fastK: number;
  /** Magnitude codes by (scale, top K fraction bits, lower bits ≠ 0), per deterministic rule; n ≤ 16. */
  private readonly fastTables: Array<Uint16Array | undefined> = [undefined, undefined, undefined];
  /** Entries of one fast table. */
  private readonly fastSize: number;
  /** float64 encodes done the general way while a fast table was missing. */
  private slowEncodes = 0;

  /** Use the `posit(n, es)` factory, which validates the parameters. */
  constructor(
    readonly n: number,
    readonly es: number,
  ) {
    this.name = `posit${n}_${es}`;
    this.bits = n;
    this.wide = n > MAX_NUMBER_CODE_BITS;
    this.useed = 2 ** (2 ** es);
    const maxScale = (n - 2) * 2 ** es;
    this.maxpos = 2 ** maxScale;
    this.minpos = 2 ** -maxScale;
    this.maxposR = pow2(maxScale);
    this.minposR = pow2(-maxScale);
    this.maxExact = this.maxposR;
    this.minExact = neg(this.maxposR);
    this.minPositiveExact = this.minposR;
    this.size = 2 ** n;
    this.narCode = 2 ** (n - 1);
    this.maxposCode = this.narCode - 1;
    this.max = this.maxpos;
    this.min = -this.maxpos;
    this.minPositive = this.minpos;
    this.bracket = new PositBracket(this);
    this.maxScale = maxScale;
    this.fastK = Math.max(0, n - 2 - es);
    this.fastSize = 2 * maxScale * 2 ** (this.fastK + 1);
  }

  /** Exact value of a code; NaN for NaR. */
  decode(code: number): number {
    this.checkCode(code);
    if (this.n <= 16) {
      this.table ??= this.buildTable();
      return this.table[code];
    }
    return this.decodeDirect(code);
  }

  /**
   * Exact value of a code of any width, 0 ≤ code < 2^n (FormatError('bad-code') otherwise): the posit
   * fields read in BigInt — the n−1 bits after the sign of the magnitude (two's complement of a negative
   * code), the regime run and its terminator, es exponent bits (bits past the end read as 0), the fraction.
   */
  decodeExact(code: bigint): ExactValue {
    const n = this.n;
    const size = 1n << BigInt(n);
    if (!(code >= 0n && code < size)) {
      throw new FormatError('bad-code', `${this.name}: code ${code} is not an integer in 0..${size - 1n}`);
    }
    const nar = size >> 1n;
    if (code === 0n) return { kind: 'finite', value: ZERO, negativeZero: false };
    if (code === nar) return { kind: 'nar' };
    const negative = code > nar;
    const p = negative ? size - code : code;
    const bit = (i: number): bigint => (p >> BigInt(i)) & 1n;
    // Bits n−2 … 0 of p follow the sign; the regime is the run of bits equal to bit n−2.
    const first = bit(n - 2);
    let i = n - 2;
    while (i >= 0 && bit(i) === first) i--;
    const run = n - 2 - i;
    const k = first === 1n ? run - 1 : -run;
    // Bit i (if any) is the terminator; the r bits below it hold exponent and fraction.
    const r = Math.max(i, 0);
    const rest = p & ((1n << BigInt(r)) - 1n);
    const es = this.es;
    const fb = Math.max(r - es, 0);
    const e = r >= es ? rest >> BigInt(fb) : rest << BigInt(es - r);
    const frac = rest & ((1n << BigInt(fb)) - 1n);
    const scale = k * 2 ** es + Number(e);
    const v = scale2(rational((1n << BigInt(fb)) + frac), scale - fb);
    return { kind: 'finite', value: negative ? neg(v) : v, negativeZero: false };
  }

  /** Exact value as a Rational; undefined for NaR. */
  decodeRational(code: number): Rational | undefined {
    const p = this.parts(code);
    if (p === undefined) return undefined;
    const m = BigInt(p.negative ? -p.significand : p.significand);
    return p.exponent >= 0 ? rational(m << BigInt(p.exponent)) : rational(m, 1n << BigInt(-p.exponent));
  }

  /** The code's value as significand · 2^exponent (see PositParts); undefined for NaR. */
  parts(code: number): PositParts | undefined {
    this.checkCode(code);
    if (code === this.narCode) return undefined;
    if (code === 0) return { negative: false, significand: 0, exponent: 0 };
    const negative = code > this.narCode;
    const p = negative ? this.size - code : code;
    const f = this.fields(p);
    // Only the fraction bits that fit in the word are meaningful: fb of them, left-aligned in f.frac32.
    const fb = Math.max(0, this.n - 1 - f.used - this.es);
    const significand = POW2[fb] + (fb === 0 ? 0 : f.frac32 >>> (32 - fb));
    return { negative, significand, exponent: f.scale - fb };
  }

  /** The code of −value(code) (0 and NaR map to themselves). */
  negate(code: number): number {
    this.checkCode(code);
    return (this.size - code) % this.size;
  }

  isNaN(_code: number): boolean {
    return false;
  }

  isInf(_code: number): boolean {
    return false;
  }

  isNaR(code: number): boolean {
    if (this.wide) throw tooWide(this.name, this.bits);
    return code === this.narCode;
  }

  codes(): Iterable<number> {
    // Checked here, not inside a generator, so the error comes from the call itself.
    if (this.wide) throw tooWide(this.name, this.bits);
    if (this.n > 16) {
      throw new FormatError(
        'too-wide',
        `${this.name} has 2^${this.n} codes; enumeration is limited to 16 bits`,
      );
    }
    const size = this.size;
    return (function* () {
      for (let c = 0; c < size; c++) yield c;
    })();
  }

  /**
   * The posit nearest to x under the rounding rule (default rne: the standard's rounding). rtz rounds
   * toward zero but never to zero; stochastic rounds between the two neighbouring posits with the rule of
   * EncodeOptions.random and consumes one draw only when x lies strictly between two posits. Values
   * beyond maxpos or below minpos in magnitude saturate under every rule (no draw consumed).
   */
  encode(x: EncodeInput, options?: EncodeOptions): number {
    if (this.wide) throw tooWide(this.name, this.bits);
    const rounding: Rounding = options?.rounding ?? 'rne';
    const overflow = options?.overflow;
    if (overflow !== undefined && overflow !== 'saturate') {
      throw new FormatError(
        'unsupported-overflow',
        `${this.name}: posits always saturate to ±maxpos; overflow '${String(overflow)}' is not supported`,
      );
    }
    if (rounding !== 'rne' && rounding !== 'rtz' && rounding !== 'rna' && rounding !== 'stochastic') {
      throw new FormatError('unsupported-rounding', `unknown rounding '${String(rounding)}'`);
    }
    const random = options?.random;
    if (rounding === 'stochastic' && random === undefined) {
      throw new FormatError('unsupported-rounding', 'stochastic rounding needs a seed');
    }
    return typeof x === 'number'
      ? this.encodeNumber(x, rounding, random)
      : this.encodeRational(x, rounding, random);
  }

  /**
   * float64 input. Fast path for n ≤ 16 under rne/rtz/rna: for minpos ≤ |x| < maxpos the result depends
   * only on the scale, the top K = n−2−es fraction bits (the guard bit is never further down) and whether
   * any lower bit is set, so it is read from a table indexed by those bits. The table is built once per
   * rule by running the general path (and so `roundsUp`) on one representative of each index.
   */
  private encodeNumber(x: number, rounding: Rounding, random: RandomSource | undefined): number {
    if (this.n <= FAST_MAX_N && rounding !== 'stochastic') {
      const rule = rounding === 'rne' ? 0 : rounding === 'rtz' ? 1 : 2;
      const table = this.fastTables[rule] ?? this.maybeBuildFastTable(rule, rounding);
      if (table === undefined) return this.encodeNumberSlow(x, rounding, random);
      F64[0] = x;
      const hi = U32[1];
      const s = ((hi >>> 20) & 0x7ff) - 1023 + this.maxScale;
      if (s >= 0 && s < 2 * this.maxScale) {
        const k = this.fastK;
        const fhi = hi & 0xfffff;
        const below = ((fhi & (POW2[20 - k] - 1)) | U32[0]) !== 0 ? 1 : 0;
        const mag = table[s * POW2[k + 1] + (fhi >>> (20 - k)) * 2 + below];
        return hi >>> 31 === 1 ? this.size - mag : mag;
      }
    }
    return this.encodeNumberSlow(x, rounding, random);
  }

  private maybeBuildFastTable(rule: number, rounding: Rounding): Uint16Array | undefined {
    if (this.fastSize > FAST_EAGER_SIZE && ++this.slowEncodes < this.fastSize / 8) return undefined;
    return this.buildFastTable(rule, rounding);
  }

  private buildFastTable(rule: number, rounding: Rounding): Uint16Array {
    const k = this.fastK;
    const table = new Uint16Array(2 * this.maxScale * POW2[k + 1]);
    for (let s = 0; s < 2 * this.maxScale; s++) {
      for (let t = 0; t < POW2[k]; t++) {
        for (let below = 0; below < 2; below++) {
          // 1 + t/2^K (+ 2^-52): exact, with exactly these top K fraction bits and lower bits.
          const x = (1 + t / POW2[k] + below * 2 ** -52) * 2 ** (s - this.maxScale);
          table[(s * POW2[k] + t) * 2 + below] = this.encodeNumberSlow(x, rounding, undefined);
        }
      }
    }
    this.fastTables[rule] = table;
    return table;
  }

  /** The general float64 path: the bit string of |x| read from the IEEE word, rounded by roundString. */
  private encodeNumberSlow(x: number, rounding: Rounding, random: RandomSource | undefined): number {
    if (x !== x || x === Infinity || x === -Infinity) return this.narCode;
    if (x === 0) return 0;
    const negative = x < 0;
    const a = negative ? -x : x;
    let mag: number;
    if (a >= this.maxpos) mag = this.maxposCode;
    else if (a <= this.minpos) mag = 1;
    else {
      // a > minpos ≥ 2^-480, so a is a normal float64: a = 1.f · 2^scale with 52 fraction bits.
      F64[0] = a;
      const hi = U32[1];
      const lo = U32[0];
      const scale = (hi >>> 20) - 1023;
      const fhi = hi & 0xfffff;
      const k = scale >> this.es;
      const avail = this.n - (k >= 0 ? k + 2 : 1 - k) - this.es;
      let fracTop = 0;
      let rest: boolean;
      if (avail <= 0) rest = fhi !== 0 || lo !== 0;
      else if (avail <= 20) {
        fracTop = fhi >>> (20 - avail);
        rest = (fhi & (POW2[20 - avail] - 1)) !== 0 || lo !== 0;
      } else {
        // avail ≤ n − 2 ≤ 30, so 52 − avail ≥ 22: both shifts are in range.
        fracTop = ((fhi << (avail - 20)) | (lo >>> (52 - avail))) >>> 0;
        rest = (lo & (POW2[52 - avail] - 1)) !== 0;
      }
      const b = this.bracket;
      b.xRational = undefined;
      b.xFloat = a;
      b.fhi = fhi;
      b.flo = lo;
      b.avail = avail;
      mag = this.roundString(scale, k, avail, fracTop, rest, rounding, random);
    }
    return negative ? this.size - mag : mag;
  }

  private encodeRational(x: Rational, rounding: Rounding, random: RandomSource | undefined): number {
    if (x.num === 0n) return 0;
    const negative = x.num < 0n;
    const a = abs(x);
    let mag: number;
    if (cmp(a, this.maxposR) >= 0) mag = this.maxposCode;
    else if (cmp(a, this.minposR) <= 0) mag = 1;
    else {
      const scale = floorLog2(a);
      const k = scale >> this.es;
      const avail = this.n - (k >= 0 ? k + 2 : 1 - k) - this.es;
      const fb = Math.max(avail, 0);
      // q = floor(a · 2^(fb − scale)) ∈ [2^fb, 2^(fb+1)): the hidden bit and the top fb fraction bits.
      const shift = fb - scale;
      const t = shift >= 0 ? a.num << BigInt(shift) : a.num;
      const d = shift >= 0 ? a.den : a.den << BigInt(-shift);
      const q = t / d;
      const fracTop = Number(q - (1n << BigInt(fb)));
      this.bracket.xRational = a;
      mag = this.roundString(scale, k, avail, fracTop, q * d !== t, rounding, random);
    }
    return negative ? this.size - mag : mag;
  }

  /**
   * Rounds the magnitude minpos < |x| < maxpos, given its scale, regime k, the number `avail` of
   * fraction bits inside the n-bit window (negative when exponent bits are cut off), the top
   * max(avail, 0) fraction bits and whether any lower fraction bit is set. Returns the magnitude code.
   */
  private roundString(
    scale: number,
    k: number,
    avail: number,
    fracTop: number,
    rest: boolean,
    rounding: Rounding,
    random: RandomSource | undefined,
  ): number {
    const es = this.es;
    const e = scale - k * POW2[es];
    // Regime bits: k+1 ones then a zero (k ≥ 0), or −k zeros then a one (k < 0).
    const regime = k >= 0 ? (POW2[k + 1] - 1) * 2 : 1;
    let window: number;
    let sticky = rest;
    if (avail >= 0) window = regime * POW2[es + avail] + e * POW2[avail] + fracTop;
    else {
      const cut = -avail;
      window = regime * POW2[es - cut] + (e >>> cut);
      sticky = sticky || (e & (POW2[cut] - 1)) !== 0;
    }
    const lo = window >>> 1;
    const guard = window & 1;
    if (guard === 0 && !sticky) return lo;
    const b = this.bracket;
    b.vsBoundary = guard === 0 ? -1 : sticky ? 1 : 0;
    b.loIsEven = (lo & 1) === 0;
    b.lo = lo;
    return roundsUp(rounding, b, random) ? lo + 1 : lo;
  }

  private checkCode(code: number): void {
    if (this.wide) throw tooWide(this.name, this.bits);
    if (!(code >= 0 && code < this.size && Math.floor(code) === code)) {
      throw new FormatError(
        'bad-code',
        `${this.name}: code ${String(code)} is not an integer in 0..${this.size - 1}`,
      );
    }
  }

  /**
   * Regime/exponent/fraction of a positive magnitude pattern p (1 ≤ p < 2^(n−1)): the scale
   * k·2^es + e, the number of bits the regime used (run + terminator, possibly past the word end) and
   * the fraction bits left-aligned in a 32-bit word.
   */
  private fields(p: number): { scale: number; used: number; frac32: number } {
    const x = (p << (33 - this.n)) >>> 0; // the n−1 bits after the sign at the top; for n = 32, p < 2^31
    let run: number;
    let k: number;
    if (x >>> 31 === 1) {
      run = Math.clz32(~x); // ≤ n−1: the zero padding reads as ones in ~x
      k = run - 1;
    } else {
      run = Math.clz32(x); // x ≠ 0, so ≤ n−2
      k = -run;
    }
    const used = run + 1;
    const rest = used >= 32 ? 0 : (x << used) >>> 0;
    const es = this.es;
    const e = es === 0 ? 0 : rest >>> (32 - es);
    const frac32 = es === 0 ? rest : (rest << es) >>> 0;
    return { scale: k * POW2[es] + e, used, frac32 };
  }

  /** decode without the table: the same field extraction as `fields`, inlined so nothing is allocated. */
  private decodeDirect(code: number): number {
    if (code === 0) return 0;
    if (code === this.narCode) return NaN;
    const negative = code > this.narCode;
    const x = ((negative ? this.size - code : code) << (33 - this.n)) >>> 0;
    const ones = x >>> 31 === 1;
    const run = ones ? Math.clz32(~x) : Math.clz32(x);
    const used = run + 1;
    const rest = used >= 32 ? 0 : (x << used) >>> 0;
    const es = this.es;
    const e = es === 0 ? 0 : rest >>> (32 - es);
    const frac32 = es === 0 ? rest : (rest << es) >>> 0;
    const scale = (ones ? run - 1 : -run) * POW2[es] + e;
    // (2^32 + frac32) < 2^33 and the power of two is ≥ 2^-512: the product is exact.
    const v = (4294967296 + frac32) * POW2_WIDE[scale - 32 + POW2_BIAS];
    return negative ? -v : v;
  }

  private buildTable(): Float64Array {
    const t = new Float64Array(this.size);
    for (let c = 0; c < this.size; c++) t[c] = this.decodeDirect(c);
    return t;
  }
}

const POSIT_CACHE = new Map<number, PositFormat>();

/**
 * The posit(n, es) format. Throws FormatError('bad-parameter') unless n is an integer in 2..32 and es an
 * integer in 0..4. Returns a shared instance per (n, es).
 */
export function posit(n: number, es: number): PositFormat {
  return positUpTo(n, es, MAX_NUMBER_CODE_BITS);
}

/**
 * posit(n, es) with 2 ≤ n ≤ 64: the same as {@link posit} up to 32 bits; a wider posit serves
 * `decodeExact` only (see the file header).
 */
export function widePosit(n: number, es: number): PositFormat {
  return positUpTo(n, es, 64);
}

function positUpTo(n: number, es: number, maxBits: number): PositFormat {
  if (!Number.isInteger(n) || n < 2 || n > maxBits) {
    throw new FormatError('bad-parameter', `posit n must be an integer 2..${maxBits}, got ${String(n)}`);
  }
  if (!Number.isInteger(es) || es < 0 || es > 4) {
    throw new FormatError('bad-parameter', `posit es must be an integer 0..4, got ${String(es)}`);
  }
  const key = n * 8 + es;
  let f = POSIT_CACHE.get(key);
  if (f === undefined) {
    f = new PositFormat(n, es);
    POSIT_CACHE.set(key, f);
  }
  return f;
}

/** XR-NPE's 4-bit posit. */
export const POSIT4_1 = posit(4, 1);
/** XR-NPE's 8-bit posit. */
export const POSIT8_0 = posit(8, 0);
/** XR-NPE's 16-bit posit. */
export const POSIT16_1 = posit(16, 1);
/** The 2022 standard's 8-bit posit. */
export const POSIT8_2 = posit(8, 2);
/** The 2022 standard's 16-bit posit. */
export const POSIT16_2 = posit(16, 2);
/** The 2022 standard's 32-bit posit. */
export const POSIT32_2 = posit(32, 2);
/** The 2022 standard's 64-bit posit (decodeExact only: a format wider than 32 bits). */
export const POSIT64_2 = widePosit(64, 2);
