/**
 * Elaboration of the four PE kinds: each reads its properties through a `PropertyReader` (which is the
 * schema: names, types, defaults), checks the kind's hardware constraints, and builds the complete IR
 * record with every default filled in and the derived widths computed. Checks report diagnostics and
 * return undefined; they never throw.
 *
 * Accumulator sizing for exact SIMD accumulation: for a mode format with largest magnitude M and
 * smallest positive value p, products span [p², M²]; the fixed-point accumulator needs
 * ⌊log2 M²⌋ + 1 integer bits, −⌊log2 p²⌋ fraction bits, a sign bit and ⌈log2(maxDotLength · lanes)⌉ carry
 * bits. The quire covers every mode: the maximum of each part over the modes.
 */
import { exact, FloatFormat, FP16, FP32, intFormat, lookupFormat, type NumberFormat } from '../formats/index.js';
import { BIT_SERIAL_DATAPATHS } from '../pe/bit-serial-mod/golden.js';
import type * as A from '../dsl/ast.js';
import { Diag } from '../dsl/diagnostics.js';
import type { Evaluator } from './evaluate.js';
import { PropertyReader } from './props.js';
import type { BitSerialModPe, IrPe, IrQuantizedOperand, LowRankGemmPe, MacPe, PeKind, SimdMacPe, SimdMode } from './types.js';
import { PE_KINDS } from './types.js';
import { didYouMean } from '../dsl/suggest.js';

function clog2(n: number): number {
  let b = 0;
  while (2 ** b < n) b++;
  return b;
}

/** True for binary floating-point formats with a sign, exponent and significand (not e8m0). */
function isSignedFloat(f: NumberFormat): f is FloatFormat {
  return f instanceof FloatFormat && f.min < 0;
}

/** Elaborates one PE declaration; undefined when it has errors (already reported). */
export function elaboratePe(ev: Evaluator, decl: A.PeDecl, file: string): IrPe | undefined {
  const kind = decl.peKind.text;
  if (!(PE_KINDS as readonly string[]).includes(kind)) {
    ev.report(Diag.unknownPeKind, decl.peKind.span, [kind], { hint: didYouMean(kind, PE_KINDS) ?? `known kinds: ${PE_KINDS.join(', ')}` });
    return undefined;
  }
  const r = new PropertyReader(ev, file, `pe '${decl.name.text}' (${kind})`, decl.name.span, decl.properties);
  let pe: IrPe | undefined;
  switch (kind as PeKind) {
    case 'bit_serial_mod':
      pe = bitSerialMod(ev, decl, r);
      break;
    case 'simd_mac':
      pe = simdMac(ev, decl, r);
      break;
    case 'lowrank_gemm':
      pe = lowRankGemm(ev, decl, r);
      break;
    case 'mac':
      pe = mac(ev, decl, r);
      break;
  }
  r.finish();
  return pe;
}

/** Reads an optional integer property with a default; undefined = error reported. */
function intProp(ev: Evaluator, r: PropertyReader, key: string, def: number, min: number, max: number): number | undefined {
  const loc = r.get(key);
  return loc ? ev.int(loc, key, { min, max }) : def;
}

function formatProp(ev: Evaluator, r: PropertyReader, key: string, def: NumberFormat): NumberFormat | undefined {
  const loc = r.get(key);
  return loc ? ev.format(loc, key) : def;
}

/** Weight bits a bit_serial_mod PE consumes per cycle: two (radix-4 terms, golden/bit-serial-mod.ts). */
export const BIT_SERIAL_WEIGHT_BITS_PER_CYCLE = 2;

