/**
 * The `lowrank_gemm` PE's schema: its IR record and its elaboration (properties read through a PropertyReader,
 * hardware constraints checked with located diagnostics, every default filled in). Moved verbatim from
 * ir/types.ts and ir/pe-kinds.ts; `lowRankGemmSchema` is its entry of the SCHEMAS registry (src/pe/facets/schema.ts).
 */
import { FP16, FP32 } from '../../formats/float.js';
import { lookupFormat } from '../../formats/registry.js';
import type { NumberFormat } from '../../formats/index.js';
import type * as A from '../../dsl/ast.js';
import { Diag } from '../../dsl/diagnostics.js';
import type { Span } from '../../dsl/source.js';
import type { Evaluator } from '../../ir/evaluate.js';
import { formatProp, intProp, isSignedFloat } from '../../ir/prop-helpers.js';
import type { PropertyReader } from '../../ir/props.js';
import type { IrQuantizedOperand, ParamSpans } from '../../ir/types.js';
import type { SchemaFacet } from '../facets/schema.js';
import { lowRankGemmJson, lowRankGemmLines } from './print.js';

/** SVDQuant/Nunchaku 4-bit GEMM with a 16-bit low-rank branch (svdquant.md). */
export interface LowRankGemmPe {
  readonly kind: 'lowrank_gemm';
  readonly name: string;
  readonly weights: IrQuantizedOperand;
  readonly activations: IrQuantizedOperand;
  /** Scale group size of the main branch (64 for int4, 16 for NVFP4). */
  readonly groupSize: number;
  /** Low-rank branch rank (multiple of 16; 0 = no branch). */
  readonly rank: number;
  /** 16-bit float of the branch (fp16 or bf16). */
  readonly branchFormat: NumberFormat;
  /** Cross-group accumulation of the main branch (fp32, fp16 or bf16). */
  readonly accumulation: NumberFormat;
  /** `accumulation = <P>_fma`: each group's scaled dot product is added with one fused rounding. */
  readonly accumulationFma: boolean;
  /** Format of the channel-scale and bias epilogue: fp32, or the 16-bit branch format (Nunchaku's order). */
  readonly epilogue: 'fp32' | 'fp16' | 'bf16';
  /** `channel_scales = <branch format>`: per-output-channel scales (Nunchaku's `wcscales`) in the epilogue. */
  readonly channelScales: boolean;
  /** `lora_scales = fp32`: one fp32 scale per 16 ranks on the down-projection sums (Nunchaku's `lora_scales`). */
  readonly loraScales: boolean;
  /**
   * `activation_quant`: where the 4-bit activation codes and scales come from. `offline` (default): quantized
   * ahead of time and loaded from DRAM; `runtime`: quantized on chip from the raw 16-bit X by `qact`, on the
   * same act tile the down projection reads (Nunchaku's fused kernel), so X is the only activation read.
   */
  readonly activationQuant: 'offline' | 'runtime';
  /** Accumulation of the down projection. */
  readonly branchAccumulation: NumberFormat;
  readonly output: NumberFormat;
  readonly fused: boolean;
  /** Tile of one GEMM step: M × N outputs, K along the reduction (one or more scale groups). */
  readonly tileM: number;
  readonly tileN: number;
  readonly tileK: number;
  readonly groupsPerTileK: number;
  /** Dot-product lanes of one PE along K (4-bit MACs per cycle). */
  readonly lanes: number;
  readonly macsPerCycle: number;
  readonly span: Span;
  readonly paramSpans: ParamSpans;
}

