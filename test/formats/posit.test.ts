/**
 * Posit formats against the independent bit-string/BigInt oracle (oracles/posit-oracle.ts: the Posit
 * Standard's rounding of the unbounded regime/exponent/fraction string) and SoftPosit's decode tables.
 * Exhaustive for every posit(n, es) with n ≤ 16 and es ≤ 3, and n ≤ 10 with es = 4: decode of every code;
 * encode of every value, of every tie boundary (the code's bits followed by a 1) and of points just
 * inside/outside it (exact rationals one grid step away and the neighbouring float64s) under rne, rtz and
 * rna; stochastic rounding and both signs in full up to n = 13 and for posit16_1/posit16_2 (one sign);
 * the 16-bit formats in tests of 2^13 codes. Wider posits (posit32_2 and n = 17..32): fast-check
 * properties against the same oracle.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FormatError } from '../../src/formats/errors.js';
import {
  posit,
  POSIT16_1,
  POSIT16_2,
  POSIT32_2,
  POSIT4_1,
  POSIT8_0,
  POSIT8_2,
  PositFormat,
} from '../../src/formats/posit.js';
import type { RandomSource } from '../../src/formats/random.js';
import type { Rational } from '../../src/formats/rational.js';
import type { Rounding } from '../../src/formats/types.js';
import {
  decodePosit,
  PositGrid,
  positFacts,
  qCmp,
  qFromFloat,
  qMul,
  qPow2,
  qToExactFloat,
  roundPosit,
  type OracleRounding,
  type Q,
} from './oracles/posit-oracle.js';

const DETERMINISTIC: readonly OracleRounding[] = ['rne', 'rtz', 'rna'];

/** A random source that hands out scripted draws and counts them. */
class ScriptedRandom implements RandomSource {
  draws = 0;
  constructor(private readonly values: readonly number[]) {}
  nextUint32(): number {
    const v = this.values[this.draws % this.values.length];
    this.draws++;
    return v;
  }
}

/** The reduced Rational x / 2^g (den a power of two, num odd), as src/formats/rational.ts requires. */
function dyadic(x: bigint, g: number): Rational {
  if (x === 0n) return { num: 0n, den: 1n };
  let m = x < 0n ? -x : x;
  let tz = 0;
  while ((m & 0xffffffffn) === 0n) {
    m >>= 32n;
    tz += 32;
  }
  while ((m & 1n) === 0n) {
    m >>= 1n;
    tz++;
  }
  if (x < 0n) m = -m;
  const e = tz - g;
  return e >= 0 ? { num: m << BigInt(e), den: 1n } : { num: m, den: 1n << BigInt(-e) };
}

/** Reduced Rational from an oracle Q. */
function toRational(q: Q): Rational {
  const g = (a: bigint, b: bigint): bigint => (b === 0n ? (a < 0n ? -a : a) : g(b, a % b));
  const d = g(q.num, q.den);
  return { num: q.num / d, den: q.den / d };
}

const F = new DataView(new ArrayBuffer(8));
/** The adjacent float64 above (dir = 1) or below (dir = −1) a positive finite x. */
function nextFloat(x: number, dir: 1 | -1): number {
  F.setFloat64(0, x);
  F.setBigUint64(0, F.getBigUint64(0) + BigInt(dir));
  return F.getFloat64(0);
}

function negQ(q: Q): Q {
  return { num: -q.num, den: q.den };
}

