/**
 * Lookup-table formats: exhaustive encode checks against an independent oracle, the named tables against
 * reference facts and test/vectors, and the error cases.
 *
 * The oracle works on exact BigInt fractions of the table's float64 entries, scans the whole table
 * linearly (no positions, no binary search, no float shortcuts) and applies the documented rules
 * (src/formats/lut.ts header): nearest entry; rne ties → even code, same parity → nearer zero, v vs −v →
 * x's sign; rna ties → farther from zero (v vs −v: as rne); rtz → nearer zero (v vs −v: x's sign);
 * stochastic → up (away from the nearer-zero neighbour) iff draw < fraction · 2^32. Beyond the extremes:
 * saturate. Result zero: −0 code for negative inputs when the table has one.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FormatError } from '../../src/formats/errors.js';
import { LutFormat, lut } from '../../src/formats/lut.js';
import {
  BINARY,
  BITMOD_FP3_EA_NEG,
  BITMOD_FP3_EA_POS,
  BITMOD_FP3_ER_NEG,
  BITMOD_FP3_ER_POS,
  BITMOD_FP4_EA_NEG,
  BITMOD_FP4_EA_POS,
  BITMOD_FP4_ER_NEG,
  BITMOD_FP4_ER_POS,
  COMPLEX2,
  DYNAMIC8,
  FLINT4,
  NAMED_LUTS,
  NF4,
  TERNARY,
} from '../../src/formats/named-luts.js';
import type { RandomSource } from '../../src/formats/random.js';
import type { Rational } from '../../src/formats/rational.js';
import type { Rounding } from '../../src/formats/types.js';

// ---------- independent exact arithmetic ----------
interface Q {
  n: bigint;
  d: bigint; // > 0
}
const view = new DataView(new ArrayBuffer(8));
function gcd(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  while (b) [a, b] = [b, a % b];
  return a;
}
function q(n: bigint, d = 1n): Q {
  if (d < 0n) [n, d] = [-n, -d];
  const g = gcd(n, d) || 1n;
  return { n: n / g, d: d / g };
}
/** Exact value of a finite float64 from its IEEE bits. */
function qOfFloat(v: number): Q {
  view.setFloat64(0, v);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const e = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (e) m |= 1n << 52n;
  const exp = (e || 1) - 1075;
  if (hi >>> 31) m = -m;
  return exp >= 0 ? q(m << BigInt(exp)) : q(m, 1n << BigInt(-exp));
}
const cmpQ = (a: Q, b: Q): number => {
  const l = a.n * b.d;
  const r = b.n * a.d;
  return l < r ? -1 : l > r ? 1 : 0;
};
const addQ = (a: Q, b: Q): Q => q(a.n * b.d + b.n * a.d, a.d * b.d);
const subQ = (a: Q, b: Q): Q => q(a.n * b.d - b.n * a.d, a.d * b.d);
const absQ = (a: Q): Q => ({ n: a.n < 0n ? -a.n : a.n, d: a.d });
const halfQ = (a: Q): Q => q(a.n, a.d * 2n);
const toRational = (a: Q): Rational => ({ num: a.n, den: a.d });

// ---------- the oracle ----------
interface Entry {
  code: number;
  v: number;
  q: Q;
}

/** Code representing the real point `p` of the table (sign-appropriate for zero, else lowest code). */
function representative(entries: Entry[], p: Q, negative: boolean): number {
  const same = entries.filter((e) => cmpQ(e.q, p) === 0);
  if (p.n === 0n) {
    const signed = same.filter((e) => Object.is(e.v, -0) === negative);
    if (signed.length) return signed[0].code;
  }
  return same[0].code;
}

