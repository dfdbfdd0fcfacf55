/**
 * The IR's canonical printed forms, used by `qacc ir` and the snapshot tests:
 * - `designToJson`: plain JSON data with a fixed key order (the order written here), formats as their
 *   canonical spec names (which src/formats `lookupFormat` parses back), schemes as tagged objects and
 *   spans as `file:line:col-line:col`;
 * - `printDesign`: an indented text form for people, one element per line.
 * Printing never changes the IR. Each PE kind's part comes from its schema facet (src/pe/<folder>/print.ts).
 */
import { formatSpan } from '../dsl/source.js';
import { schemaFacet } from '../pe/facets/schema.js';
import { at, spans, type Json } from './print-parts.js';
import type { IrAccelerator, IrArray, IrBuffer, IrDesign, IrPe } from './types.js';

export type { Json } from './print-parts.js';

function peJson(pe: IrPe): Json {
  return { kind: pe.kind, name: pe.name, ...schemaFacet(pe.kind).toJson(pe), span: formatSpan(pe.span), paramSpans: spans(pe.paramSpans) };
}

function arrayJson(a: IrArray): Json {
  return { name: a.name, rows: a.rows, cols: a.cols, dataflow: a.dataflow, pes: a.pes, macsPerCycle: a.macsPerCycle, pe: peJson(a.pe), span: formatSpan(a.span), paramSpans: spans(a.paramSpans) };
}

function bufferJson(b: IrBuffer): Json {
  return {
    name: b.name,
    role: b.role,
    bytes: b.bytes,
    bits: b.bits,
    widthBits: b.widthBits,
    banks: b.banks,
    depth: b.depth,
    bytesPerBank: b.bytesPerBank,
    span: formatSpan(b.span),
    paramSpans: spans(b.paramSpans),
  };
}

function acceleratorJson(a: IrAccelerator): Json {
  return {
    name: a.name,
    clockHz: a.clockHz,
    dramBitsPerCycle: a.dramBitsPerCycle,
    dramBytesPerSecond: a.dramBytesPerSecond,
    dramLatencyCycles: a.dramLatencyCycles,
    dramOutstanding: a.dramOutstanding,
    totalPes: a.totalPes,
    totalBufferBytes: a.totalBufferBytes,
    peakMacsPerCycle: a.peakMacsPerCycle,
    arrays: a.arrays.map(arrayJson),
    buffers: a.buffers.map(bufferJson),
    span: formatSpan(a.span),
    paramSpans: spans(a.paramSpans),
  };
}

/** The design as canonical JSON data. */
export function designToJson(d: IrDesign): Json {
  return {
    irVersion: 1,
    root: d.root,
    params: d.params.map((p) => ({ name: p.name, value: p.value, overridden: p.overridden, span: formatSpan(p.span) })),
    accelerators: d.accelerators.map(acceleratorJson),
  };
}

/** The canonical JSON text (2-space indent, trailing newline). */
export function designToJsonText(d: IrDesign): string {
  return JSON.stringify(designToJson(d), null, 2) + '\n';
}

// ---------- text form ----------

function peLines(pe: IrPe): string[] {
  const l: string[] = [`pe ${pe.name} : ${pe.kind} ${at(pe.span)}`];
  for (const [k, v] of schemaFacet(pe.kind).toLines(pe)) l.push(`  ${k} = ${v}`);
  return l;
}

/** The design as indented text. */
export function printDesign(d: IrDesign): string {
  const out: string[] = [`design ${d.root}`];
  for (const p of d.params) out.push(`param ${p.name} = ${p.value}${p.overridden ? '  (--set)' : ''}`);
  for (const a of d.accelerators) {
    out.push(`accelerator ${a.name} ${at(a.span)}`);
    out.push(`  clock = ${a.clockHz} Hz`);
    out.push(`  dram = ${a.dramBitsPerCycle} b/cycle (${a.dramBytesPerSecond} B/s), latency ${a.dramLatencyCycles} cycles, ${a.dramOutstanding} outstanding per queue`);
    out.push(`  total: ${a.totalPes} PEs, ${a.peakMacsPerCycle} MACs/cycle, ${a.totalBufferBytes} B of buffers`);
    for (const arr of a.arrays) {
      out.push(`  array ${arr.name} = ${arr.rows} x ${arr.cols} ${arr.dataflow} (${arr.pes} PEs, ${arr.macsPerCycle} MACs/cycle) ${at(arr.span)}`);
      for (const line of peLines(arr.pe)) out.push(`    ${line}`);
    }
    for (const b of a.buffers) {
      out.push(`  buffer ${b.name} = ${b.bytes} B ${b.role}: ${b.banks} bank${b.banks === 1 ? '' : 's'} x ${b.depth} x ${b.widthBits} b ${at(b.span)}`);
    }
  }
  return out.join('\n') + '\n';
}
