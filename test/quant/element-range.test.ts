/**
 * Schemes use the element format's whole range, and refuse scales their scale format cannot hold
 * (issue 10: `--block qlora --format int4` used 3 codes, `scale=int4` zeroed the tensor, both silently).
 * Expected SQNRs come from quantization-noise theory, not from the code: a uniform quantizer of step Δ
 * adds noise of power Δ²/12 to values spread over many steps, so with each block's step known the
 * predicted SQNR is 10·log10(Σ v² / Σ_blocks n_b·Δ_b²/12). The measurement must land within 1 dB.
 */
import { describe, expect, it } from 'vitest';
import { lookupFormat } from '../../src/formats/registry.js';
import { parseBlockSpec, QuantError, quantize, type QuantScheme } from '../../src/quant/index.js';
import { testData } from './helpers.js';

/** Predicted SQNR (dB) of a uniform quantizer with step absmax_b / levels per block of `block`. */
function predictedSqnr(data: Float64Array, block: number, levels: number): number {
  let signal = 0;
  let noise = 0;
  for (let b = 0; b * block < data.length; b++) {
    const slice = data.subarray(b * block, (b + 1) * block);
    const amax = Math.max(...Array.from(slice, Math.abs));
    const step = amax / levels;
    noise += (slice.length * step * step) / 12;
    for (const v of slice) signal += v * v;
  }
  return 10 * Math.log10(signal / noise);
}

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof QuantError) return `${e.code}: ${e.message}`;
    throw e;
  }
  return 'no error';
}

const shape = [96, 128];
const data = testData(96 * 128, 11);

describe('QLoRA maps each block absmax to the element format range', () => {
  it('int4 elements use all 15 symmetric codes and reach the uniform-quantizer SQNR (≈ 20 dB, not 3)', () => {
    const q = quantize({ shape, data }, parseBlockSpec('qlora', lookupFormat('int4')));
    const used = new Set(Array.from(q.codes));
    expect(used.size).toBe(15); // −7..7 (−8 is never produced: absmax maps to 7)
    const want = predictedSqnr(data, 64, 7);
    expect(want).toBeGreaterThan(18);
    expect(Math.abs(q.metrics.sqnrDb - want)).toBeLessThan(1);
  });

  it('int8 elements: step absmax/127 (≈ 45 dB)', () => {
    const q = quantize({ shape, data }, parseBlockSpec('qlora', lookupFormat('int8')));
    expect(Math.abs(q.metrics.sqnrDb - predictedSqnr(data, 64, 127))).toBeLessThan(1);
  });

  it('fp4_e2m1 elements spread over ±6 and use every code but −0; nf4 (range 1) stays bitsandbytes', () => {
    const fp4 = quantize({ shape, data }, parseBlockSpec('qlora', lookupFormat('fp4_e2m1')));
    expect(new Set(Array.from(fp4.codes)).size).toBeGreaterThanOrEqual(14);
    // fp4's 8 magnitudes are coarser than int4's 15 levels but far better than using [−1, 1] only.
    expect(fp4.metrics.sqnrDb).toBeGreaterThan(12);
    const nf4 = quantize({ shape, data }, parseBlockSpec('qlora'));
    expect(new Set(Array.from(nf4.codes)).size).toBe(16);
  });

  it('refuses element formats without negative values, with the reason', () => {
    expect(errorOf(() => parseBlockSpec('qlora', lookupFormat('uint4')))).toMatch(/bad-scheme: QLoRA .*needs positive and negative values.*uint4/);
  });
});

describe('scale formats that cannot hold the scales are refused', () => {
  const run = (spec: string, element: string, values: Float64Array) => () =>
    quantize({ shape: [values.length], data: values }, parseBlockSpec(spec, lookupFormat(element)) as QuantScheme);

  it('a scale that rounds to zero (scale=int4 for weights below 1) names the range and the scale', () => {
    const small = data.map((v) => v / 8); // |v| < 0.25: scale absmax/127 < 0.002
    expect(errorOf(run('group:64,scale=int4', 'int8', small))).toMatch(/^bad-scheme: scale format int4 cannot hold the scale .* of group 0: it becomes 0 .*zero/);
    expect(errorOf(run('tensor,scale=int4', 'int8', small))).toMatch(/of the tensor/);
    expect(errorOf(run('channel,asym,scale=int4', 'int4', small))).toMatch(/scale format int4 cannot hold/);
    const noElement = (spec: string) => () => quantize({ shape: [small.length], data: small }, parseBlockSpec(spec));
    expect(errorOf(noElement('bitmod:64,scale=int4'))).toMatch(/scale format int4 cannot hold .* of group 0/);
    expect(errorOf(noElement('olive:64,scale=int4'))).toMatch(/scale format int4 cannot hold .* of group 0/);
  });

  it('a scale beyond the scale format (every element would clip) is refused; one it holds works', () => {
    const big = data.map((v) => v * 1e5); // absmax/7 ≈ 3e4 > fp8_e4m3's 448
    expect(errorOf(run('group:64,scale=fp8_e4m3', 'int4', big))).toMatch(/largest value is 448, so every element would clip/);
    // int4 scales hold absmax/127 ∈ [1, 7] exactly for data in [127, 889]: quantizes fine.
    const mid = Float64Array.from({ length: 512 }, (_, i) => 200 + (i % 400));
    const q = quantize({ shape: [512], data: mid }, parseBlockSpec('tensor,scale=int4', lookupFormat('int8')));
    expect(q.scales[0].values[0]).toBe(5); // 599 / 127 ≈ 4.7 → 5
    expect(q.metrics.sqnrDb).toBeGreaterThan(30);
  });
});
