/** errorMetrics and decodeResult on hand-computed cases. */
import { describe, expect, it } from 'vitest';
import { decodeResult, errorMetrics } from '../../src/golden/index.js';

describe('errorMetrics', () => {
  it('by hand: golden [1, 2, 3] vs ideal [1, 2, 4]', () => {
    // error [0, 0, −1]: max 1; ‖e‖ = 1, ‖i‖ = √21 → 1/√21; SQNR = 10·log10(21 / 1).
    const m = errorMetrics([1, 2, 3], [1, 2, 4]);
    expect(m.count).toBe(3);
    expect(m.maxAbs).toBe(1);
    expect(m.relFrobenius).toBeCloseTo(1 / Math.sqrt(21), 15);
    expect(m.sqnrDb).toBeCloseTo(10 * Math.log10(21), 12);
  });

  it('equal inputs: zero error, infinite SQNR; non-finite pairs are skipped and counted', () => {
    expect(errorMetrics([1, NaN, 5], [1, 7, Infinity])).toEqual({ count: 1, nonFinite: 2, maxAbs: 0, relFrobenius: 0, sqnrDb: Infinity });
    expect(errorMetrics([1], [0])).toMatchObject({ relFrobenius: Infinity, sqnrDb: -Infinity });
    expect(() => errorMetrics([1], [1, 2])).toThrow(RangeError);
  });

  it('decodeResult reads int32 codes as two\'s complement and float codes by their format', () => {
    expect([...decodeResult({ format: 'int32', m: 1, n: 2, codes: Uint32Array.from([0xffffffff, 5]) })]).toEqual([-1, 5]);
    expect([...decodeResult({ format: 'fp16', m: 1, n: 2, codes: Uint32Array.from([0x3c00, 0xc000]) })]).toEqual([1, -2]);
    expect([...decodeResult({ format: 'posit8_0', m: 1, n: 1, codes: Uint32Array.from([0x40]) })]).toEqual([1]);
  });
});
