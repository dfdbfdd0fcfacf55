/**
 * mac's seeded operands: int8 × int8 codes uniform; fp16 activations ~ N(0, 1) with fp16 weights
 * ~ N(0, 1/16) or int8 weights uniform, plus fp16 channel scales near 2^−6 when the PE declares them.
 */
import { FP16 } from '../../formats/float.js';
import type { Xoshiro128 } from '../../formats/random.js';
import type { MacOperands } from './golden.js';
import { floatCodes, intBelow, scaleCodes } from '../../compile/random-codes.js';
import type { GemmShape } from '../../compile/workload.js';
import type { TargetOf } from '../facets/compile.js';

export function macOperands(t: TargetOf<'mac'>, shape: GemmShape, rng: Xoshiro128): MacOperands {
  const { m, k, n } = shape;
  const cfg = t.golden;
  if (cfg.variant === 'int8') {
    const draw = (count: number): Uint32Array => Uint32Array.from({ length: count }, () => intBelow(rng, 256));
    return { m, k, n, activations: draw(m * k), weights: draw(n * k) };
  }
  const activations = floatCodes(rng, m * k, FP16, 1);
  if (cfg.variant === 'fp16_fma') return { m, k, n, activations, weights: floatCodes(rng, n * k, FP16, 0.25) };
  const weights = Uint32Array.from({ length: n * k }, () => intBelow(rng, 256));
  const channelScales = t.bits.cscale > 0 ? scaleCodes(rng, n, FP16, 2 ** -6) : undefined;
  return { m, k, n, activations, weights, ...(channelScales ? { channelScales } : {}) };
}
