/**
 * The `simd_mac` PE's schema: its IR record and its elaboration (properties read through a PropertyReader,
 * hardware constraints checked with located diagnostics, every default filled in). Moved verbatim from
 * ir/types.ts and ir/pe-kinds.ts; `simdMacSchema` is its entry of the SCHEMAS registry (src/pe/facets/schema.ts).
 */
import { FP32 } from '../../formats/float.js';
import type { NumberFormat } from '../../formats/index.js';
import type * as A from '../../dsl/ast.js';
import { Diag } from '../../dsl/diagnostics.js';
import type { Span } from '../../dsl/source.js';
import type { Evaluator } from '../../ir/evaluate.js';
import { formatProp, intProp } from '../../ir/prop-helpers.js';
import type { PropertyReader } from '../../ir/props.js';
import type { ParamSpans } from '../../ir/types.js';
import type { SchemaFacet } from '../facets/schema.js';
import { simdElementProblem, simdOutputProblem, simdQuireWidth, type SimdElementFormat } from './golden.js';
import { simdMacJson, simdMacLines } from './print.js';

/** One SIMD mode: `lanes × format` packed into the operand word. */
export interface SimdMode {
  readonly lanes: number;
  readonly format: NumberFormat;
  /** Bits per lane (= format.bits). */
  readonly laneBits: number;
  readonly span: Span;
}

/** XR-NPE-style reconfigurable SIMD dot-product MAC (xr-npe.md). */
export interface SimdMacPe {
  readonly kind: 'simd_mac';
  readonly name: string;
  /** Operand word width per input (16). */
  readonly operandWidth: number;
  readonly modes: readonly SimdMode[];
  /** `exact`: quire-style fixed point, one final rounding; `round_each_step`: round to `output` every step. */
  readonly accumulation: 'exact' | 'round_each_step';
  /** Exact accumulation: the accumulator width covering every mode's products and carries; else null. */
  readonly quireBits: number | null;
  /** Longest dot product the accumulator is sized for. */
  readonly maxDotLength: number;
  readonly output: NumberFormat;
  readonly pipelineStages: number;
  /** The widest mode's lane count (peak MACs per cycle). */
  readonly maxLanes: number;
  readonly macsPerCycle: number;
  readonly span: Span;
  readonly paramSpans: ParamSpans;
}

/** Widest element the golden model tabulates (2^bits codes). */
const SIMD_MAX_ELEMENT_BITS = 16;

export function elaborateSimdMac(ev: Evaluator, decl: A.PeDecl, r: PropertyReader): SimdMacPe | undefined {
  const width = intProp(ev, r, 'operand_width', 16, 1, 1024);
  const modesLoc = r.require('modes');
  const accumulation = r.get('accumulation');
  const acc = accumulation ? ev.enumValue(accumulation, 'accumulation', ['exact', 'round_each_step'] as const) : 'exact';
  const maxDot = intProp(ev, r, 'max_dot_length', 4096, 1, 1 << 24);
  const quireLoc = r.get('quire_bits');
  const output = formatProp(ev, r, 'output', FP32);
  const stages = intProp(ev, r, 'pipeline_stages', 3, 1, 64);
  if (width === undefined || !modesLoc) return undefined;

  // The modes are checked even when other properties failed: their errors are independent.
  const items = ev.list(modesLoc);
  if (items.length === 0) {
    ev.report(Diag.emptyList, modesLoc.span, ['modes']);
    return undefined;
  }
  const modes: SimdMode[] = [];
  let ok = true;
  for (const item of items) {
    const v = item.value;
    let lanes: number | undefined;
    let format: NumberFormat | undefined;
    if (v.kind === 'lanes') {
      lanes = ev.int(v.count, 'a lane count', { min: 1, max: 1024 });
      format = ev.format(v.element, 'a mode');
    } else {
      format = ev.format(item, 'a mode');
      if (format) lanes = Math.floor(width / format.bits);
    }
    if (lanes === undefined || !format) {
      ok = false;
      continue;
    }
    if (format.kind === 'lut') {
      ev.report(Diag.unsupportedFormat, item.span, [`simd_mac modes take integer, floating-point or posit formats, found the lookup format ${format.name}`]);
      ok = false;
      continue;
    }
    const problem = simdElementProblem(format);
    if (problem !== undefined || format.bits > SIMD_MAX_ELEMENT_BITS) {
      ev.report(Diag.unsupportedFormat, item.span, [`simd_mac modes: ${problem ?? `${format.name} is wider than ${SIMD_MAX_ELEMENT_BITS} bits`}`]);
      ok = false;
      continue;
    }
    if (width % format.bits !== 0) {
      ev.report(Diag.laneWidth, item.span, [format.bits, width]);
      ok = false;
      continue;
    }
    if (lanes * format.bits > width) {
      ev.report(Diag.lanesOverflow, item.span, [lanes, format.bits, lanes * format.bits, width]);
      ok = false;
      continue;
    }
    if (lanes * format.bits < width) ev.report(Diag.unusedOperandBits, item.span, [lanes, format.bits, lanes * format.bits, width]);
    modes.push({ lanes, format, laneBits: format.bits, span: item.span });
  }
  const outputProblem = output ? simdOutputProblem(output) : undefined;
  if (output && outputProblem !== undefined) ev.report(Diag.unsupportedFormat, r.spanOf('output'), [`simd_mac output: ${outputProblem}`]);
  if (!ok || acc === undefined || maxDot === undefined || !output || outputProblem !== undefined || stages === undefined) return undefined;
  const maxLanes = Math.max(...modes.map((m) => m.lanes));

  let quireBits: number | null = null;
  if (acc === 'exact') {
    const q = simdQuireWidth(modes.map((m) => m.format as SimdElementFormat), maxDot);
    const needed = q.width;
    if (quireLoc) {
      const given = ev.int(quireLoc, 'quire_bits', { min: 1, max: 1 << 16 });
      if (given === undefined) return undefined;
      if (given < needed) {
        ev.report(Diag.accumulatorTooNarrow, quireLoc.span, [`quire_bits = ${given} cannot accumulate ${maxDot} products of these modes exactly (needs ${needed}: 1 sign + ${q.carryBits} carry + ${q.productBits} product bits in units of 2^-${2 * q.fractionBits})`]);
        return undefined;
      }
      quireBits = given;
    } else quireBits = needed;
  } else if (quireLoc) {
    ev.report(Diag.badArguments, r.spanOf('quire_bits'), ['quire_bits applies to accumulation = exact only']);
    return undefined;
  }
  return {
    kind: 'simd_mac',
    name: decl.name.text,
    operandWidth: width,
    modes,
    accumulation: acc,
    quireBits,
    maxDotLength: maxDot,
    output,
    pipelineStages: stages,
    maxLanes,
    macsPerCycle: maxLanes,
    span: decl.span,
    paramSpans: { ...r.spans },
  };
}

export const simdMacSchema: SchemaFacet<'simd_mac'> = {
  summary: 'XR-NPE-style reconfigurable SIMD dot-product MAC: lanes × format modes in one operand word',
  elaborate: elaborateSimdMac,
  toJson: simdMacJson,
  toLines: simdMacLines,
};
