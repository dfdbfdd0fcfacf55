/**
 * The float64 ideal of the `simd_mac` GEMM (the contract of golden/ideal.ts): the same GEMM on the dequantized
 * operands, codes decoded exactly, scales applied as real numbers, no intermediate rounding other than
 * float64's own, k ascending. Moved verbatim from src/golden/ideal.ts.
 */
import type { SimdMacConfig, SimdMacOperands } from './golden.js';

/** The float64 ideal of one simd_mac GEMM. */
export function idealSimdMac(config: SimdMacConfig, ops: SimdMacOperands): Float64Array {
  const f = config.element;
  const { m: M, k: K, n: N } = ops;
  const y = new Float64Array(M * N);
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let s = 0;
      for (let k = 0; k < K; k++)
        s += f.decode(ops.activations[m * K + k]) * f.decode(ops.weights[n * K + k]);
      y[m * N + n] = s;
    }
  }
  return y;
}
