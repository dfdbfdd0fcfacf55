/**
 * Independent posit oracle, written from the definition in shared/reference/formats.md §4 with BigInt
 * rationals of its own (it imports nothing from src/). It shares no algorithm with src/formats/posit.ts:
 *
 * - decode reads the code as a string of '0'/'1' characters: sign, two's complement for negatives, the
 *   regime run, es exponent bits (missing ones are '0'), the fraction; value = 2^(k·2^es + e) · (1 + f).
 * - rounding finds the neighbours lo ≤ |x| < hi among the posit values themselves (binary search over
 *   codes, or a sorted table), takes the tie boundary as the decoded value of the (n+1)-bit posit with
 *   code 2·lo+1, and applies each rounding rule literally (rne: nearer side of the boundary, tie → even
 *   code; rtz: lo; rna: tie → hi; stochastic: up iff r·(hi − lo) < (|x| − lo)·2^32). Magnitudes at or
 *   beyond maxpos give maxpos, at or below minpos give minpos; negatives use the code 2^n − code.
 */

/** A rational num/den with den > 0 (not necessarily reduced). */
export interface Q {
  readonly num: bigint;
  readonly den: bigint;
}

export type OracleRounding = 'rne' | 'rtz' | 'rna' | 'stochastic';

export function qCmp(a: Q, b: Q): number {
  const l = a.num * b.den;
  const r = b.num * a.den;
  return l < r ? -1 : l > r ? 1 : 0;
}

export function qSub(a: Q, b: Q): Q {
  return { num: a.num * b.den - b.num * a.den, den: a.den * b.den };
}

export function qAdd(a: Q, b: Q): Q {
  return { num: a.num * b.den + b.num * a.den, den: a.den * b.den };
}

export function qMul(a: Q, b: Q): Q {
  return { num: a.num * b.num, den: a.den * b.den };
}

export function qAbs(a: Q): Q {
  return a.num < 0n ? { num: -a.num, den: a.den } : a;
}

/** 2^e. */
export function qPow2(e: number): Q {
  return e >= 0 ? { num: 1n << BigInt(e), den: 1n } : { num: 1n, den: 1n << BigInt(-e) };
}

/** The exact value of a finite float64, read from its IEEE bits with a DataView. */
export function qFromFloat(x: number): Q {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, x);
  const bits = dv.getBigUint64(0);
  const negative = bits >> 63n === 1n;
  const biased = Number((bits >> 52n) & 0x7ffn);
  if (biased === 0x7ff) throw new Error('qFromFloat: not finite');
  let m = bits & ((1n << 52n) - 1n);
  let e: number;
  if (biased === 0) e = -1074;
  else {
    m |= 1n << 52n;
    e = biased - 1075;
  }
  const v = qMul({ num: m, den: 1n }, qPow2(e));
  return negative ? { num: -v.num, den: v.den } : v;
}

/** A float64 equal to q, or undefined when q is not exactly a float64 (checked by converting back). */
export function qToExactFloat(q: Q): number | undefined {
  const x = Number(q.num) / Number(q.den);
  if (!Number.isFinite(x)) return undefined;
  return qCmp(qFromFloat(x), q) === 0 ? x : undefined;
}

/** Decodes an n-bit posit code from its bit string. 'NaR' for the NaR code. */
export function decodePosit(n: number, es: number, code: number | bigint): Q | 'NaR' {
  const c = BigInt(code);
  const bits = c.toString(2).padStart(n, '0');
  if (bits.length !== n) throw new Error(`oracle: code ${c} has more than ${n} bits`);
  if (!bits.includes('1')) return { num: 0n, den: 1n };
  if (bits === '1' + '0'.repeat(n - 1)) return 'NaR';
  const negative = bits[0] === '1';
  const magnitude = negative ? ((1n << BigInt(n)) - c).toString(2).padStart(n, '0') : bits;
  const body = magnitude.slice(1);
  const first = body[0];
  let run = 0;
  while (run < body.length && body[run] === first) run++;
  const k = first === '1' ? run - 1 : -run;
  const after = body.slice(run + 1); // skip the terminator (may be absent)
  const expBits = after.slice(0, es).padEnd(es, '0');
  const e = es === 0 ? 0 : parseInt(expBits, 2);
  const fracBits = after.slice(es);
  const fracDen = 1n << BigInt(fracBits.length);
  const frac = fracBits.length === 0 ? 0n : BigInt('0b' + fracBits);
  const scale = k * 2 ** es + e;
  const v = qMul({ num: fracDen + frac, den: fracDen }, qPow2(scale));
  return negative ? { num: -v.num, den: v.den } : v;
}

