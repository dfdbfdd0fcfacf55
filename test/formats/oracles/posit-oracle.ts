/**
 * Independent posit oracle, written from the Posit Standard (2022) definition, generalised to any es as in
 * shared/reference/formats.md §4, with BigInt rationals of its own (it imports nothing from src/). It
 * shares no code with src/formats/posit.ts and works on character strings of '0'/'1', the way the
 * standard states the rules:
 *
 * - decode reads the code as a string: sign, two's complement for negatives, the regime run and its
 *   terminator, es exponent bits (bits past the end read as '0'), the fraction;
 *   value = 2^(k·2^es + e) · (1 + f).
 * - rounding (standard §4.1 / §5: "rounded to the nearest posit on the bit string") builds the value's
 *   unbounded encoding — regime ‖ exponent ‖ fraction, as many characters as needed, the fraction
 *   expanded exactly from the rational — keeps the first n−1 characters (the code's magnitude bits,
 *   padded with '0' when the string is shorter), and looks at the next character (the guard) and whether
 *   any later character or any remainder of the fraction is nonzero (the sticky). rne rounds up when
 *   guard ∧ (sticky ∨ last kept bit = 1), i.e. ties go to the even code; rna rounds up when guard; rtz
 *   keeps. Then the two saturation rules of the standard: a result of 0 for a nonzero value becomes
 *   minpos, a result that reaches the NaR pattern becomes maxpos. Stochastic: up iff
 *   r·(hi − lo) < (|x| − lo)·2^32 between the neighbours lo < |x| < hi; values at or beyond maxpos /
 *   minpos saturate without a draw. Negatives use the code 2^n − code (posit negation).
 * - The tie boundary ("midpoint") between code c and c + 1 is the value of the string c's bits ‖ '1':
 *   what the bit-string rule rounds to a tie; next to maxpos/minpos, where exponent bits are cut off, it
 *   is not the arithmetic midpoint.
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

/** floor(log2 a) for a > 0, exactly. */
function floorLog2Q(a: Q): number {
  let s = a.num.toString(2).length - a.den.toString(2).length;
  // 2^s ≤ a < 2^(s+1), i.e. den·2^s ≤ num < den·2^(s+1): adjust the bit-length estimate (off by one at most).
  const le = (t: number) => (t >= 0 ? a.den << BigInt(t) <= a.num : a.den <= a.num << BigInt(-t));
  if (!le(s)) s--;
  else if (le(s + 1)) s++;
  return s;
}

/**
 * The first `chars` characters of the unbounded posit encoding of a > 0 (regime ‖ exponent ‖ fraction,
 * without the sign), and whether anything nonzero follows them.
 */
export function unboundedBits(es: number, a: Q, chars: number): { bits: string; sticky: boolean } {
  // Sweeps ask for the same point under several rules in a row: remember the last answer.
  const m = lastBits;
  if (m && m.es === es && m.chars === chars && m.num === a.num && m.den === a.den) return m.result;
  const result = unboundedBitsOf(es, a, chars);
  lastBits = { es, chars, num: a.num, den: a.den, result };
  return result;
}

interface BitsMemo {
  readonly es: number;
  readonly chars: number;
  readonly num: bigint;
  readonly den: bigint;
  readonly result: { bits: string; sticky: boolean };
}
let lastBits: BitsMemo | undefined;

function unboundedBitsOf(es: number, a: Q, chars: number): { bits: string; sticky: boolean } {
  const s = floorLog2Q(a);
  const k = Math.floor(s / 2 ** es);
  const e = s - k * 2 ** es;
  const regime = k >= 0 ? '1'.repeat(k + 1) + '0' : '0'.repeat(-k) + '1';
  const exponent = es === 0 ? '' : e.toString(2).padStart(es, '0');
  const head = regime + exponent;
  // Fraction f = a / 2^s − 1 ∈ [0, 1): its first m bits are floor(f · 2^m), the rest is the remainder.
  const m = Math.max(0, chars - head.length);
  const scaled = qMul(a, qPow2(m - s)); // a · 2^(m − s) = (1 + f) · 2^m
  const whole = scaled.num / scaled.den;
  const remainder = scaled.num - whole * scaled.den;
  const frac = m === 0 ? '' : (whole - (1n << BigInt(m))).toString(2).padStart(m, '0');
  const all = head + frac;
  return { bits: all.slice(0, chars), sticky: remainder !== 0n || all.slice(chars).includes('1') };
}

