/**
 * Binary floats against the independent oracle in ./oracles/fp-oracle.ts.
 *
 * Every format of ≤ 9 bits (the named fp8/fp6/fp4/fp3 formats, the extra ml_dtypes shapes and a set of
 * generic shapes covering every variant, M = 0, E = 1 and negative bias) is swept exhaustively: decode
 * and the predicates of every code; encode of every value, of every midpoint between neighbouring
 * magnitudes (and between max and the overflow point V), of points an exact ε inside and outside each
 * midpoint and each value (as Rationals), and of the nearest float64s on either side (as numbers); both
 * signs; every rounding and overflow rule; stochastic rounding with the draws just below and at the exact
 * threshold ceil(frac·2^32), checking also how many draws were consumed.
 *
 * fp16 and bf16 (65536 codes): the float64 path exhaustively over all midpoints and their float64
 * neighbours, with the expected code derived from the oracle's value table and the known position of the
 * point (exact midpoint, just above, just below); the Rational path and stochastic rounding on a
 * deterministic sample of brackets including the zero, subnormal/normal and overflow edges.
 * fp32: fast-check properties against Math.fround and the oracle.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FormatError } from '../../src/formats/errors.js';
import {
  BF16,
  E8M0,
  FP16,
  FP3,
  FP32,
  FP4_E2M1,
  FP6_E2M3,
  FP6_E3M2,
  FP8_E4M3,
  FP8_E4M3FNUZ,
  FP8_E5M2,
  FP8_E5M2FNUZ,
  fp,
  signBit,
  signedNaN,
  type FloatFormat,
} from '../../src/formats/float.js';
import { seededRandom, type RandomSource } from '../../src/formats/random.js';
import type { Rational } from '../../src/formats/rational.js';
import type { Overflow, Rounding } from '../../src/formats/types.js';
import {
  floatOfQ,
  nextDown,
  nextUp,
  q,
  qAdd,
  qCmp,
  qHalf,
  qMul,
  qNeg,
  qOfFloat,
  qPow2,
  qSub,
  qToString,
  type Q,
} from './oracles/exact-rational.js';
import { E8m0Oracle, FpOracle, roundUpRule, type OEncode, type OValue } from './oracles/fp-oracle.js';

/** A random source that always returns `value` and counts its draws. */
class Scripted implements RandomSource {
  calls = 0;
  constructor(readonly value: number) {}
  nextUint32(): number {
    this.calls += 1;
    return this.value;
  }
}

const DETERMINISTIC: Array<Exclude<Rounding, 'stochastic'>> = ['rne', 'rtz', 'rna'];
const rat = (v: Q): Rational => ({ num: v.n, den: v.d });
const describeInput = (x: number | Q) => (typeof x === 'number' ? `${x}` : qToString(x));

interface Encodable {
  readonly name: string;
  readonly overflows: readonly Overflow[];
  encode(x: number | Rational, options?: { rounding?: Rounding; overflow?: Overflow; random?: RandomSource }): number;
}
interface EncodeOracle {
  encode(x: number | Q, rounding: Rounding, overflow: Overflow, r?: number): OEncode;
  stochasticThreshold(mag: Q): bigint;
}

/** Runs fmt.encode on one input and options; returns the code or 'error' for a FormatError. */
function run(fmt: Encodable, x: number | Q, rounding: Rounding, overflow: Overflow, random?: RandomSource): number | 'error' {
  try {
    return fmt.encode(typeof x === 'number' ? x : rat(x), { rounding, overflow, random });
  } catch (e) {
    if (e instanceof FormatError && e.code === 'unrepresentable') return 'error';
    throw e;
  }
}

/**
 * Checks one input under every rounding and overflow rule against the oracle; for stochastic rounding
 * tries r = T − 1 and T around the exact threshold T, and checks the number of draws. Mismatches are
 * pushed to `out` (so one sweep costs one expect).
 */
