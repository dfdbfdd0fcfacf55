/**
 * Fast, exact element encoding for the quantizers' inner loops. Quantizing a tensor calls a format's
 * `encode` millions of times with the same options (overflow = saturate), so for formats of at most
 * 16 bits this module builds, once per format, the sorted list of its distinct finite values and their
 * midpoints, and encodes by binary search.
 *
 * Only for formats whose rounding boundaries are the arithmetic midpoints between neighbouring values
 * (int, fp, lookup tables) — not posits.
 *
 * Exactness: the fast path only answers the cases where the answer does not depend on the rounding
 * rule's tie-breaking: x within the format's range and strictly nearer to one value than to its
 * neighbours, and that value held by a single code, or by exactly a +0 and a −0 code (then x's sign
 * picks, as every signed format does). Everything else (exact midpoints, other values with several
 * codes, values beyond the range, `rtz` and `stochastic`) is
 * delegated to `format.encode`, so the result is always exactly what `format.encode(x, {rounding,
 * overflow: 'saturate', random})` returns. Midpoints of two float64 values of a ≤ 16-bit format are
 * exact in float64 (their significands are short), so the comparison with x is exact.
 */
import type { RandomSource } from '../formats/random.js';
import type { NumberFormatBase, Rounding } from '../formats/types.js';

const FAST_MAX_BITS = 16;

/** Encoder/decoder of one element format with saturating overflow. */
export class ElementCodec {
  /** Sorted distinct finite values (−0 merged into +0). */
  private readonly values: Float64Array | undefined;
  private readonly mids: Float64Array | undefined;
  /** Code of values[i], or −1 when several codes hold that value (then `format.encode` decides). */
  private readonly codeOf: Int32Array | undefined;
  private readonly table: Float64Array | undefined;
  /** The +0 and −0 codes when the format has exactly one of each, else −1. */
  private readonly plusZero: number = -1;
  private readonly minusZero: number = -1;

  constructor(readonly format: NumberFormatBase) {
    // Posits round at the (n+1)-bit posit between neighbours (geometric near maxpos/minpos) and never
    // to zero, so midpoint search is wrong for them; their own encode has a table fast path.
    if (format.bits > FAST_MAX_BITS || format.kind === 'posit') return;
    const n = 2 ** format.bits;
    const table = new Float64Array(n);
    const byValue = new Map<number, number>();
    const plusZero: number[] = [];
    const minusZero: number[] = [];
    for (let code = 0; code < n; code++) {
      const v = format.decode(code);
      table[code] = v;
      if (!Number.isFinite(v)) continue;
      if (v === 0) (Object.is(v, -0) ? minusZero : plusZero).push(code);
      const key = v === 0 ? 0 : v;
      byValue.set(key, byValue.has(key) ? -1 : code);
    }
    // Exactly one +0 and one −0 code: the sign of x picks (the rule of every signed format: a value
    // rounding to zero keeps its sign).
    if (plusZero.length === 1 && minusZero.length === 1) {
      this.plusZero = plusZero[0];
      this.minusZero = minusZero[0];
    }
    this.table = table;
    const sorted = [...byValue.keys()].sort((a, b) => a - b);
    const mids = new Float64Array(Math.max(0, sorted.length - 1));
    for (let i = 0; i + 1 < sorted.length; i++) {
      const m = exactMidpoint(sorted[i], sorted[i + 1]);
      if (m === undefined) return; // exotic lookup table: always use format.encode
      mids[i] = m;
    }
    this.values = Float64Array.from(sorted);
    this.codeOf = Int32Array.from(sorted.map((v) => byValue.get(v) as number));
    this.mids = mids;
  }

  /** The value of a code (table lookup for ≤ 16-bit formats). */
  decode(code: number): number {
    return this.table !== undefined ? this.table[code] : this.format.decode(code);
  }

  /** `format.encode(x, { rounding, overflow: 'saturate', random })`, fast where that is safe. */
  encode(x: number, rounding: Rounding = 'rne', random?: RandomSource): number {
    const values = this.values;
    // Inside [min value, max value] only: beyond it the format decides (saturation, or an error such as
    // e8m0's for negative input).
    if (values !== undefined && (rounding === 'rne' || rounding === 'rna') && x >= values[0] && x <= values[values.length - 1]) {
      const mids = this.mids as Float64Array;
      const codeOf = this.codeOf as Int32Array;
      // Find the first midpoint ≥ x: values[lo] is then the nearest value unless x is that midpoint.
      let lo = 0;
      let hi = mids.length;
      while (lo < hi) {
        const m = (lo + hi) >>> 1;
        if (mids[m] < x) lo = m + 1;
        else hi = m;
      }
      if (lo === mids.length || mids[lo] !== x) {
        const code = codeOf[lo];
        if (code >= 0) return code;
        if (values[lo] === 0 && this.plusZero >= 0) return x < 0 || Object.is(x, -0) ? this.minusZero : this.plusZero;
      }
    }
    return this.format.encode(x, { rounding, overflow: 'saturate', random });
  }
}

/** (a + b)/2 when it is exactly a float64, else undefined (checked with the TwoSum error term). */
function exactMidpoint(a: number, b: number): number | undefined {
  const x = a / 2;
  const y = b / 2;
  if (x * 2 !== a || y * 2 !== b) return undefined;
  const s = x + y;
  const bv = s - x;
  const err = x - (s - bv) + (y - bv);
  return err === 0 && Number.isFinite(s) ? s : undefined;
}

const cache = new WeakMap<NumberFormatBase, ElementCodec>();

/** The (cached) codec of a format. */
export function elementCodec(format: NumberFormatBase): ElementCodec {
  let c = cache.get(format);
  if (c === undefined) {
    c = new ElementCodec(format);
    cache.set(format, c);
  }
  return c;
}
