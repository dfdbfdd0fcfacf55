/**
 * Small helpers every PE kind's schema (src/pe/<folder>/schema.ts) uses to read its properties. They live
 * here, not in the dispatching module ir/pe-kinds.ts, so that a kind's schema never value-imports a module
 * that imports the SCHEMAS registry (no runtime import cycle).
 */
import { FloatFormat, type NumberFormat } from '../formats/index.js';
import type { Evaluator } from './evaluate.js';
import type { PropertyReader } from './props.js';

/** ⌈log2 n⌉ for n ≥ 1 (0 for n = 1). */
export function clog2(n: number): number {
  let b = 0;
  while (2 ** b < n) b++;
  return b;
}

/** True for binary floating-point formats with a sign, exponent and significand (not e8m0). */
export function isSignedFloat(f: NumberFormat): f is FloatFormat {
  return f instanceof FloatFormat && f.min < 0;
}

/** Reads an optional integer property with a default; undefined = error reported. */
export function intProp(ev: Evaluator, r: PropertyReader, key: string, def: number, min: number, max: number): number | undefined {
  const loc = r.get(key);
  return loc ? ev.int(loc, key, { min, max }) : def;
}

/** Reads an optional format property with a default; undefined = error reported. */
export function formatProp(ev: Evaluator, r: PropertyReader, key: string, def: NumberFormat): NumberFormat | undefined {
  const loc = r.get(key);
  return loc ? ev.format(loc, key) : def;
}