function checkPoint(fmt: Encodable, oracle: EncodeOracle, x: number | Q, out: string[], stochastic = true): void {
  for (const overflow of fmt.overflows) {
    for (const rounding of DETERMINISTIC) {
      const want = oracle.encode(x, rounding, overflow).code;
      const got = run(fmt, x, rounding, overflow);
      if (got !== want) out.push(`${fmt.name} ${describeInput(x)} ${rounding}/${overflow}: got ${got}, want ${want}`);
    }
    if (!stochastic) continue;
    const probe = oracle.encode(x, 'stochastic', overflow, 0);
    const rs: number[] = [];
    if (!probe.drawn || (typeof x === 'number' && !Number.isFinite(x))) rs.push(0);
    else {
      const mag = typeof x === 'number' ? qOfFloat(Math.abs(x)) : x.n < 0n ? qNeg(x) : x;
      let t: bigint;
      try {
        t = oracle.stochasticThreshold(mag);
      } catch {
        t = 0n; // beyond the overflow point: every draw overflows
      }
      for (const r of [t - 1n, t]) if (r >= 0n && r < 1n << 32n) rs.push(Number(r));
      if (rs.length === 0) rs.push(0);
    }
    for (const r of rs) {
      const want = oracle.encode(x, 'stochastic', overflow, r);
      const src = new Scripted(r);
      const got = run(fmt, x, 'stochastic', overflow, src);
      if (got !== want.code || src.calls !== (want.drawn ? 1 : 0)) {
        out.push(`${fmt.name} ${describeInput(x)} stochastic r=${r}/${overflow}: got ${got} (${src.calls} draws), want ${want.code} (${want.drawn ? 1 : 0})`);
      }
    }
  }
}

/** The float64 decode result as an oracle value, for exact comparison. */
function asOValue(v: number): OValue {
  if (Number.isNaN(v)) return { kind: 'nan' };
  if (v === Infinity || v === -Infinity) return { kind: 'inf', neg: v < 0 };
  return { kind: 'num', v: qOfFloat(v), negZero: Object.is(v, -0) };
}

function sameValue(a: OValue, b: OValue): boolean {
  if (a.kind === 'num' && b.kind === 'num') return qCmp(a.v, b.v) === 0 && a.negZero === b.negZero;
  if (a.kind === 'inf' && b.kind === 'inf') return a.neg === b.neg;
  return a.kind === b.kind;
}

function checkDecode(fmt: FloatFormat, oracle: FpOracle): string[] {
  const out: string[] = [];
  for (let c = 0; c < 2 ** fmt.bits; c++) {
    const want = oracle.decode(c);
    const got = fmt.decode(c);
    if (!sameValue(asOValue(got), want)) out.push(`${fmt.name} decode(0x${c.toString(16)}) = ${got}`);
    if (fmt.isNaN(c) !== (want.kind === 'nan')) out.push(`${fmt.name} isNaN(0x${c.toString(16)})`);
    if (fmt.isInf(c) !== (want.kind === 'inf')) out.push(`${fmt.name} isInf(0x${c.toString(16)})`);
    if (fmt.isNaR(c)) out.push(`${fmt.name} isNaR(0x${c.toString(16)})`);
  }
  return out;
}

/** Every magnitude bracket (lo, hi) of the format, ending with (max, V). */
function brackets(oracle: FpOracle): Array<[Q, Q]> {
  const out: Array<[Q, Q]> = [];
  for (let c = 0; c < oracle.maxCode; c++) out.push([oracle.magValue(c), oracle.magValue(c + 1)]);
  out.push([oracle.max, oracle.beyond]);
  return out;
}

