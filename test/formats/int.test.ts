/**
 * Integer formats against the independent oracle in ./oracles/int-oracle.ts and the ml_dtypes vectors.
 *
 * Every intN / uintN with N ≤ 16: decode of every code; encode of every integer in range and beyond,
 * every midpoint k + 1/2 and its float64 neighbours, both signs, every deterministic rule (expected code
 * from the oracle's rounding rule applied to the known position of the point, then the oracle's
 * saturation). N ≤ 8 additionally: the full oracle on Rational points (midpoints ± ε, integers + ε) and
 * stochastic rounding with the draws at the exact threshold, counting draws. int32/uint32: fast-check.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FormatError } from '../../src/formats/errors.js';
import { intFormat, type IntFormat } from '../../src/formats/int.js';
import { seededRandom, type RandomSource } from '../../src/formats/random.js';
import type { Rounding } from '../../src/formats/types.js';
import { nextDown, nextUp, q, qAdd, qNeg, qOfFloat, qPow2, qSub, qToString, type Q } from './oracles/exact-rational.js';
import { roundUpRule } from './oracles/fp-oracle.js';
import { IntOracle } from './oracles/int-oracle.js';

const DETERMINISTIC: Array<Exclude<Rounding, 'stochastic'>> = ['rne', 'rtz', 'rna'];
const WIDTHS = Array.from({ length: 15 }, (_, i) => i + 2); // 2..16

class Scripted implements RandomSource {
  calls = 0;
  constructor(readonly value: number) {}
  nextUint32(): number {
    this.calls += 1;
    return this.value;
  }
}

function run(fmt: IntFormat, x: number | Q, rounding: Rounding, random?: RandomSource): number | 'error' {
  try {
    return fmt.encode(typeof x === 'number' ? x : { num: x.n, den: x.d }, { rounding, random });
  } catch (e) {
    if (e instanceof FormatError && e.code === 'unrepresentable') return 'error';
    throw e;
  }
}

describe('intN / uintN, N ≤ 16, exhaustively', () => {
  for (const signed of [true, false]) {
    for (const n of WIDTHS) {
      const fmt = intFormat(n, signed);
      const oracle = new IntOracle(n, signed);

      it(`${fmt.name}: decode of every code, facts`, () => {
        const bad: number[] = [];
        for (let c = 0; c < 2 ** n; c++) {
          if (BigInt(fmt.decode(c)) !== oracle.decode(c) || fmt.isNaN(c) || fmt.isInf(c) || fmt.isNaR(c)) bad.push(c);
        }
        expect(bad).toEqual([]);
        expect([fmt.min, fmt.max, fmt.minPositive, fmt.bits, fmt.kind, fmt.signed]).toEqual([
          Number(oracle.min),
          Number(oracle.max),
          1,
          n,
          'int',
          signed,
        ]);
        expect([...fmt.codes()].length).toBe(2 ** n);
      });

      it(`${fmt.name}: float64 encode of every integer, midpoint and float64 neighbour, every rule`, () => {
        const out: string[] = [];
        const top = 2 ** n; // magnitudes 0..top cover the range and one step beyond on each side
        for (const rounding of DETERMINISTIC) {
          const opts = { rounding };
          const want = (a: number, vs: number, neg: boolean) => {
            const m = roundUpRule(rounding, vs, a % 2 === 0) ? a + 1 : a;
            return oracle.codeOf(BigInt(neg ? -m : m));
          };
          for (let a = 0; a <= top; a++) {
            const mid = a + 0.5;
            for (const neg of [false, true]) {
              const s = neg ? -1 : 1;
              const check = (x: number, w: number) => {
                const got = fmt.encode(s * x, opts);
                if (got !== w) out.push(`${fmt.name} ${s * x} ${rounding}: got ${got}, want ${w}`);
              };
              check(a, oracle.codeOf(BigInt(neg ? -a : a)));
              check(mid, want(a, 0, neg));
              check(nextUp(mid), want(a, 1, neg));
              check(nextDown(mid), want(a, -1, neg));
              check(nextUp(a), want(a, -1, neg));
            }
          }
        }
        expect(out.slice(0, 20)).toEqual([]);
      });

      if (n <= 8) {
        it(`${fmt.name}: Rational points and stochastic thresholds against the full oracle`, () => {
          const out: string[] = [];
          const eps = qPow2(-30);
          const points: Array<number | Q> = [NaN, Infinity, -Infinity, 0, -0, 1e300, -1e300, 5e-324, qPow2(200), qNeg(qPow2(200))];
          for (let a = 0; a <= 2 ** n; a++) {
            const A = q(BigInt(a));
            const mid = qAdd(A, q(1n, 2n));
            for (const p of [A, mid, qAdd(mid, eps), qSub(mid, eps), qAdd(A, eps), qAdd(A, q(1n, 3n))]) points.push(p, qNeg(p));
            points.push(a + 0.25, -(a + 0.75));
          }
          for (const x of points) {
            const show = typeof x === 'number' ? `${x}` : qToString(x);
            for (const rounding of DETERMINISTIC) {
              const w = oracle.encode(x, rounding).code;
              const got = run(fmt, x, rounding);
              if (got !== w) out.push(`${fmt.name} ${show} ${rounding}: got ${got}, want ${w}`);
            }
            const probe = oracle.encode(x, 'stochastic', 0);
            const rs: number[] = [0];
            if (probe.drawn) {
              const t = oracle.stochasticThreshold(typeof x === 'number' ? qOfFloat(x) : x);
              rs.push(Number(t - 1n), Number(t));
            }
            for (const r of rs) {
              const w = oracle.encode(x, 'stochastic', r);
              const src = new Scripted(r);
              const got = run(fmt, x, 'stochastic', src);
              if (got !== w.code || src.calls !== (w.drawn ? 1 : 0)) out.push(`${fmt.name} ${show} stochastic r=${r}: got ${got}/${src.calls}`);
            }
          }
          expect(out.slice(0, 20)).toEqual([]);
        });
      }
    }
  }
});

describe('int32 / uint32 (property tests)', () => {
  for (const signed of [true, false]) {
    const fmt = intFormat(32, signed);
    const oracle = new IntOracle(32, signed);
    const inputs = fc.oneof(
      fc.double(),
      fc.double({ min: -5e9, max: 5e9 }),
      fc.integer({ min: -(2 ** 33), max: 2 ** 33 }).map((k) => k + 0.5),
      fc.integer({ min: -100, max: 100 }).map((k) => (signed ? -(2 ** 31) : 2 ** 32) + k / 2),
    );
    const roundings = fc.constantFrom<Exclude<Rounding, 'stochastic'>>('rne', 'rtz', 'rna');

    it(`${fmt.name}: float64 input, every deterministic rule`, () => {
      fc.assert(
        fc.property(inputs, roundings, (x, rounding) => run(fmt, x, rounding) === oracle.encode(x, rounding).code),
        { numRuns: 5000 },
      );
    });

    it(`${fmt.name}: Rational input`, () => {
      const rationals = fc
        .tuple(fc.bigInt({ min: -(1n << 80n), max: 1n << 80n }), fc.bigInt({ min: 1n, max: 1n << 50n }))
        .map(([a, b]) => q(a, b));
      fc.assert(
        fc.property(rationals, roundings, (x, rounding) => run(fmt, x, rounding) === oracle.encode(x, rounding).code),
        { numRuns: 3000 },
      );
    });

    it(`${fmt.name}: stochastic thresholds and draw counts`, () => {
      fc.assert(
        fc.property(fc.double({ min: -5e9, max: 5e9, noNaN: true }), (x) => {
          const qx = x; // a float64 is an exact rational; the oracle converts it itself
          const probe = oracle.encode(qx, 'stochastic', 0);
          if (!probe.drawn) return run(fmt, x, 'stochastic', new Scripted(0)) === probe.code;
          const frac = Math.abs(x) - Math.floor(Math.abs(x)); // exact for |x| < 2^52
          const t = Math.ceil(frac * 2 ** 32); // exact: frac has ≤ 52 fraction bits, scaling by 2^32 is exact
          return [t - 1, t].every((r) => {
            const src = new Scripted(r);
            return run(fmt, x, 'stochastic', src) === oracle.encode(x, 'stochastic', r).code && src.calls === 1;
          });
        }),
        { numRuns: 2000 },
      );
    });

    it(`${fmt.name}: decode of any code`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (c) => BigInt(fmt.decode(c)) === oracle.decode(c)),
        { numRuns: 3000 },
      );
    });
  }
});

describe('ml_dtypes integer vectors', () => {
  for (const name of ['int2', 'int4', 'uint2', 'uint4']) {
    it(`${name} decodes as ml_dtypes does, every code`, () => {
      const text = readFileSync(join(__dirname, '../vectors', `${name}.decode.txt`), 'utf8');
      const rows = text
        .split('\n')
        .filter((l) => l.trim() !== '' && !l.startsWith('#'))
        .map((l) => l.trim().split(/\s+/));
      const bits = Number(name.replace(/\D/g, ''));
      const fmt = intFormat(bits, name.startsWith('int'));
      expect(rows.length).toBe(2 ** bits);
      for (const [code, value] of rows) expect(fmt.decode(Number(code))).toBe(Number(value));
    });
  }
});

describe('stochastic rounding with the seeded generator', () => {
  it('int8: the mean of 20000 encodes of 3.3 is 3.3 within 5σ, σ = sqrt(p(1 − p)/N)', () => {
    const fmt = intFormat(8, true);
    const random = seededRandom(99);
    const N = 20000;
    let sum = 0;
    for (let i = 0; i < N; i++) sum += fmt.decode(fmt.encode(-3.3, { rounding: 'stochastic', random }));
    const p = 0.3;
    expect(Math.abs(sum / N + 3.3)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / N));
  });

  it('is reproducible per seed', () => {
    const fmt = intFormat(4, false);
    const codes = (seed: number) => {
      const random = seededRandom(seed);
      return Array.from({ length: 300 }, (_, i) => fmt.encode((i % 150) / 10, { rounding: 'stochastic', random }));
    };
    expect(codes(1)).toEqual(codes(1));
    expect(codes(1)).not.toEqual(codes(2));
  });
});

describe('bad parameters and inputs', () => {
  const err = (f: () => unknown, code: string, message: RegExp) => {
    expect(f).toThrow(FormatError);
    try {
      f();
    } catch (e) {
      expect((e as FormatError).code).toBe(code);
      expect((e as FormatError).message).toMatch(message);
    }
  };

  it('rejects widths outside 2..32', () => {
    err(() => intFormat(1, true), 'bad-parameter', /int width must be an integer from 2 to 32, got 1/);
    err(() => intFormat(33, false), 'bad-parameter', /uint width must be an integer from 2 to 32, got 33/);
    err(() => intFormat(2.5, true), 'bad-parameter', /got 2.5/);
  });

  it('rejects bad codes, other overflow rules, NaN, stochastic without a seed, enumerating 32 bits', () => {
    const i4 = intFormat(4, true);
    for (const c of [-1, 16, 0.5]) err(() => i4.decode(c), 'bad-code', /is not a code of int4 \(0 to 15\)/);
    err(() => i4.encode(1, { overflow: 'nan' }), 'unsupported-overflow', /int4 supports only overflow 'saturate', not 'nan'/);
    err(() => i4.encode(NaN), 'unrepresentable', /int4 cannot represent NaN/);
    err(() => i4.encode(1, { rounding: 'floor' as Rounding }), 'unsupported-rounding', /unknown rounding 'floor'/);
    err(() => i4.encode({ num: 1n, den: 3n }, { rounding: 'stochastic' }), 'unsupported-rounding', /needs a seed/);
    err(() => [...intFormat(32, true).codes()], 'too-wide', /int32/);
  });

  it('names', () => {
    expect([intFormat(4, true).name, intFormat(8, false).name, intFormat(32, true).name]).toEqual(['int4', 'uint8', 'int32']);
  });
});
