/**
 * MX (OCP v1.0) scale rule on hand-checked blocks: X = 2^(floor(log2 amax) − emax), e8m0 code = log2 X + 127,
 * elements = encode(v / X) with saturation. Every expected code below is worked out by hand in the comments.
 */
import { describe, expect, it } from 'vitest';
import { E8M0, FP4_E2M1, FP6_E2M3, FP6_E3M2, FP8_E4M3, FP8_E5M2 } from '../../src/formats/float.js';
import { intFormat } from '../../src/formats/int.js';
import { mxEmax, mxScheme, quantize, QuantError } from '../../src/quant/index.js';

/** A [rows, 32] tensor whose rows start with the given values and are zero-padded. */
function blocks(...rows: number[][]): { shape: number[]; data: Float64Array } {
  const data = new Float64Array(rows.length * 32);
  rows.forEach((r, i) => data.set(r, i * 32));
  return { shape: [rows.length, 32], data };
}

describe('MX block scaling', () => {
  it('uses the element emax of the OCP table', () => {
    // floor(log2 max): fp4 6 → 2, fp6_e2m3 7.5 → 2, fp6_e3m2 28 → 4, e4m3 448 → 8, e5m2 57344 → 15, int8 127/64 → 0.
    expect([FP4_E2M1, FP6_E2M3, FP6_E3M2, FP8_E4M3, FP8_E5M2, intFormat(8, true)].map(mxEmax)).toEqual([2, 2, 4, 8, 15, 0]);
  });

  it('quantizes hand-checked fp4_e2m1 blocks', () => {
    const t = blocks(
      // amax 5: floor(log2 5) = 2, emax 2 → X = 2^0 (e8m0 code 127). 5 is a tie of 4 and 6 → even mantissa 4 (code 6);
      // −1.3 → −1.5 (code 8|3 = 0xb); 0.26 > midpoint 0.25 → 0.5 (code 1); 0.24 → 0 (code 0);
      // 2.5 ties 2 and 3 → 2 (code 4); −0.75 ties −0.5 and −1 → −1 (even, code 0xa).
      [5, -1.3, 0.26, 0.24, 2.5, -0.75],
      // amax 100: floor(log2 100) = 6 → X = 2^4 = 16 (code 131). 100/16 = 6.25 → 6 (code 7);
      // −100 → −6 (0xf); 40/16 = 2.5 → 2 (code 4); 72/16 = 4.5 → 4 (code 6); 1/16 → 0 (code 0).
      [100, -100, 40, 72, 1],
      // amax 7.9: floor(log2 7.9) = 2 → X = 1; 7.9 saturates to 6 (code 7); −7 → −6 (0xf).
      [7.9, -7],
      // all zero: X = 2^-127 (code 0), elements zero.
      [],
      // amax 0.1: floor(log2 0.1) = −4 → X = 2^-6 (code 121); 0.1·64 = 6.4 → 6 (code 7); 0.05·64 = 3.2 → 3 (code 5);
      // −0.02·64 = −1.28 → −1.5 (0xb).
      [0.1, 0.05, -0.02],
    );
    const q = quantize(t, mxScheme(FP4_E2M1));
    expect([...q.scales[0].codes]).toEqual([127, 131, 127, 0, 121]);
    expect(q.scales[0].format).toBe('e8m0');
    expect([...q.scales[0].values]).toEqual([1, 16, 1, 2 ** -127, 2 ** -6]);
    // The stored e8m0 codes decode (in the format library) to the stored scale values.
    expect([...q.scales[0].codes].map((c) => E8M0.decode(c))).toEqual([...q.scales[0].values]);
    const row = (r: number, n: number) => [...q.codes.slice(r * 32, r * 32 + n)];
    expect(row(0, 6)).toEqual([6, 0xb, 1, 0, 4, 0xa]);
    expect(row(1, 5)).toEqual([7, 0xf, 4, 6, 0]);
    expect(row(2, 2)).toEqual([7, 0xf]);
    expect(row(3, 32).every((c) => c === 0)).toBe(true);
    expect(row(4, 3)).toEqual([7, 5, 0xb]);
    // Padding zeros stay code 0 in every block.
    expect(q.codes[6]).toBe(0);
    // Dequantized = element value · X.
    expect([...q.dequantized.slice(32, 37)]).toEqual([96, -96, 32, 64, 0]);
    expect([...q.dequantized.slice(128, 131)]).toEqual([6 / 64, 3 / 64, -1.5 / 64]);
  });

  it('saturates fp8_e4m3 elements at 448 instead of producing NaN', () => {
    // amax 1000: floor(log2 1000) = 9, emax 8 → X = 2 (code 128). 1000/2 = 500 → saturates to 448 (code 0x7e);
    // −3/2 = −1.5 → code 0x80 | (7 << 3) | 4 = 0xbc; 0.01/2 = 0.005 → nearest subnormal k·2^-9: 2.56 → 3·2^-9 (code 3).
    const q = quantize(blocks([1000, -3, 0.01]), mxScheme(FP8_E4M3));
    expect(q.scales[0].codes[0]).toBe(128);
    expect([...q.codes.slice(0, 3)]).toEqual([0x7e, 0xbc, 3]);
    expect(q.dequantized[0]).toBe(896);
  });

  it('quantizes MX-INT8 with the implicit 2^-6 element scale', () => {
    // Block 1: amax 1: floor(log2 1) = 0, emax 0 → X = 1. 1·64 = 64 (code 64); 0.3·64 = 19.2 → 19;
    // −2^-7·64 = −0.5 → tie → even 0; −0.99·64 = −63.36 → −63 → code 256 − 63 = 193.
    // Block 2: amax 3: floor(log2 3) = 1 → X = 2. 3/2·64 = 96; −3 → −96 → code 160; 3.99/2·64 = 127.68 → saturates to 127.
    const q = quantize(blocks([1, 0.3, -(2 ** -7), -0.99], [3, -3, 3.99]), mxScheme(intFormat(8, true)));
    expect([...q.scales[0].codes]).toEqual([127, 128]);
    expect([...q.codes.slice(0, 4)]).toEqual([64, 19, 0, 193]);
    expect([...q.codes.slice(32, 35)]).toEqual([96, 160, 127]);
    expect(q.dequantized[34]).toBe((127 / 64) * 2);
  });

  it('clamps the shared exponent to the e8m0 range', () => {
    // amax 2^-140: floor = −140, −140 − 2 = −142 < −127 → X = 2^-127 (code 0); 2^-140/2^-127 = 2^-13 → 0.
    // amax 2^200 (float64 only): 200 − 2 = 198 > 127 → X = 2^127 (code 254); 2^200/2^127 saturates to 6.
    const q = quantize(blocks([2 ** -140], [2 ** 200, -(2 ** 200)]), mxScheme(FP4_E2M1));
    expect([...q.scales[0].codes]).toEqual([0, 254]);
    expect(q.codes[0]).toBe(0);
    expect([q.codes[32], q.codes[33]]).toEqual([7, 0xf]);
  });

  it('ends a row that is not a multiple of 32 with a shorter block', () => {
    // Rows of 40: blocks [0, 32) and [32, 40). Second block amax 3 → X = 2^(1−2) = 1/2; 3/(1/2) = 6 (code 7).
    const data = new Float64Array(40);
    data[0] = 6;
    data[35] = 3;
    const q = quantize({ shape: [1, 40], data }, mxScheme(FP4_E2M1));
    expect([...q.scales[0].codes]).toEqual([127, 126]);
    expect(q.codes[35]).toBe(7);
    expect(q.dequantized[35]).toBe(3);
  });

  it('rejects non-finite inputs with a user error', () => {
    expect(() => quantize(blocks([1, NaN]), mxScheme(FP4_E2M1))).toThrow(QuantError);
    expect(() => quantize({ shape: [0], data: new Float64Array(0) }, mxScheme(FP4_E2M1))).toThrow(/empty/);
  });
});