/** Full sweep of a small format: values, midpoints, ε-neighbours (Rational) and float64 neighbours (number). */
function sweepFull(fmt: FloatFormat, oracle: FpOracle): string[] {
  const out: string[] = [];
  const points: Array<number | Q> = [NaN, Infinity, -Infinity, 0, -0, 5e-324, -5e-324, 1e300, -1e300];
  for (const [lo, hi] of brackets(oracle)) {
    const eps = qMul(qSub(hi, lo), qPow2(-24));
    const mid = qHalf(qAdd(lo, hi));
    points.push(lo, mid, qAdd(mid, eps), qSub(mid, eps), qAdd(lo, eps), qSub(hi, eps));
    const midF = floatOfQ(mid);
    const loF = floatOfQ(lo);
    points.push(loF, midF, nextUp(midF), nextDown(midF), nextUp(loF), nextDown(floatOfQ(hi)));
  }
  // Far below the smallest subnormal (normal float64s: the bit-level path's "shift > 53" branch).
  const ms = floatOfQ(oracle.magValue(1));
  points.push(ms * 0.25, ms * 0.1875, ms * 2 ** -40 * (1 + 2 ** -20), ms * 2 ** -60 * 3, ms * 2 ** -53, ms * 2 ** -54 * 1.5);
  const V = oracle.beyond;
  points.push(V, qAdd(V, qPow2(-30)), qMul(V, q(3n, 2n)), qMul(V, q(1n << 80n)), qPow2(3000), qPow2(-3000));
  for (const p of points) {
    checkPoint(fmt, oracle, p, out);
    if (typeof p === 'number') checkPoint(fmt, oracle, -p, out);
    else checkPoint(fmt, oracle, qNeg(p), out);
  }
  return out;
}

interface Shape {
  readonly fmt: FloatFormat;
  readonly spec: { e: number; m: number; bias: number; variant: 'ieee' | 'fn' | 'fnuz' | 'finite' };
}

const shape = (fmt: FloatFormat, e: number, m: number, bias: number, variant: Shape['spec']['variant']): Shape => ({
  fmt,
  spec: { e, m, bias, variant },
});

/** Small formats swept exhaustively: the named ones with the parameters formats.md gives, then generic shapes. */
const SMALL: Shape[] = [
  shape(FP8_E4M3, 4, 3, 7, 'fn'),
  shape(FP8_E5M2, 5, 2, 15, 'ieee'),
  shape(FP8_E4M3FNUZ, 4, 3, 8, 'fnuz'),
  shape(FP8_E5M2FNUZ, 5, 2, 16, 'fnuz'),
  shape(FP6_E2M3, 2, 3, 1, 'finite'),
  shape(FP6_E3M2, 3, 2, 3, 'finite'),
  shape(FP4_E2M1, 2, 1, 1, 'finite'),
  shape(FP3, 2, 0, 1, 'finite'),
  ...(
    [
      [4, 3, 7, 'ieee'], // ml_dtypes float8_e4m3
      [3, 4, 3, 'ieee'], // ml_dtypes float8_e3m4
      [4, 3, 11, 'fnuz'], // ml_dtypes float8_e4m3b11fnuz
      [2, 2, 1, 'fn'],
      [3, 1, 4, 'fnuz'],
      [1, 2, 0, 'finite'],
      [1, 3, 1, 'fn'],
      [1, 1, 1, 'finite'],
      [4, 0, 7, 'ieee'],
      [3, 0, 3, 'fn'],
      [2, 0, 2, 'fnuz'],
      [2, 5, -3, 'finite'],
      [3, 2, 3, 'ieee'],
      [6, 2, 31, 'ieee'],
      [5, 3, 16, 'fnuz'],
      [3, 5, 3, 'fn'], // M > 4: the bit-level path without encode tables
    ] as const
  ).map(([e, m, b, v]) => shape(fp(e, m, b, v), e, m, b, v)),
];

describe('binary floats of ≤ 9 bits, exhaustively against the oracle', () => {
  for (const { fmt, spec } of SMALL) {
    it(`${fmt.name}: decode and predicates of every code`, () => {
      expect(checkDecode(fmt, new FpOracle(spec))).toEqual([]);
    });
    it(`${fmt.name}: encode of values, midpoints and their neighbours, every rule`, () => {
      const out = sweepFull(fmt, new FpOracle(spec));
      expect(out.slice(0, 20)).toEqual([]);
    });
    it(`${fmt.name}: encode of random float64s across and beyond the range (property)`, () => {
      const oracle = new FpOracle(spec);
      const lo = Math.log2(fmt.minPositive) - 4;
      const hi = Math.log2(fmt.max) + 3;
      const xs = fc
        .tuple(fc.double({ min: lo, max: hi, noNaN: true }), fc.boolean(), fc.double({ min: 1, max: 2, noNaN: true }))
        .map(([e, neg, m]) => (neg ? -1 : 1) * m * 2 ** Math.floor(e));
      fc.assert(
        fc.property(xs, (x) => {
          const out: string[] = [];
          checkPoint(fmt, oracle, x, out);
          return out.length === 0;
        }),
        { numRuns: 300 },
      );
    });
  }
});

