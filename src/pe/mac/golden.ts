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
  // fp32: a·b (≤ 22 significant bits) is an fp32 value, so fround(a·b + acc) is the fused result.
  return accumulator === 'fp32' ? Math.fround(a * b + acc) : fmaRounded(FP16, a, b, acc);
}

/**
 * One step of the datapath on operand codes: int8 acc ← wrap32(acc + a·b); fp16 variants
 * acc ← round_A(a·b + acc) with a an fp16 code and b an fp16 (fp16_fma) or int8 (fp16_int8) code.
 */
export function macStep(config: MacConfig, acc: number, aCode: number, bCode: number): number {
  if (config.variant === 'int8') return (acc + INT8[aCode] * INT8[bCode]) | 0;
  const b = config.variant === 'fp16_fma' ? FP16.decode(bCode) : INT8[bCode];
  return macFmaStep(config.accumulator, FP16.decode(aCode), b, acc);
}

/**
 * `len` steps from `acc`, k ascending: a[aOff + i] × b[bOff + i]. The GEMM's dot and the simulator's
 * k tile (which carries acc across tiles: wrapping addition and the per-step rounding both chain).
 */
export function macDot(config: MacConfig, acc: number, a: ArrayLike<number>, aOff: number, b: ArrayLike<number>, bOff: number, len: number): number {
  if (config.variant === 'int8') {
    for (let i = 0; i < len; i++) acc = (acc + INT8[a[aOff + i]] * INT8[b[bOff + i]]) | 0;
    return acc;
  }
  const A = config.accumulator;
  if (config.variant === 'fp16_fma') {
    for (let i = 0; i < len; i++) acc = macFmaStep(A, FP16.decode(a[aOff + i]), FP16.decode(b[bOff + i]), acc);
    return acc;
  }
  for (let i = 0; i < len; i++) acc = macFmaStep(A, FP16.decode(a[aOff + i]), INT8[b[bOff + i]], acc);
  return acc;
}

/**
 * A channel scale on an fp accumulator value: the exact product acc · s (an fp32 or fp16 value × an fp16
 * value fits a float64), rounded once by macOutputCode. The GEMM applies it for fp16_int8 with scales; the
 * engine's fp scale unit takes it for either fp variant. int8 outputs are never scaled.
 */
export function macScaled(config: MacConfig, acc: number, scaleCode: number): number {
  if (config.variant === 'int8') throw new GoldenError('bad-operands', 'mac: int8 outputs take no channel scale');
  return acc * FP16.decode(scaleCode);
}

/** The output code of an accumulator value: the int32 code (int8), else round_fp16(v). */
export function macOutputCode(config: MacConfig, v: number): number {
  return config.variant === 'int8' ? v >>> 0 : FP16.encode(v);
}

/** The mac GEMM. */
export function macGemm(config: MacConfig, ops: MacOperands): GemmResult {
  checkMacConfig(config);
  const { m: M, k: K, n: N } = ops;
  checkShape(M, K, N);
  const A = ops.activations;
  const W = ops.weights;
  checkCodes(A, M * K, config.variant === 'int8' ? 8 : 16, 'activations');
  checkCodes(W, N * K, config.variant === 'fp16_fma' ? 16 : 8, 'weights');
  const scales = ops.channelScales;
  if (scales) {
    if (config.variant !== 'fp16_int8') throw new GoldenError('bad-operands', 'mac: channelScales apply only to fp16_int8');
    checkCodes(scales, N, 16, 'channelScales');
  }
  const codes = new Uint32Array(M * N);
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      const acc = macDot(config, 0, A, m * K, W, n * K, K);
      codes[m * N + n] = macOutputCode(config, scales ? macScaled(config, acc, scales[n]) : acc);
    }
  }
  return { format: config.variant === 'int8' ? 'int32' : 'fp16', m: M, n: N, codes };
}