/** All four rules' answers (stochastic with the given 32-bit draw) for exact x with the given sign. */
function oracle(entries: Entry[], x: Q, negative: boolean, draw: number): Record<Rounding, number> {
  const all = (c: number): Record<Rounding, number> => ({ rne: c, rtz: c, rna: c, stochastic: c });
  let below: Entry | undefined;
  let above: Entry | undefined;
  for (const e of entries) {
    const c = cmpQ(e.q, x);
    if (c === 0) return all(representative(entries, x, negative));
    if (c < 0 && (!below || cmpQ(e.q, below.q) > 0)) below = e;
    if (c > 0 && (!above || cmpQ(e.q, above.q) < 0)) above = e;
  }
  if (!below) return all(representative(entries, above!.q, negative));
  if (!above) return all(representative(entries, below.q, negative));
  const ca = representative(entries, below.q, negative);
  const cb = representative(entries, above.q, negative);
  const magOrder = cmpQ(absQ(below.q), absQ(above.q));
  const symmetric = magOrder === 0;
  // L = nearer zero (symmetric: x's side), H = the other.
  const belowIsL = symmetric ? negative : magOrder < 0;
  const [L, H, cL, cH] = belowIsL ? [below, above, ca, cb] : [above, below, cb, ca];
  let tieWinner: number;
  if (symmetric) tieWinner = cL;
  else if (cL % 2 !== cH % 2) tieWinner = cL % 2 === 0 ? cL : cH;
  else tieWinner = cL;
  const dBelow = subQ(x, below.q);
  const dAbove = subQ(above.q, x);
  const o = cmpQ(dBelow, dAbove);
  const nearest = o < 0 ? ca : o > 0 ? cb : undefined;
  const fraction = {
    n: absQ(subQ(x, L.q)).n * absQ(subQ(H.q, L.q)).d,
    d: absQ(subQ(x, L.q)).d * absQ(subQ(H.q, L.q)).n,
  };
  // up iff draw < fraction · 2^32
  const up = BigInt(draw) * fraction.d < fraction.n * (1n << 32n);
  return {
    rne: nearest ?? tieWinner,
    rna: nearest ?? (symmetric ? tieWinner : cH),
    rtz: cL,
    stochastic: up ? cH : cL,
  };
}

const fixedDraw = (r: number): RandomSource => ({ nextUint32: () => r });
const DRAWS = [0, 0x80000000, 0xffffffff, 0x3fffffff];
const ROUNDS: Rounding[] = ['rne', 'rtz', 'rna', 'stochastic'];

/** Test points for a table: entries, midpoints, points just inside/outside midpoints, beyond the ends, ±0. */
function testPoints(values: number[]): Array<{ x: Q; negative: boolean; asNumber?: number }> {
  const distinct = [...new Map(values.map((v) => [v === 0 ? 0 : v, qOfFloat(v)])).values()].sort(cmpQ);
  const pts: Array<{ x: Q; negative: boolean; asNumber?: number }> = [];
  const push = (x: Q, negative = x.n < 0n): void => {
    // Offer the float64 form too when x is one exactly.
    const f = Number(x.n) / Number(x.d);
    pts.push({ x, negative, asNumber: Number.isFinite(f) && cmpQ(qOfFloat(f), x) === 0 ? f : undefined });
  };
  for (const v of values) push(qOfFloat(v), v < 0 || Object.is(v, -0));
  for (let i = 0; i + 1 < distinct.length; i++) {
    const a = distinct[i];
    const b = distinct[i + 1];
    const mid = halfQ(addQ(a, b));
    const eps = q(b.n * a.d - a.n * b.d, a.d * b.d * (1n << 30n));
    push(mid);
    push(addQ(mid, eps));
    push(subQ(mid, eps));
    push(addQ(a, eps));
    push(subQ(b, eps));
    // A float64 just around the midpoint, through the float path.
    const fm = Number(a.n) / Number(a.d) / 2 + Number(b.n) / Number(b.d) / 2;
    if (Number.isFinite(fm)) push(qOfFloat(fm));
  }
  const lo = distinct[0];
  const hi = distinct[distinct.length - 1];
  push(subQ(lo, q(1n, 3n)));
  push(addQ(hi, q(1n, 3n)));
  push(q(0n), false);
  push(q(0n), true);
  push(q(-1n, 7n));
  push(q(1n, 7n));
  return pts;
}

function checkExhaustively(f: LutFormat): void {
  const values = f.entries();
  const entries: Entry[] = values
    .map((v, code) => ({ code, v, q: qOfFloat(v) }))
    // Complex tables encode reals onto their real-axis entries only.
    .filter((e) => f.decodeComplex(e.code).im === 0);
  const failures: string[] = [];
  for (const { x, negative, asNumber } of testPoints(values)) {
    for (const draw of DRAWS) {
      const want = oracle(entries, x, negative, draw);
      for (const r of ROUNDS) {
        if (r === 'stochastic' || draw === 0) {
          const opts = { rounding: r, random: fixedDraw(draw) };
          const xr = x.n === 0n && negative ? -0 : toRational(x);
          const got = f.encode(xr, opts);
          if (got !== want[r])
            failures.push(
              `${f.name} ${r} x=${x.n}/${x.d}${negative ? '(-)' : ''} draw=${draw}: got ${got}, want ${want[r]}`,
            );
          if (asNumber !== undefined) {
            const n = x.n === 0n ? (negative ? -0 : 0) : asNumber;
            const gotN = f.encode(n, opts);
            if (gotN !== want[r])
              failures.push(`${f.name} ${r} number ${String(n)} draw=${draw}: got ${gotN}, want ${want[r]}`);
          }
        }
      }
    }
  }
  expect(failures.slice(0, 10)).toEqual([]);
}

