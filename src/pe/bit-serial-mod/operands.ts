/**
 * bit_serial_mod's seeded operands (compile/operands.ts header: the values and the draw order): fp16
 * activations, a selector per (row, group), weight codes of the selected type, 8-bit group scales, fp16
 * channel scales near 2^−6.
 */
import { FP16 } from '../../formats/float.js';
import type { Xoshiro128 } from '../../formats/random.js';
import { termSchedule } from './golden.js';
import type { BitSerialModOperands } from './golden.js';
import { floatCodes, intBelow, scaleCodes } from '../../compile/random-codes.js';
import type { GemmShape } from '../../compile/workload.js';
import type { TargetOf } from '../facets/compile.js';

export function bitSerialModOperands(t: TargetOf<'bit_serial_mod'>, shape: GemmShape, rng: Xoshiro128): BitSerialModOperands {
  const { m, k, n } = shape;
  const cfg = t.golden;
  const G = Math.ceil(k / cfg.groupSize);
  const activations = floatCodes(rng, m * k, FP16, 1);
  const selectors = new Uint32Array(n * G);
  for (let i = 0; i < n * G; i++) selectors[i] = intBelow(rng, cfg.candidates.length);
  const weights = new Uint32Array(n * k);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < k; c++) weights[r * k + c] = intBelow(rng, 2 ** termSchedule(cfg.candidates[selectors[r * G + Math.floor(c / cfg.groupSize)]]).bits);
  }
  const groupScales = new Uint32Array(n * G);
  for (let i = 0; i < n * G; i++) groupScales[i] = intBelow(rng, 256);
  const channelScales = scaleCodes(rng, n, FP16, 2 ** -6);
  return { m, k, n, activations, weights, selectors, groupScales, channelScales };
}
