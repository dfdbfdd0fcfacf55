/**
 * The pieces of the IR printers every PE kind's print.ts (src/pe/<folder>/print.ts) shares with the
 * generic printer ir/print.ts: JSON values, format names, spans, quantization schemes and operands. They
 * live here, not in the dispatching ir/print.ts, so that a kind file never value-imports a module that
 * imports the SCHEMAS registry.
 */
import type { NumberFormatBase } from '../formats/index.js';
import { formatSpan, type Span } from '../dsl/source.js';
import type { QuantScheme } from '../quant/scheme.js';
import type { IrOperand, IrQuantizedOperand, ParamSpans } from './types.js';

/** JSON-compatible data. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A format's name, as the IR prints it. */
export function f(format: NumberFormatBase): string {
  return format.name;
}

export function spans(p: ParamSpans): Json {
  const out: Record<string, Json> = {};
  for (const k of Object.keys(p).sort()) out[k] = formatSpan(p[k]);
  return out;
}

export function schemeJson(s: QuantScheme): Json {
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

export function quantJson(q: IrQuantizedOperand): Json {
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

export function operandJson(o: IrOperand): Json {
  return o.kind === 'plain' ? { kind: 'plain', format: f(o.format), bitsPerElement: o.bitsPerElement, span: formatSpan(o.span) } : quantJson(o);
}

// ---------- text form ----------

export function at(span: Span): string {
  return `@${span.file}:${span.start.line}`;
}

export function schemeText(s: QuantScheme): string {
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

export function operandText(o: IrOperand): string {
  if (o.kind === 'plain') return f(o.format);
  const extra = [o.selectorBits ? `selector ${o.selectorBits}b` : '', o.channelScale ? `channel scale ${f(o.channelScale)}` : ''].filter(Boolean).join(', ');
  return `${schemeText(o.scheme)}${extra ? ` + ${extra}` : ''} = ${o.bitsPerElement} b/element`;
}
