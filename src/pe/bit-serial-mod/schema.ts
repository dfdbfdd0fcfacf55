/**
 * The `bit_serial_mod` PE's schema: its IR record and its elaboration (properties read through a PropertyReader,
 * hardware constraints checked with located diagnostics, every default filled in). Moved verbatim from
 * ir/types.ts and ir/pe-kinds.ts; `bitSerialModSchema` is its entry of the SCHEMAS registry (src/pe/facets/schema.ts).
 */
import { FP16, FP32 } from '../../formats/float.js';
import type { NumberFormat } from '../../formats/index.js';
import type * as A from '../../dsl/ast.js';
import { Diag } from '../../dsl/diagnostics.js';
import type { Span } from '../../dsl/source.js';
import type { Evaluator } from '../../ir/evaluate.js';
import { clog2, formatProp, intProp, isSignedFloat } from '../../ir/prop-helpers.js';
import type { PropertyReader } from '../../ir/props.js';
import type { IrPlainOperand, IrQuantizedOperand, ParamSpans } from '../../ir/types.js';
import type { SchemaFacet } from '../facets/schema.js';
import { BIT_SERIAL_DATAPATHS, type BitSerialDatapath } from './golden.js';
import { bitSerialModJson, bitSerialModLines } from './print.js';

/** BitMoD bit-serial mixture-of-datatype PE (bitmod.md). Widths in bits. */
export interface BitSerialModPe {
  readonly kind: 'bit_serial_mod';
  readonly name: string;
  /** Dot-product lanes (4 in BitMoD). */
  readonly lanes: number;
  readonly weights: IrQuantizedOperand;
  /** Floating-point activations (fp16 in BitMoD). */
  readonly activations: IrPlainOperand;
  /** Weight bits consumed per cycle (2: radix-4 Booth / two power-of-two terms). */
  readonly weightBitsPerCycle: number;
  /** Cycles to process one weight: ⌈element bits / weightBitsPerCycle⌉. */
  readonly cyclesPerWeight: number;
  /** Group size along the reduction dimension (from the weight scheme). */
  readonly groupSize: number;
  readonly scaleFormat: NumberFormat;
  readonly scaleBits: number;
  /** Aligned significand field: significand + guard bits (11 + 3). */
  readonly alignBits: number;
  /** Signed lane-sum width after the adder tree (alignBits + 1 + ⌈log2 lanes⌉). */
  readonly laneSumBits: number;
  /** Group accumulator adder width (23) and its normalized mantissa/exponent (15/6). */
  readonly groupAccBits: number;
  readonly groupMantissaBits: number;
  readonly groupExponentBits: number;
  /** Bit-serial dequantization register width (21). */
  readonly dequantBits: number;
  /** Format of the cross-group accumulator (qacc's choice: fp32). */
  readonly crossGroupFormat: NumberFormat;
  readonly output: NumberFormat;
  /** The group datapath (docs/golden.md §bit_serial_mod): qacc's (default) or the authors' RTL. */
  readonly datapath: BitSerialDatapath;
  readonly pipelineStages: number;
  /** Multiply-accumulates per cycle at steady state: lanes / cyclesPerWeight (may be fractional). */
  readonly macsPerCycle: number;
  readonly span: Span;
  readonly paramSpans: ParamSpans;
}

/** Weight bits a bit_serial_mod PE consumes per cycle: two (radix-4 terms, golden/bit-serial-mod.ts). */
export const BIT_SERIAL_WEIGHT_BITS_PER_CYCLE = 2;

