/**
 * The one place where the rounding rules are decided. Every format's encoder reduces its work to:
 * "|x| lies strictly between two adjacent representable magnitudes lo < hi; pick one". This module
 * makes that choice for each rule, so `rne`, `rtz`, `rna` and `stochastic` mean the same thing in every
 * format.
 */
import { FormatError } from './errors.js';
import type { RandomSource } from './random.js';
import { cmp, mul, pow2, rational, type Rational } from './rational.js';
import type { Rounding } from './types.js';

/** Where |x| sits between its two neighbouring magnitudes lo < |x| < hi. */
export interface Bracket {
  /** Sign of (|x| − tie boundary). The boundary is the midpoint for fp/int/lut, the (n+1)-bit posit for posits. */
  readonly vsBoundary: number;
  /** True when lo's code is the even one (the RNE winner of a tie). */
  readonly loIsEven: boolean;
  /** (|x| − lo) / (hi − lo) exactly; only evaluated for stochastic rounding. */
  readonly fraction: () => Rational;
}

const TWO_POW_32 = pow2(32);

/** True when |x| should round to the larger magnitude hi. */
export function roundsUp(rounding: Rounding, bracket: Bracket, random: RandomSource | undefined): boolean {
  switch (rounding) {
    case 'rtz':
      return false;
    case 'rne':
      return bracket.vsBoundary > 0 || (bracket.vsBoundary === 0 && !bracket.loIsEven);
    case 'rna':
      return bracket.vsBoundary >= 0;
    case 'stochastic': {
      if (!random) throw new FormatError('unsupported-rounding', 'stochastic rounding needs a seed');
      const r = rational(BigInt(random.nextUint32()));
      // up iff r/2^32 < fraction  ⇔  r < fraction·2^32
      return cmp(r, mul(bracket.fraction(), TWO_POW_32)) < 0;
    }
    default: {
      const never: never = rounding;
      throw new FormatError('unsupported-rounding', `unknown rounding '${String(never)}'`);
    }
  }
}
