/**
 * The posit quire against exact sums computed with the independent oracle (oracles/posit-oracle.ts:
 * string decoder, own rationals, rounding of the unbounded bit string): random dot products and
 * mixed add/sub sequences must give the exact rational sum, and one rounding of it under every rule.
 * Also: the width formula (16n for es = 2), NaR poisoning, overflow of the carry bits, the register bits.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FormatError } from '../../src/formats/errors.js';
import {
  posit,
  POSIT16_1,
  POSIT32_2,
  POSIT4_1,
  POSIT8_0,
  POSIT8_2,
  type PositFormat,
} from '../../src/formats/posit.js';
import { Quire, quireWidth } from '../../src/formats/quire.js';
import type { RandomSource } from '../../src/formats/random.js';
import {
  decodePosit,
  qAdd,
  qCmp,
  qMul,
  roundPosit,
  type OracleRounding,
  type Q,
} from './oracles/posit-oracle.js';

class ScriptedRandom implements RandomSource {
  draws = 0;
  constructor(private readonly value: number) {}
  nextUint32(): number {
    this.draws++;
    return this.value;
  }
}

function errorCode(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return e instanceof FormatError ? e.code : 'other';
  }
  return 'none';
}

/** A code of f that is not NaR. */
function arbCode(f: PositFormat): fc.Arbitrary<number> {
  return fc.integer({ min: 0, max: 2 ** f.n - 1 }).filter((c) => c !== f.narCode);
}

type Op =
  { kind: 'addProduct' | 'subProduct'; a: number; b: number } | { kind: 'addPosit' | 'subPosit'; a: number };

function arbOps(f: PositFormat): fc.Arbitrary<Op[]> {
  const code = arbCode(f);
  const op: fc.Arbitrary<Op> = fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('addProduct' as const), a: code, b: code }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('subProduct' as const), a: code, b: code }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('addPosit' as const), a: code }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('subPosit' as const), a: code }) },
  );
  return fc.array(op, { minLength: 0, maxLength: 40 });
}

/** The exact value of a sequence of quire operations, by the oracle. */
function exactSum(f: PositFormat, ops: readonly Op[]): Q {
  const v = (c: number) => decodePosit(f.n, f.es, c) as Q;
  let sum: Q = { num: 0n, den: 1n };
  for (const op of ops) {
    const term = op.kind === 'addProduct' || op.kind === 'subProduct' ? qMul(v(op.a), v(op.b)) : v(op.a);
    const sign = op.kind.startsWith('sub') ? -1n : 1n;
    sum = qAdd(sum, { num: sign * term.num, den: term.den });
  }
  return sum;
}

function run(q: Quire, ops: readonly Op[]): void {
  for (const op of ops) {
    if (op.kind === 'addProduct') q.addProduct(op.a, op.b);
    else if (op.kind === 'subProduct') q.subProduct(op.a, op.b);
    else if (op.kind === 'addPosit') q.addPosit(op.a);
    else q.subPosit(op.a);
  }
}

describe('quire width', () => {
  it('is 16n bits for es = 2 (the 2022 standard), for every n', () => {
    for (let n = 2; n <= 32; n++) {
      expect(quireWidth(n, 2)).toBe(16 * n);
      expect(new Quire(posit(n, 2)).width).toBe(16 * n);
    }
  });

  it('is sign + 31 carry + 2·(n−2)·2^es integer + as many fraction bits', () => {
    const q = new Quire(POSIT32_2);
    expect([q.width, q.carryBits, q.integerBits, q.fractionBits]).toEqual([512, 31, 240, 240]);
    // posit(8,0): 2·6 = 12 integer and fraction bits, 1 + 31 + 24 = 56.
    expect(new Quire(POSIT8_0).width).toBe(56);
    // posit(16,1): 2·14·2 = 56 integer and fraction bits: 1 + 31 + 112 = 144.
    expect(new Quire(POSIT16_1).width).toBe(144);
    expect(new Quire(POSIT4_1, { carryBits: 3 }).width).toBe(1 + 3 + 8 + 8);
    expect(errorCode(() => new Quire(POSIT8_0, { carryBits: -1 }))).toBe('bad-parameter');
    expect(errorCode(() => new Quire(POSIT8_0, { carryBits: 2.5 }))).toBe('bad-parameter');
  });
});

