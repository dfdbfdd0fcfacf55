/**
 * Lookup-table formats: a code of N bits (1 ≤ N ≤ 16) indexes a table of 2^N float64 values (nf4, the
 * BitMoD types, flint4, dynamic8, any user `lut([...])`).
 *
 * Encode algorithm. The table's values are merged into "positions": the distinct points of the real line,
 * ascending (+0 and −0 are one position that remembers both codes; duplicated values keep their lowest
 * code). x is located by binary search: an exact hit returns that position's code; beyond the extremes
 * the code of the extreme (overflow always saturates, ±inf included); otherwise x lies strictly between two
 * neighbours a < x < b. Of those two, `lo` is the one nearer zero and `hi` the other, and `roundsUp`
 * (rounding.ts) decides between them, so `rtz` means "the neighbour nearer zero" and `rna` "the
 * neighbour farther from zero on a tie", as in every other format.
 *
 * Tie rule (rne): a tie goes to the entry with the even code; if both codes have the same parity, to
 * the entry nearer zero. Exception: a tie between v and −v (x = 0 in a table without zero, e.g. binary)
 * goes to the entry with x's sign (+0 → the positive entry, −0 → the negative one); `rna` decides that
 * tie the same way, and `rtz` between v and −v keeps x's sign.
 *
 * Signed zeros: when the result is the zero position, a negative input (including −0) takes the −0 code
 * if the table has one, else the +0 code (and vice versa).
 *
 * Distances are compared in float64 first: for a < x < b, float64 subtraction is monotone, so
 * fl(x − a) < fl(b − x) proves x − a < b − x; only equal float64 distances fall back to exact Rationals.
 *
 * Complex tables (complex2) give each entry an imaginary part. `decode` returns the real part,
 * `decodeComplex` both parts; `encode` of a real number considers only the purely real entries, and
 * `encodeComplex` picks the nearest entry in the complex plane.
 */
import { FormatError } from './errors.js';
import { roundsUp, type Bracket } from './rounding.js';
import { abs, add, cmp, div, fromNumber, mul, sign, sub, type Rational } from './rational.js';
import type { EncodeInput, EncodeOptions, NumberFormatBase, Overflow } from './types.js';

/** A complex value with float64 parts. */
export interface Complex {
  readonly re: number;
  readonly im: number;
}

/** One distinct point of the real line held by a table (one fixed shape, for fast property access). */
interface Position {
  /** The value (+0 for the zero position). */
  readonly value: number;
  readonly exact: Rational;
  /** Lowest code holding exactly this value (for zero: the +0 code when present, else −0's). */
  readonly code: number;
  /** For the zero position: the lowest code holding +0 / −0, or −1 when absent (−1 elsewhere too). */
  readonly plusZero: number;
  readonly minusZero: number;
}

const LUT_OVERFLOWS: readonly Overflow[] = ['saturate'];

/**
 * The bracket handed to `roundsUp`: one shared, mutable instance (roundsUp reads it synchronously and
 * never re-enters encode), so encoding allocates nothing on the rne/rtz/rna path.
 */
class LutBracket implements Bracket {
  vsBoundary = 0;
  loIsEven = false;
  x: EncodeInput = 0;
  lo: Position | undefined;
  hi: Position | undefined;
  /** |x − lo| / |hi − lo|: the distance travelled from lo towards hi (stochastic rounding only). */
  fraction(): Rational {
    const x = typeof this.x === 'number' ? fromNumber(this.x) : this.x;
    const lo = this.lo!.exact;
    return div(abs(sub(x, lo)), abs(sub(this.hi!.exact, lo)));
  }
}
const sharedBracket = new LutBracket();
const NO_OPTIONS: EncodeOptions = {};

/** Formats a float64 for a format name or CLI output: shortest round-trip, `-0` for negative zero. */
function formatEntry(v: number): string {
  return Object.is(v, -0) ? '-0' : String(v);
}

/**
 * A format defined by a table of values. Invariants: the table has 2^bits finite entries, 1 ≤ bits ≤ 16;
 * `decode(code) === values[code]` exactly.
 */
