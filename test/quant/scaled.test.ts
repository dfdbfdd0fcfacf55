/**
 * Per-tensor / per-channel / per-group scaling, symmetric and asymmetric (formats.md §1), on hand-checked
 * cases and against an independent re-computation from the stored codes and scales.
 */
import { describe, expect, it } from 'vitest';
import { BF16, E8M0, FP16, FP32, FP4_E2M1 } from '../../src/formats/float.js';
import { intFormat } from '../../src/formats/int.js';
import { dequantize, quantize, QuantError, type ScaledScheme } from '../../src/quant/index.js';
import { testData } from './helpers.js';

const INT4 = intFormat(4, true);
const UINT4 = intFormat(4, false);
const INT8 = intFormat(8, true);

function scheme(p: Partial<ScaledScheme> & Pick<ScaledScheme, 'element'>): ScaledScheme {
  return { kind: 'scaled', granularity: { kind: 'tensor' }, scaleFormat: FP32, mode: 'symmetric', ...p };
}

describe('symmetric scaling', () => {
  it('clips int4 to ±7 and never uses −8', () => {
    // absmax 1 → scale = f32(1/7); −1/scale = −7.0000001 → clamp −7 (code 9), not −8 (code 8).
    const q = quantize({ shape: [4], data: Float64Array.from([-1, 1, 0.5, -0.07]) }, scheme({ element: INT4 }));
    const s = Math.fround(1 / 7);
    expect([...q.scales[0].values]).toEqual([s]);
    // 0.5/s = 3.4999999 → 3; −0.07/s = −0.49 → 0.
    expect([...q.codes]).toEqual([9, 7, 3, 0]);
    expect([...q.dequantized]).toEqual([-7 * s, 7 * s, 3 * s, 0]);
  });

  it('uses one scale per channel (axis 0) and per group (last dim)', () => {
    // [2, 4]: channel 0 absmax 127 → scale 1; channel 1 absmax 2.54 → scale f32(0.02).
    const data = Float64Array.from([127, -64, 3.4, 0, 2.54, -1.27, 0.02, 0.03]);
    const qc = quantize({ shape: [2, 4], data }, scheme({ element: INT8, granularity: { kind: 'channel' } }));
    expect([...qc.scales[0].values]).toEqual([1, Math.fround(2.54 / 127)]);
    expect(qc.scales[0].role).toBe('channel');
    // group:2 → 4 groups with absmax 127, 3.4, 2.54, 0.03.
    const qg = quantize({ shape: [2, 4], data }, scheme({ element: INT8, granularity: { kind: 'group', size: 2 } }));
    expect([...qg.scales[0].values]).toEqual([127, 3.4, 2.54, 0.03].map((a) => Math.fround(a / 127)));
  });

  it('stores the scale in the named format and quantizes with the stored scale', () => {
    // fp4 elements, e8m0 scale: absmax 3 → 3/6 = 0.5 = 2^-1 exactly; 3/0.5 = 6; 1/0.5 = 2; 0.2/0.5 = 0.4 → 0.5.
    const q = quantize({ shape: [3], data: Float64Array.from([3, 1, 0.2]) }, scheme({ element: FP4_E2M1, scaleFormat: E8M0 }));
    expect([...q.scales[0].codes]).toEqual([126]);
    expect([...q.dequantized]).toEqual([3, 1, 0.25]);
    // bf16 scale: 1/7 → bf16(0.142857) = 0.142578125 (0x3e12); values re-quantized with that scale.
    const qb = quantize({ shape: [2], data: Float64Array.from([1, -0.5]) }, scheme({ element: INT4, scaleFormat: BF16 }));
    expect(qb.scales[0].codes[0]).toBe(0x3e12);
    expect(qb.scales[0].values[0]).toBe(0.142578125);
    // 1/0.142578125 = 7.0137 → clamp 7; −0.5/0.142578125 = −3.507 → −4.
    expect([...qb.dequantized]).toEqual([7 * 0.142578125, -4 * 0.142578125]);
  });

  it('honours an explicit clip and rejects one that is not a value', () => {
    const q = quantize({ shape: [2], data: Float64Array.from([1, -1]) }, scheme({ element: INT4, clip: 6 }));
    // scale = f32(1/6); ±1/scale = ±5.99999984 → ±6.
    const s = Math.fround(1 / 6);
    expect(q.scales[0].values[0]).toBe(s);
    expect([...q.dequantized]).toEqual([6 * s, -6 * s]);
    expect(() => quantize({ shape: [1], data: Float64Array.of(1) }, scheme({ element: INT4, clip: 6.5 }))).toThrow(QuantError);
  });
});

describe('asymmetric scaling', () => {
  it('follows the zero-point formulas on a hand-checked range', () => {
    // int4 (N = 4): min −1, max 2 → scale = f32(3/15) = f32(0.2); zp = rne(1/0.2f) = rne(4.99999992) = 5;
    // q(−1) = rne(−5.0000001) + 5 = 0; q(0) = 5; q(2) = rne(9.9999998) + 5 = 15; q(0.5) = rne(2.4999999) + 5 = 7.
    const q = quantize({ shape: [4], data: Float64Array.from([-1, 0, 2, 0.5]) }, scheme({ element: INT4, mode: 'asymmetric' }));
    const s = Math.fround(0.2);
    expect([...q.scales[0].values]).toEqual([s]);
    expect([...(q.zeroPoints ?? [])]).toEqual([5]);
    expect([...q.codes]).toEqual([0, 5, 15, 7]);
    expect([...q.dequantized]).toEqual([-5 * s, 0, 10 * s, 2 * s]);
  });

  it('represents a constant range exactly', () => {
    const q = quantize({ shape: [3], data: Float64Array.from([2, 2, 2]) }, scheme({ element: UINT4, mode: 'asymmetric' }));
    expect([...q.dequantized]).toEqual([2, 2, 2].map(() => 15 * Math.fround(2 / 15)));
    const z = quantize({ shape: [2], data: Float64Array.from([0, 0]) }, scheme({ element: UINT4, mode: 'asymmetric' }));
    expect([...z.dequantized]).toEqual([0, 0]);
  });

  it('rejects non-integer element formats', () => {
    expect(() => quantize({ shape: [1], data: Float64Array.of(1) }, scheme({ element: FP4_E2M1, mode: 'asymmetric' }))).toThrow(/integer/);
  });
});

describe('dequantize', () => {
  it('rebuilds the values from the stored parts alone, as decode(code)·scale', () => {
    const data = testData(2 * 64, 5, 9);
    const s = scheme({ element: INT4, scaleFormat: FP16, granularity: { kind: 'group', size: 16 } });
    const q = quantize({ shape: [2, 64], data }, s);
    const again = dequantize({ scheme: s, shape: q.shape, codes: q.codes, codeBits: q.codeBits, scales: q.scales });
    expect([...again.data]).toEqual([...q.dequantized]);
    for (let i = 0; i < data.length; i++) {
      expect(q.dequantized[i]).toBe(INT4.decode(q.codes[i]) * FP16.decode(q.scales[0].codes[Math.floor(i / 16)]));
    }
  });
});
