/**
 * Independent oracle for binary floats `fp(E, M, bias, variant)` and `e8m0`, written from the definitions
 * in shared/reference/formats.md §2 with the exact rationals of ./exact-rational.ts. It imports nothing
 * from src/ and shares no algorithm with src/formats/float.ts:
 *
 * - decode reads the sign, exponent and fraction fields of the code with BigInt and evaluates the
 *   textbook formula; the variant decides which codes are NaN / ±inf.
 * - encode finds the neighbours lo ≤ |x| < hi among the format's own values by binary search over the
 *   magnitude codes 0..maxCode (values grow with the magnitude code — checked separately on the small
 *   formats), then applies each rounding rule literally to the exact midpoint (lo + hi)/2:
 *   rne → nearer side, a tie to the even code; rtz → lo; rna → a tie to hi; stochastic → hi iff
 *   r·(hi − lo) < (|x| − lo)·2^32 with r the supplied 32-bit draw.
 * - beyond max finite the only neighbour is V = max + ulp(max), the next point of the grid continued with
 *   an unbounded exponent; choosing V (or any |x| ≥ V) is an overflow, resolved by the overflow rule, and
 *   rtz gives ±max instead (IEEE 754 §7.4). A draw is used exactly when x is not on that continued grid.
 * - specials: NaN → the positive canonical NaN (ieee: exponent all ones, top fraction bit; fn: all ones;
 *   fnuz: the sign-bit code) or an error for formats without NaN; ±inf → ±inf (ieee), ±NaN (fn), 0x80…
 *   (fnuz), ±max (finite); zeros and values rounding to zero keep their sign where −0 exists.
 */
import {
  q,
  qAbs,
  qAdd,
  qCeil,
  qCmp,
  qDiv,
  qEq,
  qHalf,
  qIsInteger,
  qMul,
  qNeg,
  qOfFloat,
  qPow2,
  qSub,
  type Q,
} from './exact-rational.js';

export type OVariant = 'ieee' | 'fn' | 'fnuz' | 'finite';
export type ORounding = 'rne' | 'rtz' | 'rna' | 'stochastic';
export type OOverflow = 'saturate' | 'inf' | 'nan';

export interface FpSpec {
  readonly e: number;
  readonly m: number;
  readonly bias: number;
  readonly variant: OVariant;
}

export type OValue = { kind: 'num'; v: Q; negZero: boolean } | { kind: 'nan' } | { kind: 'inf'; neg: boolean };

/** What an encode must return: a code, or an error (NaN into a format without NaN). */
export interface OEncode {
  readonly code: number | 'error';
  /** Whether stochastic rounding consumes a random draw for this input. */
  readonly drawn: boolean;
}

/** floor(log2(a)) for a > 0, by bit lengths and one correction step. */
function log2Floor(a: Q): number {
  let k = a.n.toString(2).length - a.d.toString(2).length;
  if (qCmp(a, qPow2(k)) < 0) k -= 1;
  return k;
}

/** The rounding rule applied literally; `vsMid` is the sign of |x| − (lo + hi)/2. */
export function roundUpRule(rounding: Exclude<ORounding, 'stochastic'>, vsMid: number, loCodeEven: boolean): boolean {
  switch (rounding) {
    case 'rne':
      return vsMid > 0 || (vsMid === 0 && !loCodeEven);
    case 'rtz':
      return false;
    case 'rna':
      return vsMid >= 0;
  }
}

const TWO32 = q(1n << 32n);

function decideUp(rounding: ORounding, mag: Q, lo: Q, hi: Q, loCodeEven: boolean, r: number | undefined): boolean {
  if (rounding === 'stochastic') {
    if (r === undefined) throw new Error('oracle: stochastic needs r');
    return qCmp(qMul(q(BigInt(r)), qSub(hi, lo)), qMul(qSub(mag, lo), TWO32)) < 0;
  }
  return roundUpRule(rounding, qCmp(mag, qHalf(qAdd(lo, hi))), loCodeEven);
}

