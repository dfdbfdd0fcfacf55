/**
 * Operand tensors by role, what the case content generators of src/verify/cases.ts overwrite (zeros,
 * extremes, scales, specials, tiny values): each PE kind's VerifyFacet.roles (src/pe/<folder>/cases.ts)
 * lists its multiplicand and scale tensors with the number format of every element.
 */
import type { NumberFormatBase } from '../formats/types.js';

/** A mutable operand tensor with the format of each element. */
export interface Tensor {
  readonly name: string;
  readonly codes: Uint32Array;
  /** Row length (for placing special values at row starts/ends). */
  readonly cols: number;
  formatAt(i: number): NumberFormatBase;
}

export interface Roles {
  readonly multiplicands: Tensor[];
  readonly scales: Tensor[];
}

/** A tensor over `codes` whose elements all have format `fmt` (or the format `fmt(i)` of element i). */
export function tensor(name: string, codes: Uint32Array, cols: number, fmt: NumberFormatBase | ((i: number) => NumberFormatBase)): Tensor {
  return { name, codes, cols, formatAt: typeof fmt === 'function' ? fmt : () => fmt };
}

/** Copies every array of an operand object so generators can overwrite them. */
export function copyOperands<T extends object>(ops: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(ops)) out[k] = typeof v === 'object' && v !== null ? Uint32Array.from(v as ArrayLike<number>) : v;
  return out as T;
}
