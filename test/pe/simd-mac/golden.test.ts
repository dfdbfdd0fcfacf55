/**
 * simd_mac: quire widths by hand, exhaustive 4-lane sweeps over every pair of fp4 / posit4 codes, a
 * hand-worked case where round-each-step differs from the exact quire, and fast-check properties against an
 * in-test oracle (exact rational dot product from the decoded values, then one rounding by the format
 * library; per-step rounding for the other mode).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BF16, FP16, FP32, FP4_E2M1, FP6_E2M3, FP8_E4M3, FP8_E5M2 } from '../../../src/formats/float.js';
import { intFormat } from '../../../src/formats/int.js';
import { POSIT16_1, POSIT4_1, POSIT8_0, POSIT8_2 } from '../../../src/formats/posit.js';
import { add, fromNumber, mul, rational, type Rational } from '../../../src/formats/rational.js';
import type { NumberFormatBase } from '../../../src/formats/types.js';
import { GoldenError } from '../../../src/golden/errors.js';
import { simdMacDot, simdMacGemm, simdMacQuire, simdQuireWidth, type SimdElementFormat, type SimdMacConfig, type SimdOutputFormat } from '../../../src/pe/simd-mac/golden.js';

const ELEMENTS: Record<string, SimdElementFormat> = {
  fp4_e2m1: FP4_E2M1,
  uint4: intFormat(4, false),
  int2: intFormat(2, true),
  posit8_2: POSIT8_2,
  fp6_e2m3: FP6_E2M3,
  bf16: BF16,
  posit4_1: POSIT4_1,
  int4: intFormat(4, true),
  posit8_0: POSIT8_0,
  fp8_e4m3: FP8_E4M3,
  fp8_e5m2: FP8_E5M2,
  int8: intFormat(8, true),
  posit16_1: POSIT16_1,
};
const OUTPUTS: Record<string, SimdOutputFormat> = { fp16: FP16, bf16: BF16, fp32: FP32, posit8_0: POSIT8_0, posit16_1: POSIT16_1, posit8_2: POSIT8_2, fp8_e5m2: FP8_E5M2 };

/** The oracle: exact rational arithmetic on decoded values, rounding by the output format. */
function oracleDot(config: SimdMacConfig, a: readonly number[], b: readonly number[]): number {
  const el: NumberFormatBase = config.element;
  const out: NumberFormatBase = config.output;
  const lanes = config.lanes;
  const vals = (c: number) => el.decode(c);
  if ([...a, ...b].some((c) => !Number.isFinite(vals(c)))) return out.encode(NaN);
  const prod = (i: number): Rational => mul(fromNumber(vals(a[i])), fromNumber(vals(b[i])));
  if (config.accumulation === 'exact') {
    let q = rational(0n);
    for (let i = 0; i < a.length; i++) q = add(q, prod(i));
    return out.encode(q);
  }
  let acc = 0;
  for (let base = 0; base < a.length; base += lanes) {
    let s = rational(0n);
    for (let i = base; i < Math.min(a.length, base + lanes); i++) s = add(s, prod(i));
    if (Number.isFinite(acc)) acc = out.decode(out.encode(add(fromNumber(acc), s))); // ±inf + finite stays ±inf
  }
  return out.encode(acc);
}

/** A config with the element's lanes filling a 16-bit word (the xr-npe geometry). */
const cfg = (element: string, output: string, accumulation: SimdMacConfig['accumulation'] = 'exact'): SimdMacConfig => ({
  kind: 'simd_mac',
  element: ELEMENTS[element],
  lanes: Math.floor(16 / ELEMENTS[element].bits),
  wordBits: 16,
  output: OUTPUTS[output],
  accumulation,
  maxDotLength: 4096,
});