export class FpOracle {
  readonly bits: number;
  readonly signBit: number;
  /** Largest finite magnitude code. */
  readonly maxCode: number;
  readonly max: Q;
  /** Exponent field of maxCode. */
  readonly maxField: number;
  /** The continued grid's next point above max. */
  readonly beyond: Q;
  readonly nanCode: number | undefined;
  readonly infCode: number | undefined;
  readonly hasNegZero: boolean;
  private readonly table: Q[] | undefined;

  constructor(readonly spec: FpSpec) {
    this.bits = 1 + spec.e + spec.m;
    this.signBit = 2 ** (this.bits - 1);
    let c = this.signBit - 1;
    while (this.decode(c).kind !== 'num') c -= 1;
    this.maxCode = c;
    this.maxField = Math.floor(c / 2 ** spec.m);
    this.max = (this.decode(c) as { v: Q }).v;
    this.beyond = qAdd(this.max, qPow2(this.maxField - spec.bias - spec.m));
    const allOnes = 2 ** spec.e - 1;
    switch (spec.variant) {
      case 'ieee':
        this.nanCode = spec.m > 0 ? allOnes * 2 ** spec.m + 2 ** (spec.m - 1) : undefined;
        this.infCode = allOnes * 2 ** spec.m;
        break;
      case 'fn':
        this.nanCode = this.signBit - 1;
        break;
      case 'fnuz':
        this.nanCode = this.signBit;
        break;
      case 'finite':
        break;
    }
    this.hasNegZero = spec.variant !== 'fnuz';
    if (this.bits <= 16) {
      this.table = [];
      for (let k = 0; k <= this.maxCode; k++) this.table.push((this.decode(k) as { v: Q }).v);
    }
  }

  /** The value of a code from its bit fields. */
  decode(code: number): OValue {
    const { e: E, m: M, bias, variant } = this.spec;
    const c = BigInt(code);
    const s = (c >> BigInt(E + M)) & 1n;
    const e = Number((c >> BigInt(M)) & ((1n << BigInt(E)) - 1n));
    const f = c & ((1n << BigInt(M)) - 1n);
    const allOnesE = e === 2 ** E - 1;
    const allOnesF = f === (1n << BigInt(M)) - 1n;
    if (variant === 'ieee' && allOnesE) return f === 0n ? { kind: 'inf', neg: s === 1n } : { kind: 'nan' };
    if (variant === 'fn' && allOnesE && allOnesF) return { kind: 'nan' };
    if (variant === 'fnuz' && s === 1n && e === 0 && f === 0n) return { kind: 'nan' };
    const frac = q(f, 1n << BigInt(M));
    const mag = e === 0 ? qMul(frac, qPow2(1 - bias)) : qMul(qAdd(q(1n), frac), qPow2(e - bias));
    return { kind: 'num', v: s === 1n ? qNeg(mag) : mag, negZero: s === 1n && mag.n === 0n };
  }

  /** Value of a finite magnitude code 0..maxCode. */
  magValue(c: number): Q {
    return this.table ? this.table[c] : (this.decode(c) as { v: Q }).v;
  }

