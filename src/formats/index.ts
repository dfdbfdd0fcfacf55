/**
 * The public face of the number-format library: every format class, the named instances, the registry,
 * exact arithmetic and the core types. Code outside src/formats imports from here.
 *
 * `NumberFormat` is the closed union of format classes; narrow it with `kind` ('int' | 'fp' | 'posit' |
 * 'lut') and, for 'fp', `instanceof FloatFormat` / `E8m0Format`.
 */
import type { E8m0Format, FloatFormat } from './float.js';
import type { IntFormat } from './int.js';
import type { LutFormat } from './lut.js';
import type { PositFormat } from './posit.js';

/** Any supported number format. */
export type NumberFormat = IntFormat | FloatFormat | E8m0Format | PositFormat | LutFormat;

export * from './types.js';
export * from './errors.js';
export * from './random.js';
export * from './rounding.js';
export * from './int.js';
export * from './float.js';
export * from './posit.js';
export * from './quire.js';
export * from './lut.js';
export * from './named-luts.js';
export * from './registry.js';
/** Exact code arithmetic rounded once: `arith.mul(f, a, b)`, `arith.add`, `arith.fma`, `arith.dot`. */
export * as arith from './arith.js';
/** Exact rationals (names such as `add`/`mul` would clash at top level, so they live under `exact`). */
export * as exact from './rational.js';
export type { Rational } from './rational.js';
export { fromNumber, parseDecimal, rational, toNumber } from './rational.js';
