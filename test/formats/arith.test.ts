/**
 * Exact arithmetic on codes (src/formats/arith.ts) against independent models written here in BigInt:
 * an IEEE-style model of fp(E, M, bias, variant) (decode from the bit fields, round on an unbounded
 * exponent, then the overflow rule), a posit model (decode from the bit string, round with the
 * (n+1)-bit boundary, ties to the even code, never to 0 or NaR), a saturating integer model, and
 * nearest-entry models for nf4 and complex2. Exhaustive over all code pairs where the space is small
 * (fp8_e4m3 and fp8_e5m2 mul/add, posit8_0 mul, posit8_2 add, nf4), fast-check elsewhere.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { add, dot, fma, mul } from '../../src/formats/arith.js';
import { FormatError } from '../../src/formats/errors.js';
import {
  BF16,
  FP16,
  FP32,
  FP4_E2M1,
  FP8_E4M3,
  FP8_E4M3FNUZ,
  FP8_E5M2,
  FloatFormat,
} from '../../src/formats/float.js';
import type { NumberFormat } from '../../src/formats/index.js';
import { intFormat } from '../../src/formats/int.js';
import { COMPLEX2, NF4 } from '../../src/formats/named-luts.js';
import { POSIT8_0, posit } from '../../src/formats/posit.js';
import { Quire } from '../../src/formats/quire.js';
import type { EncodeOptions, Overflow, Rounding } from '../../src/formats/types.js';

// ---------- exact fractions ----------
interface Q {
  n: bigint;
  d: bigint;
}
function gcd(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b) [a, b] = [b, a % b];
  return a;
}
function q(n: bigint, d = 1n): Q {
  if (d < 0n) [n, d] = [-n, -d];
  const g = gcd(n, d) || 1n;
  return { n: n / g, d: d / g };
}
const ZERO = q(0n);
const addQ = (a: Q, b: Q): Q => q(a.n * b.d + b.n * a.d, a.d * b.d);
const mulQ = (a: Q, b: Q): Q => q(a.n * b.n, a.d * b.d);
const cmpQ = (a: Q, b: Q): number => {
  const l = a.n * b.d;
  const r = b.n * a.d;
  return l < r ? -1 : l > r ? 1 : 0;
};
const absQ = (a: Q): Q => ({ n: a.n < 0n ? -a.n : a.n, d: a.d });
const p2 = (e: number): Q => (e >= 0 ? q(1n << BigInt(e)) : q(1n, 1n << BigInt(-e)));

/** A value in the models: NaN (or NaR), a signed infinity, or a finite value with a sign (for ±0). */
type V = { kind: 'nan' } | { kind: 'inf'; neg: boolean } | { kind: 'fin'; q: Q; neg: boolean };
const NAN: V = { kind: 'nan' };
const show = (v: V): string =>
  v.kind === 'nan'
    ? 'nan'
    : v.kind === 'inf'
      ? v.neg
        ? '-inf'
        : 'inf'
      : `${v.neg ? '(-)' : ''}${v.q.n}/${v.q.d}`;

/** IEEE 754 semantics of Σ x_i·y_i + Σ z_j, exact: the model's own statement of the special rules. */
function exactSum(products: Array<[V, V]>, addends: V[]): V {
  const terms: V[] = [];
  for (const [x, y] of products) {
    if (x.kind === 'nan' || y.kind === 'nan') return NAN;
    const neg = x.neg !== y.neg;
    if (x.kind === 'inf' || y.kind === 'inf') {
      const zero = (v: V): boolean => v.kind === 'fin' && v.q.n === 0n;
      if (zero(x) || zero(y)) return NAN;
      terms.push({ kind: 'inf', neg });
    } else {
      terms.push({ kind: 'fin', q: mulQ(x.q, y.q), neg });
    }
  }
  terms.push(...addends);
  if (terms.some((t) => t.kind === 'nan')) return NAN;
  const infs = terms.filter((t) => t.kind === 'inf') as Array<{ kind: 'inf'; neg: boolean }>;
  if (infs.length) return infs.some((t) => t.neg !== infs[0].neg) ? NAN : infs[0];
  const fins = terms as Array<{ kind: 'fin'; q: Q; neg: boolean }>;
  const s = fins.reduce((acc, t) => addQ(acc, t.q), ZERO);
  if (s.n !== 0n) return { kind: 'fin', q: s, neg: s.n < 0n };
  return { kind: 'fin', q: ZERO, neg: fins.length > 0 && fins.every((t) => t.neg) };
}