describe('simd_mac: quire geometry', () => {
  it('widths by hand for maxDotLength 4096 (12 carry bits)', () => {
    // fp4: F = 1, max 6 → 12 in 2^-1 units, 12² = 144 → 8 bits; 1 + 12 + 8 = 21.
    expect(simdMacQuire(cfg('fp4_e2m1', 'fp32'))).toEqual({ fractionBits: 1, productBits: 8, carryBits: 12, width: 21 });
    // posit4_1: minpos 2^-4 (F = 4), maxpos 16 → 256² = 2^16 → 17 bits; 30.
    expect(simdMacQuire(cfg('posit4_1', 'fp32')).width).toBe(30);
    // int4: F = 0, (−8)² = 64 → 7 bits; 20.
    expect(simdMacQuire(cfg('int4', 'fp32')).width).toBe(20);
    // posit8_0: F = 6, maxpos 64 → 4096² = 2^24 → 25 bits; 38.
    expect(simdMacQuire(cfg('posit8_0', 'fp32'))).toMatchObject({ fractionBits: 6, width: 38 });
    // fp8_e4m3: F = 9, 448 · 2^9 = 229376, squared = 52613349376 < 2^36 → 36 bits; 49.
    expect(simdMacQuire(cfg('fp8_e4m3', 'fp32')).width).toBe(49);
    // int8: (−128)² = 2^14 → 15 bits; 28.
    expect(simdMacQuire(cfg('int8', 'fp32')).width).toBe(28);
    // fp8_e5m2: F = 16, 57344 · 2^16 = 7·2^29 → squared 49·2^58 → 64 bits; 77.
    expect(simdMacQuire(cfg('fp8_e5m2', 'fp32')).width).toBe(77);
    // posit16_1: minpos 2^-28 (F = 28), maxpos 2^28 → (2^56)² = 2^112 → 113 bits; 126.
    expect(simdMacQuire(cfg('posit16_1', 'fp32'))).toMatchObject({ fractionBits: 28, width: 126 });
    expect(simdMacQuire({ ...cfg('fp4_e2m1', 'fp32'), maxDotLength: 1 }).width).toBe(9);
  });

  it('one width for several modes: the finest fraction and the widest product in its units (xr-npe: 126)', () => {
    // F = 28 (posit16_1); fp8_e5m2's 64-bit product in 2^-32 units needs 64 + 2·(28 − 16) = 88 bits < 113.
    const xr = ['fp4_e2m1', 'posit4_1', 'int4', 'posit8_0', 'fp8_e4m3', 'fp8_e5m2', 'int8', 'posit16_1'].map((n) => ELEMENTS[n]);
    expect(simdQuireWidth(xr, 4096)).toEqual({ fractionBits: 28, productBits: 113, carryBits: 12, width: 126 });
    // fp4 (F 1, 8 bits) with int8 (F 0, 15 bits → 17 in 2^-2 units): 1 + 12 + 17.
    expect(simdQuireWidth([FP4_E2M1, intFormat(8, true)], 4096)).toEqual({ fractionBits: 1, productBits: 17, carryBits: 12, width: 30 });
  });

  it('a 20-bit word of 5 × fp4_e2m1 rounds every 5 elements, not 4', () => {
    // fp4 0x7 = 6, 0x2 = 1; output fp8_e5m2 (…, 128, 160, 192, …). By 5: round(5·36 = 180) = 192, then
    // round(192 + 5) = 192. By 4 it would be round(144) = 128 (tie to even), round(128 + 36 + 3) = 160, 160.
    const c: SimdMacConfig = { ...cfg('fp4_e2m1', 'fp8_e5m2', 'round-each-step'), lanes: 5, wordBits: 20 };
    const a = [0x7, 0x7, 0x7, 0x7, 0x7, 0x2, 0x2, 0x2, 0x2, 0x2];
    const r = simdMacDot(c, a, a);
    expect(r.steps.map((s) => s.products.length)).toEqual([5, 5]);
    expect(FP8_E5M2.decode(r.code)).toBe(192);
    expect(simdMacGemm(c, { m: 1, k: 10, n: 1, activations: a, weights: a }).codes[0]).toBe(r.code);
    expect(FP8_E5M2.decode(simdMacDot({ ...c, lanes: 4, wordBits: 16 }, a, a).code)).toBe(160);
  });

  it('rejects dot products longer than the quire is sized for, and bad configs', () => {
    const c = { ...cfg('fp4_e2m1', 'fp32'), maxDotLength: 4 };
    expect(() => simdMacGemm(c, { m: 1, k: 5, n: 1, activations: [1, 1, 1, 1, 1], weights: [1, 1, 1, 1, 1] })).toThrow(GoldenError);
    expect(() => simdMacDot(c, [1, 1, 1, 1, 1], [1, 1, 1, 1, 1])).toThrow(GoldenError);
    expect(() => simdMacQuire({ ...c, maxDotLength: 0 })).toThrow(GoldenError);
    expect(() => simdMacQuire({ ...c, element: FP8_E4M3 as unknown as SimdElementFormat, lanes: 4 })).toThrow(GoldenError);
    expect(() => simdMacGemm(c, { m: 1, k: 1, n: 1, activations: [16], weights: [1] })).toThrow(GoldenError);
  });
});

