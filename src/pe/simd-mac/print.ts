/**
 * The `simd_mac` PE in the IR's printed forms (ir/print.ts): the JSON body between kind/name and
 * span/paramSpans, and the text form's `key = value` lines. Moved verbatim from ir/print.ts.
 */
import { formatSpan } from '../../dsl/source.js';
import { f, type Json } from '../../ir/print-parts.js';
import type { IrLine } from '../facets/schema.js';
import type { SimdMacPe } from './schema.js';

/** The IR JSON body of a simd_mac PE (key order is the printed order). */
export function simdMacJson(pe: SimdMacPe): { readonly [key: string]: Json } {
  return {
    operandWidth: pe.operandWidth,
    modes: pe.modes.map((m) => ({ lanes: m.lanes, format: f(m.format), laneBits: m.laneBits, span: formatSpan(m.span) })),
    accumulation: pe.accumulation,
    quireBits: pe.quireBits,
    maxDotLength: pe.maxDotLength,
    output: f(pe.output),
    pipelineStages: pe.pipelineStages,
    maxLanes: pe.maxLanes,
    macsPerCycle: pe.macsPerCycle,
  };
}

/** The IR text lines of a simd_mac PE. */
export function simdMacLines(pe: SimdMacPe): IrLine[] {
  const l: IrLine[] = [];
  const kv = (k: string, v: string | number | boolean | null) => l.push([k, v]);
  kv('operand_width', pe.operandWidth);
  kv('modes', pe.modes.map((m) => `${m.lanes} x ${f(m.format)}`).join(' | '));
  kv('accumulation', pe.accumulation + (pe.quireBits !== null ? ` (quire ${pe.quireBits} b)` : ''));
  kv('max_dot_length', pe.maxDotLength);
  kv('output', f(pe.output));
  kv('pipeline_stages', pe.pipelineStages);
  kv('macs_per_cycle', pe.macsPerCycle);
  return l;
}
