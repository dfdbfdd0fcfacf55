/**
 * The float64 ideal of the `mac` GEMM (the contract of golden/ideal.ts): the same GEMM on the dequantized
 * operands, codes decoded exactly, scales applied as real numbers, no intermediate rounding other than
 * float64's own, k ascending. Moved verbatim from src/golden/ideal.ts.
 */
import { FP16 } from '../../formats/float.js';
import type { MacConfig, MacOperands } from './golden.js';

/** The float64 ideal of one mac GEMM. */
export function idealMac(config: MacConfig, ops: MacOperands): Float64Array {
  const { m: M, k: K, n: N } = ops;
  const int8 = (c: number): number => (c >= 128 ? c - 256 : c);
  const a = config.variant === 'int8' ? int8 : (c: number) => FP16.decode(c);
  const w = config.variant === 'fp16_fma' ? (c: number) => FP16.decode(c) : int8;
  const y = new Float64Array(M * N);
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += a(ops.activations[m * K + k]) * w(ops.weights[n * K + k]);
      if (ops.channelScales) s *= FP16.decode(ops.channelScales[n]);
      y[m * N + n] = s;
    }
  }
  return y;
}
