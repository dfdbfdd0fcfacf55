/**
 * Stochastic rounding in the quantizers: unbiased (statistical test with a fixed seed, so deterministic),
 * rounds up with the fractional probability, reproducible from the seed, and requires one.
 */
import { describe, expect, it } from 'vitest';
import { FP32 } from '../../src/formats/float.js';
import { FP4_E2M1 } from '../../src/formats/float.js';
import { intFormat } from '../../src/formats/int.js';
import { mxScheme, nvfp4Scheme, quantize, QuantError, type ScaledScheme } from '../../src/quant/index.js';

/** Blocks of 32: [4, v, v, …] so that MX fp4 has X = 1 (floor(log2 4) − 2 = 0) and v lies between two levels. */
function mxBlocks(v: number, blocks: number): { shape: number[]; data: Float64Array } {
  const data = new Float64Array(blocks * 32).fill(v);
  for (let b = 0; b < blocks; b++) data[b * 32] = 4;
  return { shape: [blocks, 32], data };
}

describe('stochastic rounding', () => {
  it('is unbiased and rounds up with the fractional probability (MX fp4)', () => {
    // 1.3 lies between 1 and 1.5: up with probability 0.6, mean 1.3. −2.7 between −2 and −3: away from zero w.p. 0.7.
    for (const [v, lo, hi, pUp] of [
      [1.3, 1, 1.5, 0.6],
      [-2.7, -2, -3, 0.7],
    ]) {
      const t = mxBlocks(v, 1000);
      const q = quantize(t, mxScheme(FP4_E2M1), { rounding: 'stochastic', seed: 12345 });
      let ups = 0;
      let sum = 0;
      let n = 0;
      for (let i = 0; i < t.data.length; i++) {
        if (i % 32 === 0) continue;
        const d = q.dequantized[i];
        expect(d === lo || d === hi).toBe(true);
        if (d === hi) ups++;
        sum += d;
        n++;
      }
      // Binomial: σ of the up-fraction is sqrt(p(1−p)/n) ≈ 0.0028; allow 5σ. The seed is fixed, so this is deterministic.
      const sigma = Math.sqrt((pUp * (1 - pUp)) / n);
      expect(Math.abs(ups / n - pUp)).toBeLessThan(5 * sigma);
      expect(Math.abs(sum / n - v)).toBeLessThan(5 * sigma * Math.abs(hi - lo));
    }
  });

  it('is unbiased for asymmetric integer quantization', () => {
    // uint4 asymmetric over [0, 15]: scale = 15/15 = 1, zp = 0, so 7.25 rounds to 7 or 8 with P(8) = 0.25.
    const n = 20000;
    const data = new Float64Array(n).fill(7.25);
    data[0] = 0;
    data[1] = 15;
    const s: ScaledScheme = { kind: 'scaled', granularity: { kind: 'tensor' }, element: intFormat(4, false), scaleFormat: FP32, mode: 'asymmetric' };
    const q = quantize({ shape: [n], data }, s, { rounding: 'stochastic', seed: 99 });
    let sum = 0;
    for (let i = 2; i < n; i++) sum += q.dequantized[i];
    const mean = sum / (n - 2);
    expect(Math.abs(mean - 7.25)).toBeLessThan(5 * Math.sqrt(0.25 * 0.75 / (n - 2)));
  });

  it('is reproducible from the seed, and differs between seeds', () => {
    const t = mxBlocks(1.3, 50);
    const a = quantize(t, nvfp4Scheme(), { rounding: 'stochastic', seed: 7 });
    const b = quantize(t, nvfp4Scheme(), { rounding: 'stochastic', seed: 7 });
    const c = quantize(t, nvfp4Scheme(), { rounding: 'stochastic', seed: 8 });
    expect([...a.codes]).toEqual([...b.codes]);
    expect([...a.codes]).not.toEqual([...c.codes]);
  });

  it('needs a seed', () => {
    expect(() => quantize(mxBlocks(1.3, 1), mxScheme(FP4_E2M1), { rounding: 'stochastic' })).toThrow(QuantError);
  });

  it('leaves exactly representable values alone', () => {
    const t = mxBlocks(1.5, 20);
    const q = quantize(t, mxScheme(FP4_E2M1), { rounding: 'stochastic', seed: 1 });
    expect([...q.dequantized].every((d, i) => d === t.data[i])).toBe(true);
  });
});