// ---------- binary float model ----------
interface FpSpec {
  E: number;
  M: number;
  bias: number;
  variant: 'ieee' | 'fn' | 'fnuz' | 'finite';
}
const specOf = (f: FloatFormat): FpSpec => ({
  E: f.exponentBits,
  M: f.mantissaBits,
  bias: f.bias,
  variant: f.variant,
});

function fpDecode(s: FpSpec, code: number): V {
  const bits = 1 + s.E + s.M;
  const neg = Math.floor(code / 2 ** (bits - 1)) === 1;
  const exp = Math.floor(code / 2 ** s.M) % 2 ** s.E;
  const frac = code % 2 ** s.M;
  const allOnes = 2 ** s.E - 1;
  if (s.variant === 'fnuz' && code === 2 ** (bits - 1)) return NAN;
  if (s.variant === 'fn' && exp === allOnes && frac === 2 ** s.M - 1) return NAN;
  if (s.variant === 'ieee' && exp === allOnes) return frac ? NAN : { kind: 'inf', neg };
  const mag =
    exp === 0
      ? mulQ(q(BigInt(frac)), p2(1 - s.bias - s.M))
      : mulQ(q(BigInt(2 ** s.M + frac)), p2(exp - s.bias - s.M));
  return { kind: 'fin', q: neg ? q(-mag.n, mag.d) : mag, neg };
}

function fpMax(s: FpSpec): Q {
  const allOnes = 2 ** s.E - 1;
  const [exp, frac] =
    s.variant === 'ieee'
      ? [allOnes - 1, 2 ** s.M - 1]
      : s.variant === 'fn'
        ? [allOnes, 2 ** s.M - 2]
        : [allOnes, 2 ** s.M - 1];
  return mulQ(q(BigInt(2 ** s.M + frac)), p2(exp - s.bias - s.M));
}

function floorLog2(a: Q): number {
  let e = a.n.toString(2).length - a.d.toString(2).length;
  if (cmpQ(a, p2(e)) < 0) e -= 1;
  return e;
}

/** Rounds an exact value to the format (rne/rtz/rna), with the overflow rule; returns the model value. */
/** `away`: the model's round-away-from-zero (the upper neighbour of stochastic rounding). */
function fpRound(s: FpSpec, v: V, rounding: Rounding | 'away', overflow?: Overflow): V {
  const ov: Overflow =
    overflow ?? (s.variant === 'ieee' ? 'inf' : s.variant === 'finite' ? 'saturate' : 'nan');
  if (v.kind === 'nan') return NAN;
  if (v.kind === 'inf') return s.variant === 'ieee' ? v : NAN; // no infinity: NaN (ml_dtypes)
  const zero = (neg: boolean): V => ({ kind: 'fin', q: ZERO, neg: neg && s.variant !== 'fnuz' });
  if (v.q.n === 0n) return zero(v.neg);
  const neg = v.q.n < 0n;
  const a = absQ(v.q);
  const eq = Math.max(floorLog2(a), 1 - s.bias) - s.M; // quantum exponent
  const scaled = mulQ(a, p2(-eq));
  let k = scaled.n / scaled.d;
  const rem2 = cmpQ(mulQ(addQ(scaled, q(-k)), q(2n)), q(1n)); // sign of (remainder − 1/2)
  const exact = k * scaled.d === scaled.n;
  if (!exact) {
    const up =
      rounding === 'away' ||
      (rounding === 'rna' && rem2 >= 0) ||
      (rounding === 'rne' && (rem2 > 0 || (rem2 === 0 && k % 2n === 1n)));
    if (up) k += 1n;
  }
  const mag = mulQ(q(k), p2(eq));
  const max = fpMax(s);
  if (cmpQ(mag, max) > 0) {
    const sat: V = { kind: 'fin', q: neg ? q(-max.n, max.d) : max, neg };
    if (rounding === 'rtz' || ov === 'saturate') return sat;
    return ov === 'inf' ? { kind: 'inf', neg } : NAN;
  }
  if (mag.n === 0n) return zero(neg);
  return { kind: 'fin', q: neg ? q(-mag.n, mag.d) : mag, neg };
}

