/**
 * Error metrics of quantize(): MSE, SQNR and max |error| against an independent exact computation
 * (rational sums over the input and the dequantized tensor), for several schemes.
 */
import { describe, expect, it } from 'vitest';
import { FP4_E2M1, FP16 } from '../../src/formats/float.js';
import { intFormat } from '../../src/formats/int.js';
import { div, fromNumber, rational, toNumber } from '../../src/formats/rational.js';
import { bitmodScheme, computeMetrics, mxScheme, nvfp4Scheme, qloraScheme, quantize, type QuantScheme } from '../../src/quant/index.js';
import { exactSse, relClose, testData } from './helpers.js';

describe('quantization error metrics', () => {
  const data = testData(2 * 256, 31, 17, 10);
  const t = { shape: [2, 256], data };
  const schemes: Array<[string, QuantScheme]> = [
    ['mx fp4', mxScheme(FP4_E2M1)],
    ['nvfp4', nvfp4Scheme()],
    ['bitmod', bitmodScheme(64)],
    ['qlora', qloraScheme()],
    ['int4 group', { kind: 'scaled', granularity: { kind: 'group', size: 32 }, element: intFormat(4, true), scaleFormat: FP16, mode: 'symmetric' }],
  ];
  for (const [name, s] of schemes) {
    it(`match an exact computation for ${name}`, () => {
      const q = quantize(t, s);
      const sse = exactSse(data, q.dequantized);
      const signal = exactSse(data, new Float64Array(data.length));
      const mse = toNumber(div(sse, rational(BigInt(data.length))));
      expect(relClose(q.metrics.mse, mse, 1e-13)).toBe(true);
      const sqnr = 10 * Math.log10(toNumber(div(signal, sse)));
      expect(Math.abs(q.metrics.sqnrDb - sqnr)).toBeLessThan(1e-10);
      let maxAbs = 0;
      for (let i = 0; i < data.length; i++) maxAbs = Math.max(maxAbs, Math.abs(toNumber(fromNumber(data[i])) - q.dequantized[i]));
      expect(q.metrics.maxAbsError).toBe(maxAbs);
      // A sanity floor: 4-bit schemes on this data land between 5 and 30 dB.
      expect(q.metrics.sqnrDb).toBeGreaterThan(5);
      expect(q.metrics.sqnrDb).toBeLessThan(30);
    });
  }

  it('report infinite SQNR for an exact result and −∞ for a zero signal with error', () => {
    expect(computeMetrics([1, 2], [1, 2])).toEqual({ mse: 0, sqnrDb: Infinity, maxAbsError: 0 });
    expect(computeMetrics([0, 0], [0, 1])).toEqual({ mse: 0.5, sqnrDb: -Infinity, maxAbsError: 1 });
  });

  it('stay accurate over many small terms (compensated sums)', () => {
    const n = 100000;
    const exact = new Float64Array(n).fill(1);
    exact[0] = 1e8;
    const approx = Float64Array.from(exact, (x, i) => (i === 0 ? x : x + 1e-4));
    const m = computeMetrics(exact, approx);
    // Σ d² = (n − 1)·1e-8 (within float rounding of 1 + 1e-4 − 1).
    const d = 1 + 1e-4 - 1;
    expect(relClose(m.mse, ((n - 1) * d * d) / n, 1e-9)).toBe(true);
  });
});