describe('fp16 and bf16', () => {
  const WIDE: Shape[] = [shape(FP16, 5, 10, 15, 'ieee'), shape(BF16, 8, 7, 127, 'ieee')];
  for (const { fmt, spec } of WIDE) {
    const oracle = new FpOracle(spec);
    it(`${fmt.name}: decode and predicates of every code`, () => {
      expect(checkDecode(fmt, oracle).slice(0, 20)).toEqual([]);
    });

    it(`${fmt.name}: float64 path over every value, midpoint and float64 neighbour, deterministic rules`, () => {
      const out: string[] = [];
      const n = oracle.maxCode;
      // Magnitudes as float64 (exact: decode of the oracle's own values).
      const vals = new Float64Array(n + 2);
      for (let c = 0; c <= n; c++) vals[c] = floatOfQ(oracle.magValue(c));
      vals[n + 1] = floatOfQ(oracle.beyond);
      for (const overflow of fmt.overflows) {
        for (const rounding of DETERMINISTIC) {
          const opts = { rounding, overflow };
          const expectCode = (loCode: number, vsMid: number, neg: boolean): number | 'error' => {
            const up = roundUpRule(rounding, vsMid, loCode % 2 === 0);
            // The oracle's own resolution of the chosen neighbour, reached through a point it locates itself
            // only when the bracket is the overflow one (cheap either way).
            if (up && loCode === n) return oracle.encode(neg ? -vals[n + 1] : vals[n + 1], rounding, overflow).code;
            const c = up ? loCode + 1 : loCode;
            return c === 0 ? (neg ? fmt.signMask : 0) : (neg ? fmt.signMask : 0) + c;
          };
          for (let c = 0; c <= n; c++) {
            const lo = vals[c];
            const hi = vals[c + 1];
            const mid = (lo + hi) / 2; // exact: one more bit than the format
            const above = nextUp(mid);
            const below = nextDown(mid);
            if (!(lo < below && above < hi)) throw new Error('bracket construction');
            for (const neg of [false, true]) {
              const s = neg ? -1 : 1;
              const check = (x: number, want: number | 'error') => {
                const got = fmt.encode(s * x, opts);
                if (got !== want) out.push(`${fmt.name} ${s * x} ${rounding}/${overflow}: got ${got}, want ${want}`);
              };
              check(lo, c === 0 ? (neg ? fmt.signMask : 0) : (neg ? fmt.signMask : 0) + c);
              check(mid, expectCode(c, 0, neg));
              check(above, expectCode(c, 1, neg));
              check(below, expectCode(c, -1, neg));
              if (c > 0) check(nextUp(lo), expectCode(c, -1, neg));
            }
          }
        }
      }
      expect(out.slice(0, 20)).toEqual([]);
    });

    it(`${fmt.name}: Rational path and stochastic rounding on a sample of brackets`, () => {
      const out: string[] = [];
      const all = brackets(oracle);
      const sub = Math.round(all.length / 2 ** spec.e); // about where subnormals end
      const picked = all.filter((_, i) => i < 24 || i > all.length - 24 || Math.abs(i - sub) < 12 || i % 211 === 0);
      for (const [lo, hi] of picked) {
        const eps = qMul(qSub(hi, lo), qPow2(-40));
        const mid = qHalf(qAdd(lo, hi));
        for (const p of [lo, mid, qAdd(mid, eps), qSub(mid, eps), qAdd(lo, eps), qSub(hi, eps)]) {
          checkPoint(fmt, oracle, p, out);
          checkPoint(fmt, oracle, qNeg(p), out);
        }
        const midF = floatOfQ(mid);
        for (const p of [midF, nextUp(midF), nextDown(midF)]) {
          checkPoint(fmt, oracle, p, out);
          checkPoint(fmt, oracle, -p, out);
        }
      }
      const ms = fmt.minPositive;
      for (const p of [qMul(oracle.beyond, q(5n, 4n)), qPow2(5000), qPow2(-5000), 1e308, 5e-324, ms * 2 ** -40 * (1 + 2 ** -20), ms * 2 ** -60 * 3]) {
        checkPoint(fmt, oracle, p, out);
      }
      expect(out.slice(0, 20)).toEqual([]);
    });
  }
});

