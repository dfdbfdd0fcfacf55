/**
 * Dense tensors as the quantizers see them: a shape and a row-major (C order) Float32Array or
 * Float64Array. The quantizers treat a tensor as a 2-D view [rows, lastDim], where the last dimension
 * is the reduction dimension (K of a weight [N, K]); groups and blocks run along it. This module
 * validates tensors and cuts them into the contiguous element ranges that share one scale.
 */
import { QuantError } from './errors.js';

/** A dense row-major tensor. Invariant: `data.length` is the product of `shape` (1 for shape []). */
export interface Tensor {
  readonly shape: readonly number[];
  readonly data: Float32Array | Float64Array;
}

/** Product of the dimensions (1 for a scalar shape []). */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Builds a tensor after checking that the shape is valid and matches the data length. */
export function makeTensor(shape: readonly number[], data: Float32Array | Float64Array): Tensor {
  checkShape(shape);
  const n = shapeSize(shape);
  if (n !== data.length) {
    throw new QuantError('bad-tensor', `shape [${shape.join(', ')}] holds ${n} elements but the data has ${data.length}`);
  }
  return { shape: [...shape], data };
}

/** Throws unless every dimension is a non-negative safe integer. */
export function checkShape(shape: readonly number[]): void {
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw new QuantError('bad-tensor', `bad dimension ${d} in shape [${shape.join(', ')}]`);
  }
}

/** Length of the last (reduction) dimension; 1 for a scalar. */
export function lastDim(shape: readonly number[]): number {
  return shape.length === 0 ? 1 : shape[shape.length - 1];
}

/**
 * Checks what every quantizer needs of its input: at least one element, all finite. (A NaN or infinity
 * has no meaningful scale; real quantizers would propagate NaN through the whole block.)
 */
export function checkQuantizable(t: Tensor): void {
  if (t.data.length === 0) throw new QuantError('bad-tensor', 'cannot quantize an empty tensor');
  const d = t.data;
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i])) {
      throw new QuantError('bad-tensor', `element ${i} is ${d[i]}; quantizers need finite values`);
    }
  }
}

/**
 * Contiguous element ranges [starts[i], ends[i]) that each share one scale, in row-major order.
 * Invariant: the ranges tile 0..n exactly, in increasing order.
 */
export interface Ranges {
  readonly starts: Uint32Array;
  readonly ends: Uint32Array;
}

/** One range covering the whole tensor (per-tensor scaling). */
export function wholeRange(n: number): Ranges {
  return { starts: Uint32Array.of(0), ends: Uint32Array.of(n) };
}

/** One range per index of axis 0 (per-channel scaling: the output channels of a weight [N, K]). */
export function channelRanges(shape: readonly number[]): Ranges {
  const n = shapeSize(shape);
  const channels = shape.length === 0 ? 1 : shape[0];
  const per = channels === 0 ? 0 : n / channels;
  const starts = new Uint32Array(channels);
  const ends = new Uint32Array(channels);
  for (let c = 0; c < channels; c++) {
    starts[c] = c * per;
    ends[c] = (c + 1) * per;
  }
  return { starts, ends };
}

/**
 * Blocks of `size` consecutive elements along the last dimension of each row. A row whose length is
 * not a multiple of `size` ends in one shorter block (real kernels pad with zeros, which changes
 * neither the block's absmax nor its codes).
 */
export function blockRanges(shape: readonly number[], size: number): Ranges {
  const n = shapeSize(shape);
  const row = lastDim(shape);
  const rows = row === 0 ? 0 : n / row;
  const perRow = Math.ceil(row / size);
  const starts = new Uint32Array(rows * perRow);
  const ends = new Uint32Array(rows * perRow);
  let k = 0;
  for (let r = 0; r < rows; r++) {
    const base = r * row;
    for (let b = 0; b < perRow; b++) {
      starts[k] = base + b * size;
      ends[k] = base + Math.min(row, (b + 1) * size);
      k++;
    }
  }
  return { starts, ends };
}
