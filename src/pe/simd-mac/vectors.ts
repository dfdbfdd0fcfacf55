/**
 * PE-level vectors of the simd_mac PE for the Verilator harness (was src/verify/rtl/pe-vectors.ts): the beats
 * the generated PE consumes and the results it must produce, one dot product per output element (m, n) in
 * row-major order, expected values from the golden model itself. Beat layout: the PE's header comment
 * (templates/simd_mac_pe.v.hbs).
 */
import { simdMacGemm, type SimdMacConfig, type SimdMacOperands } from './golden.js';
import { packLanes } from '../../verify/rtl/beats.js';
import type { PeVectors } from '../../verify/rtl/pe-vectors.js';

/**
 * simd_mac beats for mode `mode` of a multi-mode PE: a, b, mode, first, last — one per step of `lanes`
 * elements (the mode's lanes), missing lanes of the last step are code 0 (zero in every element format).
 */
export function simdMacVectors(config: SimdMacConfig, mode: number, ops: SimdMacOperands): PeVectors {
  const golden = simdMacGemm(config, ops);
  const bits = config.element.bits;
  const lanes = config.lanes;
  const stimulus: bigint[][] = [];
  const expected: bigint[][] = [];
  const steps = Math.ceil(ops.k / lanes);
  for (let m = 0; m < ops.m; m++) {
    for (let n = 0; n < ops.n; n++) {
      for (let t = 0; t < steps; t++) {
        const as: number[] = [];
        const bs: number[] = [];
        for (let i = t * lanes; i < (t + 1) * lanes; i++) {
          as.push(i < ops.k ? ops.activations[m * ops.k + i] : 0);
          bs.push(i < ops.k ? ops.weights[n * ops.k + i] : 0);
        }
        stimulus.push([packLanes(as, bits), packLanes(bs, bits), BigInt(mode), t === 0 ? 1n : 0n, t === steps - 1 ? 1n : 0n]);
      }
      expected.push([BigInt(golden.codes[m * ops.n + n])]);
    }
  }
  return { stimulus, expected };
}