/** The value denoted by a positive magnitude string of any length (regime ‖ exponent ‖ fraction). */
export function valueOfBits(es: number, body: string): Q {
  const first = body[0];
  let run = 0;
  while (run < body.length && body[run] === first) run++;
  const k = first === '1' ? run - 1 : -run;
  const after = body.slice(run + 1); // skip the terminator (may be absent)
  const e = es === 0 ? 0 : parseInt(after.slice(0, es).padEnd(es, '0'), 2);
  const fracBits = after.slice(es);
  const fracDen = 1n << BigInt(fracBits.length);
  const frac = fracBits.length === 0 ? 0n : BigInt('0b' + fracBits);
  return qMul({ num: fracDen + frac, den: fracDen }, qPow2(k * 2 ** es + e));
}

/** The tie boundary between positive code c and c + 1: the value of c's magnitude bits ‖ '1'. */
export function tieBoundary(n: number, es: number, c: number): Q {
  return valueOfBits(es, c.toString(2).padStart(n - 1, '0') + '1');
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
 * Rounds x to posit(n, es) by the standard's rule on the unbounded bit string (see the header). `r` is
 * the 32-bit draw for stochastic rounding. (`_hint` is accepted for call compatibility and unused.)
 */
export function roundPosit(
  n: number,
  es: number,
  x: Q,
  mode: OracleRounding,
  r?: number,
  _hint?: number,
): OracleResult {
  if (x.num === 0n) return { code: 0, between: false };
  const { maxpos, minpos, maxCode, narCode } = positFacts(n, es);
  const a = qAbs(x);
  const { bits, sticky: below } = unboundedBits(es, a, n);
  const loCode = parseInt(bits.slice(0, n - 1), 2);
  const guard = bits[n - 1] === '1';
  const exact = !guard && !below;
  let mag: number;
  let between = false;
  if (mode === 'stochastic' && !exact && qCmp(a, maxpos) < 0 && qCmp(a, minpos) > 0) {
    // Strictly between the neighbours lo = value(loCode) and hi = value(loCode + 1).
    between = true;
    const lo = valueOfBits(es, bits.slice(0, n - 1));
    const hi = valueOfBits(es, (loCode + 1).toString(2).padStart(n - 1, '0'));
    mag = decide(a, loCode, lo, hi, lo, 'stochastic', r);
  } else {
    let up: boolean;
    if (mode === 'rtz' || mode === 'stochastic') up = false;
    else if (mode === 'rna') up = guard;
    else up = guard && (below || loCode % 2 === 1);
    mag = up ? loCode + 1 : loCode;
    between = !exact && qCmp(a, maxpos) < 0 && qCmp(a, minpos) > 0;
  }
  // The standard's saturation: a nonzero value never rounds to 0 nor to NaR.
  if (mag === 0) mag = 1;
  if (mag >= narCode) mag = maxCode;
  return { code: x.num < 0n ? 2 ** n - mag : mag, between };
}

/**
 * All positive values and tie boundaries of one posit(n, es), n ≤ 16, as integers on a common grid
 * (value · 2^gridBits), the points an exhaustive sweep tries. Every value and tie boundary (a string of
 * n bits) is a multiple of 2^−(n−1)·2^es, so gridBits = (n−1)·2^es + 4 holds them all with 4 spare bits
 * for "just inside" points.
 */
export class PositGrid {
  readonly gridBits: number;
  readonly maxCode: number;
  /** values[c] = value(c) · 2^gridBits for c = 1..maxCode (index 0 unused). */
  readonly values: bigint[] = [0n];
  /** boundaries[c] = tieBoundary(c) (c's bits ‖ '1') times 2^gridBits, for c = 1..maxCode−1. */
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
      if (c < this.maxCode) this.boundaries.push(this.onGrid(tieBoundary(n, es, c)));
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

  /** Rounds x by the bit-string rule (roundPosit); the grid only supplies the points to try. */
  round(x: Q, mode: OracleRounding, r?: number, _hint?: number): OracleResult {
    return roundPosit(this.n, this.es, x, mode, r);
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
