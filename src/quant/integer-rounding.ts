/**
 * Rounding a float64 to an integer under qacc's rounding rules, for the quantizers that compute integer
 * codes arithmetically (asymmetric zero-point quantization, OliVe's int4 lanes). The rules are those of
 * src/formats/rounding.ts applied to magnitudes with lo = floor(|y|), hi = lo + 1: `rne` ties to the
 * even integer, `rna` ties away from zero, `rtz` truncates, and `stochastic` rounds |y| up iff
 * r < frac·2^32 for the next 32-bit draw r, where frac = |y| − lo (exact in float64, and so is
 * frac·2^32). Integers consume no draw.
 */
import { FormatError } from '../formats/errors.js';
import type { RandomSource } from '../formats/random.js';
import type { Rounding } from '../formats/types.js';

/** y rounded to an integer (never −0). */
export function roundToInteger(y: number, rounding: Rounding, random?: RandomSource): number {
  const a = Math.abs(y);
  const lo = Math.floor(a);
  const frac = a - lo;
  if (frac === 0) return y + 0; // +0 turns −0 into +0
  let up: boolean;
  switch (rounding) {
    case 'rne':
      up = frac > 0.5 || (frac === 0.5 && lo % 2 === 1);
      break;
    case 'rna':
      up = frac >= 0.5;
      break;
    case 'rtz':
      up = false;
      break;
    case 'stochastic':
      if (random === undefined) throw new FormatError('unsupported-rounding', 'stochastic rounding needs a seed');
      up = random.nextUint32() < frac * 4294967296;
      break;
    default: {
      const never: never = rounding;
      throw new FormatError('unsupported-rounding', `unknown rounding '${String(never)}'`);
    }
  }
  const m = up ? lo + 1 : lo;
  return y < 0 ? (m === 0 ? 0 : -m) : m;
}