function decodeFinite(n: number, es: number, code: number): Q {
  const v = decodePosit(n, es, code);
  if (v === 'NaR') throw new Error('oracle: unexpected NaR');
  return v;
}

/** maxpos = useed^(n−2), minpos = its reciprocal; codes of maxpos and NaR. */
export function positFacts(
  n: number,
  es: number,
): { maxpos: Q; minpos: Q; maxCode: number; narCode: number } {
  const s = (n - 2) * 2 ** es;
  return { maxpos: qPow2(s), minpos: qPow2(-s), maxCode: 2 ** (n - 1) - 1, narCode: 2 ** (n - 1) };
}

/** The rounding decision between lo < a < hi (magnitudes) with tie boundary b. */
function decide(
  a: Q,
  loCode: number,
  lo: Q,
  hi: Q,
  boundary: Q,
  mode: OracleRounding,
  r: number | undefined,
): number {
  const vs = qCmp(a, boundary);
  switch (mode) {
    case 'rtz':
      return loCode;
    case 'rne':
      return vs < 0 ? loCode : vs > 0 ? loCode + 1 : loCode % 2 === 0 ? loCode : loCode + 1;
    case 'rna':
      return vs < 0 ? loCode : loCode + 1;
    case 'stochastic': {
      if (r === undefined) throw new Error('oracle: stochastic needs r');
      const left = qMul({ num: BigInt(r), den: 1n }, qSub(hi, lo));
      const right = qMul(qSub(a, lo), { num: 1n << 32n, den: 1n });
      return qCmp(left, right) < 0 ? loCode + 1 : loCode;
    }
  }
}

/** Result of an oracle rounding: the code, and whether a stochastic draw is consumed (x strictly inside). */
export interface OracleResult {
  readonly code: number;
  readonly between: boolean;
}

/**
 * Rounds x to posit(n, es) by the standard's rule, searching the codes with the string decoder.
 * `r` is the 32-bit draw for stochastic rounding; `hint`, a code believed to be the lower neighbour of
 * |x|, is checked and only saves the search.
 */
export function roundPosit(
  n: number,
  es: number,
  x: Q,
  mode: OracleRounding,
  r?: number,
  hint?: number,
): OracleResult {
  if (x.num === 0n) return { code: 0, between: false };
  const { maxpos, minpos, maxCode } = positFacts(n, es);
  const a = qAbs(x);
  let mag: number;
  let between = false;
  if (qCmp(a, maxpos) >= 0) mag = maxCode;
  else if (qCmp(a, minpos) <= 0) mag = 1;
  else {
    // Largest code lo in [1, maxCode) with value(lo) ≤ a. A hint is used only when it verifies.
    let lo = 1;
    let hi = maxCode;
    const le = (c: number) => qCmp(decodeFinite(n, es, c), a) <= 0;
    if (hint !== undefined && hint >= 1 && hint < maxCode && le(hint) && !le(hint + 1)) hi = (lo = hint) + 1;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (qCmp(decodeFinite(n, es, mid), a) <= 0) lo = mid;
      else hi = mid;
    }
    const loV = decodeFinite(n, es, lo);
    if (qCmp(loV, a) === 0) mag = lo;
    else {
      between = true;
      const boundary = decodeFinite(n + 1, es, 2 * lo + 1);
      mag = decide(a, lo, loV, decodeFinite(n, es, lo + 1), boundary, mode, r);
    }
  }
  return { code: x.num < 0n ? 2 ** n - mag : mag, between };
}

