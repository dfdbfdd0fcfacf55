/**
 * Formats of 33 to 64 bits (fp64, int64/uint64, intN/uintN, posit64_2, posit(n, es), fp(E, M, …)):
 * `decodeExact` against oracles that share no code with src/formats — the platform's own binary64 (a
 * DataView reinterpreting the code's bits), BigInt.asIntN/asUintN, and the posit bit-string oracle written
 * from the Posit Standard 2022 — plus: the same method agrees with the float64 `decode` on every code of the
 * ≤ 16-bit formats, the number-based methods of wide formats and the design-side lookup refuse them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FP64,
  FormatError,
  INT64,
  IntFormat,
  FloatFormat,
  POSIT64_2,
  PositFormat,
  UINT64,
  listFormats,
  lookupFormat,
  lookupWideFormat,
  type ExactValue,
  type NumberFormat,
} from '../../src/formats/index.js';
import { qOfFloat } from './oracles/exact-rational.js';
import { decodePosit, qCmp } from './oracles/posit-oracle.js';

const view = new DataView(new ArrayBuffer(8));

/** Uniform n-bit codes. */
const bigUintN = (n: number) => fc.bigInt({ min: 0n, max: (1n << BigInt(n)) - 1n });

/** The platform's binary64 reading of a 64-bit pattern. */
function platformFloat64(code: bigint): number {
  view.setBigUint64(0, code);
  return view.getFloat64(0);
}

function finite(v: ExactValue): { num: bigint; den: bigint; negativeZero: boolean } {
  if (v.kind !== 'finite') throw new Error(`expected a finite value, got ${v.kind}`);
  return { num: v.value.num, den: v.value.den, negativeZero: v.negativeZero };
}

function expectFp64(code: bigint): void {
  const x = platformFloat64(code);
  const v = FP64.decodeExact(code);
  if (Number.isNaN(x)) expect(v.kind, code.toString(16)).toBe('nan');
  else if (!Number.isFinite(x)) expect(v, code.toString(16)).toEqual({ kind: 'inf', negative: x < 0 });
  else {
    const got = finite(v);
    const want = qOfFloat(x);
    expect({ num: got.num, den: got.den }, code.toString(16)).toEqual({ num: want.n, den: want.d });
    expect(got.negativeZero, code.toString(16)).toBe(Object.is(x, -0));
  }
}

describe('fp64 decodeExact is the platform binary64', () => {
  it('specials, boundaries and subnormals', () => {
    const specials = [
      0n, 1n, 0xfffffffffffffn, 0x10000000000000n, 0x3ff0000000000000n, 0x3fb999999999999an, 0x7fefffffffffffffn,
      0x7ff0000000000000n, 0x7ff0000000000001n, 0x7ff8000000000000n, 0x7fffffffffffffffn, 0x8000000000000000n,
      0x8000000000000001n, 0xfff0000000000000n, 0xfff8000000000000n, 0xffffffffffffffffn,
    ];
    for (const c of specials) expectFp64(c);
  });
  it('random codes (fast-check)', () => {
    fc.assert(fc.property(bigUintN(64), (c) => expectFp64(c)), { numRuns: 3000 });
  });
  it('is the named format of fp(11, 52, 1023) in the wide lookup, with exact limits', () => {
    expect(lookupWideFormat('fp(e=11, m=52, bias=1023)')).toBe(FP64);
    expect(lookupWideFormat('FP64')).toBe(FP64);
    expect(FP64.maxExact).toEqual({ num: BigInt(Number.MAX_VALUE), den: 1n });
    expect(FP64.minPositiveExact).toEqual({ num: 1n, den: 1n << 1074n });
    expect(FP64.max).toBe(Number.MAX_VALUE);
  });
});