describe('fp32 (property tests)', () => {
  const oracle = new FpOracle({ e: 8, m: 23, bias: 127, variant: 'ieee' });
  const f32 = new Float32Array(1);
  const bits = new Uint32Array(f32.buffer);

  it('rne with the default overflow is Math.fround, bit for bit', () => {
    fc.assert(
      fc.property(fc.double(), (x) => {
        const code = FP32.encode(x);
        if (Number.isNaN(x)) return code === 0x7fc00000;
        f32[0] = x;
        return code === bits[0] && Object.is(FP32.decode(code), Math.fround(x));
      }),
      { numRuns: 20000 },
    );
  });

  it('decode of any code matches the oracle', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (c) => sameValue(asOValue(FP32.decode(c)), oracle.decode(c))),
      { numRuns: 5000 },
    );
  });

  const roundings = fc.constantFrom<Rounding>('rne', 'rtz', 'rna');
  const overflows = fc.constantFrom<Overflow>('inf', 'saturate');
  // Doubles near fp32's interesting places: around max, in the subnormal range, and anywhere.
  const doubles = fc.oneof(
    fc.double({ noNaN: true }),
    fc.double({ min: 3.3e38, max: 3.5e38 }),
    fc.double({ min: -1e-37, max: 1e-37 }),
    fc.double({ min: -2e-45, max: 2e-45 }),
  );

  it('every deterministic rule and overflow matches the oracle (float64 input)', () => {
    fc.assert(
      fc.property(doubles, roundings, overflows, (x, rounding, overflow) => {
        return FP32.encode(x, { rounding, overflow }) === oracle.encode(x, rounding, overflow).code;
      }),
      { numRuns: 3000 },
    );
  });

  it('Rational input is rounded once, exactly as the oracle says', () => {
    const rationals = fc
      .tuple(fc.bigInt({ min: -(1n << 200n), max: 1n << 200n }), fc.bigInt({ min: 1n, max: 1n << 200n }), fc.integer({ min: -400, max: 300 }))
      .map(([n, d, k]) => qMul(q(n, d), qPow2(k)));
    fc.assert(
      fc.property(rationals, roundings, overflows, (x, rounding, overflow) => {
        return FP32.encode(rat(x), { rounding, overflow }) === oracle.encode(x, rounding, overflow).code;
      }),
      { numRuns: 1500 },
    );
  });

  it('stochastic rounding: the exact threshold and the draw count match the oracle', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: -3.4e38, max: 3.4e38 }), (x) => {
        const out: string[] = [];
        checkPoint(FP32, oracle, x, out);
        return out.length === 0;
      }),
      { numRuns: 500 },
    );
  });
});

