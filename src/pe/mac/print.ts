/**
 * The `mac` PE in the IR's printed forms (ir/print.ts): the JSON body between kind/name and
 * span/paramSpans, and the text form's `key = value` lines. Moved verbatim from ir/print.ts.
 */
import { f, operandJson, operandText, type Json } from '../../ir/print-parts.js';
import type { IrLine } from '../facets/schema.js';
import type { MacPe } from './schema.js';

/** The IR JSON body of a mac PE (key order is the printed order). */
export function macJson(pe: MacPe): { readonly [key: string]: Json } {
  return {
    weights: operandJson(pe.weights),
    activations: operandJson(pe.activations),
    accumulator: f(pe.accumulator),
    lanes: pe.lanes,
    pipelineStages: pe.pipelineStages,
    macsPerCycle: pe.macsPerCycle,
  };
}

/** The IR text lines of a mac PE. */
export function macLines(pe: MacPe): IrLine[] {
  const l: IrLine[] = [];
  const kv = (k: string, v: string | number | boolean | null) => l.push([k, v]);
  kv('weights', operandText(pe.weights));
  kv('activations', operandText(pe.activations));
  kv('accumulator', f(pe.accumulator));
  kv('lanes', pe.lanes);
  kv('pipeline_stages', pe.pipelineStages);
  return l;
}
