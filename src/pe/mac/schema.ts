/**
 * The `mac` PE's schema: its IR record and its elaboration (properties read through a PropertyReader,
 * hardware constraints checked with located diagnostics, every default filled in). Moved verbatim from
 * ir/types.ts and ir/pe-kinds.ts; `macSchema` is its entry of the SCHEMAS registry (src/pe/facets/schema.ts).
 */
import { FP32 } from '../../formats/float.js';
import { intFormat } from '../../formats/int.js';
import type { NumberFormat } from '../../formats/index.js';
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
  elaborate: elaborateMac,
  toJson: macJson,
  toLines: macLines,
};