function sameV(a: V, b: V): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'nan') return true;
  if (a.kind === 'inf') return a.neg === (b as { neg: boolean }).neg;
  const bf = b as { q: Q; neg: boolean };
  return cmpQ(a.q, bf.q) === 0 && a.neg === bf.neg;
}

// ---------- posit model ----------
function positDecode(n: number, es: number, code: number): Q | 'nar' {
  if (code === 0) return ZERO;
  if (code === 2 ** (n - 1)) return 'nar';
  const neg = code > 2 ** (n - 1);
  const c = neg ? 2 ** n - code : code;
  const body = c.toString(2).padStart(n, '0').slice(1);
  const r0 = body[0];
  let run = 0;
  while (run < body.length && body[run] === r0) run++;
  const k = r0 === '1' ? run - 1 : -run;
  const rest = body.slice(run + 1);
  const e = parseInt(rest.slice(0, es).padEnd(es, '0') || '0', 2);
  const fracBits = rest.slice(es);
  const f = fracBits.length ? q(BigInt('0b' + fracBits), 1n << BigInt(fracBits.length)) : ZERO;
  const v = mulQ(addQ(q(1n), f), p2(k * 2 ** es + e));
  return neg ? q(-v.n, v.d) : v;
}

interface PositModel {
  n: number;
  es: number;
  /** values[c] for c = 1 .. 2^(n-1) − 1 (positive codes, ascending). */
  values: Q[];
  /** bounds[c]: the (n+1)-bit posit 2c+1, the rounding boundary between c and c+1. */
  bounds: Q[];
}
function positModel(n: number, es: number): PositModel {
  const top = 2 ** (n - 1);
  const values: Q[] = [];
  const bounds: Q[] = [];
  for (let c = 1; c < top; c++) {
    values[c] = positDecode(n, es, c) as Q;
    bounds[c] = positDecode(n + 1, es, 2 * c + 1) as Q;
  }
  return { n, es, values, bounds };
}
function positRound(m: PositModel, v: V): number {
  if (v.kind !== 'fin') return 2 ** (m.n - 1); // NaR
  if (v.q.n === 0n) return 0;
  const a = absQ(v.q);
  const top = 2 ** (m.n - 1) - 1;
  let c: number;
  if (cmpQ(a, m.values[top]) >= 0) c = top;
  else if (cmpQ(a, m.values[1]) <= 0) c = 1;
  else {
    let lo = 1;
    let hi = top;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (cmpQ(m.values[mid], a) <= 0) lo = mid;
      else hi = mid;
    }
    const o = cmpQ(a, m.bounds[lo]);
    c = o < 0 || cmpQ(a, m.values[lo]) === 0 ? lo : o > 0 ? lo + 1 : lo % 2 === 0 ? lo : lo + 1;
  }
  return v.q.n < 0n ? 2 ** m.n - c : c;
}
const positV = (m: PositModel, code: number): V => {
  const d = positDecode(m.n, m.es, code);
  return d === 'nar' ? NAN : { kind: 'fin', q: d, neg: d.n < 0n };
};

