/**
 * Random Hadamard rotation: matches the explicit matrix H[i][j]·d_j/√b with H[i][j] = (−1)^popcount(i&j),
 * is orthonormal, its inverse round-trips, signs are seeded, and quantizing through it reports errors in
 * the original domain.
 */
import { describe, expect, it } from 'vitest';
import { hadamardRotate, hadamardSigns, hadamardUnrotate, nvfp4Scheme, quantize, QuantError } from '../../src/quant/index.js';
import { testData } from './helpers.js';

function popcount(x: number): number {
  let c = 0;
  for (; x; x &= x - 1) c++;
  return c;
}

describe('random Hadamard transform', () => {
  it('equals the explicit normalized Sylvester matrix with the seeded signs', () => {
    for (const b of [1, 2, 8, 32]) {
      const d = hadamardSigns(b, 42);
      const x = testData(b, b);
      const y = hadamardRotate(x, [b], b, 42);
      for (let i = 0; i < b; i++) {
        let acc = 0;
        for (let j = 0; j < b; j++) acc += (popcount(i & j) % 2 ? -1 : 1) * d[j] * x[j];
        expect(Math.abs(y[i] - acc / Math.sqrt(b))).toBeLessThan(1e-12);
      }
    }
  });

  it('is orthonormal: its matrix M satisfies M·Mᵀ = I', () => {
    const b = 16;
    const cols: Float64Array[] = [];
    for (let j = 0; j < b; j++) {
      const e = new Float64Array(b);
      e[j] = 1;
      cols.push(hadamardRotate(e, [b], b, 3));
    }
    for (let i = 0; i < b; i++) {
      for (let k = 0; k < b; k++) {
        let dot = 0;
        for (let j = 0; j < b; j++) dot += cols[i][j] * cols[k][j];
        expect(Math.abs(dot - (i === k ? 1 : 0))).toBeLessThan(1e-14);
      }
    }
  });

  it('round-trips through its inverse, block by block along the last dimension', () => {
    const x = testData(3 * 128, 8, 5, 20);
    const y = hadamardRotate(x, [3, 128], 64, 9);
    const back = hadamardUnrotate(y, [3, 128], 64, 9);
    for (let i = 0; i < x.length; i++) expect(Math.abs(back[i] - x[i])).toBeLessThan(1e-13);
    // Each block keeps its energy (orthonormality), and different blocks do not mix.
    const e = (a: ArrayLike<number>, s: number) => Array.from({ length: 64 }, (_, j) => a[s + j] ** 2).reduce((p, q) => p + q, 0);
    expect(Math.abs(e(y, 64) - e(x, 64))).toBeLessThan(1e-12);
  });

  it('draws reproducible signs from the seed', () => {
    expect([...hadamardSigns(64, 5)]).toEqual([...hadamardSigns(64, 5)]);
    expect([...hadamardSigns(64, 5)]).not.toEqual([...hadamardSigns(64, 6)]);
    expect([...hadamardSigns(64, 5)].every((s) => s === 1 || s === -1)).toBe(true);
  });

  it('quantizes in the rotated domain and reports the error in the original one', () => {
    const x = testData(4 * 64, 11, 13, 30);
    const t = { shape: [4, 64], data: x };
    const q = quantize(t, { kind: 'hadamard', blockSize: 32, seed: 4, inner: nvfp4Scheme() });
    // The codes and scales are those of NVFP4 applied to the rotated tensor.
    const rotated = hadamardRotate(x, t.shape, 32, 4);
    const inner = quantize({ shape: t.shape, data: rotated }, nvfp4Scheme());
    expect([...q.codes]).toEqual([...inner.codes]);
    expect(q.scales.map((s) => [...s.codes])).toEqual(inner.scales.map((s) => [...s.codes]));
    // An orthonormal map preserves squared error: same MSE in both domains, up to float64 rounding.
    expect(Math.abs(q.metrics.mse - inner.metrics.mse)).toBeLessThan(1e-12 * inner.metrics.mse + 1e-15);
    expect([...q.dequantized]).toEqual([...hadamardUnrotate(inner.dequantized, t.shape, 32, 4)]);
  });

  it('rejects rows that are not a multiple of the block and non-powers of two', () => {
    expect(() => quantize({ shape: [2, 48], data: new Float64Array(96).fill(1) }, { kind: 'hadamard', blockSize: 32, seed: 0, inner: nvfp4Scheme() })).toThrow(QuantError);
    expect(() => quantize({ shape: [2, 48], data: new Float64Array(96).fill(1) }, { kind: 'hadamard', blockSize: 24, seed: 0, inner: nvfp4Scheme() })).toThrow(/power of two/);
  });
});
