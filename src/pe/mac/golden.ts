/**
 * Golden model of the plain baseline MAC PEs (`mac`). docs/golden.md §mac is the prose version.
 *
 * - `int8`: acc ← wrap32(acc + a·b), k ascending, acc₀ = 0; a·b is an exact 16-bit product; the 32-bit
 *   two's complement register wraps (as hardware adders and GPU dp4a/IMMA do). Output: the int32 code.
 * - `fp16_fma`: acc ← round_A(a·b + acc), one rounding per step (fused), k ascending, acc₀ = +0, A = the
 *   accumulator format (fp16 or fp32). Output: round_fp16(acc) (the identity when A = fp16).
 * - `fp16_int8`: as fp16_fma with b an int8 weight (the product of an 11-bit significand and an 8-bit
 *   integer is exact); then Y = round_fp16(acc · s[n]) with the per-channel fp16 scale s (exact product,
 *   one rounding); without scales Y = round_fp16(acc).
 * IEEE semantics throughout for inf/NaN operands (the format library's encode of the float64 result).
 */
import { FP16 } from '../../formats/float.js';
import { checkCodes, checkShape, fmaRounded } from '../../golden/common.js';
import { GoldenError } from '../../golden/errors.js';
import type { GemmResult } from '../../golden/types.js';

export type MacConfig =
  | {
      readonly kind: 'mac';
      /** int8 × int8 products accumulated in a wrapping 32-bit two's complement register. */
      readonly variant: 'int8';
    }
  | {
      readonly kind: 'mac';
      /** fp16 × fp16 + acc, fused (one rounding per step) into an fp16 or fp32 accumulator. */
      readonly variant: 'fp16_fma';
      readonly accumulator: 'fp16' | 'fp32';
    }
  | {
      readonly kind: 'mac';
      /** fp16 activation × int8 weight + acc, fused, then an optional per-channel fp16 scale. */
      readonly variant: 'fp16_int8';
      readonly accumulator: 'fp16' | 'fp32';
    };

export interface MacOperands {
  readonly m: number;
  readonly k: number;
  readonly n: number;
  /** [M × K]: int8 codes (variant int8) or fp16 codes. */
  readonly activations: ArrayLike<number>;
  /** [N × K]: int8 codes (int8, fp16_int8) or fp16 codes (fp16_fma). */
  readonly weights: ArrayLike<number>;
  /** fp16_int8 only: per-output-channel fp16 scale codes [N]; absent = 1. */
  readonly channelScales?: ArrayLike<number>;
}

const INT8 = Int32Array.from({ length: 256 }, (_, c) => (c >= 128 ? c - 256 : c));

/** Checks a mac config; throws GoldenError on a bad one. */
export function checkMacConfig(config: MacConfig): void {
  switch (config.variant) {
    case 'int8':
      return;
    case 'fp16_fma':
    case 'fp16_int8':
      if (config.accumulator !== 'fp16' && config.accumulator !== 'fp32') throw new GoldenError('bad-config', 'mac: accumulator must be fp16 or fp32');
      return;
    default: {
      const never: never = config;
      throw new GoldenError('bad-config', `mac: unknown variant ${JSON.stringify(never)}`);
    }
  }
}

/** One fused step acc ← round_A(a·b + acc) for values a, b, acc (a·b exact in float64). */
export function macFmaStep(accumulator: 'fp16' | 'fp32', a: number, b: number, acc: number): number {
  return accumulator === 'fp32' ? Math.fround(a * b + acc) : fmaRounded(FP16, a, b, acc);
}

/** The mac GEMM. */
export function macGemm(config: MacConfig, ops: MacOperands): GemmResult {
  checkMacConfig(config);
  const { m: M, k: K, n: N } = ops;
  checkShape(M, K, N);
  const A = ops.activations;
  const W = ops.weights;
  const codes = new Uint32Array(M * N);
  if (config.variant === 'int8') {
    checkCodes(A, M * K, 8, 'activations');
    checkCodes(W, N * K, 8, 'weights');
    for (let m = 0; m < M; m++) {
      for (let n = 0; n < N; n++) {
        let acc = 0;
        for (let k = 0; k < K; k++) acc = (acc + INT8[A[m * K + k]] * INT8[W[n * K + k]]) | 0;
        codes[m * N + n] = acc >>> 0;
      }
    }
    return { format: 'int32', m: M, n: N, codes };
  }
  checkCodes(A, M * K, 16, 'activations');
  const weightBits = config.variant === 'fp16_fma' ? 16 : 8;
  checkCodes(W, N * K, weightBits, 'weights');
  if (ops.channelScales) {
    if (config.variant !== 'fp16_int8') throw new GoldenError('bad-operands', 'mac: channelScales apply only to fp16_int8');
    checkCodes(ops.channelScales, N, 16, 'channelScales');
  }
  const weightValue = config.variant === 'fp16_fma' ? (c: number) => FP16.decode(c) : (c: number) => INT8[c];
  const acc32 = config.accumulator === 'fp32';
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let acc = 0;
      for (let k = 0; k < K; k++) {
        const a = FP16.decode(A[m * K + k]);
        const b = weightValue(W[n * K + k]);
        // fp32: a·b (≤ 22 significant bits) is an fp32 value, so fround(a·b + acc) is the fused result.
        acc = acc32 ? Math.fround(a * b + acc) : fmaRounded(FP16, a, b, acc);
      }
      const scaled = ops.channelScales ? acc * FP16.decode(ops.channelScales[n]) : acc;
      codes[m * N + n] = FP16.encode(scaled);
    }
  }
  return { format: 'fp16', m: M, n: N, codes };
}