describe('posit parameters and facts', () => {
  it('rejects out-of-range parameters with a clear FormatError', () => {
    for (const [n, es, text] of [
      [40, 2, 'posit n must be an integer 2..32, got 40'],
      [1, 0, 'posit n must be an integer 2..32, got 1'],
      [8.5, 1, 'got 8.5'],
      [8, 5, 'posit es must be an integer 0..4, got 5'],
      [8, -1, 'got -1'],
    ] as const) {
      let err: unknown;
      try {
        posit(n, es);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(FormatError);
      expect((err as FormatError).code).toBe('bad-parameter');
      expect((err as FormatError).message).toContain(text);
    }
  });

  it('names and facts follow the definition (maxpos = useed^(n−2))', () => {
    expect([POSIT4_1, POSIT8_0, POSIT16_1, POSIT8_2, POSIT16_2, POSIT32_2].map((f) => f.name)).toEqual([
      'posit4_1',
      'posit8_0',
      'posit16_1',
      'posit8_2',
      'posit16_2',
      'posit32_2',
    ]);
    expect(posit(8, 0)).toBe(POSIT8_0);
    // Hand-checked: posit(8,2) maxpos = 16^6 = 2^24; posit(32,2) maxpos = 2^120; posit(16,1) = 4^14 = 2^28.
    expect(POSIT8_2.maxpos).toBe(2 ** 24);
    expect(POSIT8_2.minpos).toBe(2 ** -24);
    expect(POSIT32_2.maxpos).toBe(2 ** 120);
    expect(POSIT16_1.max).toBe(2 ** 28);
    expect(POSIT16_1.min).toBe(-(2 ** 28));
    expect(POSIT16_1.minPositive).toBe(2 ** -28);
    expect(POSIT16_2.useed).toBe(16);
    expect(posit(32, 4).useed).toBe(65536);
    expect(posit(32, 4).maxpos).toBe(2 ** 480);
    const f = POSIT8_0;
    expect([f.kind, f.bits, f.n, f.es, f.narCode, f.maxposCode, f.defaultOverflow, f.overflows]).toEqual([
      'posit',
      8,
      8,
      0,
      0x80,
      0x7f,
      'saturate',
      ['saturate'],
    ]);
    expect(f.isNaR(0x80)).toBe(true);
    expect(f.isNaN(0x80)).toBe(false);
    expect(f.isInf(0x7f)).toBe(false);
    expect(Number.isNaN(f.decode(0x80))).toBe(true);
  });

  it('rejects bad codes, other overflow rules, unknown roundings, and stochastic without a seed', () => {
    const codeOf = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return e instanceof FormatError ? e.code : 'other';
      }
      return 'none';
    };
    expect(codeOf(() => POSIT8_0.decode(256))).toBe('bad-code');
    expect(codeOf(() => POSIT8_0.decode(-1))).toBe('bad-code');
    expect(codeOf(() => POSIT8_0.decode(1.5))).toBe('bad-code');
    expect(codeOf(() => POSIT32_2.decode(2 ** 32))).toBe('bad-code');
    expect(codeOf(() => POSIT8_0.encode(1, { overflow: 'inf' }))).toBe('unsupported-overflow');
    expect(codeOf(() => POSIT8_0.encode(1, { overflow: 'nan' }))).toBe('unsupported-overflow');
    expect(codeOf(() => POSIT8_0.encode(1, { overflow: 'saturate' }))).toBe('none');
    expect(codeOf(() => POSIT8_0.encode(1, { rounding: 'up' as Rounding }))).toBe('unsupported-rounding');
    expect(codeOf(() => POSIT8_0.encode(1, { rounding: 'stochastic' }))).toBe('unsupported-rounding');
    expect(codeOf(() => POSIT32_2.codes())).toBe('too-wide');
    expect([...posit(3, 1).codes()]).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('rounds as the standard says next to maxpos: posit(8,2) boundary between 2^20 and 2^24 is 2^22', () => {
    // Reference example (formats.md §4): codes 0x7e = 2^20, 0x7f = 2^24; the tie 2^22 goes to the even 0x7e.
    expect(POSIT8_2.decode(0x7e)).toBe(2 ** 20);
    expect(POSIT8_2.decode(0x7f)).toBe(2 ** 24);
    expect(POSIT8_2.encode(2 ** 22)).toBe(0x7e);
    expect(POSIT8_2.encode(2 ** 22 * (1 + 2 ** -40))).toBe(0x7f);
    expect(POSIT8_2.encode(2 ** 22 * (1 - 2 ** -40))).toBe(0x7e);
    expect(POSIT8_2.encode(2 ** 22, { rounding: 'rna' })).toBe(0x7f);
  });

  it('rounds the bit string where the regime leaves too few exponent bits (hand-worked, issue 11)', () => {
    // posit16_1: 2^-27 = regime 0^14 1, exponent bit 1 → the 15 magnitude bits 0…01 (code 1 = 2^-28), guard
    // 1, nothing after: a tie between 0x0001 and 0x0002 (= 2^-26), to the even code 0x0002.
    expect(POSIT16_1.encode(2 ** -27)).toBe(0x0002);
    expect(POSIT16_1.encode({ num: 1n, den: 1n << 27n })).toBe(0x0002);
    // posit16_2: 2^-51 = regime 0^13 1, exponent 01 → magnitude bits 0…010 (code 2 = 2^-52), guard 1: a
    // tie between 0x0002 and 0x0003 (= 2^-50), to the even 0x0002.
    expect(POSIT16_2.encode(2 ** -51)).toBe(0x0002);
    expect(POSIT16_2.encode({ num: 1n, den: 1n << 51n })).toBe(0x0002);
    // Just above either tie rounds up, just below rounds down.
    expect(POSIT16_1.encode(2 ** -27 * (1 + 2 ** -52))).toBe(0x0002);
    expect(POSIT16_1.encode(2 ** -27 * (1 - 2 ** -53))).toBe(0x0001);
    expect(POSIT16_2.encode(2 ** -51 * (1 + 2 ** -52))).toBe(0x0003);
    expect(POSIT16_2.encode(2 ** -51 * (1 - 2 ** -53))).toBe(0x0002);
    // The decimal 7.450580596923828e-09 (float64's shortest text for 2^-27) is, read exactly, 1.25e-25
    // below the tie: exact input rounds down, the float64 it denotes rounds to the even code.
    const decimal = { num: 7450580596923828n, den: 10n ** 24n };
    expect(qCmp(decimal, qPow2(-27))).toBe(-1);
    expect(POSIT16_1.encode(decimal)).toBe(0x0001);
    expect(POSIT16_1.encode(7.450580596923828e-9)).toBe(0x0002);
  });

  it('specials: ±0 → 0, NaN and ±inf → NaR, never 0 or NaR for a nonzero finite value', () => {
    for (const f of [POSIT4_1, POSIT8_0, POSIT32_2, posit(2, 0), posit(32, 4)]) {
      for (const rounding of ['rne', 'rtz', 'rna'] as const) {
        expect(f.encode(0, { rounding })).toBe(0);
        expect(f.encode(-0, { rounding })).toBe(0);
        expect(f.encode(NaN, { rounding })).toBe(f.narCode);
        expect(f.encode(Infinity, { rounding })).toBe(f.narCode);
        expect(f.encode(-Infinity, { rounding })).toBe(f.narCode);
        expect(f.encode(Number.MIN_VALUE, { rounding })).toBe(1);
        expect(f.encode(-Number.MIN_VALUE, { rounding })).toBe(2 ** f.n - 1);
        expect(f.encode(Number.MAX_VALUE, { rounding })).toBe(f.maxposCode);
        expect(f.encode(-Number.MAX_VALUE, { rounding })).toBe(f.narCode + 1);
        expect(f.encode({ num: 1n, den: 1n << 5000n }, { rounding })).toBe(1);
        expect(f.encode({ num: -(1n << 5000n), den: 1n }, { rounding })).toBe(f.narCode + 1);
        expect(f.encode({ num: 0n, den: 1n }, { rounding })).toBe(0);
      }
      // Saturation is not a choice between two posits: no draw consumed.
      const r = new ScriptedRandom([0]);
      expect(f.encode(Number.MIN_VALUE, { rounding: 'stochastic', random: r })).toBe(1);
      expect(f.encode(Number.MAX_VALUE, { rounding: 'stochastic', random: r })).toBe(f.maxposCode);
      expect(r.draws).toBe(0);
    }
  });

  it('negate maps each code to the code of the negated value', () => {
    for (const f of [POSIT8_0, POSIT4_1, posit(5, 3)]) {
      for (const c of f.codes()) {
        const v = f.decode(c);
        const m = f.negate(c);
        if (f.isNaR(c)) expect(m).toBe(c);
        else expect(f.decode(m)).toBe(v === 0 ? 0 : -v);
      }
    }
  });
});

interface Mismatch {
  readonly what: string;
  readonly got: number | string;
  readonly want: number | string;
}

/** Decode of every code, decodeRational and parts, against the oracle. */
function checkDecode(f: PositFormat, out: Mismatch[]): void {
  const { n, es } = f;
  for (let c = 0; c < 2 ** n; c++) {
    const want = decodePosit(n, es, c);
    const got = f.decode(c);
    if (want === 'NaR') {
      if (
        !Number.isNaN(got) ||
        !f.isNaR(c) ||
        f.decodeRational(c) !== undefined ||
        f.parts(c) !== undefined
      ) {
        out.push({ what: `decode NaR 0x${c.toString(16)}`, got, want: 'NaN' });
      }
      continue;
    }
    if (f.isNaR(c)) out.push({ what: `isNaR 0x${c.toString(16)}`, got: 'true', want: 'false' });
    const wantF = qToExactFloat(want);
    if (wantF === undefined || !Object.is(got, wantF))
      out.push({ what: `decode 0x${c.toString(16)}`, got, want: String(wantF) });
    const r = f.decodeRational(c);
    if (r === undefined || qCmp(r, want) !== 0)
      out.push({ what: `decodeRational 0x${c.toString(16)}`, got: String(r?.num), want: String(want.num) });
    const p = f.parts(c);
    const pq =
      p && qMul({ num: BigInt(p.negative ? -p.significand : p.significand), den: 1n }, qPow2(p.exponent));
    if (!p || !pq || qCmp(pq, want) !== 0 || !Number.isInteger(p.significand) || p.significand >= 2 ** 30) {
      out.push({ what: `parts 0x${c.toString(16)}`, got: JSON.stringify(p), want: String(wantF) });
    }
  }
}

/**
 * How much of the encode sweep runs: 'full' is both signs and every rule; 'oneSign' checks the negative
 * side only at the ties; 'deterministic' is 'oneSign' without stochastic rounding (the sign and the draw
 * are handled after the magnitude's bit string is rounded, so the smaller formats cover them in full).
 */
type Sweep = 'full' | 'oneSign' | 'deterministic';

/**
 * Encode of every value c in from..to, the tie boundary above it and the points one grid step (exact
 * rationals) or one float64 step around it, for the given signs and rounding rules; stochastic near
 * every boundary with the two draws on either side of the oracle's threshold.
 */
function checkEncode(
  f: PositFormat,
  grid: PositGrid,
  out: Mismatch[],
  sweep: Sweep,
  from = 1,
  to = grid.maxCode,
): void {
  const full = sweep === 'full';
  const withStochastic = sweep !== 'deterministic';
  const g = grid.gridBits;
  const signs = [1n, -1n];
  // Each point is built once and checked under rne, rtz and rna (the oracle remembers the point's bits).
  const encodeBoth = (x: bigint, _hint: number, what: string, asFloat: boolean) => {
    const q = grid.toQ(x);
    const r = dyadic(x, g);
    const xf = asFloat ? qToExactFloat(q) : undefined;
    if (asFloat && xf === undefined) throw new Error(`test: ${what} is not a float64`);
    for (const mode of DETERMINISTIC) {
      const want = grid.round(q, mode).code;
      const got = f.encode(r, { rounding: mode as Rounding });
      if (got !== want) out.push({ what: `${what} rational ${mode}`, got, want });
      if (xf !== undefined) {
        const gotF = f.encode(xf, { rounding: mode as Rounding });
        if (gotF !== want) out.push({ what: `${what} float ${mode}`, got: gotF, want });
      }
    }
  };
  const encodeFloat = (x: number, _hint: number, what: string) => {
    const q = qFromFloat(x);
    for (const mode of DETERMINISTIC) {
      const want = grid.round(q, mode).code;
      const got = f.encode(x, { rounding: mode as Rounding });
      if (got !== want) out.push({ what: `${what} float ${mode}`, got, want });
    }
  };
  const stochastic = (x: bigint, lo: number, what: string) => {
    if (!withStochastic) return;
    const q = grid.toQ(x);
    const t = grid.stochasticThreshold(q, lo);
    for (const r of [t - 1, t]) {
      if (r < 0 || r >= 2 ** 32) continue;
      const want = grid.round(q, 'stochastic', r, lo);
      const rs = new ScriptedRandom([r]);
      const got = f.encode(dyadic(x, g), { rounding: 'stochastic', random: rs });
      if (got !== want.code || rs.draws !== 1)
        out.push({ what: `${what} stochastic r=${r}`, got: `${got} draws ${rs.draws}`, want: want.code });
      // The float64 path computes the fraction its own way: check it wherever the point is a float64.
      const xf = qToExactFloat(q);
      if (xf !== undefined) {
        const rf = new ScriptedRandom([r]);
        const gotF = f.encode(xf, { rounding: 'stochastic', random: rf });
        if (gotF !== want.code || rf.draws !== 1)
          out.push({
            what: `${what} float stochastic r=${r}`,
            got: `${gotF} draws ${rf.draws}`,
            want: want.code,
          });
      }
    }
  };
  for (let c = from; c <= to; c++) {
    const v = grid.values[c];
    for (const s of signs) {
      encodeBoth(s * v, c, `value ${c}`, true);
      if (!withStochastic) continue;
      const rs = new ScriptedRandom([0]);
      const got = f.encode(dyadic(s * v, g), { rounding: 'stochastic', random: rs });
      const want = s > 0n ? c : 2 ** f.n - c;
      if (got !== want || rs.draws !== 0)
        out.push({ what: `value ${c} stochastic`, got: `${got} draws ${rs.draws}`, want });
    }
    if (c === grid.maxCode) break;
    const b = grid.boundaries[c];
    const lo = v;
    const hi = grid.values[c + 1];
    const bf = qToExactFloat(grid.toQ(b));
    if (bf === undefined) throw new Error('test: boundary is not a float64');
    for (const s of full ? signs : [1n]) {
      const sf = Number(s);
      encodeBoth(s * b, c, `boundary ${c}`, true);
      encodeBoth(s * (b - 1n), c, `boundary ${c} − ε`, false);
      encodeBoth(s * (b + 1n), c, `boundary ${c} + ε`, false);
      encodeBoth(s * (lo + 1n), c, `lo ${c} + ε`, false);
      encodeBoth(s * (hi - 1n), c, `hi ${c} − ε`, false);
      // Points whose bits right below the guard bit are set: 1/4, 3/4 and 5/8 of the way from lo to hi.
      for (const [num, den] of [
        [1n, 4n],
        [3n, 4n],
        [5n, 8n],
      ]) {
        encodeBoth(s * (lo + ((hi - lo) * num) / den), c, `lo ${c} + ${num}/${den}`, true);
      }
      encodeFloat(sf * nextFloat(bf, -1), c, `boundary ${c} float below`);
      encodeFloat(sf * nextFloat(bf, 1), c, `boundary ${c} float above`);
      // Where exponent bits are cut off (hi/lo > 2), the powers of two in between have all-zero fraction
      // bits but nonzero cut exponent bits: only those bits make them inexact.
      for (let p = lo * 2n; p < hi; p *= 2n) {
        encodeBoth(s * p, c, `power of two ${p} in ${c}`, true);
        stochastic(s * p, c, `power of two ${p} in ${c}`);
      }
      for (const [num, den] of [
        [1n, 4n],
        [3n, 4n],
        [5n, 8n],
      ]) {
        stochastic(s * (lo + ((hi - lo) * num) / den), c, `lo ${c} + ${num}/${den}`);
      }
      stochastic(s * (b + 1n), c, `boundary ${c} + ε`);
      stochastic(s * (lo + 1n), c, `lo ${c} + ε`);
      if (full) {
        stochastic(s * b, c, `boundary ${c}`);
        stochastic(s * (hi - 1n), c, `hi ${c} − ε`);
      }
    }
    // The negative side under the deterministic rules at the tie itself, when the full sweep is skipped.
    if (!full) encodeBoth(-b, c, `boundary ${c} negative`, true);
  }
  // Beyond the range: saturation under every rule.
  const { maxpos, minpos } = positFacts(f.n, f.es);
  for (const mode of DETERMINISTIC) {
    for (const x of [qPowTimes(maxpos, 3n), qPowTimes(minpos, 1n, 3n), maxpos, minpos]) {
      for (const q of [x, negQ(x)]) {
        const want = roundPosit(f.n, f.es, q, mode).code;
        const got = f.encode(toRational(q), { rounding: mode as Rounding });
        if (got !== want) out.push({ what: `range ${q.num}/${q.den} ${mode}`, got, want });
      }
    }
  }
}

function qPowTimes(q: Q, m: bigint, d = 1n): Q {
  return { num: q.num * m, den: q.den * d };
}

const EXHAUSTIVE: Array<[number, number]> = [];
for (let n = 2; n <= 10; n++) for (let es = 0; es <= 4; es++) EXHAUSTIVE.push([n, es]);
for (let es = 0; es <= 3; es++) EXHAUSTIVE.push([11, es], [12, es]);

/** n = 13..16 with es ≤ 3, split into code ranges of at most 2^13 so no test blocks its worker long. */
const WIDE: Array<[number, number, Sweep, number, number]> = [];
for (let n = 13; n <= 16; n++) {
  for (let es = 0; es <= 3; es++) {
    // posit16_1 and posit16_2 (the named 16-bit formats) get stochastic rounding too.
    const sweep: Sweep = n === 13 ? 'full' : n === 16 && (es === 1 || es === 2) ? 'oneSign' : 'deterministic';
    const maxCode = 2 ** (n - 1) - 1;
    for (let from = 1; from <= maxCode; from += 2 ** 13)
      WIDE.push([n, es, sweep, from, Math.min(maxCode, from + 2 ** 13 - 1)]);
  }
}

const GRIDS = new Map<string, PositGrid>();
function gridOf(n: number, es: number): PositGrid {
  const key = `${n},${es}`;
  let g = GRIDS.get(key);
  if (g === undefined) {
    g = new PositGrid(n, es);
    GRIDS.set(key, g);
  }
  return g;
}

describe('posit exhaustive against the oracle (every code, tie boundary and neighbour; n ≤ 16, es ≤ 3)', () => {
  it.each(EXHAUSTIVE)('posit(%i, %i): decode and encode of every value, boundary and neighbour', (n, es) => {
    const f = posit(n, es);
    const out: Mismatch[] = [];
    checkDecode(f, out);
    checkEncode(f, new PositGrid(n, es), out, 'full');
    expect(out.slice(0, 10)).toEqual([]);
  });

  it.each([13, 14, 15, 16].flatMap((n) => [0, 1, 2, 3].map((es) => [n, es])))(
    'posit(%i, %i): decode of every code',
    (n, es) => {
      const out: Mismatch[] = [];
      checkDecode(posit(n, es), out);
      expect(out.slice(0, 10)).toEqual([]);
    },
  );

  it.each(WIDE)(
    'posit(%i, %i): encode (%s) of values %i..%i, their boundaries and neighbours',
    (n, es, sweep, from, to) => {
      const f = posit(n, es);
      const out: Mismatch[] = [];
      checkEncode(f, gridOf(n, es), out, sweep, from, to);
      expect(out.slice(0, 10)).toEqual([]);
    },
  );
});

describe('posit decode agrees with SoftPosit', () => {
  const read = (file: string) =>
    readFileSync(resolve(__dirname, '../vectors', file), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '' && !l.startsWith('#'))
      .map((l) => {
        const [code, value] = l.trim().split(/\s+/);
        return { code: Number(code), value };
      });
  it.each([
    ['posit4_1.decode.txt', POSIT4_1, 16],
    ['posit8_0.decode.txt', POSIT8_0, 256],
    ['posit8_2.decode.txt', POSIT8_2, 256],
    ['posit16_1.decode.txt', POSIT16_1, 65536],
    ['posit16_2.decode.txt', POSIT16_2, 65536],
    ['posit32_2.decode_sample.txt', POSIT32_2, 6000],
  ] as const)('%s', (file, f, count) => {
    const rows = read(file);
    expect(rows.length).toBe(count);
    const bad = rows.filter(({ code, value }) =>
      value === 'nar'
        ? !(f.isNaR(code) && Number.isNaN(f.decode(code)))
        : !Object.is(f.decode(code), Number(value)),
    );
    expect(bad.slice(0, 5)).toEqual([]);
  });
});

/** Arbitrary rationals of every magnitude around a posit's range, including exact dyadics. */
function arbRational(maxScale: number): fc.Arbitrary<Q> {
  const general = fc
    .tuple(
      fc.bigInt({ min: -(1n << 70n), max: 1n << 70n }),
      fc.bigInt({ min: 1n, max: 1n << 70n }),
      fc.integer({ min: -maxScale - 20, max: maxScale + 20 }),
    )
    .map(([num, den, e]): Q => ({ num: num * qPow2(e).num, den: den * qPow2(e).den }));
  const shortDyadic = fc
    .tuple(
      fc.integer({ min: -(2 ** 20), max: 2 ** 20 }),
      fc.integer({ min: -maxScale - 40, max: maxScale + 20 }),
    )
    .map(([m, e]): Q => ({ num: BigInt(m) * qPow2(e).num, den: qPow2(e).den }));
  return fc.oneof(general, shortDyadic);
}

/**
 * Points at and around the tie boundary above a random code c of posit(n, es): B·(1 + step·2^−j), so the
 * first set bit below the guard bit lands anywhere in the sticky region.
 */
function arbNearBoundary(n: number, es: number, maxJ = 240): fc.Arbitrary<Q> {
  const j = fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: maxJ }));
  return fc
    .tuple(fc.integer({ min: 1, max: 2 ** (n - 1) - 2 }), fc.constantFrom(-1n, 0n, 1n), j, fc.boolean())
    .map(([c, step, j, negative]) => {
      const b = decodePosit(n + 1, es, 2 * c + 1) as Q;
      const q = qMul(b, { num: (1n << BigInt(j)) + step, den: 1n << BigInt(j) });
      return negative ? negQ(q) : q;
    });
}

