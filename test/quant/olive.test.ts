/**
 * OliVe outlier-victim pairs: hand-checked pair encodings at a known scale, the victim flag protocol,
 * and the scale search never doing worse than the plain absmax/384 scale.
 */
import { describe, expect, it } from 'vitest';
import { FP32 } from '../../src/formats/float.js';
import { lut } from '../../src/formats/lut.js';
import { OLIVE_ABFLOAT, OLIVE_VICTIM, quantize, type OliveScheme } from '../../src/quant/index.js';
import { testData } from './helpers.js';

const perTensor: OliveScheme = { kind: 'olive', granularity: { kind: 'tensor' }, scaleFormat: FP32 };

describe('OliVe outlier-victim pairs', () => {
  it('encodes hand-checked pairs', () => {
    // The scale format lut([0, 1]) can only store 1 (every grid candidate 384/m ≥ 1 saturates to it), which pins
    // the scale to 1 so the pair rules are visible directly:
    // (384, 5): 384 > 38 is the outlier → abfloat index 7, code 7; its victim 5 → 0, code 0x8.
    // (8, −12): both normal → k = 2 (code 2), k = −3 (code 0xd).
    // (−50, 3): −50 outlier → nearest magnitude 48 (index 1), negative → code 0x9; victim → 0x8.
    // (0, 28): normal, k = 0 and 7.   (40, 100): both outliers, 100 larger → 96 (index 3, code 3) in lane 1; lane 0 victim.
    // (−56, 1): −56 ties 48 and 64 → even index 2 (64): code 0x8|2 = 0xa.
    const data = Float64Array.from([384, 5, 8, -12, -50, 3, 0, 28, 40, 100, -56, 1]);
    const q = quantize({ shape: [12], data }, { ...perTensor, scaleFormat: lut([0, 1]) });
    expect(q.scales[0].values[0]).toBe(1);
    expect([...q.codes]).toEqual([7, 0x8, 2, 0xd, 0x9, 0x8, 0, 7, 0x8, 3, 0xa, 0x8]);
    expect([...q.dequantized]).toEqual([384, 0, 8, -12, -48, 0, 0, 28, 0, 96, -64, 0]);
  });

  it('keeps the victim protocol: a flagged lane is 0 and its partner is an abfloat value', () => {
    const data = testData(512, 21, 9, 12);
    const q = quantize({ shape: [4, 128], data }, { kind: 'olive', granularity: { kind: 'group', size: 32 }, scaleFormat: FP32 });
    let outliers = 0;
    for (let i = 0; i < data.length; i += 2) {
      const [c0, c1] = [q.codes[i], q.codes[i + 1]];
      expect(c0 === OLIVE_VICTIM && c1 === OLIVE_VICTIM).toBe(false);
      if (c0 !== OLIVE_VICTIM && c1 !== OLIVE_VICTIM) continue;
      outliers++;
      const [victim, partner] = c0 === OLIVE_VICTIM ? [i, i + 1] : [i + 1, i];
      expect(q.dequantized[victim]).toBe(0);
      const scale = q.scales[0].values[Math.floor(i / 32)];
      expect(OLIVE_ABFLOAT.slice(1)).toContain(Math.abs(q.dequantized[partner]) / scale);
    }
    expect(outliers).toBeGreaterThan(0);
  });

  it('chooses a scale at least as good as absmax/384', () => {
    const data = testData(256, 4, 31, 15);
    const amax = Math.max(...data.map(Math.abs));
    const q = quantize({ shape: [256], data }, perTensor);
    // Independent encoding at s = f32(amax/384): normals 4·clamp(rne(y/4)) (no ties in this data), outliers
    // to the nearest abfloat magnitude, victims 0.
    const s = Math.fround(amax / 384);
    const levels = OLIVE_ABFLOAT.slice(1);
    const near = (a: number) => levels.reduce((b, l) => (Math.abs(a - l) < Math.abs(a - b) ? l : b), levels[0]);
    let sse = 0;
    for (let i = 0; i < data.length; i += 2) {
      const y = [data[i] / s, data[i + 1] / s];
      const a = y.map(Math.abs);
      let d: number[];
      if (a[0] <= 38 && a[1] <= 38) d = y.map((v) => 4 * Math.max(-7, Math.min(7, Math.round(v / 4))));
      else if (a[0] >= a[1]) d = [Math.sign(y[0]) * near(a[0]), 0];
      else d = [0, Math.sign(y[1]) * near(a[1])];
      sse += (data[i] - d[0] * s) ** 2 + (data[i + 1] - d[1] * s) ** 2;
    }
    expect(q.metrics.mse * 256).toBeLessThanOrEqual(sse * (1 + 1e-12));
  });
});