describe('quire sums are exact and rounded once', () => {
  const formats = [
    POSIT4_1,
    POSIT8_0,
    POSIT8_2,
    POSIT16_1,
    posit(10, 4),
    posit(6, 0),
    posit(3, 1),
    posit(2, 0),
  ];
  for (const f of [...formats, POSIT32_2, posit(32, 4), posit(24, 0)]) {
    it(`${f.name}: random add/sub of products and posits equals the exact sum; toPosit rounds it once`, () => {
      fc.assert(
        fc.property(
          arbOps(f),
          fc.constantFrom<OracleRounding>('rne', 'rtz', 'rna', 'stochastic'),
          fc.integer({ min: 0, max: 2 ** 32 - 1 }),
          (ops, mode, r) => {
            const q = new Quire(f);
            run(q, ops);
            const want = exactSum(f, ops);
            const got = q.toRational();
            if (got === undefined || qCmp(got, want) !== 0 || q.isNaR) return false;
            const rs = new ScriptedRandom(r);
            const oracle = roundPosit(f.n, f.es, want, mode, r);
            return (
              q.toPosit(mode, rs) === oracle.code &&
              rs.draws === (mode === 'stochastic' && oracle.between ? 1 : 0)
            );
          },
        ),
        { numRuns: f.n > 16 ? 100 : 150 },
      );
    });
  }

  it('dot products of long vectors (many products, heavy cancellation) are exact', () => {
    const f = POSIT16_1;
    fc.assert(
      fc.property(fc.array(fc.tuple(arbCode(f), arbCode(f)), { minLength: 100, maxLength: 400 }), (pairs) => {
        const q = new Quire(f);
        const ops: Op[] = [];
        for (const [a, b] of pairs) {
          q.addProduct(a, b);
          q.subProduct(f.negate(a), f.negate(b)); // (−a)(−b) = ab: cancels exactly
          q.addProduct(f.negate(a), b);
          ops.push({ kind: 'addProduct', a: f.negate(a), b });
        }
        const want = exactSum(f, ops);
        const got = q.toRational();
        return (
          got !== undefined &&
          qCmp(got, want) === 0 &&
          q.toPosit() === roundPosit(f.n, f.es, want, 'rne').code
        );
      }),
      { numRuns: 20 },
    );
  });

  it('stays exact over more than 2^19 operations (the buffered limbs are folded along the way)', () => {
    /** Σ counts[k]·a_k·b_k by the oracle. */
    const weighted = (
      f: PositFormat,
      pairs: ReadonlyArray<readonly [number, number]>,
      counts: readonly number[],
    ): Q => {
      let sum: Q = { num: 0n, den: 1n };
      pairs.forEach(([a, b], k) => {
        const p = qMul(decodePosit(f.n, f.es, a) as Q, decodePosit(f.n, f.es, b) as Q);
        sum = qAdd(sum, { num: p.num * BigInt(counts[k]), den: p.den });
      });
      return sum;
    };
    for (const f of [POSIT16_1, POSIT32_2, posit(20, 4)]) {
      fc.assert(
        fc.property(fc.array(fc.tuple(arbCode(f), arbCode(f)), { minLength: 7, maxLength: 7 }), (pairs) => {
          const q = new Quire(f);
          const counts = pairs.map(() => 0);
          for (let i = 0; i < 2 ** 19 + 5000; i++) {
            const j = i % 7;
            const sub = i % 3 === 0;
            if (sub) q.subProduct(pairs[j][0], pairs[j][1]);
            else q.addProduct(pairs[j][0], pairs[j][1]);
            counts[j] += sub ? -1 : 1;
            if (i === 300_001) {
              // A read in the middle folds early; the sum so far must be exact too.
              const got = q.toRational();
              if (got === undefined || qCmp(got, weighted(f, pairs, counts)) !== 0) return false;
            }
          }
          const got = q.toRational();
          return got !== undefined && qCmp(got, weighted(f, pairs, counts)) === 0 && !q.isNaR;
        }),
        { numRuns: 2 },
      );
    }
  });

  it('keeps extremes exact: maxpos² + minpos² − maxpos² = minpos², which rounds to minpos (never 0)', () => {
    for (const f of [POSIT8_0, POSIT32_2, posit(32, 4), posit(5, 3)]) {
      const q = new Quire(f);
      q.addProduct(f.maxposCode, f.maxposCode);
      q.addProduct(1, 1);
      q.subProduct(f.maxposCode, f.maxposCode);
      expect(q.toRational()).toEqual({ num: 1n, den: 1n << BigInt(q.fractionBits) });
      expect(q.toPosit()).toBe(1);
      q.subProduct(1, 1);
      expect(q.toRational()).toEqual({ num: 0n, den: 1n });
      expect(q.toPosit()).toBe(0);
      // maxpos² saturates to maxpos.
      q.addProduct(f.maxposCode, f.maxposCode);
      expect(q.toPosit()).toBe(f.maxposCode);
    }
  });

  it('merges partial sums with addQuire and accepts rationals on its grid', () => {
    const f = POSIT8_0;
    const a = new Quire(f);
    const b = new Quire(f);
    a.addProduct(0x50, 0x30); // 1.5 · 0.75
    b.addProduct(0x48, 0x48); // 1.25²
    a.addQuire(b);
    expect(a.toRational()).toEqual({ num: 43n, den: 16n }); // 1.125 + 1.5625 = 2.6875
    a.addRational({ num: 1n, den: 1n << 12n }); // minpos² of posit(8,0) = 2^-12
    expect(a.toRational()).toEqual({ num: 43n * 256n + 1n, den: 1n << 12n });
    expect(errorCode(() => a.addRational({ num: 1n, den: 1n << 13n }))).toBe('unrepresentable');
    expect(errorCode(() => a.addRational({ num: 1n, den: 3n }))).toBe('unrepresentable');
    expect(errorCode(() => a.addQuire(new Quire(POSIT8_2)))).toBe('bad-parameter');
    expect(errorCode(() => a.addQuire(new Quire(f, { carryBits: 4 })))).toBe('bad-parameter');
  });
});