  /** Largest magnitude code whose value is ≤ mag (0 ≤ mag ≤ max). */
  floorCode(mag: Q): number {
    let lo = 0;
    let hi = this.maxCode;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (qCmp(this.magValue(mid), mag) <= 0) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Whether mag ≥ V lies on the grid continued with an unbounded exponent (spacing 2^(k − M) in [2^k, 2^(k+1))). */
  private onContinuedGrid(mag: Q): boolean {
    const k = log2Floor(mag);
    return qIsInteger(qMul(mag, qPow2(this.spec.m - k)));
  }

  private zero(neg: boolean): number {
    return neg && this.hasNegZero ? this.signBit : 0;
  }

  private overflowed(neg: boolean, rounding: ORounding, overflow: OOverflow): number {
    const s = neg ? this.signBit : 0;
    if (rounding === 'rtz' || overflow === 'saturate') return s + this.maxCode;
    if (overflow === 'inf') {
      if (this.infCode === undefined) throw new Error('oracle: overflow inf on a format without inf');
      return s + this.infCode;
    }
    if (this.nanCode === undefined) throw new Error('oracle: overflow nan on a format without NaN');
    return this.spec.variant === 'fnuz' ? this.signBit : s + this.nanCode;
  }

  /** The neighbours of a magnitude 0 < mag < V that is not a format value: lo, hi and the lo code. */
  bracket(mag: Q): { lo: Q; hi: Q; loCode: number } {
    if (qCmp(mag, this.max) > 0) return { lo: this.max, hi: this.beyond, loCode: this.maxCode };
    const c = this.floorCode(mag);
    return { lo: this.magValue(c), hi: c === this.maxCode ? this.beyond : this.magValue(c + 1), loCode: c };
  }

  /** The code x must encode to. */
  encode(x: number | Q, rounding: ORounding, overflow: OOverflow, r?: number): OEncode {
    let v: Q;
    let neg: boolean;
    if (typeof x === 'number') {
      if (Number.isNaN(x)) return { code: this.nanCode ?? 'error', drawn: false };
      if (x === Infinity || x === -Infinity) {
        const s = x < 0 ? this.signBit : 0;
        const code =
          this.spec.variant === 'ieee'
            ? s + (this.infCode as number)
            : this.spec.variant === 'fn'
              ? s + (this.nanCode as number)
              : this.spec.variant === 'fnuz'
                ? this.signBit
                : s + this.maxCode;
        return { code, drawn: false };
      }
      if (x === 0) return { code: this.zero(Object.is(x, -0)), drawn: false };
      v = qOfFloat(x);
      neg = x < 0;
    } else {
      if (x.n === 0n) return { code: 0, drawn: false };
      v = x;
      neg = x.n < 0n;
    }
    const mag = qAbs(v);
    const s = neg ? this.signBit : 0;
    if (qCmp(mag, this.beyond) >= 0) {
      return { code: this.overflowed(neg, rounding, overflow), drawn: !this.onContinuedGrid(mag) };
    }
    if (qCmp(mag, this.max) <= 0) {
      const c = this.floorCode(mag);
      if (qEq(this.magValue(c), mag)) return { code: c === 0 ? this.zero(neg) : s + c, drawn: false };
    }
    const { lo, hi, loCode } = this.bracket(mag);
    const up = decideUp(rounding, mag, lo, hi, loCode % 2 === 0, r);
    if (up && loCode === this.maxCode) return { code: this.overflowed(neg, rounding, overflow), drawn: true };
    const c = up ? loCode + 1 : loCode;
    return { code: c === 0 ? this.zero(neg) : s + c, drawn: true };
  }

  /** For 0 < mag < V not a format value: the smallest r that does not round up, ceil(frac·2^32). */
  stochasticThreshold(mag: Q): bigint {
    const { lo, hi } = this.bracket(mag);
    return qCeil(qMul(qSub(mag, lo), qDiv(TWO32, qSub(hi, lo))));
  }
}

/** Oracle for e8m0: value 2^(code − 127), 0xFF NaN; the grid of all powers of two, unbounded both ways. */
export class E8m0Oracle {
  decode(code: number): OValue {
    return code === 255 ? { kind: 'nan' } : { kind: 'num', v: qPow2(code - 127), negZero: false };
  }

  encode(x: number | Q, rounding: ORounding, overflow: OOverflow, r?: number): OEncode {
    if (typeof x === 'number') {
      if (Number.isNaN(x) || x === Infinity) return { code: 255, drawn: false };
      if (x === 0) return { code: 0, drawn: false };
      if (x < 0) return { code: 'error', drawn: false };
      x = qOfFloat(x);
    }
    if (x.n === 0n) return { code: 0, drawn: false };
    if (x.n < 0n) return { code: 'error', drawn: false };
    const k = log2Floor(x);
    const lo = qPow2(k);
    let c = k + 127;
    const drawn = !qEq(lo, x);
    if (drawn && decideUp(rounding, x, lo, qPow2(k + 1), ((c % 2) + 2) % 2 === 0, r)) c += 1;
    if (c < 0) return { code: 0, drawn };
    if (c > 254) return { code: rounding === 'rtz' || overflow === 'saturate' ? 254 : 255, drawn };
    return { code: c, drawn };
  }

  /** ceil(frac·2^32) for x between powers of two. */
  stochasticThreshold(x: Q): bigint {
    const lo = qPow2(log2Floor(x));
    return qCeil(qMul(qSub(x, lo), qDiv(TWO32, lo)));
  }
}
