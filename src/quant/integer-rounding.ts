/**
 * Rounding between two neighbouring levels for the quantizers that compute codes arithmetically
 * (asymmetric zero-point quantization, OliVe's int4 and abfloat lanes). The decision itself is made by
 * `roundsUp` (src/formats/rounding.ts), the one place where rne / rtz / rna / stochastic are defined,
 * so the rules mean exactly what they mean in every format: magnitudes are rounded, `lo` is the
 * neighbour nearer zero, and stochastic rounding draws one 32-bit number per inexact value.
 */
import type { RandomSource } from '../formats/random.js';
import { fromNumber, div, sub } from '../formats/rational.js';
import { roundsUp } from '../formats/rounding.js';
import type { Rounding } from '../formats/types.js';

/**
 * True when magnitude a, with lo < a < hi (float64 levels; lo nearer zero), rounds to hi.
 * `loIsEven` says which neighbour wins an rne tie. The fraction for stochastic rounding is exact.
 */
export function roundsUpBetween(a: number, lo: number, hi: number, loIsEven: boolean, rounding: Rounding, random?: RandomSource): boolean {
  const mid = lo + (hi - lo) / 2;
  return roundsUp(
    rounding,
    {
      vsBoundary: a > mid ? 1 : a < mid ? -1 : 0,
      loIsEven,
      fraction: () => div(sub(fromNumber(a), fromNumber(lo)), sub(fromNumber(hi), fromNumber(lo))),
    },
    random,
  );
}

/** y rounded to an integer under the rule (never −0). Integers consume no random draw. */
export function roundToInteger(y: number, rounding: Rounding, random?: RandomSource): number {
  const a = Math.abs(y);
  const lo = Math.floor(a);
  if (a === lo) return y + 0; // +0 turns −0 into +0
  const m = roundsUpBetween(a, lo, lo + 1, lo % 2 === 0, rounding, random) ? lo + 1 : lo;
  return y < 0 && m !== 0 ? -m : m;
}