function lowRankMainOk(ev: Evaluator, q: IrQuantizedOperand, span: A.Expr['span'], what: string): boolean {
  const s = q.scheme;
  if ((s.kind === 'scaled' && s.granularity.kind === 'group') || s.kind === 'nvfp4') return true;
  if (s.kind === 'mx') {
    ev.report(Diag.unsupportedScheme, span, [`lowrank_gemm ${what}: mx(…) blocks (e8m0 scales) are not implemented by the 4-bit main path`], { hint: 'use per_group(int4, …) or nvfp4(fp4_e2m1, …)' });
    return false;
  }
  ev.report(Diag.unsupportedScheme, span, [`lowrank_gemm ${what} need group or block scaling along K (per_group(…) or nvfp4(…)), found ${s.kind === 'scaled' ? `per-${s.granularity.kind} scaling` : s.kind}`]);
  return false;
}

/**
 * The main paths the golden, simulator and RTL implement (golden.ts LowRankMainPath): int4 weights with int4
 * or uint4 activations, symmetric, one fp16 or bf16 scale format for both; or NVFP4 (fp4_e2m1, fp8_e4m3 block
 * scales) on both operands. Anything else is reported at the operand's span. `aWritten`: activations were
 * declared (else they are the weights' scheme and are not reported twice).
 */
function lowRankPairOk(ev: Evaluator, r: PropertyReader, weights: IrQuantizedOperand, activations: IrQuantizedOperand, aWritten: boolean): boolean {
  const ws = weights.scheme;
  const as = activations.scheme;
  const wSpan = r.spanOf('weights');
  const aSpan = r.spanOf('activations');
  let ok = true;
  if (ws.kind === 'nvfp4') {
    if (ws.element.name !== 'fp4_e2m1' || ws.blockScaleFormat.name !== 'fp8_e4m3') {
      ev.report(Diag.unsupportedFormat, wSpan, [`lowrank_gemm NVFP4 weights are fp4_e2m1 with fp8_e4m3 block scales, found ${ws.element.name} with ${ws.blockScaleFormat.name} scales`]);
      ok = false;
    }
    if (aWritten && as.kind !== 'nvfp4') {
      ev.report(Diag.unsupportedScheme, aSpan, [`lowrank_gemm with NVFP4 weights needs NVFP4 activations (the fp4 × fp4 main path), found ${as.kind === 'scaled' ? 'per_group' : as.kind}`]);
      ok = false;
    } else if (aWritten && as.kind === 'nvfp4' && (as.element.name !== 'fp4_e2m1' || as.blockScaleFormat.name !== 'fp8_e4m3')) {
      ev.report(Diag.unsupportedFormat, aSpan, [`lowrank_gemm NVFP4 activations are fp4_e2m1 with fp8_e4m3 block scales, found ${as.element.name} with ${as.blockScaleFormat.name} scales`]);
      ok = false;
    }
    return ok;
  }
  if (ws.kind !== 'scaled') return false; // lowRankMainOk reported it
  if (ws.element.name !== 'int4') {
    ev.report(Diag.unsupportedFormat, wSpan, [`lowrank_gemm per_group weights are int4, found ${ws.element.name}`], { hint: 'the int4 main path multiplies int4 weights by int4 or uint4 activations' });
    ok = false;
  }
  if (ws.mode !== 'symmetric') {
    ev.report(Diag.unsupportedScheme, wSpan, ['lowrank_gemm per_group weights are symmetric (the main path has no zero points)']);
    ok = false;
  }
  const scale = ws.scaleFormat.name;
  if (scale !== 'fp16' && scale !== 'bf16') {
    ev.report(Diag.unsupportedFormat, wSpan, [`lowrank_gemm int4 group scales are fp16 or bf16, found ${scale}`]);
    ok = false;
  }
  if (!aWritten) return ok;
  if (as.kind !== 'scaled') {
    if (as.kind === 'nvfp4') ev.report(Diag.unsupportedScheme, aSpan, ['lowrank_gemm with per_group int4 weights needs per_group int4 or uint4 activations, found nvfp4']);
    return false;
  }
  if (as.element.name !== 'int4' && as.element.name !== 'uint4') {
    ev.report(Diag.unsupportedFormat, aSpan, [`lowrank_gemm per_group activations are int4 or uint4, found ${as.element.name}`]);
    ok = false;
  }
  if (as.mode !== 'symmetric') {
    ev.report(Diag.unsupportedScheme, aSpan, ['lowrank_gemm per_group activations are symmetric (the main path has no zero points)']);
    ok = false;
  }
  if (as.scaleFormat.name !== scale) {
    ev.report(Diag.unsupportedFormat, aSpan, [`lowrank_gemm activation group scales share the weights' scale format (${scale}), found ${as.scaleFormat.name}`]);
    ok = false;
  }
  return ok;
}

