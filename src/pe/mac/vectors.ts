/**
 * PE-level vectors of the mac PE for the Verilator harness (was src/verify/rtl/pe-vectors.ts): the beats
 * the generated PE consumes and the results it must produce, one dot product per output element (m, n) in
 * row-major order, expected values from the golden model itself. Beat layout: the PE's header comment
 * (templates/mac_pe.v.hbs).
 */
import { macGemm, type MacConfig, type MacOperands } from './golden.js';
import type { PeVectors } from '../../verify/rtl/pe-vectors.js';

/** mac beats: a, b, [cscale,] first, last — one per k; cscale (fp16_int8) is 1.0 when absent. */
export function macVectors(config: MacConfig, ops: MacOperands): PeVectors {
  const golden = macGemm(config, ops);
  const stimulus: bigint[][] = [];
  const expected: bigint[][] = [];
  for (let m = 0; m < ops.m; m++) {
    for (let n = 0; n < ops.n; n++) {
      for (let k = 0; k < ops.k; k++) {
        const row = [BigInt(ops.activations[m * ops.k + k]), BigInt(ops.weights[n * ops.k + k])];
        if (config.variant === 'fp16_int8') row.push(BigInt(ops.channelScales ? ops.channelScales[n] : 0x3c00));
        row.push(k === 0 ? 1n : 0n, k === ops.k - 1 ? 1n : 0n);
        stimulus.push(row);
      }
      expected.push([BigInt(golden.codes[m * ops.n + n])]);
    }
  }
  return { stimulus, expected };
}