describe('intN/uintN up to 64 bits: decodeExact is BigInt.asIntN / asUintN', () => {
  it('int64 and uint64 at the edges and on random codes', () => {
    for (const c of [0n, 1n, (1n << 63n) - 1n, 1n << 63n, (1n << 64n) - 1n]) {
      expect(finite(INT64.decodeExact(c)).num).toBe(BigInt.asIntN(64, c));
      expect(finite(UINT64.decodeExact(c)).num).toBe(BigInt.asUintN(64, c));
    }
    fc.assert(
      fc.property(bigUintN(64), (c) => {
        expect(finite(INT64.decodeExact(c)).num).toBe(BigInt.asIntN(64, c));
        expect(finite(UINT64.decodeExact(c)).num).toBe(c);
      }),
      { numRuns: 2000 },
    );
    expect(INT64.maxExact.num).toBe(BigInt.asIntN(64, (1n << 63n) - 1n));
    expect(INT64.minExact.num).toBe(BigInt.asIntN(64, 1n << 63n));
    expect(UINT64.maxExact.num).toBe(BigInt.asUintN(64, -1n));
  });
  it('every width 33..64 from the wide lookup', () => {
    fc.assert(
      fc.property(fc.integer({ min: 33, max: 64 }), fc.boolean(), bigUintN(64), (bits, signed, raw) => {
        const f = lookupWideFormat(`${signed ? 'int' : 'uint'}${bits}`) as IntFormat;
        expect(f.bits).toBe(bits);
        const c = BigInt.asUintN(bits, raw);
        expect(finite(f.decodeExact(c)).num).toBe(signed ? BigInt.asIntN(bits, c) : c);
      }),
      { numRuns: 500 },
    );
  });
});

function expectPosit(f: PositFormat, code: bigint): void {
  const want = decodePosit(f.n, f.es, code);
  const got = f.decodeExact(code);
  if (want === 'NaR') expect(got.kind).toBe('nar');
  else {
    const v = finite(got);
    expect(qCmp({ num: v.num, den: v.den }, want), `${f.name} ${code.toString(16)}`).toBe(0);
    expect(v.negativeZero).toBe(false);
  }
}

describe('posits up to 64 bits: decodeExact is the Posit Standard 2022 bit-string oracle', () => {
  it('posit64_2 at the edges (1, −1, minpos, maxpos, NaR, the regime limits) and on random codes', () => {
    const edges = [0n, 1n, 2n, 3n, 0x4000000000000000n, 0x4000000000000001n, 0x7ffffffffffffffen, 0x7fffffffffffffffn];
    for (const c of edges) {
      expectPosit(POSIT64_2, c);
      expectPosit(POSIT64_2, ((1n << 64n) - c) % (1n << 64n)); // the negation
    }
    expectPosit(POSIT64_2, 1n << 63n);
    expect(finite(POSIT64_2.decodeExact(0x4000000000000000n))).toEqual({ num: 1n, den: 1n, negativeZero: false });
    expect(POSIT64_2.maxExact).toEqual({ num: 1n << 248n, den: 1n });
    expect(POSIT64_2.minPositiveExact).toEqual({ num: 1n, den: 1n << 248n });
    fc.assert(fc.property(bigUintN(64), (c) => expectPosit(POSIT64_2, c)), { numRuns: 3000 });
  });
  it('posit(n, es) for n = 33..64, es = 0..4, random codes (also short runs and long regimes)', () => {
    const code = (n: number) =>
      fc.oneof(
        bigUintN(n),
        // A long regime: a run of r equal bits after the sign, then random bits.
        fc.tuple(fc.integer({ min: 1, max: n - 1 }), fc.boolean(), bigUintN(n)).map(([r, ones, rest]) => {
          const run = ones ? ((1n << BigInt(r)) - 1n) << BigInt(n - 1 - r) : 0n;
          return BigInt.asUintN(n, run | (rest & ((1n << BigInt(Math.max(n - 2 - r, 0))) - 1n)) | (rest & (1n << BigInt(n - 1))));
        }),
      );
    fc.assert(
      fc.property(
        fc.integer({ min: 33, max: 64 }).chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: 4 }), code(n))),
        ([n, es, c]) => expectPosit(lookupWideFormat(`posit(${n}, ${es})`) as PositFormat, c),
      ),
      { numRuns: 2000 },
    );
  });
});