describe('e8m0', () => {
  const oracle = new E8m0Oracle();

  it('decodes every code; 0xff is the only NaN; facts', () => {
    const out: string[] = [];
    for (let c = 0; c < 256; c++) {
      if (!sameValue(asOValue(E8M0.decode(c)), oracle.decode(c))) out.push(`decode ${c}`);
      if (E8M0.isNaN(c) !== (c === 255) || E8M0.isInf(c) || E8M0.isNaR(c)) out.push(`predicates ${c}`);
    }
    expect(out).toEqual([]);
    expect([E8M0.bits, E8M0.kind, E8M0.max, E8M0.min, E8M0.minPositive]).toEqual([8, 'fp', 2 ** 127, 2 ** -127, 2 ** -127]);
  });

  it('encode of every value, midpoint, ε-neighbour and float64 neighbour, under every rule', () => {
    const out: string[] = [];
    const points: Array<number | Q> = [NaN, Infinity, 0, -0, 5e-324, 1e-300, 2 ** -1000 * 1.5, 1e300, qPow2(-4000), qPow2(4000)];
    for (let k = -130; k <= 130; k++) {
      const lo = qPow2(k);
      const hi = qPow2(k + 1);
      const mid = qHalf(qAdd(lo, hi));
      const eps = qPow2(k - 30);
      points.push(lo, mid, qAdd(mid, eps), qSub(mid, eps), qAdd(lo, eps), qSub(hi, eps));
      const midF = floatOfQ(mid);
      points.push(floatOfQ(lo), midF, nextUp(midF), nextDown(midF), nextUp(floatOfQ(lo)));
    }
    for (const p of points) checkPoint(E8M0, oracle, p, out);
    expect(out.slice(0, 20)).toEqual([]);
  });

  it('negative input is an error; zero is the smallest scale', () => {
    expect(() => E8M0.encode(-1)).toThrow(FormatError);
    expect(() => E8M0.encode({ num: -3n, den: 4n })).toThrow(/negative/);
    expect([E8M0.encode(0), E8M0.encode(-0), E8M0.encode({ num: 0n, den: 1n })]).toEqual([0, 0, 0]);
  });
});

describe('named format facts (formats.md §2 table)', () => {
  const table: Array<[FloatFormat, number, number, number]> = [
    [FP8_E4M3, 448, 2 ** -6, 2 ** -9],
    [FP8_E5M2, 57344, 2 ** -14, 2 ** -16],
    [FP8_E4M3FNUZ, 240, 2 ** -7, 2 ** -10],
    [FP8_E5M2FNUZ, 57344, 2 ** -15, 2 ** -17],
    [FP6_E2M3, 7.5, 1, 0.125],
    [FP6_E3M2, 28, 0.25, 0.0625],
    [FP4_E2M1, 6, 1, 0.5],
    [FP16, 65504, 2 ** -14, 2 ** -24],
    [BF16, (2 - 2 ** -7) * 2 ** 127, 2 ** -126, 2 ** -133],
    [FP32, (2 - 2 ** -23) * 2 ** 127, 2 ** -126, 2 ** -149],
    [FP3, 4, 1, 1],
  ];
  for (const [fmt, max, minNormal, minSub] of table) {
    it(`${fmt.name}: max ${max}, min normal ${minNormal}, min subnormal ${minSub}`, () => {
      expect([fmt.max, fmt.min, fmt.minNormal, fmt.minPositive, fmt.kind]).toEqual([max, -max, minNormal, minSub, 'fp']);
    });
  }

  it('fp4_e2m1 and fp3 value lists', () => {
    expect([...FP4_E2M1.codes()].map((c) => FP4_E2M1.decode(c))).toEqual([0, 0.5, 1, 1.5, 2, 3, 4, 6, -0, -0.5, -1, -1.5, -2, -3, -4, -6]);
    expect([...FP3.codes()].map((c) => FP3.decode(c))).toEqual([0, 1, 2, 4, -0, -1, -2, -4]);
  });

  it('default overflow per format follows ml_dtypes; special codes', () => {
    expect([FP8_E4M3, FP8_E5M2, FP8_E4M3FNUZ, FP4_E2M1, FP16, E8M0].map((f) => f.defaultOverflow)).toEqual(['nan', 'inf', 'nan', 'saturate', 'inf', 'nan']);
    expect([FP8_E5M2.nanCode, FP16.nanCode, FP32.nanCode, FP8_E4M3.nanCode, FP8_E4M3FNUZ.nanCode, FP4_E2M1.nanCode]).toEqual([0x7e, 0x7e00, 0x7fc00000, 0x7f, 0x80, undefined]);
    // formats.md: fp8_e4m3 overflow beyond 464 → NaN, 464 ties to 448; saturating keeps 448.
    expect([FP8_E4M3.encode(464), FP8_E4M3.encode(464.01), FP8_E4M3.encode(-1e6), FP8_E4M3.encode(1e6, { overflow: 'saturate' })]).toEqual([0x7e, 0x7f, 0xff, 0x7e]);
    expect([FP8_E4M3.encode(Infinity, { overflow: 'saturate' }), FP8_E5M2.encode(-Infinity, { overflow: 'saturate' }), FP8_E4M3FNUZ.encode(-Infinity)]).toEqual([0x7f, 0xfc, 0x80]);
    expect([FP8_E4M3FNUZ.encode(-0), FP8_E4M3FNUZ.encode(-1e-10), FP8_E4M3.encode(-1e-10)]).toEqual([0, 0, 0x80]);
  });
});