/** The float64 nearest to a point of arbNearBoundary (exact for small j, else the nearest float64). */
function arbNearBoundaryFloat(n: number, es: number): fc.Arbitrary<number> {
  return arbNearBoundary(n, es, 54).map((q) => Number(q.num) / Number(q.den));
}

describe('posit(32, 2) and other wide posits: properties against the oracle', () => {
  const codes32 = fc.integer({ min: 0, max: 2 ** 32 - 1 });

  it('decode matches the oracle; encode(decode(c)) = c for float64 and rational input', () => {
    fc.assert(
      fc.property(codes32, (c) => {
        const want = decodePosit(32, 2, c);
        if (want === 'NaR') return POSIT32_2.isNaR(c) && Number.isNaN(POSIT32_2.decode(c));
        const v = POSIT32_2.decode(c);
        return (
          Object.is(v, qToExactFloat(want)) &&
          POSIT32_2.encode(v) === c &&
          POSIT32_2.encode(toRational(want)) === c &&
          POSIT32_2.encode(v, { rounding: 'rtz' }) === c
        );
      }),
      { numRuns: 3000 },
    );
  });

  it('decode is strictly increasing in the signed code', () => {
    fc.assert(
      fc.property(codes32, codes32, (a, b) => {
        const f = POSIT32_2;
        if (f.isNaR(a) || f.isNaR(b) || a === b) return true;
        const sa = a | 0;
        const sb = b | 0;
        return sa < sb === f.decode(a) < f.decode(b);
      }),
      { numRuns: 3000 },
    );
  });

  it('encode of rationals (random and near tie boundaries) matches the oracle under every rule', () => {
    fc.assert(
      fc.property(
        fc.oneof(arbRational(120), arbNearBoundary(32, 2)),
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        (q, r) => {
          for (const mode of ['rne', 'rtz', 'rna', 'stochastic'] as const) {
            const want = roundPosit(32, 2, q, mode, r);
            const rs = new ScriptedRandom([r]);
            const got = POSIT32_2.encode(toRational(q), { rounding: mode, random: rs });
            if (got !== want.code) return false;
            if (mode === 'stochastic' && rs.draws !== (want.between ? 1 : 0)) return false;
          }
          return true;
        },
      ),
      { numRuns: 400 },
    );
  });

  it('encode of float64s (random and near tie boundaries) matches the oracle under every rule', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), arbNearBoundaryFloat(32, 2)),
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        (x, r) => {
          for (const mode of ['rne', 'rtz', 'rna', 'stochastic'] as const) {
            const want = roundPosit(32, 2, qFromFloat(x), mode, r).code;
            if (POSIT32_2.encode(x, { rounding: mode, random: new ScriptedRandom([r]) }) !== want)
              return false;
          }
          return true;
        },
      ),
      { numRuns: 300 },
    );
  });

  it('float64 input with one extra bit at each position below a tie boundary (the sticky bits)', () => {
    const params = fc.constantFrom<[number, number]>(
      [32, 2],
      [32, 0],
      [31, 1],
      [28, 3],
      [24, 0],
      [23, 4],
      [20, 2],
    );
    fc.assert(
      fc.property(params, fc.integer({ min: 1, max: 2 ** 31 }), ([n, es], raw) => {
        const f = posit(n, es);
        const c = 1 + (raw % (2 ** (n - 1) - 2));
        const b = qToExactFloat(decodePosit(n + 1, es, 2 * c + 1) as Q) as number;
        for (let j = 1; j <= 53; j++) {
          for (const x of [b * (1 + 2 ** -j), b * (1 - 2 ** -j)]) {
            for (const mode of DETERMINISTIC) {
              if (
                f.encode(x, { rounding: mode }) !== roundPosit(n, es, qFromFloat(x), mode, undefined, c).code
              )
                return false;
            }
          }
        }
        return true;
      }),
      { numRuns: 60 },
    );
  });

  // Two halves of n and two properties: four tests of a few seconds each rather than one long one.
  describe.each([
    [17, 24],
    [25, 32],
  ])('posit(n, es) for n = %i..%i, es = 0..4', (lo, hi) => {
    const params = fc.tuple(fc.integer({ min: lo, max: hi }), fc.integer({ min: 0, max: 4 }));
    it('decode and round trip vs the oracle', () => {
      fc.assert(
        fc.property(params, fc.integer({ min: 0, max: 2 ** 32 - 1 }), (ne, raw) => {
          const [n, es] = ne;
          const f = posit(n, es);
          const c = raw % 2 ** n;
          const want = decodePosit(n, es, c);
          if (want === 'NaR') return f.isNaR(c);
          const v = f.decode(c);
          return Object.is(v, qToExactFloat(want)) && f.encode(v) === c && f.encode(toRational(want)) === c;
        }),
        { numRuns: 750 },
      );
    });
    it('rounding of rationals and float64s vs the oracle', () => {
      fc.assert(
        fc.property(
          params.chain(([n, es]) =>
            fc.tuple(
              fc.constant([n, es] as const),
              fc.oneof(arbRational((n - 2) * 2 ** es), arbNearBoundary(n, es)),
            ),
          ),
          fc.constantFrom<OracleRounding>('rne', 'rtz', 'rna'),
          ([[n, es], q], mode) => {
            const f = posit(n, es);
            const want = roundPosit(n, es, q, mode).code;
            if (f.encode(toRational(q), { rounding: mode }) !== want) return false;
            // The float64 path too, on the float64 nearest to q (rounded by the oracle from its exact value).
            const x = Number(q.num) / Number(q.den);
            return (
              !Number.isFinite(x) ||
              f.encode(x, { rounding: mode }) === roundPosit(n, es, qFromFloat(x), mode).code
            );
          },
        ),
        { numRuns: 300 },
      );
    });
  });
});