// ---------- harness ----------
type Op = 'mul' | 'add' | 'fma' | 'dot';
interface Model {
  f: NumberFormat;
  /** The exact result's expected code check: does `got` hold the model's rounding of the exact value? */
  check(exact: V, got: number, rounding: Rounding): boolean;
  value(code: number): V;
}
function fpModel(f: FloatFormat): Model {
  const s = specOf(f);
  return {
    f,
    value: (c) => fpDecode(s, c),
    check: (exact, got, rounding) => sameV(fpDecode(s, got), fpRound(s, exact, rounding)),
  };
}
function positArith(n: number, es: number): Model {
  const m = positModel(n, es);
  return { f: posit(n, es), value: (c) => positV(m, c), check: (exact, got) => got === positRound(m, exact) };
}
function intModel(bits: number): Model {
  const f = intFormat(bits, true);
  const min = -(2n ** BigInt(bits - 1));
  const max = 2n ** BigInt(bits - 1) - 1n;
  return {
    f,
    value: (c) => {
      const v = c >= 2 ** (bits - 1) ? c - 2 ** bits : c;
      return { kind: 'fin', q: q(BigInt(v)), neg: v < 0 };
    },
    check: (exact, got) => {
      if (exact.kind !== 'fin') return false;
      const v = exact.q.n; // integers
      const sat = v > max ? max : v < min ? min : v;
      return BigInt(got >= 2 ** (bits - 1) ? got - 2 ** bits : got) === sat;
    },
  };
}

function expectedOf(m: Model, op: Op, codes: number[][]): V {
  const v = (c: number): V => m.value(c);
  switch (op) {
    case 'mul':
      return exactSum([[v(codes[0][0]), v(codes[0][1])]], []);
    case 'add':
      return exactSum([], [v(codes[0][0]), v(codes[0][1])]);
    case 'fma':
      return exactSum([[v(codes[0][0]), v(codes[0][1])]], [v(codes[0][2])]);
    case 'dot':
      return exactSum(
        codes[0].map((a, i) => [v(a), v(codes[1][i])] as [V, V]),
        [],
      );
  }
}
function run(m: Model, op: Op, codes: number[][], options?: EncodeOptions): number {
  const [a, b, c] = codes[0];
  switch (op) {
    case 'mul':
      return mul(m.f, a, b, options);
    case 'add':
      return add(m.f, a, b, options);
    case 'fma':
      return fma(m.f, a, b, c, options);
    case 'dot':
      return dot(m.f, codes[0], codes[1], options);
  }
}
function agree(m: Model, op: Op, codes: number[][], rounding: Rounding = 'rne'): boolean {
  const got = run(m, op, codes, { rounding });
  const ok = m.check(expectedOf(m, op, codes), got, rounding);
  if (!ok) {
    throw new Error(
      `${m.f.name} ${op} ${JSON.stringify(codes)} ${rounding}: got 0x${got.toString(16)} want ${show(expectedOf(m, op, codes))}`,
    );
  }
  return ok;
}

// ---------- exhaustive ----------
describe('arith: all code pairs of 8-bit formats', () => {
  const pairs = (m: Model, op: Op): void => {
    for (let a = 0; a < 256; a++) for (let b = 0; b < 256; b++) agree(m, op, [[a, b]]);
  };
  it('fp8_e4m3 mul (65536 pairs)', () => pairs(fpModel(FP8_E4M3), 'mul'));
  it('fp8_e4m3 add (65536 pairs)', () => pairs(fpModel(FP8_E4M3), 'add'));
  it('fp8_e5m2 mul (65536 pairs, with ±inf)', () => pairs(fpModel(FP8_E5M2), 'mul'));
  it('fp8_e5m2 add (65536 pairs, with ±inf)', () => pairs(fpModel(FP8_E5M2), 'add'));
  it('posit8_0 mul (65536 pairs)', () => pairs(positArith(8, 0), 'mul'));
  it('posit8_2 add (65536 pairs)', () => pairs(positArith(8, 2), 'add'));
  it('fp4_e2m1 fma, every triple, every deterministic rounding', () => {
    const m = fpModel(FP4_E2M1);
    for (const r of ['rne', 'rtz', 'rna'] as const) {
      for (let a = 0; a < 16; a++)
        for (let b = 0; b < 16; b++) for (let c = 0; c < 16; c++) agree(m, 'fma', [[a, b, c]], r);
    }
  });
  it('fp8_e4m3fnuz mul and add over a sweep (no −0; NaN is 0x80)', () => {
    const m = fpModel(FP8_E4M3FNUZ);
    for (let a = 0; a < 256; a += 3)
      for (let b = 0; b < 256; b += 1) agree(m, (a + b) % 2 ? 'mul' : 'add', [[a, b]]);
  });
});

