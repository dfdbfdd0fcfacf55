/**
 * The `bit_serial_mod` PE in the IR's printed forms (ir/print.ts): the JSON body between kind/name and
 * span/paramSpans, and the text form's `key = value` lines. Moved verbatim from ir/print.ts.
 */
import { f, operandJson, operandText, quantJson, type Json } from '../../ir/print-parts.js';
import type { IrLine } from '../facets/schema.js';
import type { BitSerialModPe } from './schema.js';

/** The IR JSON body of a bit_serial_mod PE (key order is the printed order). */
export function bitSerialModJson(pe: BitSerialModPe): { readonly [key: string]: Json } {
  return {
    lanes: pe.lanes,
    weights: quantJson(pe.weights),
    activations: operandJson(pe.activations),
    weightBitsPerCycle: pe.weightBitsPerCycle,
    cyclesPerWeight: pe.cyclesPerWeight,
    groupSize: pe.groupSize,
    scaleFormat: f(pe.scaleFormat),
    scaleBits: pe.scaleBits,
    alignBits: pe.alignBits,
    laneSumBits: pe.laneSumBits,
    groupAccBits: pe.groupAccBits,
    groupMantissaBits: pe.groupMantissaBits,
    groupExponentBits: pe.groupExponentBits,
    dequantBits: pe.dequantBits,
    crossGroupFormat: f(pe.crossGroupFormat),
    datapath: pe.datapath,
    output: f(pe.output),
    pipelineStages: pe.pipelineStages,
    // only when declared: an undeclared tile_m is one array pass
    ...(pe.tileM === undefined ? {} : { tileM: pe.tileM }),
    macsPerCycle: pe.macsPerCycle,
  };
}

/** The IR text lines of a bit_serial_mod PE. */
export function bitSerialModLines(pe: BitSerialModPe): IrLine[] {
  const l: IrLine[] = [];
  const kv = (k: string, v: string | number | boolean | null) => l.push([k, v]);
  kv('lanes', pe.lanes);
  kv('weights', operandText(pe.weights));
  kv('activations', operandText(pe.activations));
  kv('weight_bits_per_cycle', pe.weightBitsPerCycle);
  kv('cycles_per_weight', pe.cyclesPerWeight);
  kv('scale', `${f(pe.scaleFormat)} (${pe.scaleBits} b)`);
  kv('widths', `align ${pe.alignBits}, lane sum ${pe.laneSumBits}, group acc ${pe.groupAccBits} → ${pe.groupMantissaBits}m/${pe.groupExponentBits}e, dequant ${pe.dequantBits}`);
  kv('cross_group', f(pe.crossGroupFormat));
  kv('datapath', pe.datapath);
  kv('output', f(pe.output));
  kv('pipeline_stages', pe.pipelineStages);
  if (pe.tileM !== undefined) kv('tile_m', pe.tileM);
  kv('macs_per_cycle', pe.macsPerCycle);
  return l;
}
