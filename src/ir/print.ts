/**
 * The IR's canonical printed forms, used by `qacc ir` and the snapshot tests:
 * - `designToJson`: plain JSON data with a fixed key order (the order written here), formats as their
 *   canonical spec names (which src/formats `lookupFormat` parses back), schemes as tagged objects and
 *   spans as `file:line:col-line:col`;
 * - `printDesign`: an indented text form for people, one element per line.
 * Printing never changes the IR.
 */
import type { NumberFormatBase } from '../formats/index.js';
import { formatSpan, type Span } from '../dsl/source.js';
import type { QuantScheme } from '../quant/scheme.js';
import type { IrAccelerator, IrArray, IrBuffer, IrDesign, IrOperand, IrPe, IrQuantizedOperand, ParamSpans } from './types.js';

/** JSON-compatible data. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function f(format: NumberFormatBase): string {
  return format.name;
}

function spans(p: ParamSpans): Json {
  const out: Record<string, Json> = {};
  for (const k of Object.keys(p).sort()) out[k] = formatSpan(p[k]);
  return out;
}

function schemeJson(s: QuantScheme): Json {
  switch (s.kind) {
    case 'scaled':
      return {
        kind: 'scaled',
        granularity: s.granularity.kind === 'group' ? `group:${s.granularity.size}` : s.granularity.kind,
        element: f(s.element),
        scaleFormat: f(s.scaleFormat),
        mode: s.mode,
        clip: s.clip ?? null,
      };
    case 'mx':
      return { kind: 'mx', element: f(s.element), blockSize: s.blockSize };
    case 'nvfp4':
      return { kind: 'nvfp4', element: f(s.element), blockScaleFormat: f(s.blockScaleFormat), blockSize: s.blockSize };
    case 'mixture':
      return { kind: 'mixture', candidates: s.candidates.map(f), groupSize: s.groupSize, scaleFormat: f(s.scaleFormat) };
    case 'double-quant':
    case 'olive':
    case 'hadamard':
      // Not produced by the language yet; printed by kind so a future constructor still prints.
      return { kind: s.kind };
  }
}

function quantJson(q: IrQuantizedOperand): Json {
  return {
    kind: 'quantized',
    scheme: schemeJson(q.scheme),
    elementBits: q.elementBits,
    groupSize: q.groupSize,
    scaleFormat: f(q.scaleFormat),
    selectorBits: q.selectorBits,
    channelScale: q.channelScale ? f(q.channelScale) : null,
    overheadBitsPerGroup: q.overheadBitsPerGroup,
    bitsPerElement: q.bitsPerElement,
    span: formatSpan(q.span),
  };
}

function operandJson(o: IrOperand): Json {
  return o.kind === 'plain' ? { kind: 'plain', format: f(o.format), bitsPerElement: o.bitsPerElement, span: formatSpan(o.span) } : quantJson(o);
}

function peJson(pe: IrPe): Json {
  const head = { kind: pe.kind, name: pe.name };
  const tail = { span: formatSpan(pe.span), paramSpans: spans(pe.paramSpans) };
  switch (pe.kind) {
    case 'bit_serial_mod':
      return {
        ...head,
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
        macsPerCycle: pe.macsPerCycle,
        ...tail,
      };
    case 'simd_mac':
      return {
        ...head,
        operandWidth: pe.operandWidth,
        modes: pe.modes.map((m) => ({ lanes: m.lanes, format: f(m.format), laneBits: m.laneBits, span: formatSpan(m.span) })),
        accumulation: pe.accumulation,
        quireBits: pe.quireBits,
        maxDotLength: pe.maxDotLength,
        output: f(pe.output),
        pipelineStages: pe.pipelineStages,
        maxLanes: pe.maxLanes,
        macsPerCycle: pe.macsPerCycle,
        ...tail,
      };
    case 'lowrank_gemm':
      return {
        ...head,
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
        branchAccumulation: f(pe.branchAccumulation),
        output: f(pe.output),
        fused: pe.fused,
        tileM: pe.tileM,
        tileN: pe.tileN,
        tileK: pe.tileK,
        groupsPerTileK: pe.groupsPerTileK,
        lanes: pe.lanes,
        macsPerCycle: pe.macsPerCycle,
        ...tail,
      };
    case 'mac':
      return {
        ...head,
        weights: operandJson(pe.weights),
        activations: operandJson(pe.activations),
        accumulator: f(pe.accumulator),
        lanes: pe.lanes,
        pipelineStages: pe.pipelineStages,
        macsPerCycle: pe.macsPerCycle,
        ...tail,
      };
  }
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

function at(span: Span): string {
  return `@${span.file}:${span.start.line}`;
}

function schemeText(s: QuantScheme): string {
  switch (s.kind) {
    case 'scaled': {
      const g = s.granularity.kind === 'group' ? `group ${s.granularity.size}` : s.granularity.kind;
      return `scaled(${f(s.element)}, ${g}, scale ${f(s.scaleFormat)}, ${s.mode}${s.clip !== undefined ? `, clip ${s.clip}` : ''})`;
    }
    case 'mx':
      return `mx(${f(s.element)}, block ${s.blockSize}, scale e8m0)`;
    case 'nvfp4':
      return `nvfp4(${f(s.element)}, block ${s.blockSize}, scale ${f(s.blockScaleFormat)})`;
    case 'mixture':
      return `mixture([${s.candidates.map(f).join(', ')}], group ${s.groupSize}, scale ${f(s.scaleFormat)})`;
    case 'double-quant':
    case 'olive':
    case 'hadamard':
      return s.kind;
  }
}

function operandText(o: IrOperand): string {
  if (o.kind === 'plain') return f(o.format);
  const extra = [o.selectorBits ? `selector ${o.selectorBits}b` : '', o.channelScale ? `channel scale ${f(o.channelScale)}` : ''].filter(Boolean).join(', ');
  return `${schemeText(o.scheme)}${extra ? ` + ${extra}` : ''} = ${o.bitsPerElement} b/element`;
}

function peLines(pe: IrPe): string[] {
  const l: string[] = [`pe ${pe.name} : ${pe.kind} ${at(pe.span)}`];
  const kv = (k: string, v: string | number | boolean | null) => l.push(`  ${k} = ${v}`);
  switch (pe.kind) {
    case 'bit_serial_mod':
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
      kv('macs_per_cycle', pe.macsPerCycle);
      break;
    case 'simd_mac':
      kv('operand_width', pe.operandWidth);
      kv('modes', pe.modes.map((m) => `${m.lanes} x ${f(m.format)}`).join(' | '));
      kv('accumulation', pe.accumulation + (pe.quireBits !== null ? ` (quire ${pe.quireBits} b)` : ''));
      kv('max_dot_length', pe.maxDotLength);
      kv('output', f(pe.output));
      kv('pipeline_stages', pe.pipelineStages);
      kv('macs_per_cycle', pe.macsPerCycle);
      break;
    case 'lowrank_gemm':
      kv('weights', operandText(pe.weights));
      kv('activations', operandText(pe.activations));
      kv('rank', pe.rank);
      kv('branch', f(pe.branchFormat));
      kv('accumulation', `${f(pe.accumulation)}${pe.accumulationFma ? ' fused (fma)' : ''} (branch ${f(pe.branchAccumulation)})`);
      kv('epilogue', `${pe.epilogue}${pe.channelScales ? ` (channel scales ${f(pe.branchFormat)})` : ''}`);
      if (pe.loraScales) kv('lora scales', 'fp32, one per 16 ranks');
      kv('output', f(pe.output));
      kv('fused', pe.fused);
      kv('tile', `${pe.tileM} x ${pe.tileN} x ${pe.tileK} (${pe.groupsPerTileK} group${pe.groupsPerTileK === 1 ? '' : 's'} per K step)`);
      kv('lanes', pe.lanes);
      break;
    case 'mac':
      kv('weights', operandText(pe.weights));
      kv('activations', operandText(pe.activations));
      kv('accumulator', f(pe.accumulator));
      kv('lanes', pe.lanes);
      kv('pipeline_stages', pe.pipelineStages);
      break;
  }
  return l;
}

/** The design as indented text. */
export function printDesign(d: IrDesign): string {
  const out: string[] = [`design ${d.root}`];
  for (const p of d.params) out.push(`param ${p.name} = ${p.value}${p.overridden ? '  (--set)' : ''}`);
  for (const a of d.accelerators) {
    out.push(`accelerator ${a.name} ${at(a.span)}`);
    out.push(`  clock = ${a.clockHz} Hz`);
    out.push(`  dram = ${a.dramBitsPerCycle} b/cycle (${a.dramBytesPerSecond} B/s)`);
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
