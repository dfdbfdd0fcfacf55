/**
 * OCP Microscaling (MX v1.0) block quantization (formats.md §3).
 *
 * Per block of k (32) consecutive elements along the last dimension:
 *   amax = max |v|;  X = 2^(floor(log2 amax) − emax)  stored in e8m0 (code = exponent + 127, via E8M0.encode);
 *   element = encode(v / X) with saturation and the call's rounding rule.
 * emax is the exponent of the element format's largest normal: floor(log2(max)), i.e. fp4_e2m1 2,
 * fp6_e2m3 2, fp6_e3m2 4, fp8_e4m3 8, fp8_e5m2 15. amax = 0 gives X = 2^-127 (e8m0 code 0) and zero
 * elements. The shared exponent is clamped to e8m0's range [−127, 127].
 *
 * MX-INT8 (element = a signed integer format): two's complement with an implicit 2^-6 scale, values
 * −2 … 1 + 63/64, so emax = 0; in general a signed N-bit integer carries 2^-(N−2).
 *
 * Arithmetic: X is a power of two, so v / X (computed as v·2^−(e+shift)) is exact in float64 and the
 * element encode is the only rounding, exactly as the spec defines it.
 */
import { E8M0 } from '../formats/float.js';
import type { NumberFormatBase } from '../formats/types.js';
import type { MxScheme } from './scheme.js';
import { blockRanges } from './tensor.js';
import { elementCodec } from './element-codec.js';
import { codeArray, type QuantContext, type QuantParts } from './quantized.js';

/** log2 of the implicit element scale: −(N−2) for signed N-bit integers (MX-INT8: −6), else 0. */
export function mxElementShift(element: NumberFormatBase): number {
  return element.kind === 'int' && element.min < 0 ? -(element.bits - 2) : 0;
}

/** floor(log2 x) for a finite x > 0, exact (Math.log2 is only a first guess). */
export function floorLog2(x: number): number {
  let e = Math.floor(Math.log2(x));
  while (2 ** e > x) e--;
  while (2 ** (e + 1) <= x) e++;
  return e;
}

/** emax_elem: the exponent of the element format's largest value (after the implicit MX-INT scale). */
export function mxEmax(element: NumberFormatBase): number {
  return floorLog2(element.max * 2 ** mxElementShift(element));
}

/** e8m0 spans 2^-127 … 2^127 (code 0xff is NaN). */
const E8M0_BIAS = 127;

export function quantizeMx(data: ArrayLike<number>, shape: readonly number[], s: MxScheme, ctx: QuantContext): QuantParts {
  const { starts, ends } = blockRanges(shape, s.blockSize);
  const codec = elementCodec(s.element);
  const shift = mxElementShift(s.element);
  const emax = mxEmax(s.element);
  const codes = codeArray(data.length, s.element.bits);
  const nb = starts.length;
  const scaleCodes = new Uint32Array(nb);
  const scaleValues = new Float64Array(nb);
  for (let b = 0; b < nb; b++) {
    let amax = 0;
    for (let i = starts[b]; i < ends[b]; i++) {
      const a = Math.abs(data[i]);
      if (a > amax) amax = a;
    }
    let e = amax === 0 ? -E8M0_BIAS : floorLog2(amax) - emax;
    if (e < -E8M0_BIAS) e = -E8M0_BIAS;
    if (e > E8M0_BIAS) e = E8M0_BIAS;
    scaleCodes[b] = E8M0.encode(2 ** e);
    scaleValues[b] = 2 ** e;
    const inv = 2 ** (-e - shift);
    for (let i = starts[b]; i < ends[b]; i++) {
      let y = data[i] * inv;
      // Only reachable when the exponent was clamped at 127 (float64 input beyond e8m0's range):
      // keep the saturating encode away from ±inf, which fn formats turn into NaN.
      if (!Number.isFinite(y)) y = y > 0 ? Number.MAX_VALUE : -Number.MAX_VALUE;
      codes[i] = codec.encode(y, ctx.rounding, ctx.random);
    }
  }
  return { codes, codeBits: s.element.bits, scales: [{ role: 'block', format: E8M0.name, codes: scaleCodes, values: scaleValues }] };
}

export function dequantizeMx(parts: QuantParts, shape: readonly number[], s: MxScheme): Float64Array {
  const { starts, ends } = blockRanges(shape, s.blockSize);
  const codec = elementCodec(s.element);
  const shift = mxElementShift(s.element);
  const out = new Float64Array(parts.codes.length);
  const codes = parts.codes;
  const scaleCodes = parts.scales[0].codes;
  for (let b = 0; b < starts.length; b++) {
    const x = E8M0.decode(scaleCodes[b]) * 2 ** shift;
    for (let i = starts[b]; i < ends[b]; i++) out[i] = codec.decode(codes[i]) * x;
  }
  return out;
}
