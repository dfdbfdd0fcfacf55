/**
 * Golden model of lowrank_gemm's runtime activation quantizer (the ISA's `qact`), as Nunchaku's fused
 * quantize kernel does it: per row and per group of `groupSize` elements along K (64 for int4, 16 for
 * NVFP4), a scale from the group's absolute maximum and 4-bit codes from the raw 16-bit X.
 * docs/golden.md §lowrank_gemm "Runtime activation quantization" is the prose version, with the Nunchaku
 * sources cited. Every step rounds exactly once (round_32 = one RNE rounding to fp32):
 *   a  = max |x| over the group (NaN elements skipped, as `__hmax` does; +0 for an all-zero group)
 *   s  = round_32(a · round_32(1 / qmax))          qmax = 7 (int4), 15 (uint4), 6 (nvfp4)
 *        nvfp4: s = min(s, 448)                    (fminf: the fp8_e4m3 scale's largest finite value)
 *   sa = round_S(s) (RNE; fp16/bf16 overflow to inf, fp8_e4m3 saturating: `satfinite`)
 *   r  = +inf when s is zero or fp32-subnormal (`rcp.approx.ftz`), else round_32(1 / s)
 *   v  = round_32(x · r)
 *   q  = v converted to the act format with the rounding register (`rne` in Nunchaku), saturating
 *        (int4 −8..7, uint4 0..15, fp4_e2m1 ±6); a NaN v (0 · inf in an all-zero group) → +0.
 * Note r comes from the fp32 s, not from the stored (rounded) sa — as in Nunchaku.
 * The simulator's `qact` computes through `lowRankQuantizeActivations`; the GEMM's runtime path too.
 */
import { BF16, FP16, FP8_E4M3, FP4_E2M1, type FloatFormat } from '../../formats/float.js';
import { lookupFormat } from '../../formats/registry.js';
import type { Rounding } from '../../formats/types.js';
import { checkCodes, wideFormat } from '../../golden/common.js';
import { GoldenError } from '../../golden/errors.js';
import type { LowRankGemmConfig } from './golden.js';

/** Largest magnitude of the act format: the qmax of the scale rule. */
export function lowRankActQmax(config: LowRankGemmConfig): number {
  const main = config.main;
  if (main.kind === 'nvfp4') return 6;
  return main.activations === 'uint4' ? 15 : 7;
}

/** Largest fp8_e4m3 scale (Nunchaku's MSCALE_MAX): NVFP4 activation scales are capped there before rounding. */
export const NVFP4_SCALE_CAP = 448;

/** round_32(1 / qmax): the fp32 factor the group's absolute maximum is multiplied by (the scale rule). */
export function lowRankQactScaleFactor(config: LowRankGemmConfig): number {
  return Math.fround(1 / lowRankActQmax(config));
}

/** The smallest positive normal fp32 value: `rcp.approx.ftz` flushes anything below it to zero. */
const FP32_MIN_NORMAL = 2 ** -126;

/** Every intermediate value of one quantized group, for traces and tests. */
export interface LowRankQuantizedGroup {
  /** max |x| over the group. */
  readonly absmax: number;
  /** The fp32 scale s (before rounding to the scale format). */
  readonly scale: number;
  /** The stored scale code sa (scale format). */
  readonly scaleCode: number;
  /** r, the fp32 reciprocal of s used for the codes. */
  readonly reciprocal: number;
  /** The 4-bit codes of the group's elements. */
  readonly codes: readonly number[];
}

/** A rounding register value qact takes: stochastic rounding needs a random stream the ISA does not define for qact. */
function checkRounding(rounding: Rounding): void {
  if (rounding === 'stochastic') throw new GoldenError('bad-config', 'lowrank_gemm qact: stochastic rounding is not modelled (the ISA gives qact no random stream); use rne, rtz or rna');
}