describe('bad parameters and inputs', () => {
  const err = (f: () => unknown, code: string, message: RegExp) => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(FormatError);
      expect((e as FormatError).code).toBe(code);
      expect((e as FormatError).message).toMatch(message);
      return;
    }
    throw new Error('expected a FormatError');
  };

  it('rejects out-of-range fp parameters with a clear message', () => {
    err(() => fp(0, 3), 'bad-parameter', /exponent bits must be an integer ≥ 1, got 0/);
    err(() => fp(2.5, 3), 'bad-parameter', /exponent bits/);
    err(() => fp(4, -1), 'bad-parameter', /mantissa bits/);
    err(() => fp(8, 24), 'bad-parameter', /total width 1 \+ 8 \+ 24 = 33 bits exceeds 32/);
    err(() => fp(11, 20, 5000), 'bad-parameter', /do not fit float64/);
    err(() => fp(12, 5), 'bad-parameter', /do not fit float64/);
    err(() => fp(4, 3, 1.5), 'bad-parameter', /bias must be an integer/);
    err(() => fp(4, 3, 7, 'weird' as 'ieee'), 'bad-parameter', /variant must be one of ieee, fn, fnuz, finite/);
    err(() => fp(1, 0, 0, 'fn'), 'bad-parameter', /no normal numbers/);
    err(() => fp(1, 3, 0, 'ieee'), 'bad-parameter', /no normal numbers/);
  });

  it('rejects bad codes, unsupported rules and unrepresentable inputs', () => {
    for (const c of [-1, 256, 1.5, NaN]) err(() => FP8_E4M3.decode(c), 'bad-code', /is not a code of fp8_e4m3 \(0 to 255\)/);
    err(() => FP32.decode(2 ** 32), 'bad-code', /fp32/);
    err(() => E8M0.decode(256), 'bad-code', /e8m0/);
    err(() => FP8_E4M3.isNaN(300), 'bad-code', /fp8_e4m3/);
    err(() => FP8_E4M3.encode(1, { overflow: 'inf' }), 'unsupported-overflow', /fp8_e4m3 supports overflow 'nan' or 'saturate', not 'inf'/);
    err(() => FP4_E2M1.encode(1, { overflow: 'nan' }), 'unsupported-overflow', /fp4_e2m1 supports overflow 'saturate'/);
    err(() => E8M0.encode(1, { overflow: 'inf' }), 'unsupported-overflow', /e8m0/);
    err(() => FP16.encode(1.1, { rounding: 'stochastic' }), 'unsupported-rounding', /needs a seed/);
    err(() => FP8_E4M3.encode(1.1, { rounding: 'stochastic' }), 'unsupported-rounding', /needs a seed/);
    for (const f of [FP8_E4M3, FP16, E8M0]) err(() => f.encode(1, { rounding: 'up' as Rounding }), 'unsupported-rounding', /unknown rounding 'up'/);
    err(() => FP4_E2M1.encode(NaN), 'unrepresentable', /fp4_e2m1 has no NaN/);
    err(() => fp(4, 0, 7, 'ieee').encode(NaN), 'unrepresentable', /has no NaN/);
    err(() => [...FP32.codes()], 'too-wide', /fp32/);
  });

  it('generic names and defaults', () => {
    const f = fp(5, 2);
    expect([f.name, f.bias, f.variant, f.bits]).toEqual(['fp(5,2,15,ieee)', 15, 'ieee', 8]);
    expect(fp(4, 3, 8, 'fnuz').name).toBe('fp(4,3,8,fnuz)');
  });
});

