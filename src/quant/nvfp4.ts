/**
 * NVFP4 block quantization (formats.md §3): fp4_e2m1 elements in blocks of 16 along the last dimension,
 * one positive fp8_e4m3 scale per block, one fp32 scale per tensor.
 *
 * Recipe, with every rounding stated. All scale arithmetic is float32, as in the reference PyTorch/CUDA
 * implementations (NVIDIA ModelOpt's NVFP4 weight quantizer): each operation below is the exact result
 * rounded once to float32 (RNE). For float32 inputs a float64 operation followed by one rounding to
 * float32 equals the float32 operation (float64 has more than 2·24 + 2 bits), so that is how it is
 * computed; for float64 inputs the quotient is rounded twice (to float64, then float32).
 *   s_t = f32(amax_tensor / f32(6·448))               fp32 tensor scale (6 = max e2m1, 448 = max e4m3)
 *   q_b = f32(f32(amax_block / 6) / s_t)              0 when s_t = 0
 *   s_b = e4m3(q_b), rne, saturating; a block whose q_b is 0 (all-zero block) gets s_b = 1.0, as
 *         ModelOpt does, so no division by zero happens
 *   d_b = f32(s_b · s_t)
 *   element = e2m1(f32(v / d_b)) with the call's rounding rule, saturating. A block whose q_b is so
 *         small that e4m3 rounds it to 0 (amax_block < 2^-10·6·s_t) has d_b = 0 and quantizes to zeros
 *         (ModelOpt would divide by zero there).
 * Dequantization v' = e2m1 · s_b · s_t is exact in float64 (2 + 4 + 24 significant bits).
 * The constants 6 and 448 are the element's and the block-scale format's maxima, so other element /
 * block-scale pairs follow the same recipe.
 */
import { FP32 } from '../formats/float.js';
import { QuantError } from './errors.js';
import type { Nvfp4Scheme } from './scheme.js';
import { blockRanges } from './tensor.js';
import { elementCodec } from './element-codec.js';
import { codeArray, type QuantContext, type QuantParts } from './quantized.js';

const f32 = Math.fround;

export function quantizeNvfp4(data: ArrayLike<number>, shape: readonly number[], s: Nvfp4Scheme, ctx: QuantContext): QuantParts {
  const { starts, ends } = blockRanges(shape, s.blockSize);
  const codec = elementCodec(s.element);
  const scaleCodec = elementCodec(s.blockScaleFormat);
  const eMax = s.element.max;
  let amaxT = 0;
  for (let i = 0; i < data.length; i++) amaxT = Math.max(amaxT, Math.abs(data[i]));
  const st = f32(amaxT / f32(eMax * s.blockScaleFormat.max));
  if (!Number.isFinite(st)) throw new QuantError('bad-tensor', `NVFP4: the tensor scale ${amaxT}/${eMax * s.blockScaleFormat.max} overflows fp32`);
  const one = scaleCodec.encode(1);
  const nb = starts.length;
  const scaleCodes = new Uint32Array(nb);
  const scaleValues = new Float64Array(nb);
  const codes = codeArray(data.length, s.element.bits);
  for (let b = 0; b < nb; b++) {
    let amax = 0;
    for (let i = starts[b]; i < ends[b]; i++) {
      const a = Math.abs(data[i]);
      if (a > amax) amax = a;
    }
    const q = st === 0 ? 0 : f32(f32(amax / eMax) / st);
    const sc = q === 0 ? one : scaleCodec.encode(q);
    const sb = scaleCodec.decode(sc);
    scaleCodes[b] = sc;
    scaleValues[b] = sb;
    const d = f32(sb * st);
    for (let i = starts[b]; i < ends[b]; i++) {
      codes[i] = codec.encode(d === 0 ? 0 : f32(data[i] / d), ctx.rounding, ctx.random);
    }
  }
  return {
    codes,
    codeBits: s.element.bits,
    scales: [
      { role: 'block', format: s.blockScaleFormat.name, codes: scaleCodes, values: scaleValues },
      { role: 'tensor', format: FP32.name, codes: Uint32Array.of(FP32.encode(st)), values: Float64Array.of(st) },
    ],
  };
}

export function dequantizeNvfp4(parts: QuantParts, shape: readonly number[], s: Nvfp4Scheme): Float64Array {
  const { starts, ends } = blockRanges(shape, s.blockSize);
  const codec = elementCodec(s.element);
  const blockScales = parts.scales[0].values;
  const st = parts.scales[1].values[0];
  const out = new Float64Array(parts.codes.length);
  const codes = parts.codes;
  for (let b = 0; b < starts.length; b++) {
    const sb = blockScales[b];
    for (let i = starts[b]; i < ends[b]; i++) out[i] = codec.decode(codes[i]) * sb * st;
  }
  return out;
}