describe('LutFormat encode (exhaustive against the oracle)', () => {
  for (const f of NAMED_LUTS) {
    it(`${f.name}: every entry, midpoint and neighbouring point, all rounding rules`, () =>
      checkExhaustively(f));
  }
  const generic: Array<[string, number[]]> = [
    ['no zero, symmetric', [-3, -1, 1, 3]],
    ['duplicates and both zeros', [0, -0, 1, 1, -2, 0.5, 0.5, -0]],
    ['unsorted with same-parity neighbours', [5, 1, 3, -7, 2, -0.25, 9, 4]],
    ['only -0 as zero', [-0, 1, -1, 2]],
    ['one bit', [0.75, -0.25]],
    ['tiny and huge', [5e-324, -1.7976931348623157e308, 1e-300, 1.7976931348623157e308]],
  ];
  for (const [what, values] of generic) {
    it(`lut ${what}`, () => checkExhaustively(lut(values)));
  }

  it('random tables (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }).chain((bits) =>
          fc.array(
            fc.oneof(
              fc.integer({ min: -8, max: 8 }).map((i) => i / 4),
              fc.double({ noNaN: true, noDefaultInfinity: true }),
            ),
            {
              minLength: 1 << bits,
              maxLength: 1 << bits,
            },
          ),
        ),
        (values) => checkExhaustively(lut(values)),
      ),
      { numRuns: 40 },
    );
  });

  it('consumes exactly one draw per inexact value, none for exact ones', () => {
    let draws = 0;
    const random: RandomSource = { nextUint32: () => (draws++, 0) };
    NF4.encode(0.5, { rounding: 'stochastic', random });
    expect(draws).toBe(1);
    NF4.encode(1, { rounding: 'stochastic', random });
    NF4.encode(7, { rounding: 'stochastic', random }); // saturates
    expect(draws).toBe(1);
  });

  it('saturates ±inf and rejects NaN and non-saturating overflow', () => {
    expect(NF4.encode(Infinity)).toBe(15);
    expect(NF4.encode(-Infinity)).toBe(0);
    expect(() => NF4.encode(NaN)).toThrow(FormatError);
    for (const overflow of ['inf', 'nan'] as const) {
      try {
        NF4.encode(1, { overflow });
        expect.unreachable();
      } catch (e) {
        expect((e as FormatError).code).toBe('unsupported-overflow');
      }
    }
    expect(() => NF4.encode(0.3, { rounding: 'stochastic' })).toThrow(FormatError);
  });
});

describe('LutFormat construction and decode', () => {
  it('rejects tables that are not 2^N finite entries with N = 1..16', () => {
    for (const bad of [[], [1], [1, 2, 3], new Array<number>(1 << 17).fill(0), [1, NaN], [Infinity, 0]]) {
      try {
        lut(bad);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(FormatError);
        expect((e as FormatError).code).toBe('bad-parameter');
      }
    }
    expect(lut(new Array<number>(1 << 16).fill(0).map((_, i) => i)).bits).toBe(16);
  });

  it('decodes every code exactly, enumerates codes, has no specials', () => {
    const values = [0.1, -0, 3, -2.5];
    const f = lut(values);
    expect(f.name).toBe('lut([0.1, -0, 3, -2.5])');
    expect(f.kind).toBe('lut');
    expect(f.bits).toBe(2);
    expect([...f.codes()]).toEqual([0, 1, 2, 3]);
    for (const c of f.codes()) {
      expect(Object.is(f.decode(c), values[c])).toBe(true);
      expect(f.isNaN(c) || f.isInf(c) || f.isNaR(c)).toBe(false);
    }
    expect([f.min, f.max, f.minPositive]).toEqual([-2.5, 3, 0.1]);
    for (const c of [-1, 4, 1.5]) expect(() => f.decode(c)).toThrow(FormatError);
  });
});