export function elaborateBitSerialMod(ev: Evaluator, decl: A.PeDecl, r: PropertyReader): BitSerialModPe | undefined {
  const lanes = intProp(ev, r, 'lanes', 4, 1, 64);
  const wLoc = r.require('weights');
  const weights = wLoc && ev.scheme(wLoc, 'weights');
  const activations = formatProp(ev, r, 'activations', FP16);
  const wbpc = intProp(ev, r, 'weight_bits_per_cycle', 2, 1, 8);
  const crossGroup = formatProp(ev, r, 'cross_group', FP32);
  const output = formatProp(ev, r, 'output', FP16);
  const stages = intProp(ev, r, 'pipeline_stages', 4, 1, 64);
  const groupAcc = intProp(ev, r, 'group_acc_bits', 23, 2, 256);
  const groupMant = intProp(ev, r, 'group_mantissa_bits', 15, 2, 128);
  const groupExp = intProp(ev, r, 'group_exponent_bits', 6, 2, 16);
  const alignLoc = r.get('align_bits');
  const laneSumLoc = r.get('lane_sum_bits');
  const dequantLoc = r.get('dequant_bits');
  const datapathLoc = r.get('datapath');
  const datapath = datapathLoc ? ev.enumValue(datapathLoc, 'bit_serial_mod datapath', BIT_SERIAL_DATAPATHS) : 'qacc';
  if (datapath === undefined) return undefined;
  if (lanes === undefined || !weights || !activations || wbpc === undefined || !crossGroup || !output || stages === undefined) return undefined;
  if (wbpc !== BIT_SERIAL_WEIGHT_BITS_PER_CYCLE) {
    ev.report(Diag.outOfRange, r.spanOf('weight_bits_per_cycle'), ['weight_bits_per_cycle', `${BIT_SERIAL_WEIGHT_BITS_PER_CYCLE} (the radix-4 term schedule the golden model and the RTL implement; supported: {${BIT_SERIAL_WEIGHT_BITS_PER_CYCLE}})`, `${wbpc}`]);
    return undefined;
  }
  if (groupAcc === undefined || groupMant === undefined || groupExp === undefined) return undefined;

  let ok = true;
  if (!isSignedFloat(activations)) {
    ev.report(Diag.unsupportedFormat, r.spanOf('activations'), [`bit_serial_mod activations must be a signed floating-point format (their exponents are matched per lane), found ${activations.name}`]);
    ok = false;
  }
  const s = weights.scheme;
  if (!(s.kind === 'mixture' || (s.kind === 'scaled' && s.granularity.kind === 'group'))) {
    ev.report(Diag.unsupportedScheme, r.spanOf('weights'), [`bit_serial_mod weights need per-group scaling (mixture(…) or per_group(…)), found ${s.kind === 'scaled' ? `per-${s.granularity.kind} scaling` : s.kind}`]);
    return undefined;
  }
  if (weights.scaleFormat.kind !== 'int' || weights.scaleFormat.min < 0) {
    ev.report(Diag.unsupportedFormat, r.spanOf('weights'), [`bit-serial dequantization multiplies by an unsigned integer group scale (e.g. scale = uint8), found ${weights.scaleFormat.name}`]);
    ok = false;
  }
  if (weights.groupSize % lanes !== 0) {
    ev.report(Diag.groupDivides, r.spanOf('weights'), [`group size ${weights.groupSize} is not a multiple of the ${lanes} lanes that reduce it`]);
    ok = false;
  }
  if (!ok || !isSignedFloat(activations)) return undefined;

  const alignDefault = activations.mantissaBits + 1 + 3;
  const align = alignLoc ? ev.int(alignLoc, 'align_bits', { min: 2, max: 256 }) : alignDefault;
  if (align === undefined) return undefined;
  const laneSumMin = align + 1 + clog2(lanes);
  const laneSum = laneSumLoc ? ev.int(laneSumLoc, 'lane_sum_bits', { min: 2, max: 256 }) : laneSumMin;
  const dequantMin = groupMant + weights.scaleFormat.bits;
  const dequant = dequantLoc ? ev.int(dequantLoc, 'dequant_bits', { min: 2, max: 256 }) : dequantMin;
  if (laneSum === undefined || dequant === undefined) return undefined;
  if (laneSum < laneSumMin) {
    ev.report(Diag.accumulatorTooNarrow, r.spanOf('lane_sum_bits'), [`lane_sum_bits = ${laneSum} cannot hold the sum of ${lanes} signed ${align}-bit lanes (needs ${laneSumMin})`]);
    return undefined;
  }
  if (dequant < dequantMin) {
    ev.report(Diag.accumulatorTooNarrow, r.spanOf('dequant_bits'), [`dequant_bits = ${dequant} cannot hold a ${groupMant}-bit mantissa times a ${weights.scaleFormat.bits}-bit scale exactly (needs ${dequantMin})`]);
    return undefined;
  }
  if (groupAcc < laneSum) {
    ev.report(Diag.accumulatorTooNarrow, r.spanOf('group_acc_bits'), [`group_acc_bits = ${groupAcc} is narrower than the ${laneSum}-bit lane sum it adds`]);
    return undefined;
  }
  if (datapath === 'bitmod_rtl' && !authorsWidths(ev, r, { lanes, align_bits: align, lane_sum_bits: laneSum, group_acc_bits: groupAcc, group_mantissa_bits: groupMant, group_exponent_bits: groupExp })) return undefined;
  const cyclesPerWeight = Math.ceil(weights.elementBits / wbpc);
  return {
    kind: 'bit_serial_mod',
    name: decl.name.text,
    lanes,
    weights,
    activations: { kind: 'plain', format: activations, bitsPerElement: activations.bits, span: r.spanOf('activations') },
    weightBitsPerCycle: wbpc,
    cyclesPerWeight,
    groupSize: weights.groupSize,
    scaleFormat: weights.scaleFormat,
    scaleBits: weights.scaleFormat.bits,
    alignBits: align,
    laneSumBits: laneSum,
    groupAccBits: groupAcc,
    groupMantissaBits: groupMant,
    groupExponentBits: groupExp,
    dequantBits: dequant,
    crossGroupFormat: crossGroup,
    datapath,
    output,
    pipelineStages: stages,
    macsPerCycle: lanes / cyclesPerWeight,
    span: decl.span,
    paramSpans: { ...r.spans },
  };
}

