/**
 * Compile-time values of the .qacc language and their units. Numbers are exact rationals (BigInt), so
 * `rows * 2 / 3` is exact and integer checks are exact; quantities carry a dimension and are stored in
 * base units (bits, Hz, bits per cycle, cycles).
 */
import type { NumberFormat, Rational } from '../formats/index.js';
import type * as A from '../dsl/ast.js';
import type { Span } from '../dsl/source.js';
import type { IrQuantizedOperand } from './types.js';

export type Dimension = 'size' | 'frequency' | 'bandwidth' | 'duration';

export type Value =
  | { readonly kind: 'number'; readonly value: Rational }
  | { readonly kind: 'quantity'; readonly dim: Dimension; readonly value: Rational }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'string'; readonly value: string }
  /** A bare word that names nothing declared and no format: an enumeration member, or a typo. */
  | { readonly kind: 'word'; readonly name: string; readonly formatError: string }
  | { readonly kind: 'format'; readonly format: NumberFormat }
  | { readonly kind: 'scheme'; readonly operand: IrQuantizedOperand }
  | { readonly kind: 'list'; readonly items: readonly Located[] }
  | { readonly kind: 'lanes'; readonly count: Located; readonly element: Located }
  | { readonly kind: 'decl'; readonly decl: A.PeDecl | A.ArrayDecl | A.BufferDecl | A.AcceleratorDecl }
  /** Evaluation failed and was already reported: consumers stay silent. */
  | { readonly kind: 'error' };

/** A value with the span of the expression it came from. */
export interface Located {
  readonly value: Value;
  readonly span: Span;
}

interface UnitInfo {
  readonly dim: Dimension;
  /** Base units per unit (bits, Hz, bits/cycle). */
  readonly factor: bigint;
}

/** The unit words and their meaning. `KB` is deliberately absent: it is ambiguous (see AMBIGUOUS_UNITS). */
export const UNITS: ReadonlyMap<string, UnitInfo> = new Map<string, UnitInfo>([
  ['b', { dim: 'size', factor: 1n }],
  ['B', { dim: 'size', factor: 8n }],
  ['KiB', { dim: 'size', factor: 8n * 1024n }],
  ['MiB', { dim: 'size', factor: 8n * 1024n ** 2n }],
  ['GiB', { dim: 'size', factor: 8n * 1024n ** 3n }],
  ['kB', { dim: 'size', factor: 8n * 1000n }],
  ['MB', { dim: 'size', factor: 8n * 1000n ** 2n }],
  ['GB', { dim: 'size', factor: 8n * 1000n ** 3n }],
  ['Hz', { dim: 'frequency', factor: 1n }],
  ['kHz', { dim: 'frequency', factor: 1000n }],
  ['MHz', { dim: 'frequency', factor: 1000n ** 2n }],
  ['GHz', { dim: 'frequency', factor: 1000n ** 3n }],
  ['b/cycle', { dim: 'bandwidth', factor: 1n }],
  ['bits/cycle', { dim: 'bandwidth', factor: 1n }],
  ['B/cycle', { dim: 'bandwidth', factor: 8n }],
  ['bytes/cycle', { dim: 'bandwidth', factor: 8n }],
  ['cycles', { dim: 'duration', factor: 1n }],
  ['cycle', { dim: 'duration', factor: 1n }],
]);

export const AMBIGUOUS_UNITS: ReadonlyMap<string, string> = new Map([['KB', "write KiB for 1024 bytes or kB for 1000 bytes"]]);

export const DIMENSION_NOUNS: Record<Dimension, string> = {
  size: 'a size (e.g. 512 KiB)',
  frequency: 'a frequency (e.g. 1 GHz)',
  bandwidth: 'a bandwidth (e.g. 256 b/cycle)',
  duration: 'a number of clock cycles (e.g. 64 cycles)',
};

function ratText(r: Rational): string {
  return r.den === 1n ? r.num.toString() : `${r.num}/${r.den}`;
}

/** Describes a value for "expected X, found Y" messages. */
export function describeValue(v: Value): string {
  switch (v.kind) {
    case 'number':
      return `the number ${ratText(v.value)}`;
    case 'quantity':
      return DIMENSION_NOUNS[v.dim].replace(/ \(e\.g\..*\)$/, '');
    case 'bool':
      return String(v.value);
    case 'string':
      return 'a string';
    case 'word':
      return `'${v.name}'`;
    case 'format':
      return `the format ${v.format.name}`;
    case 'scheme':
      return 'a quantization scheme';
    case 'list':
      return 'a list';
    case 'lanes':
      return 'a lane group (N x format)';
    case 'decl':
      return `the ${v.decl.kind} '${v.decl.name.text}'`;
    case 'error':
      return 'an invalid value';
  }
}

/** Prints a value back in .qacc syntax (for the IR's parameter list). */
export function printValue(v: Value): string {
  switch (v.kind) {
    case 'number':
      return ratText(v.value);
    case 'quantity': {
      const base = v.dim === 'size' ? 'b' : v.dim === 'frequency' ? 'Hz' : v.dim === 'duration' ? 'cycles' : 'b/cycle';
      return `${ratText(v.value)} ${base}`;
    }
    case 'bool':
      return String(v.value);
    case 'string':
      return JSON.stringify(v.value);
    case 'word':
      return v.name;
    case 'format':
      return v.format.name;
    case 'scheme':
      return 'scheme';
    case 'list':
      return `[${v.items.map((i) => printValue(i.value)).join(', ')}]`;
    case 'lanes':
      return `${printValue(v.count.value)} x ${printValue(v.element.value)}`;
    case 'decl':
      return v.decl.name.text;
    case 'error':
      return '<error>';
  }
}