// ---------- named tables vs facts and vectors ----------
const VECTORS = resolve(__dirname, '../vectors');
function vectorRows(file: string): string[][] {
  return readFileSync(resolve(VECTORS, file), 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.trim().split(/\s+/));
}
function float32Bits(hex: string): number {
  const dv = new DataView(new ArrayBuffer(4));
  dv.setUint32(0, parseInt(hex, 16));
  return dv.getFloat32(0);
}

describe('named lookup tables', () => {
  it('nf4 equals bitsandbytes (test/vectors/bnb_nf4.table.txt, float32 bits)', () => {
    const rows = vectorRows('bnb_nf4.table.txt');
    expect(rows).toHaveLength(16);
    for (const [code, , bits] of rows) expect(NF4.decode(parseInt(code, 16))).toBe(float32Bits(bits));
  });

  it('dynamic8 equals column 3 of test/vectors/bnb_dynamic_signed.map.txt', () => {
    const rows = vectorRows('bnb_dynamic_signed.map.txt');
    expect(rows).toHaveLength(256);
    for (const [code, , bits] of rows) expect(DYNAMIC8.decode(parseInt(code, 16))).toBe(float32Bits(bits));
  });

  const FP4 = [0, 0.5, 1, 1.5, 2, 3, 4, 6, -0, -0.5, -1, -1.5, -2, -3, -4, -6];
  const FP3 = [0, 1, 2, 4, -0, -1, -2, -4];
  const withExtra = (base: number[], extra: number): number[] =>
    base.map((v, c) => (c === base.length / 2 ? extra : v));
  const cases: Array<[LutFormat, number[]]> = [
    [BITMOD_FP4_ER_POS, withExtra(FP4, 5)],
    [BITMOD_FP4_ER_NEG, withExtra(FP4, -5)],
    [BITMOD_FP4_EA_POS, withExtra(FP4, 8)],
    [BITMOD_FP4_EA_NEG, withExtra(FP4, -8)],
    [BITMOD_FP3_ER_POS, withExtra(FP3, 3)],
    [BITMOD_FP3_ER_NEG, withExtra(FP3, -3)],
    [BITMOD_FP3_EA_POS, withExtra(FP3, 6)],
    [BITMOD_FP3_EA_NEG, withExtra(FP3, -6)],
    [FLINT4, [0, 0.25, 0.5, 0.75, 1, 1.5, 2, 4, -0, -0.25, -0.5, -0.75, -1, -1.5, -2, -4]],
    [TERNARY, [0, 1, -0, -1]],
    [BINARY, [1, -1]],
    [COMPLEX2, [1, -1, 0, 0]],
  ];
  for (const [f, want] of cases) {
    it(`${f.name} holds the reference values by code`, () => {
      expect(f.entries().map((v) => (Object.is(v, -0) ? '-0' : String(v)))).toEqual(
        want.map((v) => (Object.is(v, -0) ? '-0' : String(v))),
      );
      // BitMoD: 16 (or 8) distinct levels once −0 is reused.
      if (f.name.startsWith('bitmod')) expect(new Set(f.entries()).size).toBe(want.length);
    });
  }

  it('complex2 decodes to {+1, −1, +i, −i} and encodes complex values to the nearest', () => {
    expect([0, 1, 2, 3].map((c) => COMPLEX2.decodeComplex(c))).toEqual([
      { re: 1, im: 0 },
      { re: -1, im: 0 },
      { re: 0, im: 1 },
      { re: 0, im: -1 },
    ]);
    expect(COMPLEX2.isComplex).toBe(true);
    expect(NF4.isComplex).toBe(false);
    const pts = [-2, -1, -0.5, 0, 0.5, 1, 2];
    for (const re of pts) {
      for (const im of pts) {
        // Oracle: squared distances to the four points, ties → even code, then lower code.
        const d = [
          (re - 1) ** 2 + im ** 2,
          (re + 1) ** 2 + im ** 2,
          re ** 2 + (im - 1) ** 2,
          re ** 2 + (im + 1) ** 2,
        ];
        const best = Math.min(...d);
        const ties = [0, 1, 2, 3].filter((c) => d[c] === best);
        const want = ties.find((c) => c % 2 === 0) ?? ties[0];
        expect(COMPLEX2.encodeComplex(re, im)).toBe(want);
      }
    }
    expect(COMPLEX2.encode(0.2)).toBe(0);
    expect(COMPLEX2.encode(-0.2)).toBe(1);
    expect(() => COMPLEX2.encodeComplex(1, 0, { rounding: 'rtz' })).toThrow(FormatError);
  });
});
