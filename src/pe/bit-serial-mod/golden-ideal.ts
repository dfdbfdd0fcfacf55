/**
 * The float64 ideal of the `bit_serial_mod` GEMM (the contract of golden/ideal.ts): the same GEMM on the dequantized
 * operands, codes decoded exactly, scales applied as real numbers, no intermediate rounding other than
 * float64's own, k ascending. Moved verbatim from src/golden/ideal.ts.
 */
import { FP16 } from '../../formats/float.js';
import { groupCount, termSchedule, type BitSerialModConfig, type BitSerialModOperands } from './golden.js';

/** The float64 ideal of one bit_serial_mod GEMM. */
export function idealBitSerialMod(config: BitSerialModConfig, ops: BitSerialModOperands): Float64Array {
  const { m: M, k: K, n: N } = ops;
  const G = groupCount(K, config.groupSize);
  const formats = config.candidates.map((t) => termSchedule(t).format);
  const y = new Float64Array(M * N);
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let s = 0;
      for (let g = 0; g < G; g++) {
        const f = formats[ops.selectors[n * G + g]];
        let d = 0;
        for (let k = g * config.groupSize; k < Math.min(K, (g + 1) * config.groupSize); k++)
          d += FP16.decode(ops.activations[m * K + k]) * f.decode(ops.weights[n * K + k]);
        s += d * ops.groupScales[n * G + g];
      }
      y[m * N + n] = s * FP16.decode(ops.channelScales[n]);
    }
  }
  return y;
}
