/**
 * The `mac` PE's schema: its IR record and its elaboration (properties read through a PropertyReader,
 * hardware constraints checked with located diagnostics, every default filled in). Moved verbatim from
 * ir/types.ts and ir/pe-kinds.ts; `macSchema` is its entry of the SCHEMAS registry (src/pe/facets/schema.ts).
 */
import { FP32 } from '../../formats/float.js';
import { intFormat } from '../../formats/int.js';
import type { NumberFormat } from '../../formats/index.js';
import type { NumberFormatBase } from '../../formats/types.js';
import type * as A from '../../dsl/ast.js';
import { Diag } from '../../dsl/diagnostics.js';
import type { Span } from '../../dsl/source.js';
import type { Evaluator } from '../../ir/evaluate.js';
import { formatProp, intProp } from '../../ir/prop-helpers.js';
import type { PropertyReader } from '../../ir/props.js';
import type { IrOperand, ParamSpans } from '../../ir/types.js';
import type { SchemaFacet } from '../facets/schema.js';
import { macJson, macLines } from './print.js';

/** A plain bit-parallel MAC baseline (int8, fp16, fp16×int8, …). */
export interface MacPe {
  readonly kind: 'mac';
  readonly name: string;
  readonly weights: IrOperand;
  readonly activations: IrOperand;
  readonly accumulator: NumberFormat;
  /** Dot-product lanes (1: a single MAC). */
  readonly lanes: number;
  readonly pipelineStages: number;
  readonly macsPerCycle: number;
  readonly span: Span;
  readonly paramSpans: ParamSpans;
}


/**
 * An element format that reaches the int8 multiplier exactly: for some power of two 2^e (e = 0..7, folded
 * into the channel scale, as ANT decodes flint4) every code's value · 2^e is an integer in [-128, 127]
 * (int2..int8, uint4, flint4, fp4_e2m1, …; not fp8, uint8 or a format with NaN/inf codes).
 */
function isInt8Class(f: NumberFormatBase): boolean {
  if (f.bits > 8) return false;
  const values = [...f.codes()].map((c) => f.decode(c));
  for (let e = 0; e <= 7; e++) {
    if (values.every((v) => Number.isInteger(v * 2 ** e) && v * 2 ** e >= -128 && v * 2 ** e <= 127)) return true;
  }
  return false;
}

/**
 * The datapaths the compiler, simulator and generated RTL build (src/pe/mac/golden.ts): int8 × int8 → int32,
 * fp16 × fp16 and fp16 × int8-class weights (plain int8, or symmetric per-tensor / per-channel scaled
 * elements an int8 register holds up to a power of two, with fp16 scales) into an fp16 or fp32 accumulator.
 * Anything else the language accepts is reported at its property (E409 format, E410 scheme).
 */
function checkOperands(ev: Evaluator, r: PropertyReader, weights: IrOperand, activations: IrOperand, accumulator: NumberFormat): boolean {
  const at = (key: string): Span => r.spanOf(key);
  const aName = activations.kind === 'plain' ? activations.format.name : undefined;
  if (aName !== 'fp16' && aName !== 'int8') {
    const found = activations.kind === 'plain' ? activations.format.name : 'a quantized operand';
    ev.report(Diag.unsupportedFormat, at('activations'), [`a mac PE multiplies fp16 or int8 activations, found ${found}`]);
    return false;
  }
  const wPlain = weights.kind === 'plain' ? weights.format.name : undefined;
  if (aName === 'int8') {
    if (wPlain === 'int8') return true;
    ev.report(Diag.unsupportedFormat, at('weights'), ['int8 activations run only the int8 × int8 datapath: weights = int8']);
    return false;
  }
  if (accumulator.name !== 'fp16' && accumulator.name !== 'fp32') {
    ev.report(Diag.unsupportedFormat, at('accumulator'), [`fp16 activations accumulate in fp16 or fp32, found accumulator = ${accumulator.name}`]);
    return false;
  }
  if (wPlain === 'fp16' || wPlain === 'int8') return true;
  if (weights.kind === 'plain') {
    ev.report(Diag.unsupportedFormat, at('weights'), [`fp16 activations multiply fp16 or int8 weights (or int8-class elements scaled per channel), found ${weights.format.name}`]);
    return false;
  }
  const s = weights.scheme;
  if (s.kind !== 'scaled' || s.granularity.kind === 'group' || s.mode !== 'symmetric' || weights.channelScale !== null) {
    ev.report(Diag.unsupportedScheme, at('weights'), ['a mac PE scales weights only symmetrically per tensor or per channel (the fp16 channel scale of its dequant): per-group, block, mixture and asymmetric schemes need another PE kind']);
    return false;
  }
  if (!isInt8Class(s.element)) {
    ev.report(Diag.unsupportedFormat, at('weights'), [`scaled weights reach the multiplier as int8: every value of the element format, times a power of two, must be an integer in [-128, 127], found ${s.element.name}`]);
    return false;
  }
  if (s.scaleFormat.name !== 'fp16') {
    ev.report(Diag.unsupportedFormat, at('weights'), [`the channel scale is an fp16 multiplier, found scale = ${s.scaleFormat.name}`]);
    return false;
  }
  return true;
}

export function elaborateMac(ev: Evaluator, decl: A.PeDecl, r: PropertyReader): MacPe | undefined {
  const wLoc = r.require('weights');
  const aLoc = r.require('activations');
  const weights = wLoc && ev.operand(wLoc, 'weights');
  const activations = aLoc && ev.operand(aLoc, 'activations');
  const intOperands = weights?.kind === 'plain' && weights.format.name === 'int8' && activations?.kind === 'plain' && activations.format.name === 'int8';
  // int8 × int8 sums exact products in a 32-bit integer register (the default); floats default to fp32
  const accumulator = formatProp(ev, r, 'accumulator', intOperands ? intFormat(32, true) : FP32);
  const lanes = intProp(ev, r, 'lanes', 1, 1, 1024);
  const stages = intProp(ev, r, 'pipeline_stages', 1, 1, 64);
  if (!weights || !activations || !accumulator || lanes === undefined || stages === undefined) return undefined;
  if (!checkOperands(ev, r, weights, activations, accumulator)) return undefined;
  if (intOperands && accumulator.name !== 'int32') {
    // the int8 × int8 datapath sums exact products in a 32-bit integer register; nothing else is built
    ev.report(Diag.unsupportedFormat, r.get('accumulator') ? r.spanOf('accumulator') : decl.name.span, [`an int8 × int8 MAC accumulates exactly in int32 (accumulator = int(32)), found accumulator = ${accumulator.name}`]);
    return undefined;
  }
  return {
    kind: 'mac',
    name: decl.name.text,
    weights,
    activations,
    accumulator,
    lanes,
    pipelineStages: stages,
    macsPerCycle: lanes,
    span: decl.span,
    paramSpans: { ...r.spans },
  };
}

export const macSchema: SchemaFacet<'mac'> = {
  summary: 'plain bit-parallel MAC baseline (int8, fp16, fp16 × int8)',
  // weight-stationary: ./compile-ws.ts (tile limits, cycles), ./rtl-engine-ws.ts (the systolic engine)
  dataflows: ['output_stationary', 'weight_stationary'],
  elaborate: elaborateMac,
  toJson: macJson,
  toLines: macLines,
};
