/**
 * The float64 ideal of the `lowrank_gemm` GEMM (the contract of golden/ideal.ts): the same GEMM on the dequantized
 * operands, codes decoded exactly, scales applied as real numbers, no intermediate rounding other than
 * float64's own, k ascending. Moved verbatim from src/golden/ideal.ts.
 */
import { FP32, FP4_E2M1, FP8_E4M3 } from '../../formats/float.js';
import { wideFormat } from '../../golden/common.js';
import { lowRankActivationCodes, type LowRankGemmConfig, type LowRankGemmOperands } from './golden.js';

/** The float64 ideal of one lowrank_gemm GEMM. */
export function idealLowRank(config: LowRankGemmConfig, ops: LowRankGemmOperands): Float64Array {
  const { m: M, k: K, n: N } = ops;
  const gs = config.main.groupSize;
  const G = Math.ceil(K / gs);
  const nv = config.main.kind === 'nvfp4';
  const signedAct = config.main.kind === 'int4' && config.main.activations === 'int4';
  const elem = (c: number, signed: boolean): number =>
    nv ? FP4_E2M1.decode(c) : signed && c >= 8 ? c - 16 : c;
  const scale = (c: number): number =>
    config.main.kind === 'int4' ? wideFormat(config.main.scaleFormat).decode(c) : FP8_E4M3.decode(c);
  const r16 = wideFormat(config.branchFormat);
  const r = config.rank;
  const tensorScale = nv && ops.tensorScale !== undefined ? FP32.decode(ops.tensorScale) : 1;
  const y = new Float64Array(M * N);
  const { qa, sa } = lowRankActivationCodes(config, ops);
  for (let m = 0; m < M; m++) {
    const down: number[] = [];
    for (let j = 0; j < r && ops.x && ops.down; j++) {
      let l = 0;
      for (let k = 0; k < K; k++) l += r16.decode(ops.x[m * K + k]) * r16.decode(ops.down[k * r + j]);
      down.push(l);
    }
    for (let n = 0; n < N; n++) {
      let s = 0;
      for (let g = 0; g < G; g++) {
        let d = 0;
        for (let k = g * gs; k < Math.min(K, (g + 1) * gs); k++)
          d += elem(qa[m * K + k], signedAct) * elem(ops.qw[n * K + k], true);
        s += d * scale(sa[m * G + g]) * scale(ops.sw[n * G + g]);
      }
      s *= tensorScale;
      if (ops.bias) s += r16.decode(ops.bias[n]);
      for (let j = 0; j < down.length && ops.up; j++) s += down[j] * r16.decode(ops.up[n * r + j]);
      y[m * N + n] = s;
    }
  }
  return y;
}