describe('arith: the IEEE special-value rules, spelled out', () => {
  const e5 = FP8_E5M2; // ieee: inf 0x7c, NaN 0x7d.., −0 0x80
  const INF = 0x7c;
  const NINF = 0xfc;
  const ONE = 0x3c;
  const NONE = 0xbc;
  it('NaN propagates; ∞·0 and ∞ − ∞ are NaN', () => {
    expect(e5.isNaN(mul(e5, INF, 0x00))).toBe(true);
    expect(e5.isNaN(mul(e5, 0x80, NINF))).toBe(true);
    expect(e5.isNaN(add(e5, INF, NINF))).toBe(true);
    expect(e5.isNaN(fma(e5, INF, ONE, NINF))).toBe(true);
    expect(e5.isNaN(add(e5, 0x7e, ONE))).toBe(true);
    expect(e5.isNaN(dot(e5, [ONE, INF], [ONE, 0x00]))).toBe(true);
    expect(mul(e5, INF, NONE)).toBe(NINF);
    expect(add(e5, INF, ONE)).toBe(INF);
  });
  it('signs of exact zeros: x + (−x) = +0, (−0) + (−0) = −0, products xor', () => {
    expect(add(e5, ONE, NONE)).toBe(0x00);
    expect(add(e5, 0x80, 0x80)).toBe(0x80);
    expect(add(e5, 0x80, 0x00)).toBe(0x00);
    expect(mul(e5, 0x80, ONE)).toBe(0x80);
    expect(mul(e5, 0x80, NONE)).toBe(0x00);
    expect(fma(e5, 0x80, ONE, 0x80)).toBe(0x80);
    expect(fma(e5, ONE, NONE, ONE)).toBe(0x00);
    expect(dot(e5, [], [])).toBe(0x00);
    expect(dot(e5, [0x80, 0x00], [ONE, NONE])).toBe(0x80);
    for (const r of ['rtz', 'rna'] as const) expect(add(e5, ONE, NONE, { rounding: r })).toBe(0x00);
  });
  it('underflow keeps the sign of the exact result', () => {
    // smallest subnormal squared rounds to ∓0
    expect(mul(e5, 0x01, 0x81)).toBe(0x80);
    expect(mul(e5, 0x81, 0x81)).toBe(0x00);
  });
  it('overflow follows the overflow rule', () => {
    const max = 0x7b; // 57344
    expect(add(e5, max, max)).toBe(INF);
    expect(add(e5, max, max, { overflow: 'saturate' })).toBe(max);
    expect(add(e5, max, max, { rounding: 'rtz' })).toBe(max);
    expect(FP8_E4M3.isNaN(add(FP8_E4M3, 0x7e, 0x7e))).toBe(true); // 448 + 448 → NaN by default
    expect(add(FP8_E4M3, 0x7e, 0x7e, { overflow: 'saturate' })).toBe(0x7e);
    expect(add(FP4_E2M1, 0x7, 0x7)).toBe(0x7); // finite formats saturate
  });
  it('posit NaR propagates; quire-style dot products round once', () => {
    const p = POSIT8_0;
    expect(mul(p, 0x80, 0x40)).toBe(0x80);
    expect(add(p, 0x00, 0x80)).toBe(0x80);
    expect(dot(p, [0x40, 0x80], [0x40, 0x40])).toBe(0x80);
    // maxpos·maxpos − maxpos·maxpos + 1 = 1 exactly (a non-fused unit would saturate first)
    expect(dot(p, [0x7f, 0x7f, 0x40], [0x7f, 0x81, 0x40])).toBe(0x40);
  });
  it('int results saturate once at the end', () => {
    const i8 = intFormat(8, true);
    expect(dot(i8, [100, 100, 0x9c], [1, 1, 1])).toBe(100); // 100 + 100 − 100
    expect(mul(i8, 100, 100)).toBe(127);
    expect(mul(i8, 0x80, 0x7f)).toBe(0x80);
  });
  it('rejects mismatched dot operands and out-of-range codes', () => {
    for (const f of [
      () => dot(FP16, [1, 2], [3]),
      () => mul(FP8_E4M3, 256, 1),
      () => add(NF4, -1, 0),
      () => mul(POSIT8_0, 1.5, 1),
    ]) {
      expect(f).toThrow(FormatError);
    }
  });
});

