/**
 * The random draws every kind's seeded operands (src/pe/<kind>/operands.ts) are made of: one xoshiro128**
 * stream, consumed in the order each kind states, so that a seed reproduces a workload exactly.
 */
import type { FloatFormat } from '../formats/float.js';
import type { Xoshiro128 } from '../formats/random.js';

/** A standard normal sample (Box–Muller, two draws). */
export function gaussian(rng: Xoshiro128): number {
  const u = 1 - rng.nextFloat();
  const v = rng.nextFloat();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** A uniform integer in [0, n). */
export function intBelow(rng: Xoshiro128, n: number): number {
  return Math.floor(rng.nextFloat() * n);
}

/** `count` codes of N(0, scale²) values rounded to `fmt`. */
export function floatCodes(rng: Xoshiro128, count: number, fmt: FloatFormat, scale: number): Uint32Array {
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) out[i] = fmt.encode(gaussian(rng) * scale);
  return out;
}

/** A positive value near `centre` (a factor of 2 either way), rounded to `fmt`. */
export function scaleCodes(rng: Xoshiro128, count: number, fmt: FloatFormat, centre: number): Uint32Array {
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) out[i] = fmt.encode(centre * 2 ** (2 * rng.nextFloat() - 1));
  return out;
}
