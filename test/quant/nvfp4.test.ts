/**
 * NVFP4 scale rule on hand-checked blocks: s_t = f32(amax_t / 2688), s_b = e4m3(f32(f32(amax_b/6)/s_t)),
 * element = e2m1(f32(v / f32(s_b·s_t))). Every expected code is worked by hand in the comments; float32
 * roundings use Math.fround (an independent float32 rounder).
 */
import { describe, expect, it } from 'vitest';
import { FP8_E4M3 } from '../../src/formats/float.js';
import { nvfp4Scheme, quantize } from '../../src/quant/index.js';

function tensor16(...blocks: number[][]): { shape: number[]; data: Float64Array } {
  const data = new Float64Array(blocks.length * 16);
  blocks.forEach((b, i) => data.set(b, i * 16));
  return { shape: [1, blocks.length * 16], data };
}

const f32Bits = (x: number) => new Uint32Array(Float32Array.of(x).buffer)[0];

describe('NVFP4 block scaling', () => {
  it('quantizes hand-checked blocks with an exact tensor scale', () => {
    const q = quantize(
      tensor16(
        // amax_t = 2688 → s_t = 2688/2688 = 1. Block 0: q = 2688/6 = 448 → e4m3 448 = code 0x7e; d = 448.
        // 2688/448 = 6 (code 7); 1000/448 = 2.232 → 2 (code 4); −700/448 = −1.5625 → −1.5 (0xb).
        [2688, 1000, -700],
        // Block 1: amax 30 → q = 5 = 1.25·2^2 → e4m3 code (9 << 3) | 2 = 0x4a; d = 5.
        // 30/5 = 6 (7); 12/5 = 2.4 → 2 (4); 13/5 = 2.6 → 3 (5); −7.5/5 = −1.5 (0xb); 1.2/5 = 0.24 → 0 (0).
        [30, 12, 13, -7.5, 1.2],
        // Block 2: amax 31 → q = f32(31/6) = 5.1666… → e4m3 neighbours 5 and 5.5 → 5 (0x4a); d = 5.
        // 31/5 = 6.2 saturates to 6 (7); −31/5 → −6 (0xf).
        [31, -31],
        // Block 3: all zero → q = 0 → block scale 1.0 (e4m3 code 0x38, as ModelOpt does); elements 0.
        [],
      ),
      nvfp4Scheme(),
    );
    const [block, tensorScale] = q.scales;
    expect(tensorScale.role).toBe('tensor');
    expect([...tensorScale.values]).toEqual([1]);
    expect([...tensorScale.codes]).toEqual([0x3f800000]);
    expect(block.format).toBe('fp8_e4m3');
    expect([...block.codes]).toEqual([0x7e, 0x4a, 0x4a, 0x38]);
    expect([...block.values]).toEqual([448, 5, 5, 1]);
    expect([...q.codes.slice(0, 3)]).toEqual([7, 4, 0xb]);
    expect([...q.codes.slice(16, 21)]).toEqual([7, 4, 5, 0xb, 0]);
    expect([...q.codes.slice(32, 34)]).toEqual([7, 0xf]);
    expect([...q.codes.slice(48, 64)].every((c) => c === 0)).toBe(true);
    // Dequantized: e2m1 · s_b · s_t.
    expect([...q.dequantized.slice(0, 3)]).toEqual([2688, 896, -672]);
    expect([...q.dequantized.slice(16, 21)]).toEqual([30, 10, 15, -7.5, 0]);
    expect([...q.dequantized.slice(32, 34)]).toEqual([30, -30]);
  });

  it('rounds the tensor scale and the block-scale quotient in float32', () => {
    // amax_t = 1 → s_t = f32(1/2688). Block with amax 0.75: q = f32(f32(0.75/6)/s_t) = f32(0.125/s_t), which
    // float32 rounds to exactly 336 — a tie between the e4m3 neighbours 320 (1.010b·2^8) and 352 (1.011b·2^8),
    // so RNE takes the even mantissa: s_b = 320. d = f32(s_b·s_t); element e2m1(f32(v/d)).
    const st = Math.fround(1 / 2688);
    const qb = Math.fround(Math.fround(0.75 / 6) / st);
    expect(qb).toBe(336);
    const sb = 320;
    const d = Math.fround(sb * st);
    const q = quantize(tensor16([1], [0.75, 0.5, -0.1]), nvfp4Scheme());
    expect(q.scales[1].values[0]).toBe(st);
    expect(q.scales[1].codes[0]).toBe(f32Bits(st));
    expect(q.scales[0].values[1]).toBe(sb);
    expect(q.scales[0].codes[1]).toBe(FP8_E4M3.encode(sb));
    // 0.75/d ≈ 0.75·2688/320 = 6.3 → 6; 0.5/d = 4.2 → 4; −0.1/d = −0.84 → −1.
    const e2m1 = (y: number) => [0, 0.5, 1, 1.5, 2, 3, 4, 6].reduce((best, v) => (Math.abs(Math.abs(y) - v) < Math.abs(Math.abs(y) - best) ? v : best), 0) * Math.sign(y);
    for (const [i, v] of [[16, 0.75], [17, 0.5], [18, -0.1]]) {
      expect(q.dequantized[i]).toBe(e2m1(Math.fround(v / d)) * sb * st);
    }
  });

  it('produces all-zero output for an all-zero tensor', () => {
    const q = quantize(tensor16([]), nvfp4Scheme());
    expect(q.scales[1].values[0]).toBe(0);
    expect([...q.dequantized].every((v) => v === 0)).toBe(true);
    expect(q.metrics.mse).toBe(0);
  });
});