// ---------- property tests ----------
const codeOf = (bits: number) => fc.integer({ min: 0, max: 2 ** bits - 1 });
function properties(m: Model, runs: number, roundings: readonly Rounding[] = ['rne']): void {
  const bits = m.f.bits;
  const r = fc.constantFrom(...roundings);
  it(`${m.f.name} mul/add/fma/dot vs the model (${roundings.join(', ')})`, () => {
    fc.assert(
      fc.property(
        codeOf(bits),
        codeOf(bits),
        r,
        (a, b, rr) => agree(m, 'mul', [[a, b]], rr) && agree(m, 'add', [[a, b]], rr),
      ),
      {
        numRuns: runs,
      },
    );
    fc.assert(
      fc.property(codeOf(bits), codeOf(bits), codeOf(bits), r, (a, b, c, rr) =>
        agree(m, 'fma', [[a, b, c]], rr),
      ),
      {
        numRuns: runs,
      },
    );
    fc.assert(
      fc.property(
        fc
          .integer({ min: 0, max: 8 })
          .chain((n) =>
            fc.tuple(
              fc.array(codeOf(bits), { minLength: n, maxLength: n }),
              fc.array(codeOf(bits), { minLength: n, maxLength: n }),
            ),
          ),
        r,
        ([as, bs], rr) => agree(m, 'dot', [as, bs], rr),
      ),
      { numRuns: runs },
    );
  });
}

describe('arith: property tests against the models', () => {
  properties(fpModel(FP8_E4M3), 300, ['rne', 'rtz', 'rna']);
  properties(fpModel(FP8_E5M2), 300, ['rne', 'rtz', 'rna']);
  properties(fpModel(FP16), 400, ['rne', 'rtz', 'rna']);
  properties(fpModel(BF16), 300);
  properties(positArith(8, 0), 300);
  properties(positArith(8, 2), 300);
  properties(positArith(16, 1), 200);
  properties(intModel(8), 300);
  // Wide formats: products and sums that float64 cannot hold exactly take the Rational path.
  properties(fpModel(FP32), 300, ['rne', 'rtz', 'rna']);
  properties(intModel(32), 300);
});

describe('arith: stochastic rounding', () => {
  it('gives one of the two neighbours of the exact result and is reproducible', () => {
    const m = fpModel(FP16);
    const s = specOf(FP16);
    const draws = (seed: number) => {
      let x = seed;
      return { nextUint32: () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0) };
    };
    fc.assert(
      fc.property(codeOf(16), codeOf(16), fc.integer(), (a, b, seed) => {
        const got = mul(FP16, a, b, { rounding: 'stochastic', random: draws(seed) });
        expect(mul(FP16, a, b, { rounding: 'stochastic', random: draws(seed) })).toBe(got);
        const exact = expectedOf(m, 'mul', [[a, b]]);
        const g = fpDecode(s, got);
        return sameV(g, fpRound(s, exact, 'rtz')) || sameV(g, fpRound(s, exact, 'away'));
      }),
      { numRuns: 300 },
    );
  });
});

