/**
 * QLoRA double quantization against an independent re-computation in the test: the bitsandbytes tables
 * are read from test/vectors (not from the format library), nearest entries are found by linear search,
 * float32 steps use Math.fround.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { doubleQuantAbsmax, qloraScheme, quantize } from '../../src/quant/index.js';
import { testData } from './helpers.js';

function table(file: string): number[] {
  return readFileSync(resolve(__dirname, '../vectors', file), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => {
      const bits = parseInt(l.trim().split(/\s+/)[2], 16);
      return new Float32Array(Uint32Array.of(bits).buffer)[0];
    });
}

const NF4 = table('bnb_nf4.table.txt');
const DYN = table('bnb_dynamic_signed.map.txt');
const f32 = Math.fround;

/** Index of the nearest entry (no ties arise in this data; asserted). */
function nearest(values: number[], x: number): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (Math.abs(values[i] - x) < Math.abs(values[best] - x)) best = i;
  const ties = values.filter((v) => Math.abs(v - x) === Math.abs(values[best] - x) && v !== values[best]);
  expect(ties).toEqual([]);
  return best;
}

describe('QLoRA double quantization', () => {
  it('matches an independent computation of codes, constants and dequantized values', () => {
    // 3 rows of 4000: 12000 elements → 188 blocks of 64 (the last one partial: the flat tensor is blocked),
    // 1 constant block of 256.
    const n = 12000;
    const data = testData(n, 77, 50, 6);
    const q = quantize({ shape: [3, 4000], data }, { ...qloraScheme(), constantBlockSize: 100 });
    const nb = Math.ceil(n / 64);
    const absmax: number[] = [];
    for (let b = 0; b < nb; b++) absmax.push(f32(Math.max(...data.slice(b * 64, (b + 1) * 64).map(Math.abs))));
    // Element codes: nf4(f32(v · f32(1/absmax))).
    for (let i = 0; i < n; i++) {
      const a = absmax[Math.floor(i / 64)];
      expect(q.codes[i]).toBe(nearest(NF4, f32(data[i] * f32(1 / a))));
    }
    // Constants: offset = f32(mean); c = f32(a − offset); blocks of 100 (set above): code = dyn(f32(c · f32(1/max|c|))).
    const offset = f32(absmax.reduce((p, c) => p + c, 0) / nb);
    const [constants, cScales, cOffset] = q.scales;
    expect(cOffset.values[0]).toBe(offset);
    const c = absmax.map((a) => f32(a - offset));
    for (let j = 0; j * 100 < nb; j++) {
      const blk = c.slice(j * 100, (j + 1) * 100);
      const am = Math.max(...blk.map(Math.abs));
      expect(cScales.values[j]).toBe(am);
      blk.forEach((x, k) => expect(constants.codes[j * 100 + k]).toBe(nearest(DYN, f32(x * f32(1 / am)))));
    }
    // Dequantization: absmax' = f32(f32(dyn·a_j) + offset); v' = nf4·absmax'.
    const rebuilt = absmax.map((_, i) => f32(f32(DYN[constants.codes[i]] * cScales.values[Math.floor(i / 100)]) + offset));
    expect([...doubleQuantAbsmax(q, { ...qloraScheme(), constantBlockSize: 100 })]).toEqual(rebuilt);
    for (let i = 0; i < n; i += 7) expect(q.dequantized[i]).toBe(NF4[q.codes[i]] * rebuilt[Math.floor(i / 64)]);
    // The 8-bit constants cost little accuracy: the dynamic map's top decade has steps of 1/64 (of the constant
    // block's scale), so |absmax' − absmax| ≤ a_j/128 plus float32 rounding.
    rebuilt.forEach((r, i) => expect(Math.abs(r - absmax[i])).toBeLessThanOrEqual(cScales.values[Math.floor(i / 100)] / 128 + 1e-6));
  });
});