/** The exact value a float64 `decode` result stands for, in the decodeExact shape. */
function asExact(x: number, nar: boolean): ExactValue {
  if (nar) return { kind: 'nar' };
  if (Number.isNaN(x)) return { kind: 'nan' };
  if (!Number.isFinite(x)) return { kind: 'inf', negative: x < 0 };
  const v = qOfFloat(x);
  return { kind: 'finite', value: { num: v.n, den: v.d }, negativeZero: Object.is(x, -0) };
}

function exactFormats(): Array<IntFormat | FloatFormat | PositFormat> {
  return listFormats().filter(
    (f: NumberFormat): f is IntFormat | FloatFormat | PositFormat =>
      f instanceof IntFormat || f instanceof FloatFormat || f instanceof PositFormat,
  );
}

describe('decodeExact agrees with decode wherever both work', () => {
  it('every code of every named format of at most 16 bits', () => {
    for (const f of exactFormats().filter((g) => g.bits <= 16)) {
      for (let c = 0; c < 2 ** f.bits; c++) {
        expect(f.decodeExact(BigInt(c)), `${f.name} ${c}`).toEqual(asExact(f.decode(c), f.isNaR(c)));
      }
    }
  });
  it('random codes of the 17..32-bit named formats', () => {
    const wide = exactFormats().filter((g) => g.bits > 16);
    fc.assert(
      fc.property(fc.constantFrom(...wide), bigUintN(32), (f, raw) => {
        const c = Number(BigInt.asUintN(f.bits, raw));
        expect(f.decodeExact(BigInt(c))).toEqual(asExact(f.decode(c), f.isNaR(c)));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('formats wider than 32 bits stay out of every number-based path', () => {
  it('number-based methods throw too-wide', () => {
    for (const f of [FP64, INT64, UINT64, POSIT64_2]) {
      for (const call of [() => f.decode(1), () => f.encode(1), () => f.isNaR(1), () => [...f.codes()]]) {
        expect(call).toThrow(FormatError);
        try {
          call();
        } catch (e) {
          expect((e as FormatError).code).toBe('too-wide');
          expect((e as FormatError).message).toMatch(/64 bits wide/);
        }
      }
    }
  });
  it('lookupFormat (designs, arithmetic, quantization) refuses them; the wide lookup takes them', () => {
    expect(() => lookupFormat('fp64')).toThrow(/fp64 is 64 bits wide/);
    expect(() => lookupFormat('int64')).toThrow(/2 to 32/);
    expect(() => lookupFormat('posit64_2')).toThrow(/2\.\.32/);
    expect(() => lookupFormat('fp(11, 52, 1023)')).toThrow(/exceeds 32/);
    expect(lookupWideFormat('int64')).toBe(INT64);
    expect(lookupWideFormat('posit64_2')).toBe(POSIT64_2);
    expect(() => lookupWideFormat('int65')).toThrow(/2 to 64/);
    expect(() => lookupWideFormat('posit(65, 2)')).toThrow(/2\.\.64/);
    expect(() => lookupWideFormat('fp(11, 53)')).toThrow(/exceeds 64/);
    // Exact values' BigInts stay small: exponents beyond 2^±65536 are refused.
    expect(() => lookupWideFormat('fp(20, 40)')).toThrow(/exceed the supported range/);
    // Up to 32 bits the wide lookup gives the very same formats.
    expect(lookupWideFormat('fp32')).toBe(lookupFormat('fp32'));
    expect(lookupWideFormat('posit(32, 2)')).toBe(lookupFormat('posit32_2'));
  });
  it('a code outside the format is a bad-code error', () => {
    expect(() => FP64.decodeExact(1n << 64n)).toThrow(/not a code of fp64/);
    expect(() => INT64.decodeExact(-1n)).toThrow(FormatError);
    expect(() => POSIT64_2.decodeExact(1n << 64n)).toThrow(FormatError);
  });
});
