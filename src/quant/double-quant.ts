/**
 * QLoRA double quantization (formats.md §3 and §5), following bitsandbytes' `quantize_4bit` with
 * `compress_statistics`:
 *   1. The tensor is flattened and cut into blocks of 64 (bitsandbytes ignores the shape here).
 *      absmax_i = f32(max |v|) per block; element = E(f32(v · f32(R / absmax_i))) (0 when absmax_i = 0),
 *      with the call's rounding rule. bitsandbytes multiplies by the reciprocal in float32; so do we.
 *      R is the element format's symmetric range min(max, −min) (int: max): 1 for nf4 and the other
 *      normalized tables (bitsandbytes' case, bit for bit), 7 for int4, 6 for fp4_e2m1, so every element
 *      format spends all its codes on [−absmax, absmax] (with R = 1, int4 would use only −1, 0, 1).
 *      Element formats without negative values cannot hold a signed block and are refused.
 *   2. offset = f32(mean of the absmax_i) (the mean is computed in float64, then rounded once);
 *      c_i = f32(absmax_i − offset).
 *   3. The c_i are cut into blocks of 256; a_j = max |c_i| per block (fp32 stored);
 *      constant code_i = dynamic8(f32(c_i · f32(1 / a_j))) with rne (0 when a_j = 0).
 * Dequantization: absmax'_i = f32(f32(dyn(code_i) · a_j) + offset), v' = E(code) · absmax'_i / R (in
 * float64; exact for R = 1). Note: bitsandbytes encodes nf4 with a comparison tree whose
 * thresholds are float32-rounded midpoints; qacc uses the exact nearest entry, which can differ only for
 * a quotient within one float32 ulp of a midpoint.
 */
import { FP32 } from '../formats/float.js';
import { QuantError } from './errors.js';
import type { DoubleQuantScheme } from './scheme.js';
import { blockRanges } from './tensor.js';
import { elementCodec } from './element-codec.js';
import { codeArray, type QuantContext, type QuantParts } from './quantized.js';

const f32 = Math.fround;

/** The element range R that a block's absmax maps to (see the header; validateScheme refuses unsigned elements). */
export function doubleQuantRange(s: DoubleQuantScheme): number {
  const e = s.element;
  return e.kind === 'int' ? e.max : Math.min(e.max, -e.min);
}

export function quantizeDoubleQuant(data: ArrayLike<number>, _shape: readonly number[], s: DoubleQuantScheme, ctx: QuantContext): QuantParts {
  const n = data.length;
  const range = doubleQuantRange(s);
  const blocks = blockRanges([n], s.blockSize);
  const nb = blocks.starts.length;
  const codec = elementCodec(s.element);
  const codes = codeArray(n, s.element.bits);
  const absmax = new Float64Array(nb);
  let sum = 0;
  for (let b = 0; b < nb; b++) {
    let amax = 0;
    for (let i = blocks.starts[b]; i < blocks.ends[b]; i++) amax = Math.max(amax, Math.abs(data[i]));
    amax = f32(amax);
    if (amax === Infinity) throw new QuantError('bad-tensor', 'QLoRA: a block absmax exceeds the fp32 range');
    absmax[b] = amax;
    sum += amax;
    const inv = amax === 0 ? 0 : f32(range / amax);
    for (let i = blocks.starts[b]; i < blocks.ends[b]; i++) codes[i] = codec.encode(f32(data[i] * inv), ctx.rounding, ctx.random);
  }
  const offset = f32(sum / nb);
  const cBlocks = blockRanges([nb], s.constantBlockSize);
  const ncb = cBlocks.starts.length;
  const cCodec = elementCodec(s.constantFormat);
  const cCodes = new Uint32Array(nb);
  const cValues = new Float64Array(nb);
  const aCodes = new Uint32Array(ncb);
  const aValues = new Float64Array(ncb);
  for (let j = 0; j < ncb; j++) {
    let a = 0;
    for (let i = cBlocks.starts[j]; i < cBlocks.ends[j]; i++) a = Math.max(a, Math.abs(f32(absmax[i] - offset)));
    aValues[j] = a;
    aCodes[j] = FP32.encode(a);
    const inv = a === 0 ? 0 : f32(1 / a);
    for (let i = cBlocks.starts[j]; i < cBlocks.ends[j]; i++) {
      const code = cCodec.encode(f32(f32(absmax[i] - offset) * inv));
      cCodes[i] = code;
      cValues[i] = cCodec.decode(code);
    }
  }
  return {
    codes,
    codeBits: s.element.bits,
    scales: [
      { role: 'constant', format: s.constantFormat.name, codes: cCodes, values: cValues },
      { role: 'constant-scale', format: FP32.name, codes: aCodes, values: aValues },
      { role: 'constant-offset', format: FP32.name, codes: Uint32Array.of(FP32.encode(offset)), values: Float64Array.of(offset) },
    ],
  };
}

/** The reconstructed per-block absmax values absmax'_i. */
export function doubleQuantAbsmax(parts: QuantParts, s: DoubleQuantScheme): Float64Array {
  const [constants, constantScales, offsetLevel] = parts.scales;
  const nb = constants.values.length;
  const offset = offsetLevel.values[0];
  const out = new Float64Array(nb);
  for (let i = 0; i < nb; i++) {
    out[i] = f32(f32(constants.values[i] * constantScales.values[Math.floor(i / s.constantBlockSize)]) + offset);
  }
  return out;
}

export function dequantizeDoubleQuant(parts: QuantParts, _shape: readonly number[], s: DoubleQuantScheme): Float64Array {
  const n = parts.codes.length;
  const absmax = doubleQuantAbsmax(parts, s);
  const range = doubleQuantRange(s);
  const codec = elementCodec(s.element);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = (codec.decode(parts.codes[i]) * absmax[Math.floor(i / s.blockSize)]) / range;
  return out;
}
