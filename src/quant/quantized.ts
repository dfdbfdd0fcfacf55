/**
 * What a quantizer produces: element codes, the scales (each level with its storage format, codes and
 * decoded values), optional zero points and selectors. `QuantParts` is exactly the data a consumer
 * (a kernel, a golden model, a file) needs to reconstruct the tensor; `dequantize` in quantize.ts
 * rebuilds the values from it alone.
 */
import type { RandomSource } from '../formats/random.js';
import type { Rounding } from '../formats/types.js';

/** Element codes, one per tensor element in row-major order, in the narrowest array that holds them. */
export type CodeArray = Uint8Array | Uint16Array | Uint32Array;

/**
 * What one level of scales scales. `tensor`/`channel`/`group`/`block` multiply elements; the QLoRA
 * levels are `constant` (the 8-bit quantized per-block absmax), `constant-scale` (fp32 absmax of each
 * constant block) and `constant-offset` (the fp32 mean that was subtracted).
 */
export type ScaleRole = 'tensor' | 'channel' | 'group' | 'block' | 'constant' | 'constant-scale' | 'constant-offset';

/** One level of scales. Invariant: `values[i]` is the exact value of `codes[i]` in `format`. */
export interface ScaleLevel {
  readonly role: ScaleRole;
  /** Canonical name of the storage format (`e8m0`, `fp8_e4m3`, `fp32`, `fp16`, `dynamic8`, …). */
  readonly format: string;
  readonly codes: Uint32Array;
  readonly values: Float64Array;
}

/** Per-group datatype selectors of a mixture scheme. */
export interface Selectors {
  readonly bits: number;
  /** One index into the scheme's candidate list per group. */
  readonly values: Uint8Array;
}

/** The stored form of a quantized tensor (without the scheme and shape, which travel beside it). */
export interface QuantParts {
  readonly codes: CodeArray;
  /** Width of one element code in bits. */
  readonly codeBits: number;
  readonly scales: readonly ScaleLevel[];
  /** Integer zero points, one per scale (asymmetric schemes only). */
  readonly zeroPoints?: Uint32Array;
  readonly selectors?: Selectors;
}

/** Rounding of elements during one quantize call. Scales are always rounded to nearest even. */
export interface QuantContext {
  readonly rounding: Rounding;
  /** Present when a seed was given; stochastic rounding draws from it in element order. */
  readonly random: RandomSource | undefined;
}

/** A fresh code array for n codes of the given width. */
export function codeArray(n: number, bits: number): CodeArray {
  return bits <= 8 ? new Uint8Array(n) : bits <= 16 ? new Uint16Array(n) : new Uint32Array(n);
}
