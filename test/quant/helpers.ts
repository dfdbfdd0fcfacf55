/** Shared test helpers for the quantizer tests: seeded test data and an exact-rational toolkit. */
import { seededRandom } from '../../src/formats/random.js';
import { add, fromNumber, mul, sub, ZERO, type Rational } from '../../src/formats/rational.js';

/** Deterministic pseudo-normal data (sum of 4 uniforms, centred), with occasional outliers. */
export function testData(n: number, seed: number, outlierEvery = 0, outlierScale = 8): Float64Array {
  const rng = seededRandom(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const g = rng.nextFloat() + rng.nextFloat() + rng.nextFloat() + rng.nextFloat() - 2;
    out[i] = outlierEvery > 0 && i % outlierEvery === outlierEvery - 1 ? g * outlierScale : g;
  }
  return out;
}

/** Exact Σ (a[i] − b[i])² over float64 arrays. */
export function exactSse(a: ArrayLike<number>, b: ArrayLike<number>): Rational {
  let s = ZERO;
  for (let i = 0; i < a.length; i++) {
    const d = sub(fromNumber(a[i]), fromNumber(b[i]));
    s = add(s, mul(d, d));
  }
  return s;
}

/** Relative closeness for float results of exact computations. */
export function relClose(a: number, b: number, rel = 1e-12): boolean {
  if (a === b) return true;
  return Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b));
}