describe('stochastic rounding with the seeded generator', () => {
  // Mean of N stochastic encodes of x: each is lo or hi = lo + q with P(hi) = p = (x − lo)/q, so the mean
  // of the decoded values has expectation x and standard deviation q·sqrt(p(1 − p)/N). With a fixed seed
  // the test is deterministic; the bound 5σ would be exceeded by chance with probability < 1e-6.
  const cases: Array<[Encodable & { decode(c: number): number }, number, number]> = [
    // format, x, distance between the neighbours of x
    [FP4_E2M1, 1.3, 0.5],
    [FP8_E4M3, -300, 32],
    [FP16, 1 + 2 ** -12, 2 ** -10],
    [BF16, 3e-39, 2 ** -133],
    [E8M0, 3.7, 2],
  ];
  const N = 20000;
  for (const [fmt, x, q] of cases) {
    it(`${fmt.name}: mean of ${N} encodes of ${x} is ${x} within 5σ`, () => {
      const random = seededRandom(12345);
      let sum = 0;
      for (let i = 0; i < N; i++) sum += fmt.decode(fmt.encode(x, { rounding: 'stochastic', random }));
      const lo = Math.floor(Math.abs(x) / q) * q; // exact: q is a power of two
      const p = (Math.abs(x) - lo) / q;
      const sigma = q * Math.sqrt((p * (1 - p)) / N);
      expect(Math.abs(sum / N - x)).toBeLessThan(5 * sigma);
    });
  }

  it('is reproducible: the same seed gives the same codes, another seed different ones', () => {
    const xs = Array.from({ length: 500 }, (_, i) => Math.sin(i) * 100);
    const codes = (seed: number) => {
      const random = seededRandom(seed);
      return xs.map((x) => FP8_E4M3.encode(x, { rounding: 'stochastic', random }));
    };
    expect(codes(7)).toEqual(codes(7));
    expect(codes(7)).not.toEqual(codes(8));
  });
});

describe('NaN keeps its sign on request (keepNaNSign) where the format has a NaN of each sign', () => {
  it('−NaN (built from bits, or read from a Float32Array) encodes to the negative NaN code', () => {
    const neg = signedNaN(true);
    expect([Number.isNaN(neg), signBit(neg), signBit(signedNaN(false))]).toEqual([true, true, false]);
    const f32 = new Float32Array(1);
    new Uint32Array(f32.buffer)[0] = 0xffc00000; // float32 −NaN, as a tensor would hold it
    // Hand facts (ml_dtypes float8_e4m3fn/e5m2, IEEE binary16/bfloat16/binary32 quiet NaNs with the sign).
    for (const [f, pos, negCode] of [
      [FP8_E4M3, 0x7f, 0xff],
      [FP8_E5M2, 0x7e, 0xfe],
      [FP16, 0x7e00, 0xfe00],
      [BF16, 0x7fc0, 0xffc0],
      [FP32, 0x7fc00000, 0xffc00000],
      [FP8_E4M3FNUZ, 0x80, 0x80],
      [FP8_E5M2FNUZ, 0x80, 0x80],
    ] as const) {
      for (const rounding of ['rne', 'rtz', 'rna'] as const) {
        const keep = { rounding, keepNaNSign: true };
        const got = [f.encode(signedNaN(false), keep), f.encode(neg, keep), f.encode(f32[0], keep)];
        expect([f.name, ...got]).toEqual([f.name, pos, negCode, negCode]);
        // Without keepNaNSign every NaN (e.g. x86's negative default NaN from ∞ − ∞) is the positive one.
        const inf = [Infinity][0];
        const plain = [f.encode(neg, { rounding }), f.encode(f32[0], { rounding }), f.encode(inf - inf, { rounding })];
        expect([f.name, ...plain]).toEqual([f.name, pos, pos, pos]);
      }
    }
    expect(E8M0.encode(neg, { keepNaNSign: true })).toBe(0xff);
  });
});
