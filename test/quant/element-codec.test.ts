/**
 * The fast element codec must return exactly what `format.encode(x, {rounding, overflow: 'saturate'})`
 * returns (that call is the definition): checked at every value, every midpoint, points just beside
 * them, far outside the range, and random points, for the element formats the quantizers use.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FP4_E2M1, FP6_E2M3, FP6_E3M2, FP8_E4M3, FP8_E5M2, E8M0, FP16 } from '../../src/formats/float.js';
import { intFormat } from '../../src/formats/int.js';
import { BITMOD_FP4_EA_NEG, BITMOD_FP3_ER_POS, DYNAMIC8, NF4 } from '../../src/formats/named-luts.js';
import { lut } from '../../src/formats/lut.js';
import { POSIT4_1, POSIT8_0, POSIT8_2 } from '../../src/formats/posit.js';
import type { NumberFormatBase, Rounding } from '../../src/formats/types.js';
import { ElementCodec } from '../../src/quant/element-codec.js';

const FORMATS: NumberFormatBase[] = [FP4_E2M1, FP6_E2M3, FP6_E3M2, FP8_E4M3, FP8_E5M2, E8M0, intFormat(4, true), intFormat(8, true), intFormat(4, false), NF4, BITMOD_FP4_EA_NEG, BITMOD_FP3_ER_POS, DYNAMIC8, lut([1e-300, 1e300]), POSIT4_1, POSIT8_0, POSIT8_2];

function probes(f: NumberFormatBase): number[] {
  const vals = [...f.codes()].map((c) => f.decode(c)).filter(Number.isFinite);
  const uniq = [...new Set(vals)].sort((a, b) => a - b);
  const out = [0, -0, 1e-300, -1e-300, f.minPositive / 3, -f.minPositive / 3, f.max * 4, f.min * 4, f.max + 1, -Number.MAX_VALUE, Number.MAX_VALUE];
  for (let i = 0; i < uniq.length; i++) {
    const v = uniq[i];
    out.push(v, v * (1 + 2 ** -40), v * (1 - 2 ** -40));
    if (i + 1 < uniq.length) {
      const m = (v + uniq[i + 1]) / 2;
      out.push(m, m + Math.abs(m) * 2 ** -45 + 2 ** -1060, m - Math.abs(m) * 2 ** -45 - 2 ** -1060);
      // Posits round at the geometric mean where exponent bits are cut off (posit8_2: 2^22 between 2^20 and 2^24).
      const g = Math.sign(v) * Math.sqrt(v * uniq[i + 1]);
      if (v * uniq[i + 1] > 0) out.push(g, g * (1 + 2 ** -40), g * (1 - 2 ** -40), (g + m) / 2);
    }
  }
  return out;
}

/** The code, or the error message when the call throws (both sides must then throw alike). */
function outcome(f: () => number): number | string {
  try {
    return f();
  } catch (e) {
    return (e as Error).message;
  }
}

describe('ElementCodec', () => {
  for (const f of FORMATS) {
    it(`agrees with ${f.name}.encode (saturate) for rne, rna and rtz`, () => {
      const codec = new ElementCodec(f);
      for (const rounding of ['rne', 'rna', 'rtz'] as Rounding[]) {
        for (const x of probes(f)) {
          expect(outcome(() => codec.encode(x, rounding)), `${f.name} ${rounding} ${x}`).toBe(outcome(() => f.encode(x, { rounding, overflow: 'saturate' })));
        }
      }
      fc.assert(
        fc.property(fc.double({ min: f.min * 1.5 - 1, max: f.max * 1.5 + 1, noNaN: true }), (x) => outcome(() => codec.encode(x)) === outcome(() => f.encode(x, { overflow: 'saturate' }))),
        { numRuns: 300 },
      );
    });
  }

  it('decodes through its table exactly as the format does', () => {
    for (const f of [FP8_E4M3, NF4, FP16]) {
      const codec = new ElementCodec(f);
      for (const c of f.codes()) expect(Object.is(codec.decode(c), f.decode(c))).toBe(true);
    }
  });
});
