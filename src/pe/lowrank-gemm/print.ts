/**
 * The `lowrank_gemm` PE in the IR's printed forms (ir/print.ts): the JSON body between kind/name and
 * span/paramSpans, and the text form's `key = value` lines. Moved verbatim from ir/print.ts.
 */
import { f, operandText, quantJson, type Json } from '../../ir/print-parts.js';
import type { IrLine } from '../facets/schema.js';
import type { LowRankGemmPe } from './schema.js';

/** The IR JSON body of a lowrank_gemm PE (key order is the printed order). */
export function lowRankGemmJson(pe: LowRankGemmPe): { readonly [key: string]: Json } {
  return {
    weights: quantJson(pe.weights),
    activations: quantJson(pe.activations),
    groupSize: pe.groupSize,
    rank: pe.rank,
    branchFormat: f(pe.branchFormat),
    accumulation: f(pe.accumulation),
    accumulationFma: pe.accumulationFma,
    epilogue: pe.epilogue,
    channelScales: pe.channelScales,
    loraScales: pe.loraScales,
    activationQuant: pe.activationQuant,
    branchAccumulation: f(pe.branchAccumulation),
    output: f(pe.output),
    fused: pe.fused,
    tileM: pe.tileM,
    tileN: pe.tileN,
    tileK: pe.tileK,
    groupsPerTileK: pe.groupsPerTileK,
    lanes: pe.lanes,
    macsPerCycle: pe.macsPerCycle,
  };
}

/** The IR text lines of a lowrank_gemm PE. */
export function lowRankGemmLines(pe: LowRankGemmPe): IrLine[] {
  const l: IrLine[] = [];
  const kv = (k: string, v: string | number | boolean | null) => l.push([k, v]);
  kv('weights', operandText(pe.weights));
  kv('activations', operandText(pe.activations));
  kv('rank', pe.rank);
  kv('branch', f(pe.branchFormat));
  kv('accumulation', `${f(pe.accumulation)}${pe.accumulationFma ? ' fused (fma)' : ''} (branch ${f(pe.branchAccumulation)})`);
  kv('epilogue', `${pe.epilogue}${pe.channelScales ? ` (channel scales ${f(pe.branchFormat)})` : ''}`);
  if (pe.loraScales) kv('lora scales', 'fp32, one per 16 ranks');
  kv('activation quant', pe.activationQuant === 'runtime' ? 'runtime (qact on chip, fused with the down projection)' : 'offline');
  kv('output', f(pe.output));
  kv('fused', pe.fused);
  kv('tile', `${pe.tileM} x ${pe.tileN} x ${pe.tileK} (${pe.groupsPerTileK} group${pe.groupsPerTileK === 1 ? '' : 's'} per K step)`);
  kv('lanes', pe.lanes);
  return l;
}