/**
 * All positive values and tie boundaries of one posit(n, es), n ≤ 16, as integers on a common grid
 * (value · 2^gridBits), for fast exhaustive checks. Every n- and (n+1)-bit posit value is a multiple of
 * the (n+1)-bit minpos, so gridBits = (n−1)·2^es + 4 holds them all with 4 spare bits for "just inside"
 * points.
 */
export class PositGrid {
  readonly gridBits: number;
  readonly maxCode: number;
  /** values[c] = value(c) · 2^gridBits for c = 1..maxCode (index 0 unused). */
  readonly values: bigint[] = [0n];
  /** boundaries[c] = value of the (n+1)-bit code 2c+1, times 2^gridBits, for c = 1..maxCode−1. */
  readonly boundaries: bigint[] = [0n];
  private readonly den: bigint;

  constructor(
    readonly n: number,
    readonly es: number,
  ) {
    this.gridBits = (n - 1) * 2 ** es + 4;
    this.den = 1n << BigInt(this.gridBits);
    this.maxCode = 2 ** (n - 1) - 1;
    for (let c = 1; c <= this.maxCode; c++) {
      this.values.push(this.onGrid(decodeFinite(n, es, c)));
      if (c < this.maxCode) this.boundaries.push(this.onGrid(decodeFinite(n + 1, es, 2 * c + 1)));
    }
  }

  private onGrid(q: Q): bigint {
    const t = q.num * this.den;
    if (t % q.den !== 0n) throw new Error('oracle: value is not on the grid');
    return t / q.den;
  }

  /** The rational X / 2^gridBits. */
  toQ(x: bigint): Q {
    return { num: x, den: this.den };
  }

  /**
   * Rounds the magnitude-signed rational x. `hint` is a code believed to be the lower neighbour of |x|;
   * it is verified (and ignored when wrong), so it only saves the search.
   */
  round(x: Q, mode: OracleRounding, r?: number, hint?: number): OracleResult {
    if (x.num === 0n) return { code: 0, between: false };
    const a = qAbs(x);
    const scaled: Q = { num: a.num * this.den, den: a.den }; // |x| · 2^gridBits
    const cmpV = (c: number) => qCmp({ num: this.values[c], den: 1n }, scaled);
    let mag: number;
    let between = false;
    if (cmpV(this.maxCode) <= 0) mag = this.maxCode;
    else if (cmpV(1) >= 0) mag = 1;
    else {
      let lo: number;
      if (hint !== undefined && hint >= 1 && hint < this.maxCode && cmpV(hint) <= 0 && cmpV(hint + 1) > 0)
        lo = hint;
      else {
        lo = 1;
        let hi = this.maxCode;
        while (hi - lo > 1) {
          const mid = Math.floor((lo + hi) / 2);
          if (cmpV(mid) <= 0) lo = mid;
          else hi = mid;
        }
      }
      if (cmpV(lo) === 0) mag = lo;
      else {
        between = true;
        const g = (v: bigint): Q => ({ num: v, den: 1n });
        mag = decide(scaled, lo, g(this.values[lo]), g(this.values[lo + 1]), g(this.boundaries[lo]), mode, r);
      }
    }
    return { code: x.num < 0n ? 2 ** this.n - mag : mag, between };
  }

  /**
   * For lo < |x| < hi: the smallest draw r that does NOT round up under the stochastic rule
   * (up iff r·(hi − lo) < (|x| − lo)·2^32), i.e. ceil((|x| − lo)/(hi − lo) · 2^32).
   */
  stochasticThreshold(x: Q, lo: number): number {
    const a = qAbs(x);
    const scaled: Q = { num: a.num * this.den, den: a.den };
    const num = qMul(qSub(scaled, { num: this.values[lo], den: 1n }), { num: 1n << 32n, den: 1n });
    const den = this.values[lo + 1] - this.values[lo];
    // ceil(num / den) with num = num.num / num.den.
    const top = num.num;
    const bottom = num.den * den;
    return Number((top + bottom - 1n) / bottom);
  }
}