/**
 * The widths of the authors' PE modules (yc2367/BitMoD hardware/pe, docs/golden.md §bit_serial_mod): a
 * `datapath = bitmod_rtl` PE declaring another value for one of them gets a located E413 (false).
 */
const AUTHORS_WIDTHS: Readonly<Record<string, readonly [number, string]>> = {
  lanes: [4, 'exp_match.v and bs_mul.v reduce VEC_LENGTH = 4 lanes'],
  align_bits: [14, 'bs_mul.v aligns the 11-bit significand in A_MAN_WIDTH + 3 bits'],
  lane_sum_bits: [17, 'bs_mul.v OUT_WIDTH'],
  group_acc_bits: [23, 'grp_accum.v ACC_WIDTH'],
  group_mantissa_bits: [15, 'grp_accum.v ACC_MAN_WIDTH'],
  group_exponent_bits: [6, 'grp_accum.v ACC_EXP_WIDTH'],
};

function authorsWidths(ev: Evaluator, r: PropertyReader, found: Readonly<Record<keyof typeof AUTHORS_WIDTHS, number>>): boolean {
  let ok = true;
  for (const [key, [want, why]] of Object.entries(AUTHORS_WIDTHS)) {
    if (found[key] === want) continue;
    ev.report(Diag.fixedByDatapath, r.spanOf(r.has(key) ? key : 'datapath'), ['bitmod_rtl', key, want, why, found[key]]);
    ok = false;
  }
  return ok;
}

export const bitSerialModSchema: SchemaFacet<'bit_serial_mod'> = {
  summary: 'BitMoD bit-serial mixture-of-datatype PE: per-group weight datatypes, floating-point activations',
  elaborate: elaborateBitSerialMod,
  toJson: bitSerialModJson,
  toLines: bitSerialModLines,
};