function bitSerialMod(ev: Evaluator, decl: A.PeDecl, r: PropertyReader): BitSerialModPe | undefined {
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

/** Fixed-point parts needed to hold every product of a format exactly. */
function productRange(f: NumberFormat): { intBits: number; fracBits: number } {
  const m = Math.max(Math.abs(f.max), Math.abs(f.min));
  const big = exact.mul(exact.fromNumber(m), exact.fromNumber(m));
  const small = exact.mul(exact.fromNumber(f.minPositive), exact.fromNumber(f.minPositive));
  return { intBits: exact.floorLog2(big) + 1, fracBits: Math.max(0, -exact.floorLog2(small)) };
}

function simdMac(ev: Evaluator, decl: A.PeDecl, r: PropertyReader): SimdMacPe | undefined {
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
  if (!ok || acc === undefined || maxDot === undefined || !output || stages === undefined) return undefined;
  const maxLanes = Math.max(...modes.map((m) => m.lanes));

  let quireBits: number | null = null;
  if (acc === 'exact') {
    let intBits = 0;
    let fracBits = 0;
    let carry = 0;
    for (const m of modes) {
      const p = productRange(m.format);
      intBits = Math.max(intBits, p.intBits);
      fracBits = Math.max(fracBits, p.fracBits);
      carry = Math.max(carry, clog2(maxDot * m.lanes));
    }
    const needed = 1 + carry + intBits + fracBits;
    if (quireLoc) {
      const given = ev.int(quireLoc, 'quire_bits', { min: 1, max: 1 << 16 });
      if (given === undefined) return undefined;
      if (given < needed) {
        ev.report(Diag.accumulatorTooNarrow, quireLoc.span, [`quire_bits = ${given} cannot accumulate ${maxDot} products of these modes exactly (needs ${needed}: 1 sign + ${carry} carry + ${intBits} integer + ${fracBits} fraction bits)`]);
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

function lowRankMainOk(ev: Evaluator, q: IrQuantizedOperand, span: A.Expr['span'], what: string): boolean {
  const s = q.scheme;
  if ((s.kind === 'scaled' && s.granularity.kind === 'group') || s.kind === 'nvfp4' || s.kind === 'mx') return true;
  ev.report(Diag.unsupportedScheme, span, [`lowrank_gemm ${what} need group or block scaling along K (per_group(…), nvfp4(…) or mx(…)), found ${s.kind === 'scaled' ? `per-${s.granularity.kind} scaling` : s.kind}`]);
  return false;
}

/** Values of a lowrank_gemm `accumulation`: the precision P, unfused (multiply, then add) or fused. */
const LOWRANK_ACCUMULATIONS = ['fp32', 'fp16', 'bf16', 'fp32_fma', 'fp16_fma', 'bf16_fma'] as const;

function lowRankGemm(ev: Evaluator, decl: A.PeDecl, r: PropertyReader): LowRankGemmPe | undefined {
  const wLoc = r.require('weights');
  const weights = wLoc && ev.scheme(wLoc, 'weights');
  const aLoc = r.get('activations');
  const activations = aLoc ? ev.scheme(aLoc, 'activations') : weights;
  const rank = intProp(ev, r, 'rank', 32, 0, 4096);
  const branch = formatProp(ev, r, 'branch', FP16);
  // accumulation: a 16/32-bit float, or `<float>_fma` for the fused cross-group step (Nunchaku's int4 kernel).
  const accLoc = r.get('accumulation');
  const accWord = accLoc ? ev.enumValue(accLoc, 'lowrank_gemm accumulation', LOWRANK_ACCUMULATIONS) : 'fp32';
  const accumulation = accWord === undefined ? undefined : lookupFormat(accWord.replace(/_fma$/u, ''));
  const accumulationFma = accWord?.endsWith('_fma') ?? false;
  const epiLoc = r.get('epilogue');
  const epilogue = epiLoc ? ev.enumValue(epiLoc, 'lowrank_gemm epilogue', ['fp32', 'fp16', 'bf16'] as const) : 'fp32';
  // Nunchaku's optional operands: wcscales (the branch format) and lora_scales (fp32); `none` leaves them out.
  const csLoc = r.get('channel_scales');
  const channelScales = csLoc ? ev.enumValue(csLoc, 'lowrank_gemm channel_scales', ['none', 'fp16', 'bf16'] as const) : 'none';
  const lsLoc = r.get('lora_scales');
  const loraScales = lsLoc ? ev.enumValue(lsLoc, 'lowrank_gemm lora_scales', ['none', 'fp32'] as const) : 'none';
  const branchAcc = formatProp(ev, r, 'branch_accumulation', FP32);
  const outLoc = r.get('output');
  const fusedLoc = r.get('fused');
  const fused = fusedLoc ? ev.bool(fusedLoc, 'fused') : true;
  const tileM = intProp(ev, r, 'tile_m', 256, 1, 4096);
  const tileN = intProp(ev, r, 'tile_n', 128, 1, 4096);
  const tileK = intProp(ev, r, 'tile_k', 64, 1, 4096);
  const lanes = intProp(ev, r, 'lanes', 16, 1, 4096);
  if (!weights || !activations || rank === undefined || !branch || !accumulation || !epilogue || !channelScales || !loraScales || !branchAcc || fused === undefined) return undefined;
  if (tileM === undefined || tileN === undefined || tileK === undefined || lanes === undefined) return undefined;
  const output = outLoc ? ev.format(outLoc, 'output') : branch;
  if (!output) return undefined;

  let ok = lowRankMainOk(ev, weights, r.spanOf('weights'), 'weights');
  // Activations default to the weight scheme; check them separately only when written.
  if (aLoc) ok = lowRankMainOk(ev, activations, r.spanOf('activations'), 'activations') && ok;
  if (!ok) return undefined;
  if (rank % 16 !== 0) {
    ev.report(Diag.rankMultiple, r.spanOf('rank'), [rank, 16], { hint: 'the 16-bit branch runs on 16-wide MMA tiles' });
    ok = false;
  }
  if (!(isSignedFloat(branch) && branch.bits === 16)) {
    ev.report(Diag.unsupportedFormat, r.spanOf('branch'), [`the low-rank branch must be a 16-bit float (fp16 or bf16), found ${branch.name}`]);
    ok = false;
  }
  if (epilogue !== 'fp32' && epilogue !== branch.name) {
    ev.report(Diag.unsupportedFormat, r.spanOf('epilogue'), [`a 16-bit epilogue runs in the branch format (${branch.name}), found ${epilogue}`], { hint: `write epilogue = ${branch.name} or fp32` });
    ok = false;
  }
  if (channelScales !== 'none' && channelScales !== branch.name) {
    ev.report(Diag.unsupportedFormat, r.spanOf('channel_scales'), [`channel scales are in the branch format (${branch.name}), found ${channelScales}`], { hint: `write channel_scales = ${branch.name} or none` });
    ok = false;
  }
  if (loraScales !== 'none' && rank === 0) {
    ev.report(Diag.outOfRange, r.spanOf('lora_scales'), ['rank with lora_scales', 'at least 16 (the scales act on the low-rank branch)', rank], { hint: 'write lora_scales = none' });
    ok = false;
  }
  if (weights.groupSize !== activations.groupSize) {
    ev.report(Diag.groupDivides, r.spanOf('activations'), [`activation groups of ${activations.groupSize} differ from weight groups of ${weights.groupSize}; both scale the same K step`]);
    ok = false;
  } else if (tileK % weights.groupSize !== 0) {
    ev.report(Diag.groupDivides, r.spanOf('tile_k'), [`group size ${weights.groupSize} does not divide the reduction tile tile_k = ${tileK}`]);
    ok = false;
  }
  if (!ok) return undefined;
  return {
    kind: 'lowrank_gemm',
    name: decl.name.text,
    weights,
    activations,
    groupSize: weights.groupSize,
    rank,
    branchFormat: branch,
    accumulation,
    accumulationFma,
    epilogue,
    channelScales: channelScales !== 'none',
    loraScales: loraScales !== 'none',
    branchAccumulation: branchAcc,
    output,
    fused,
    tileM,
    tileN,
    tileK,
    groupsPerTileK: tileK / weights.groupSize,
    lanes,
    macsPerCycle: lanes,
    span: decl.span,
    paramSpans: { ...r.spans },
  };
}

function mac(ev: Evaluator, decl: A.PeDecl, r: PropertyReader): MacPe | undefined {
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