export class LutFormat implements NumberFormatBase {
  readonly kind = 'lut' as const;
  readonly bits: number;
  readonly max: number;
  readonly min: number;
  /** Smallest positive real entry; when no entry is positive, the smallest nonzero magnitude. */
  readonly minPositive: number;
  readonly defaultOverflow: Overflow = 'saturate';
  readonly overflows = LUT_OVERFLOWS;
  /** True when some entry has a nonzero imaginary part. */
  readonly isComplex: boolean;
  private readonly values: Float64Array;
  private readonly imag: Float64Array | undefined;
  private readonly positions: readonly Position[];
  /** positions[i].value, for the float64 binary search. */
  private readonly positionValues: Float64Array;
  /**
   * The rne fast path for float64 input (undefined when some midpoint is not a float64): `mids[i]` is
   * the exact midpoint between positions i and i+1; `codeNeg/codePos[i]` the code of position i for a
   * negative/positive input; `tieNeg/tiePos[i]` the code a tie at mids[i] gets (decided once, here, by
   * the general path, i.e. by roundsUp).
   */
  private readonly rneTable:
    | {
        mids: Float64Array;
        firstStep: number;
        codeNeg: Int32Array;
        codePos: Int32Array;
        tieNeg: Int32Array;
        tiePos: Int32Array;
      }
    | undefined;

