/**
 * The quantizer entry points: `quantize(tensor, scheme, options)` cuts the tensor into scale ranges,
 * computes codes and scales with the scheme's module (scaled.ts, mx.ts, nvfp4.ts, double-quant.ts,
 * mixture.ts, olive.ts, hadamard.ts), rebuilds the dequantized tensor from the stored parts alone
 * (`dequantize`), and measures the error against the input (metrics.ts).
 *
 * Rounding: `options.rounding` (default rne) applies to element codes; scales are always rne.
 * Stochastic rounding needs `options.seed`; draws are consumed in row-major element order (only by
 * elements that are not exactly representable), so a seed reproduces the result on any machine.
 */
import { seededRandom } from '../formats/random.js';
import type { Rounding } from '../formats/types.js';
import { QuantError } from './errors.js';
import { validateScheme, type QuantScheme } from './scheme.js';
import { checkQuantizable, makeTensor, shapeSize, type Tensor } from './tensor.js';
import { computeMetrics, type QuantMetrics } from './metrics.js';
import type { QuantContext, QuantParts } from './quantized.js';
import { dequantizeScaled, quantizeScaled } from './scaled.js';
import { dequantizeMx, quantizeMx } from './mx.js';
import { dequantizeNvfp4, quantizeNvfp4 } from './nvfp4.js';
import { dequantizeDoubleQuant, quantizeDoubleQuant } from './double-quant.js';
import { dequantizeMixture, quantizeMixture } from './mixture.js';
import { dequantizeOlive, quantizeOlive } from './olive.js';
import { hadamardRotate, hadamardUnrotate } from './hadamard.js';

export interface QuantizeOptions {
  /** Element rounding rule; default `rne`. */
  readonly rounding?: Rounding;
  /** Seed of the random bits for stochastic rounding (required for it). */
  readonly seed?: number;
}

/** Everything needed to rebuild a tensor: its scheme, shape and stored parts. */
export interface QuantizedData extends QuantParts {
  readonly scheme: QuantScheme;
  readonly shape: readonly number[];
}

/** A quantized tensor: the stored parts, the dequantized values, and their error against the input. */
export interface QuantizedTensor extends QuantizedData {
  readonly dequantized: Float64Array;
  readonly metrics: QuantMetrics;
}

function quantizeParts(data: ArrayLike<number>, shape: readonly number[], s: QuantScheme, ctx: QuantContext): QuantParts {
  switch (s.kind) {
    case 'scaled':
      return quantizeScaled(data, shape, s, ctx);
    case 'mx':
      return quantizeMx(data, shape, s, ctx);
    case 'nvfp4':
      return quantizeNvfp4(data, shape, s, ctx);
    case 'double-quant':
      return quantizeDoubleQuant(data, shape, s, ctx);
    case 'mixture':
      return quantizeMixture(data, shape, s, ctx);
    case 'olive':
      return quantizeOlive(data, shape, s, ctx);
    case 'hadamard':
      return quantizeParts(hadamardRotate(data, shape, s.blockSize, s.seed), shape, s.inner, ctx);
    default: {
      const never: never = s;
      return never;
    }
  }
}

function dequantizeParts(parts: QuantParts, shape: readonly number[], s: QuantScheme): Float64Array {
  switch (s.kind) {
    case 'scaled':
      return dequantizeScaled(parts, shape, s);
    case 'mx':
      return dequantizeMx(parts, shape, s);
    case 'nvfp4':
      return dequantizeNvfp4(parts, shape, s);
    case 'double-quant':
      return dequantizeDoubleQuant(parts, shape, s);
    case 'mixture':
      return dequantizeMixture(parts, shape, s);
    case 'olive':
      return dequantizeOlive(parts, shape, s);
    case 'hadamard':
      return hadamardUnrotate(dequantizeParts(parts, shape, s.inner), shape, s.blockSize, s.seed);
    default: {
      const never: never = s;
      return never;
    }
  }
}

/** Quantizes a tensor. Throws QuantError for empty/non-finite tensors and bad schemes or options. */
export function quantize(tensor: Tensor, scheme: QuantScheme, options: QuantizeOptions = {}): QuantizedTensor {
  validateScheme(scheme);
  checkQuantizable(tensor);
  const rounding = options.rounding ?? 'rne';
  if (options.seed !== undefined && !Number.isSafeInteger(options.seed)) throw new QuantError('bad-option', `seed must be an integer, got ${options.seed}`);
  if (rounding === 'stochastic' && options.seed === undefined) throw new QuantError('bad-option', 'stochastic rounding needs a seed');
  const ctx: QuantContext = { rounding, random: options.seed === undefined ? undefined : seededRandom(options.seed) };
  const parts = quantizeParts(tensor.data, tensor.shape, scheme, ctx);
  const data: QuantizedData = { ...parts, scheme, shape: [...tensor.shape] };
  const dequantized = dequantize(data).data as Float64Array;
  return { ...data, dequantized, metrics: computeMetrics(tensor.data, dequantized) };
}

/** Rebuilds the tensor's values (float64) from its stored parts alone. */
export function dequantize(q: QuantizedData): Tensor {
  if (q.codes.length !== shapeSize(q.shape)) throw new QuantError('bad-quantized', `${q.codes.length} codes for shape [${q.shape.join(', ')}]`);
  return makeTensor(q.shape, dequantizeParts(q, q.shape, q.scheme));
}