describe('quire NaR, overflow and register bits', () => {
  it('NaR poisons the quire until clear', () => {
    for (const f of [POSIT8_0, POSIT32_2]) {
      const q = new Quire(f);
      q.addProduct(0x1, 0x2);
      q.addProduct(f.narCode, 0);
      expect(q.isNaR).toBe(true);
      expect(q.overflowed).toBe(false);
      q.addProduct(1, 1);
      q.subPosit(3);
      q.addPosit(f.narCode);
      expect(q.isNaR).toBe(true);
      expect(q.toPosit()).toBe(f.narCode);
      expect(q.toPosit('rtz')).toBe(f.narCode);
      expect(q.toRational()).toBeUndefined();
      expect(q.bits()).toBe(1n << BigInt(q.width - 1));
      const other = new Quire(f);
      other.addQuire(q);
      expect(other.isNaR).toBe(true);
      q.clear();
      expect(q.isNaR).toBe(false);
      expect(q.toRational()).toEqual({ num: 0n, den: 1n });
      for (const op of [
        (x: Quire) => x.subProduct(0, f.narCode),
        (x: Quire) => x.addPosit(f.narCode),
        (x: Quire) => x.subPosit(f.narCode),
      ]) {
        const p = new Quire(f);
        op(p);
        expect(p.isNaR).toBe(true);
      }
    }
  });

  it('rejects bad codes', () => {
    const q = new Quire(POSIT8_0);
    expect(errorCode(() => q.addProduct(256, 1))).toBe('bad-code');
    expect(errorCode(() => q.addPosit(-1))).toBe('bad-code');
    expect(errorCode(() => q.addProduct(1, 1.5))).toBe('bad-code');
    expect(errorCode(() => new Quire(POSIT32_2).addPosit(2 ** 32))).toBe('bad-code');
  });

  it('holds 2^carryBits − 1 products maxpos·maxpos of either sign; one more overflows to NaR', () => {
    for (const f of [POSIT8_0, POSIT4_1, posit(6, 2)]) {
      for (let carryBits = 0; carryBits <= 5; carryBits++) {
        for (const sign of [1, -1]) {
          const q = new Quire(f, { carryBits });
          const b = sign > 0 ? f.maxposCode : f.negate(f.maxposCode);
          for (let i = 0; i < 2 ** carryBits - 1; i++) q.addProduct(f.maxposCode, b);
          expect(q.isNaR).toBe(false);
          // (2^c − 1)·maxpos² exactly: maxpos² = 2^(integerBits).
          expect(q.toRational()).toEqual({
            num: BigInt(sign * (2 ** carryBits - 1)) << BigInt(q.integerBits),
            den: 1n,
          });
          q.addProduct(f.maxposCode, b);
          expect([q.isNaR, q.overflowed, q.toPosit()]).toEqual([true, true, f.narCode]);
          q.clear();
          expect([q.isNaR, q.overflowed]).toEqual([false, false]);
        }
      }
    }
  });

  it('bits() is the two\u2019s-complement register', () => {
    const f = POSIT8_0;
    const q = new Quire(f);
    q.addProduct(0x40, 0x40); // 1·1 = 2^12 in units of minpos² = 2^-12
    expect(q.bits()).toBe(1n << 12n);
    q.subProduct(0x40, 0x40);
    q.subProduct(0x01, 0x01); // −minpos² = −1 unit: all ones
    expect(q.bits()).toBe((1n << 56n) - 1n);
  });
});