  /**
   * @param values the real part of each code's value (code i ↦ values[i]).
   * @param name canonical name; defaults to `lut([v0, v1, ...])`.
   * @param imag optional imaginary parts (complex tables such as complex2).
   */
  constructor(
    values: readonly number[],
    readonly name: string = `lut([${values.map(formatEntry).join(', ')}])`,
    imag?: readonly number[],
  ) {
    const n = values.length;
    const bits = Math.log2(n);
    if (!Number.isInteger(bits) || bits < 1 || bits > 16) {
      throw new FormatError(
        'bad-parameter',
        `a lookup table needs 2^N entries with N = 1..16 (2, 4, 8, ..., 65536), got ${n}`,
      );
    }
    values.forEach((v, i) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new FormatError(
          'bad-parameter',
          `lookup table entry ${i} is ${String(v)}: entries must be finite numbers`,
        );
      }
    });
    if (imag !== undefined) {
      if (imag.length !== n)
        throw new FormatError('bad-parameter', 'a complex lookup table needs one imaginary part per entry');
      imag.forEach((v, i) => {
        if (!Number.isFinite(v))
          throw new FormatError('bad-parameter', `lookup table entry ${i} has imaginary part ${v}`);
      });
    }
    this.bits = bits;
    this.values = Float64Array.from(values);
    this.imag = imag === undefined ? undefined : Float64Array.from(imag);
    this.isComplex = imag !== undefined && imag.some((v) => v !== 0);

    // Real positions: only entries on the real axis can be the result of encoding a real number.
    const realCodes = [...values.keys()].filter((c) => this.imag === undefined || this.imag[c] === 0);
    if (realCodes.length === 0)
      throw new FormatError('bad-parameter', 'a lookup table needs at least one real entry');
    const byValue = new Map<number, { code: number; plusZero: number; minusZero: number }>();
    for (const c of realCodes) {
      const v = values[c];
      // Map keys compare with SameValueZero, so +0 and −0 share a position.
      const p = byValue.get(v) ?? { code: c, plusZero: -1, minusZero: -1 };
      if (v === 0) {
        if (Object.is(v, -0)) {
          if (p.minusZero < 0) p.minusZero = c;
        } else if (p.plusZero < 0) p.plusZero = c;
        p.code = p.plusZero >= 0 ? p.plusZero : p.minusZero;
      }
      byValue.set(v, p);
    }
    this.positions = [...byValue.entries()]
      .sort((x, y) => x[0] - y[0])
      .map(([v, p]): Position => {
        const value = v === 0 ? 0 : v;
        return {
          value,
          exact: fromNumber(value),
          code: p.code,
          plusZero: p.plusZero,
          minusZero: p.minusZero,
        };
      });
    this.positionValues = Float64Array.from(this.positions, (p) => p.value);
    this.rneTable = this.buildRneTable();
    // Loops, not Math.min(...values): a 65536-entry spread risks the engine's argument limit.
    let min = Infinity;
    let max = -Infinity;
    let minPos = Infinity;
    let minMag = Infinity;
    for (const v of values) {
      min = Math.min(min, v);
      max = Math.max(max, v);
      if (v > 0) minPos = Math.min(minPos, v);
      if (v !== 0) minMag = Math.min(minMag, Math.abs(v));
    }
    this.min = min;
    this.max = max;
    this.minPositive = minPos !== Infinity ? minPos : minMag !== Infinity ? minMag : 0;
  }

  /** The table's values in code order (real parts). */
  entries(): number[] {
    return Array.from(this.values);
  }

  decode(code: number): number {
    this.checkCode(code);
    return this.values[code];
  }

  /** Real and imaginary part of a code's value (im = 0 for real tables). */
  decodeComplex(code: number): Complex {
    this.checkCode(code);
    return { re: this.values[code], im: this.imag ? this.imag[code] : 0 };
  }

  isNaN(_code: number): boolean {
    return false;
  }

  isInf(_code: number): boolean {
    return false;
  }

  isNaR(_code: number): boolean {
    return false;
  }

  *codes(): Iterable<number> {
    for (let c = 0; c < this.values.length; c++) yield c;
  }

  encode(x: EncodeInput, options: EncodeOptions = NO_OPTIONS): number {
    const rounding = options.rounding ?? 'rne';
    const t = this.rneTable;
    // Fast path: rne on a nonzero float64 (zero has sign-dependent ties; NaN and bad options go below).
    if (
      t !== undefined &&
      rounding === 'rne' &&
      typeof x === 'number' &&
      x !== 0 &&
      x === x &&
      (options.overflow === undefined || options.overflow === 'saturate')
    ) {
      const mids = t.mids;
      // lo = the number of midpoints below x = the smallest i with x <= mids[i] (or the top position).
      // Fixed power-of-two steps: no loop-exit branch to mispredict.
      let lo = 0;
      for (let step = t.firstStep; step > 0; step >>= 1) if (mids[lo + step - 1] < x) lo += step;
      if (mids[lo] === x) return x < 0 ? t.tieNeg[lo] : t.tiePos[lo];
      return x < 0 ? t.codeNeg[lo] : t.codePos[lo];
    }
    const overflow = options.overflow ?? this.defaultOverflow;
    if (overflow !== 'saturate') {
      throw new FormatError(
        'unsupported-overflow',
        `${this.name} only saturates; overflow '${overflow}' is not supported`,
      );
    }
    const ps = this.positions;
    const last = ps.length - 1;
    if (typeof x === 'number') {
      if (Number.isNaN(x)) throw new FormatError('unrepresentable', `${this.name} has no NaN code`);
      const negative = x < 0 || (x === 0 && 1 / x < 0);
      const pv = this.positionValues;
      if (x <= pv[0]) return this.pick(ps[0], negative);
      if (x >= pv[last]) return this.pick(ps[last], negative);
      // Largest i with positionValues[i] <= x.
      let lo = 0;
      let hi = last;
      while (hi - lo > 1) {
        const mid = (lo + hi) >>> 1;
        if (pv[mid] <= x) lo = mid;
        else hi = mid;
      }
      const a = ps[lo];
      if (a.value === x) return this.pick(a, negative);
      const b = ps[hi];
      const da = x - a.value;
      const db = b.value - x;
      // Monotone rounding: a strict float64 inequality implies the exact one.
      const nearer =
        da < db ? -1 : da > db ? 1 : cmp(sub(fromNumber(x), a.exact), sub(b.exact, fromNumber(x)));
      return this.choose(a, b, nearer, x, negative, rounding, options);
    }
    const negative = sign(x) < 0;
    if (cmp(x, ps[0].exact) <= 0) return this.pick(ps[0], negative);
    if (cmp(x, ps[last].exact) >= 0) return this.pick(ps[last], negative);
    let lo = 0;
    let hi = last;
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      if (cmp(ps[mid].exact, x) <= 0) lo = mid;
      else hi = mid;
    }
    const a = ps[lo];
    if (cmp(a.exact, x) === 0) return this.pick(a, negative);
    const b = ps[hi];
    const nearer = cmp(sub(x, a.exact), sub(b.exact, x));
    return this.choose(a, b, nearer, x, negative, rounding, options);
  }

  /**
   * The entry nearest to re + i·im in the complex plane (exact squared distances). Ties go to the even
   * code, then to the lower code. Only `rne` is meaningful here; other rules raise FormatError.
   */
  encodeComplex(re: number, im: number, options: EncodeOptions = {}): number {
    const rounding = options.rounding ?? 'rne';
    if (rounding !== 'rne') {
      throw new FormatError(
        'unsupported-rounding',
        `${this.name}: complex values round to nearest only (rounding '${rounding}')`,
      );
    }
    if (!Number.isFinite(re) || !Number.isFinite(im)) {
      throw new FormatError('unrepresentable', `${this.name} cannot hold ${re} + ${im}i`);
    }
    return this.encodeComplexExact(fromNumber(re), fromNumber(im));
  }

  /** `encodeComplex` for exact rational parts. */
  encodeComplexExact(re: Rational, im: Rational): number {
    let best = -1;
    let bestDist: Rational | undefined;
    for (let c = 0; c < this.values.length; c++) {
      const dr = sub(re, fromNumber(this.values[c]));
      const di = sub(im, fromNumber(this.imag ? this.imag[c] : 0));
      const dist = add(mul(dr, dr), mul(di, di));
      const order = bestDist === undefined ? -1 : cmp(dist, bestDist);
      // Codes are visited in increasing order, so on equal distance only an even code displacing an odd one wins.
      if (order < 0 || (order === 0 && c % 2 === 0 && best % 2 === 1)) {
        best = c;
        bestDist = dist;
      }
    }
    return best;
  }

  private buildRneTable(): LutFormat['rneTable'] {
    const ps = this.positions;
    const gaps = ps.length - 1;
    // Padded with NaN to 2^k entries (2^k ≥ positions) for the fixed-step search: `NaN < x` is false, so
    // the search never steps into the padding, and `NaN === x` is false, so padding is never a tie.
    let size = 1;
    while (size < ps.length) size *= 2;
    const mids = new Float64Array(size).fill(NaN);
    const tieNeg = new Int32Array(size);
    const tiePos = new Int32Array(size);
    for (let i = 0; i < gaps; i++) {
      const m = ps[i].value / 2 + ps[i + 1].value / 2;
      // Usable only if m is the exact midpoint (halving can drop the last bit of a subnormal).
      if (
        !Number.isFinite(m) ||
        cmp(add(fromNumber(m), fromNumber(m)), add(ps[i].exact, ps[i + 1].exact)) !== 0
      ) {
        return undefined;
      }
      mids[i] = m;
      // The tie at m, as the general path decides it for an input of either sign.
      tieNeg[i] = this.choose(ps[i], ps[i + 1], 0, m, true, 'rne', NO_OPTIONS);
      tiePos[i] = this.choose(ps[i], ps[i + 1], 0, m, false, 'rne', NO_OPTIONS);
    }
    return {
      mids,
      firstStep: size / 2,
      codeNeg: Int32Array.from(ps, (p) => this.pick(p, true)),
      codePos: Int32Array.from(ps, (p) => this.pick(p, false)),
      tieNeg,
      tiePos,
    };
  }

  private pick(p: Position, negative: boolean): number {
    if (p.value !== 0) return p.code;
    const signed = negative ? p.minusZero : p.plusZero;
    return signed >= 0 ? signed : p.code;
  }

  /**
   * a < x < b; `nearer` is sign(|x − a| − |b − x|). Orders the pair by distance from zero and lets
   * roundsUp pick.
   */
  private choose(
    a: Position,
    b: Position,
    nearer: number,
    x: EncodeInput,
    negative: boolean,
    rounding: NonNullable<EncodeOptions['rounding']>,
    options: EncodeOptions,
  ): number {
    const ca = this.pick(a, negative);
    const cb = this.pick(b, negative);
    const magA = Math.abs(a.value);
    const magB = Math.abs(b.value);
    // lo = the neighbour nearer zero. When both are equally far (a = −b, no zero entry between them), lo is
    // the one on x's side of zero, and it also wins the tie at x = 0 (+0 → the positive entry).
    const symmetric = magA === magB;
    const aIsLo = symmetric ? negative : magA < magB;
    const cLo = aIsLo ? ca : cb;
    const cHi = aIsLo ? cb : ca;
    const evenLo = cLo % 2 === 0;
    const evenHi = cHi % 2 === 0;
    const bracket = sharedBracket;
    bracket.vsBoundary = aIsLo ? nearer : -nearer;
    // lo wins a tie when it has the even code, or when parity does not decide (lo is nearer zero).
    bracket.loIsEven = symmetric || (evenLo !== evenHi ? evenLo : true);
    bracket.x = x;
    bracket.lo = aIsLo ? a : b;
    bracket.hi = aIsLo ? b : a;
    // "Ties away from zero" cannot choose between v and −v; such a tie is decided like rne.
    const rule = rounding === 'rna' && symmetric ? 'rne' : rounding;
    return roundsUp(rule, bracket, options.random) ? cHi : cLo;
  }

  private checkCode(code: number): void {
    if (!Number.isInteger(code) || code < 0 || code >= this.values.length) {
      throw new FormatError(
        'bad-code',
        `${this.name}: code ${code} is out of range 0..${this.values.length - 1}`,
      );
    }
  }
}

/**
 * A lookup format from its table: `values[code]` is the value of `code`. `values.length` must be 2^N with
 * N = 1..16 and every entry finite; duplicates (e.g. +0 and −0) are allowed.
 */
export function lut(values: readonly number[], name?: string): LutFormat {
  return new LutFormat(values, name);
}

/** Formats a table entry the way names and the CLI print it (`-0` for negative zero). */
export { formatEntry as formatLutEntry };
