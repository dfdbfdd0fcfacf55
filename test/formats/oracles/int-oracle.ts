/**
 * Independent oracle for `intN` / `uintN` (shared/reference/formats.md §1), in BigInt with the exact
 * rationals of ./exact-rational.ts; imports nothing from src/.
 *
 * decode: the code's bits read as an unsigned BigInt, minus 2^N when signed and the top bit is set.
 * encode: |x| lies between lo = floor(|x|) and hi = lo + 1 (midpoint lo + 1/2); the rounding rules are
 * applied literally (rne: tie → even integer; rtz: lo; rna: tie → hi; stochastic: hi iff
 * r·1 < (|x| − lo)·2^32), the sign is restored, and the result is clamped to [min, max] (saturation).
 * NaN is an error; ±inf clamp. A draw is used exactly when x is not an integer.
 */
import { q, qAbs, qCmp, qFloor, qMul, qOfFloat, qSub, type Q } from './exact-rational.js';
import { roundUpRule, type OEncode, type ORounding } from './fp-oracle.js';

export class IntOracle {
  readonly min: bigint;
  readonly max: bigint;
  readonly size: bigint;

  constructor(
    readonly bits: number,
    readonly signed: boolean,
  ) {
    this.size = 1n << BigInt(bits);
    this.min = signed ? -(this.size / 2n) : 0n;
    this.max = signed ? this.size / 2n - 1n : this.size - 1n;
  }

  decode(code: number): bigint {
    const c = BigInt(code);
    return this.signed && c >> BigInt(this.bits - 1) === 1n ? c - this.size : c;
  }

  /** The code of integer v after saturation to [min, max]. */
  codeOf(v: bigint): number {
    const c = v < this.min ? this.min : v > this.max ? this.max : v;
    return Number(c < 0n ? c + this.size : c);
  }

  encode(x: number | Q, rounding: ORounding, r?: number): OEncode {
    if (typeof x === 'number') {
      if (Number.isNaN(x)) return { code: 'error', drawn: false };
      if (x === Infinity) return { code: this.codeOf(this.max), drawn: false };
      if (x === -Infinity) return { code: this.codeOf(this.min), drawn: false };
      x = qOfFloat(x);
    }
    const neg = x.n < 0n;
    const mag = qAbs(x);
    const lo = qFloor(mag);
    const frac = qSub(mag, q(lo));
    if (frac.n === 0n) return { code: this.codeOf(neg ? -lo : lo), drawn: false };
    let up: boolean;
    if (rounding === 'stochastic') {
      if (r === undefined) throw new Error('oracle: stochastic needs r');
      up = qCmp(q(BigInt(r)), qMul(frac, q(1n << 32n))) < 0;
    } else {
      up = roundUpRule(rounding, qCmp(frac, q(1n, 2n)), lo % 2n === 0n);
    }
    const m = up ? lo + 1n : lo;
    return { code: this.codeOf(neg ? -m : m), drawn: true };
  }

  /** ceil(frac·2^32) for a non-integer x: the smallest r that does not round up. */
  stochasticThreshold(x: Q): bigint {
    const mag = qAbs(x);
    const t = qMul(qSub(mag, q(qFloor(mag))), q(1n << 32n));
    const f = qFloor(t);
    return t.d === 1n ? f : f + 1n;
  }
}