function actFormat(config: LowRankGemmConfig): { encode(x: number, o: { rounding: Rounding; overflow: 'saturate' }): number } {
  const main = config.main;
  if (main.kind === 'nvfp4') return FP4_E2M1;
  return lookupFormat(main.activations);
}

/** The activation-scale format (golden.ts lowRankScaleFormat; restated as a choice here so this file imports only types from golden.ts, which imports it). */
function scaleFormatOf(config: LowRankGemmConfig): FloatFormat {
  const main = config.main;
  return main.kind === 'nvfp4' ? FP8_E4M3 : main.scaleFormat === 'bf16' ? BF16 : FP16;
}

/** The scale code of s: RNE; fp16/bf16 as IEEE (overflow to inf), fp8_e4m3 saturating (`cvt.rn.satfinite`). */
function scaleCode(f: FloatFormat, s: number): number {
  return f === FP8_E4M3 ? f.encode(s, { rounding: 'rne', overflow: 'saturate' }) : f.encode(s, { rounding: 'rne' });
}

/**
 * Quantizes one group: `x` are the decoded raw values (branch-format values) of the group's elements.
 * `rounding` is the ISA rounding register (default rne).
 */
export function lowRankQuantizeGroup(config: LowRankGemmConfig, x: ArrayLike<number>, rounding: Rounding = 'rne'): LowRankQuantizedGroup {
  checkRounding(rounding);
  let absmax = 0;
  for (let i = 0; i < x.length; i++) {
    const a = Math.abs(x[i]);
    if (a > absmax) absmax = a; // NaN compares false: skipped
  }
  let scale = Math.fround(absmax * lowRankQactScaleFactor(config)); // absmax is a 16-bit value: exact in fp32
  if (config.main.kind === 'nvfp4') scale = Math.min(scale, NVFP4_SCALE_CAP);
  const sCode = scaleCode(scaleFormatOf(config), scale);
  const reciprocal = scale < FP32_MIN_NORMAL ? Number.POSITIVE_INFINITY : Math.fround(1 / scale);
  const fmt = actFormat(config);
  const codes: number[] = [];
  for (let i = 0; i < x.length; i++) {
    const v = Math.fround(x[i] * reciprocal);
    codes.push(Number.isNaN(v) ? 0 : fmt.encode(v, { rounding, overflow: 'saturate' }));
  }
  return { absmax, scale, scaleCode: sCode, reciprocal, codes };
}

/** Activation codes and scales of an [M × K] tile. */
export interface LowRankQuantizedActivations {
  /** 4-bit codes [M × K]. */
  readonly qa: Uint32Array;
  /** Scale codes [M × ceil(K / groupSize)]. */
  readonly sa: Uint32Array;
}

/**
 * `qact` on raw X [m × k] (branch-format codes, row-major): every row's groups of `groupSize` along k
 * (the last may be shorter), each through `lowRankQuantizeGroup`.
 */
export function lowRankQuantizeActivations(config: LowRankGemmConfig, m: number, k: number, x: ArrayLike<number>, rounding: Rounding = 'rne'): LowRankQuantizedActivations {
  checkCodes(x, m * k, 16, 'x');
  const r16 = wideFormat(config.branchFormat);
  const gs = config.main.groupSize;
  const G = Math.ceil(k / gs);
  const qa = new Uint32Array(m * k);
  const sa = new Uint32Array(m * G);
  const vals = new Float64Array(gs);
  for (let i = 0; i < m; i++) {
    for (let g = 0; g < G; g++) {
      const k0 = g * gs;
      const len = Math.min(k, k0 + gs) - k0;
      const group = vals.subarray(0, len);
      for (let e = 0; e < len; e++) group[e] = r16.decode(x[i * k + k0 + e]);
      const q = lowRankQuantizeGroup(config, group, rounding);
      sa[i * G + g] = q.scaleCode;
      for (let e = 0; e < len; e++) qa[i * k + k0 + e] = q.codes[e];
    }
  }
  return { qa, sa };
}