describe('simd_mac: exhaustive 4-lane sweeps', () => {
  for (const element of ['fp4_e2m1', 'posit4_1'] as const) {
    it(`every pair of ${element} codes in every lane position, both accumulation modes, fp16 and posit16_1 outputs`, () => {
      for (const output of ['fp16', 'posit16_1'] as const) {
        for (const accumulation of ['exact', 'round-each-step'] as const) {
          const c = cfg(element, output, accumulation);
          for (let x = 0; x < 16; x++) {
            for (let y = 0; y < 16; y++) {
              // Lane layout: (x·y) in lane x % 4, with a neighbour product (y·x) two lanes on, over 2 steps.
              const a = [x, y, 3, x, y, x, 9, 0];
              const b = [y, x, y, 5, x, x, 2, y];
              expect(simdMacDot(c, a, b).code, `${x} ${y} ${output} ${accumulation}`).toBe(oracleDot(c, a, b));
              expect(simdMacGemm(c, { m: 1, k: 8, n: 1, activations: a, weights: b }).codes[0]).toBe(oracleDot(c, a, b));
            }
          }
        }
      }
    });
  }

  it('the exact quire trace holds the exact running sum in 2^-2F units', () => {
    // fp4: codes 7 = 6, 1 = 0.5, 0 = 0. Step 0: 6·6 + 6·6 = 72 → 72 · 4 = 288 quire units; step 1: 0.25 → 1.
    const r = simdMacDot(cfg('fp4_e2m1', 'bf16'), [7, 7, 0, 0, 1, 0, 0, 0], [7, 7, 0, 0, 1, 0, 0, 0]);
    expect(r.steps.map((s) => s.quire)).toEqual([288n, 289n]);
    expect(r.steps[0].products).toEqual([144n, 144n, 0n, 0n]);
  });

  it('round-each-step loses what the quire keeps (bf16 output, by hand)', () => {
    // Step 0: 6·6 + 6·6 = 72 (bf16 1.0010000·2^6, ulp 0.5). Steps 1–4: +0.5·0.5 = 0.25 each.
    // Per step: 72.25 is the midpoint of 72 and 72.5 → ties to even → 72, four times: 72 (0x4290).
    // Exact: 72 + 4·0.25 = 73 = 1.0010010·2^6, representable (0x4292).
    const a = [7, 7, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0];
    expect(simdMacDot(cfg('fp4_e2m1', 'bf16', 'round-each-step'), a, a).code).toBe(0x4290);
    expect(simdMacDot(cfg('fp4_e2m1', 'bf16', 'exact'), a, a).code).toBe(0x4292);
    expect(BF16.decode(0x4290)).toBe(72);
    expect(BF16.decode(0x4292)).toBe(73);
  });

  it('NaR / NaN operands poison the result', () => {
    // posit8_0 code 0x80 is NaR; fp8_e4m3 0x7f is NaN.
    expect(POSIT16_1.isNaR(simdMacDot(cfg('posit8_0', 'posit16_1'), [0x40, 0x80], [0x40, 0x40]).code)).toBe(true);
    expect(FP16.isNaN(simdMacDot(cfg('fp8_e4m3', 'fp16'), [0x38, 0x7f], [0x38, 0x00]).code)).toBe(true);
    expect(FP16.isNaN(simdMacGemm(cfg('fp8_e5m2', 'fp16'), { m: 1, k: 2, n: 1, activations: [0x7c, 0x3c], weights: [0, 0x3c] }).codes[0])).toBe(true);
  });
});

describe('simd_mac: properties against the exact rational oracle', () => {
  const elements = Object.keys(ELEMENTS);
  const outputs = Object.keys(OUTPUTS);
  it('random GEMMs in every mode: output codes agree', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...elements),
        fc.constantFrom(...outputs),
        fc.constantFrom<SimdMacConfig['accumulation']>('exact', 'round-each-step'),
        fc.integer({ min: 1, max: 2 }),
        fc.integer({ min: 1, max: 2 }),
        fc.integer({ min: 1, max: 24 }),
        fc.infiniteStream(fc.integer({ min: 0, max: 0xffff })),
        (element, output, accumulation, m, n, k, stream) => {
          const bits = ELEMENTS[element].bits;
          const c = cfg(element, output, accumulation);
          // Mostly finite codes (NaR/NaN would make every case poisoned for 16-bit posits rarely, fp8 often).
          const codes = [...stream.take((m + n) * k)].map((x) => x % 2 ** bits).map((x) => (Number.isFinite(ELEMENTS[element].decode(x)) || x % 3 === 0 ? x : 0));
          const A = codes.slice(0, m * k);
          const W = codes.slice(m * k);
          const got = simdMacGemm(c, { m, k, n, activations: A, weights: W });
          for (let i = 0; i < m; i++) {
            for (let j = 0; j < n; j++) {
              const want = oracleDot(c, A.slice(i * k, i * k + k), W.slice(j * k, j * k + k));
              expect(got.codes[i * n + j], `${element}→${output} ${accumulation}`).toBe(want);
            }
          }
        },
      ),
      { numRuns: 400, seed: 3 },
    );
  });
});
