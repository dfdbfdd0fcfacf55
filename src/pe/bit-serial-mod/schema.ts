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
import { BIT_SERIAL_DATAPATHS, isBitSerialWeightType, type BitSerialDatapath } from './golden.js';
import { BITMOD_GEOMETRY, bitSerialGeometry } from './golden-geometry.js';
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
  /**
   * Tokens of one accumulator tile (`tile_m`; absent: the array's columns, one pass): each PE holds
   * ceil(tile_m / cols) fp32 cross-group entries, and one mod_tile runs an m tile of up to tile_m tokens as
   * that many array passes over the same weights (issue 13: fewer weight re-reads per token).
   */
  readonly tileM: number | undefined;
  /** Multiply-accumulates per cycle at steady state: lanes / cyclesPerWeight (may be fractional). */
  readonly macsPerCycle: number;
  readonly span: Span;
  readonly paramSpans: ParamSpans;
}

/** Weight bits a bit_serial_mod PE consumes per cycle: two (radix-4 terms, ./golden.ts). */
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
  const tileM = r.has('tile_m') ? intProp(ev, r, 'tile_m', 1, 1, 4096) : undefined;
  if (r.has('tile_m') && tileM === undefined) return undefined;
  const groupAccDeclared = intProp(ev, r, 'group_acc_bits', G.adderBits, 2, 256);
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
  if (groupAccDeclared === undefined || groupMant === undefined || groupExp === undefined) return undefined;

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
  if (!supportedByBackends(ev, r, { lanes, datapath, activations, crossGroup, output, stages, weights })) return undefined;

  const alignDefault = activations.mantissaBits + 1 + 3;
  const align = alignLoc ? ev.int(alignLoc, 'align_bits', { min: 2, max: 256 }) : alignDefault;
  if (align === undefined) return undefined;
  const laneSumMin = align + 1 + clog2(lanes);
  const laneSum = laneSumLoc ? ev.int(laneSumLoc, 'lane_sum_bits', { min: 2, max: 256 }) : laneSumMin;
  const dequantMin = groupMant + weights.scaleFormat.bits;
  const dequant = dequantLoc ? ev.int(dequantLoc, 'dequant_bits', { min: 2, max: 256 }) : dequantMin;
  if (laneSum === undefined || dequant === undefined) return undefined;
  // the group adder holds the lane sum shifted by the largest bit significance (docs/golden.md stage 3)
  const groupAcc = r.has('group_acc_bits') ? groupAccDeclared : laneSum + (G.adderBits - G.laneSumBits);
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
  const widths = { lanes, align_bits: align, lane_sum_bits: laneSum, group_acc_bits: groupAcc, group_mantissa_bits: groupMant, group_exponent_bits: groupExp, dequant_bits: dequant };
  if (!fixedWidths(ev, r, datapath, widths)) return undefined;
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
    tileM,
    macsPerCycle: lanes / cyclesPerWeight,
    span: decl.span,
    paramSpans: { ...r.spans },
  };
}

/** The datapath the generated PE, the golden model and the simulator share (golden-geometry.ts). */
const G = BITMOD_GEOMETRY;

/**
 * The widths of the datapath every backend builds, per `datapath`: a PE declaring another value for one of
 * them gets a located E413. qacc's are BITMOD_GEOMETRY's; the authors' are their PE modules'
 * (yc2367/BitMoD hardware/pe, docs/golden.md §bit_serial_mod). `lanes` is one of BIT_SERIAL_LANES (E414, checked before); the qacc widths follow it (bitSerialGeometry), bitmod_rtl fixes it.
 */
type WidthKey = 'align_bits' | 'lane_sum_bits' | 'group_acc_bits' | 'group_mantissa_bits' | 'group_exponent_bits' | 'dequant_bits';
function qaccWidths(lanes: number): Readonly<Partial<Record<WidthKey | 'lanes', readonly [number, string]>>> {
  const geo = bitSerialGeometry(lanes);
  return {
    align_bits: [geo.alignBits, `the ${geo.significandBits}-bit fp16 significand and ${geo.guardBits} guard bits`],
    lane_sum_bits: [geo.laneSumBits, `the adder tree over ${lanes} lanes`],
    group_acc_bits: [geo.adderBits, 'the group adder'],
    group_mantissa_bits: [geo.mantissaBits, "the group accumulator's mantissa"],
    group_exponent_bits: [geo.exponentBits, "the group accumulator's exponent"],
    dequant_bits: [geo.dequantBits, `the ${geo.mantissaBits}-bit mantissa times the ${geo.scaleBits}-bit group scale`],
  };
}
const AUTHORS_WIDTHS: Readonly<Partial<Record<WidthKey | 'lanes', readonly [number, string]>>> = {
  lanes: [4, "exp_match.v and max_exp_4to1.v match the exponents of 4 lanes"],
  align_bits: [14, 'bs_mul.v aligns the 11-bit significand in A_MAN_WIDTH + 3 bits'],
  lane_sum_bits: [17, 'bs_mul.v OUT_WIDTH'],
  group_acc_bits: [23, 'grp_accum.v ACC_WIDTH'],
  group_mantissa_bits: [15, 'grp_accum.v ACC_MAN_WIDTH'],
  group_exponent_bits: [6, 'grp_accum.v ACC_EXP_WIDTH'],
  dequant_bits: [G.dequantBits, 'qacc dequantizes exactly, as the qacc datapath'],
};

