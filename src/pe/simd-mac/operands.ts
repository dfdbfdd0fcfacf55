/**
 * simd_mac's seeded operands: activation and weight codes drawn uniformly from the element format's finite
 * codes (no NaN/NaR/inf: a poisoned dot product would hide the arithmetic).
 */
import type { Xoshiro128 } from '../../formats/random.js';
import type { SimdMacOperands } from './golden.js';
import { intBelow } from '../../compile/random-codes.js';
import type { GemmShape } from '../../compile/workload.js';
import type { TargetOf } from '../facets/compile.js';

export function simdMacOperands(t: TargetOf<'simd_mac'>, shape: GemmShape, rng: Xoshiro128): SimdMacOperands {
  const { m, k, n } = shape;
  const fmt = t.golden.element;
  const finite: number[] = [];
  for (let c = 0; c < 2 ** fmt.bits; c++) if (Number.isFinite(fmt.decode(c))) finite.push(c);
  const draw = (count: number): Uint32Array => {
    const out = new Uint32Array(count);
    for (let i = 0; i < count; i++) out[i] = finite[intBelow(rng, finite.length)];
    return out;
  };
  const activations = draw(m * k);
  const weights = draw(n * k);
  return { m, k, n, activations, weights };
}