// ---------- posits: the same single rounding as the quire ----------
describe('arith on posits agrees with the quire (helper: src/formats/quire.ts)', () => {
  for (const [n, es] of [
    [8, 0],
    [8, 2],
    [16, 1],
    [32, 2],
  ] as const) {
    it(`posit${n}_${es}: dot and fma = quire accumulate, then one rounding`, () => {
      const f = posit(n, es);
      const code = fc.integer({ min: 0, max: 2 ** n - 1 });
      fc.assert(
        fc.property(fc.array(fc.tuple(code, code), { maxLength: 12 }), code, (pairs, c) => {
          const quire = new Quire(f);
          for (const [a, b] of pairs) quire.addProduct(a, b);
          expect(
            dot(
              f,
              pairs.map((p) => p[0]),
              pairs.map((p) => p[1]),
            ),
          ).toBe(quire.toPosit());
          if (pairs.length) {
            const q1 = new Quire(f);
            q1.addProduct(pairs[0][0], pairs[0][1]);
            q1.addPosit(c);
            expect(fma(f, pairs[0][0], pairs[0][1], c)).toBe(q1.toPosit());
          }
        }),
        { numRuns: 300 },
      );
    });
  }
});

// ---------- lookup tables ----------
describe('arith on lookup formats', () => {
  it('nf4: every pair, mul and add, nearest entry (ties → even code)', () => {
    const table = NF4.entries();
    const exactOf = (v: number): Q => {
      const dv = new DataView(new ArrayBuffer(4));
      dv.setFloat32(0, v);
      const bits = dv.getUint32(0);
      const e = (bits >>> 23) & 0xff;
      const m = BigInt((bits & 0x7fffff) | (e ? 0x800000 : 0));
      const r = mulQ(q(m), p2((e || 1) - 150));
      return bits >>> 31 ? q(-r.n, r.d) : r;
    };
    const vals = table.map(exactOf);
    const nearest = (x: Q): number => {
      let best = 0;
      for (let c = 1; c < 16; c++) {
        const o = cmpQ(
          absQ(addQ(x, q(-vals[c].n, vals[c].d))),
          absQ(addQ(x, q(-vals[best].n, vals[best].d))),
        );
        if (o < 0 || (o === 0 && c % 2 === 0)) best = c;
      }
      return best;
    };
    for (let a = 0; a < 16; a++) {
      for (let b = 0; b < 16; b++) {
        expect(mul(NF4, a, b)).toBe(nearest(mulQ(vals[a], vals[b])));
        expect(add(NF4, a, b)).toBe(nearest(addQ(vals[a], vals[b])));
      }
    }
  });

  it('complex2: {±1, ±i} products form a group; sums go to the nearest point (ties → even, then lower code)', () => {
    // code → (re, im)
    const pts: Array<[number, number]> = [
      [1, 0],
      [-1, 0],
      [0, 1],
      [0, -1],
    ];
    const nearest = (re: number, im: number): number => {
      const d = pts.map(([r, i]) => (re - r) ** 2 + (im - i) ** 2);
      const best = Math.min(...d);
      const ties = [0, 1, 2, 3].filter((c) => d[c] === best);
      return ties.find((c) => c % 2 === 0) ?? ties[0];
    };
    for (let a = 0; a < 4; a++) {
      for (let b = 0; b < 4; b++) {
        const [ar, ai] = pts[a];
        const [br, bi] = pts[b];
        expect(mul(COMPLEX2, a, b)).toBe(nearest(ar * br - ai * bi, ar * bi + ai * br));
        expect(add(COMPLEX2, a, b)).toBe(nearest(ar + br, ai + bi));
        for (let c = 0; c < 4; c++) {
          const [cr, ci] = pts[c];
          expect(fma(COMPLEX2, a, b, c)).toBe(nearest(ar * br - ai * bi + cr, ar * bi + ai * br + ci));
        }
      }
    }
    expect(mul(COMPLEX2, 2, 2)).toBe(1); // i·i = −1
    expect(dot(COMPLEX2, [2, 3, 2], [2, 3, 0])).toBe(nearest(-2, 1));
    expect(() => mul(COMPLEX2, 2, 2, { rounding: 'rtz' })).toThrow(FormatError);
  });
});
