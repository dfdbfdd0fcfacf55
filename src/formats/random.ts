/**
 * The seeded random-bit source behind stochastic rounding. Reproducible across runs and machines:
 * pure 32-bit integer arithmetic, no platform randomness.
 *
 * Generator: xoshiro128** (Blackman & Vigna), state seeded from the user's seed by SplitMix32 so that
 * any seed (including 0) gives a well-mixed state. Each stochastic rounding consumes exactly one 32-bit
 * draw, so the i-th encoded value always sees the i-th draw.
 */
export interface RandomSource {
  /** The next uniformly distributed integer in [0, 2^32). */
  nextUint32(): number;
}

function splitMix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** xoshiro128** seeded from a 32-bit seed (the low 32 bits of an integer seed are used). */
export class Xoshiro128 implements RandomSource {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    const st = { s: seed | 0 };
    this.a = splitMix32(st);
    this.b = splitMix32(st);
    this.c = splitMix32(st);
    this.d = splitMix32(st);
  }

  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** A float64 uniform in [0, 1) built from 53 random bits (two draws). */
  nextFloat(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** The random source used when the caller gives a seed (CLI `--seed`, quantizer options). */
export function seededRandom(seed: number): Xoshiro128 {
  return new Xoshiro128(seed);
}