function fixedWidths(ev: Evaluator, r: PropertyReader, datapath: BitSerialDatapath, found: Readonly<Record<WidthKey | 'lanes', number>>): boolean {
  // dequant_bits defaults to the exact width for the scale format (narrower scales fit the register)
  const wrong = (Object.entries(datapath === 'bitmod_rtl' ? AUTHORS_WIDTHS : qaccWidths(found.lanes)) as [WidthKey | 'lanes', readonly [number, string]][]).filter(
    ([key, [want]]) => found[key] !== want && !(key === 'dequant_bits' && !r.has(key)),
  );
  // a declared width is reported at its span; the defaults derived from it (lane_sum_bits from align_bits) only when none was
  const declared = wrong.filter(([key]) => r.has(key));
  for (const [key, [want, why]] of declared.length > 0 ? declared : wrong) {
    ev.report(Diag.fixedByDatapath, r.spanOf(r.has(key) ? key : 'datapath'), [datapath, key, want, why, found[key]]);
  }
  return wrong.length === 0;
}

/** The PE's properties every backend (golden, simulator, generated RTL) implements: anything else is rejected at its span. */
function supportedByBackends(
  ev: Evaluator,
  r: PropertyReader,
  p: { readonly lanes: number; readonly datapath: BitSerialDatapath; readonly activations: NumberFormat; readonly crossGroup: NumberFormat; readonly output: NumberFormat; readonly stages: number; readonly weights: NonNullable<ReturnType<Evaluator['scheme']>> },
): boolean {
  let ok = true;
  // bitmod_rtl's 4 lanes are fixed by its datapath (E413, fixedWidths)
  if (p.datapath === 'qacc' && !BIT_SERIAL_LANES.includes(p.lanes)) {
    ev.report(Diag.unsupportedByHardware, r.spanOf('lanes'), [`bit_serial_mod lanes = ${p.lanes}: the generated PE and tile engine reduce a power-of-two number of lanes per step (supported: {${BIT_SERIAL_LANES.join(', ')}})`]);
    ok = false;
  }
  if (p.activations.name !== FP16.name) {
    ev.report(Diag.unsupportedFormat, r.spanOf('activations'), [`bit_serial_mod activations must be fp16 (the datapath matches fp16 exponents and aligns ${G.significandBits}-bit significands), found ${p.activations.name}`]);
    ok = false;
  }
  if (p.crossGroup.name !== FP32.name) {
    ev.report(Diag.unsupportedFormat, r.spanOf('cross_group'), [`bit_serial_mod cross_group must be fp32 (the cross-group adder of the golden model and the RTL), found ${p.crossGroup.name}`]);
    ok = false;
  }
  if (p.output.name !== FP16.name && p.output.name !== FP32.name) {
    ev.report(Diag.unsupportedFormat, r.spanOf('output'), [`bit_serial_mod output must be fp16 or fp32, found ${p.output.name}`]);
    ok = false;
  }
  if (p.stages !== BIT_SERIAL_PIPELINE_STAGES) {
    ev.report(Diag.unsupportedByHardware, r.spanOf('pipeline_stages'), [`bit_serial_mod pipeline_stages = ${p.stages}: the generated tile engine's latency is fixed (supported: {${BIT_SERIAL_PIPELINE_STAGES}})`]);
    ok = false;
  }
  const s = p.weights.scheme;
  const types = s.kind === 'mixture' ? s.candidates.map((c) => c.name) : s.kind === 'scaled' ? [s.element.name] : [];
  const foreign = types.filter((t) => !isBitSerialWeightType(t));
  if (foreign.length > 0) {
    ev.report(Diag.unsupportedFormat, r.spanOf('weights'), [`bit_serial_mod weights must be BitMoD types, fp4_e2m1 or int2…int8 (the types the PE serializes two bits per cycle), found ${foreign.join(', ')}`]);
    ok = false;
  }
  if (p.weights.scaleFormat.bits > G.scaleBits) {
    ev.report(Diag.unsupportedFormat, r.spanOf('weights'), [`bit_serial_mod group scales have at most ${G.scaleBits} bits (one dequantization cycle each), found ${p.weights.scaleFormat.name}`]);
    ok = false;
  }
  return ok;
}

/** Lane counts of the qacc datapath that golden, simulator and RTL build (PE-level RTL = golden for each). */
export const BIT_SERIAL_LANES: readonly number[] = [1, 2, 4, 8];

/** Pipeline stages of the generated bit_serial_mod PE (the engine's latency assumes them). */
export const BIT_SERIAL_PIPELINE_STAGES = 4;

export const bitSerialModSchema: SchemaFacet<'bit_serial_mod'> = {
  summary: 'BitMoD bit-serial mixture-of-datatype PE: per-group weight datatypes, floating-point activations',
  elaborate: elaborateBitSerialMod,
  toJson: bitSerialModJson,
  toLines: bitSerialModLines,
};