/** Values of a lowrank_gemm `accumulation`: the precision P, unfused (multiply, then add) or fused. */
const LOWRANK_ACCUMULATIONS = ['fp32', 'fp16', 'bf16', 'fp32_fma', 'fp16_fma', 'bf16_fma'] as const;

export function elaborateLowRankGemm(ev: Evaluator, decl: A.PeDecl, r: PropertyReader): LowRankGemmPe | undefined {
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
  const aqLoc = r.get('activation_quant');
  const activationQuant = aqLoc ? ev.enumValue(aqLoc, 'lowrank_gemm activation_quant', ['offline', 'runtime'] as const) : 'offline';


  const branchAcc = formatProp(ev, r, 'branch_accumulation', FP32);
  const outLoc = r.get('output');
  const fusedLoc = r.get('fused');
  const fused = fusedLoc ? ev.bool(fusedLoc, 'fused') : true;
  const tileM = intProp(ev, r, 'tile_m', 256, 1, 4096);
  const tileN = intProp(ev, r, 'tile_n', 128, 1, 4096);
  const tileK = intProp(ev, r, 'tile_k', 64, 1, 4096);
  const lanes = intProp(ev, r, 'lanes', 16, 1, 4096);
  if (!weights || !activations || rank === undefined || !branch || !accumulation || !epilogue || !channelScales || !loraScales || !activationQuant || !branchAcc || fused === undefined) return undefined;
  if (tileM === undefined || tileN === undefined || tileK === undefined || lanes === undefined) return undefined;
  const output = outLoc ? ev.format(outLoc, 'output') : branch;
  if (!output) return undefined;

  let ok = lowRankMainOk(ev, weights, r.spanOf('weights'), 'weights');
  // Activations default to the weight scheme; check them separately only when written.
  if (aLoc) ok = lowRankMainOk(ev, activations, r.spanOf('activations'), 'activations') && ok;
  if (!ok || !lowRankPairOk(ev, r, weights, activations, aLoc !== undefined)) return undefined;
  if (!fused) {
    ev.report(Diag.unsupportedByHardware, r.spanOf('fused'), ['fused = false is not implemented by the compiler, simulator or generated RTL'], { hint: 'every lowrank_gemm engine fuses the low-rank branch into the tile epilogue: write fused = true' });
    ok = false;
  }
  if (branchAcc.name !== 'fp32') {
    ev.report(Diag.unsupportedFormat, r.spanOf('branch_accumulation'), [`the low-rank down projection accumulates in fp32, found branch_accumulation = ${branchAcc.name}`], { hint: 'write branch_accumulation = fp32' });
    ok = false;
  }
  if (output.name !== branch.name) {
    ev.report(Diag.unsupportedFormat, r.spanOf('output'), [`the output is rounded to the branch format (${branch.name}), found output = ${output.name}`], { hint: `write output = ${branch.name}` });
    ok = false;
  }
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
    activationQuant,
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

export const lowRankGemmSchema: SchemaFacet<'lowrank_gemm'> = {
  summary: 'SVDQuant/Nunchaku 4-bit GEMM with a 16-bit low-rank branch',
  elaborate: elaborateLowRankGemm,
  toJson: lowRankGemmJson,
  toLines: lowRankGemmLines,
};
