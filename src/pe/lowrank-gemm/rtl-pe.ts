/**
 * View model of the low-rank GEMM PE (lowrank_pe.v.hbs) for a golden `LowRankGemmConfig`: the 4-bit element
 * tables (int4 / uint4 values, or fp4_e2m1 values doubled so products are integers in quarter units),
 * the exact dot width, the precision-P rounder, multipliers and adder of the scale application, and the
 * fp32 epilogue and branch units in the 16-bit branch format. `lanes` is the number of 4-bit products per
 * DOT beat (the IR's `lanes`; the PE-level harness uses ≤ 16 so qa/qw fit its 64-bit ports). Declared
 * optional operands add ports: `cs` (the channel scale of the EPILOGUE beat, 1.0 when none) and `ls` (the
 * fp32 LoRA scale of a DOWN_OUT beat's rank, 1.0 when none).
 */
import type { LowRankGemmConfig } from './golden.js';
import type { IrPe } from '../../ir/types.js';
import { EXP_WIDTH, fpMul } from '../../codegen/verilog/fp-units.js';
import { lowRankBiasUnits, lowRankDownText, lowRankEpilogueText, lowRankGroupStepText, lowRankGroupStepUnits, lowRankArithmeticUnits } from './rtl-units.js';
import { lowRankScaleFormat } from './golden.js';
import { sconst, type RtlModule } from '../../codegen/verilog/module-set.js';
import type { PeRtl } from '../../codegen/verilog/design.js';
import { harnessPort as port } from '../../codegen/verilog/harness-spec.js';

/** The optional operands a lowrank_gemm PE declares (the IR's `channel_scales` and `lora_scales`). */
export interface LowRankOptionalOperands {
  readonly channelScales: boolean;
  readonly loraScales: boolean;
}

const NO_OPTIONAL: LowRankOptionalOperands = { channelScales: false, loraScales: false };

/** The optional operands an IR PE declares (none unless it is a lowrank_gemm PE). */
export function declaredOptionalOperands(pe: IrPe): LowRankOptionalOperands {
  return pe.kind === 'lowrank_gemm' ? { channelScales: pe.channelScales, loraScales: pe.loraScales } : NO_OPTIONAL;
}

/** Port widths of a low-rank PE. */
export function lowRankPorts(config: LowRankGemmConfig, lanes: number, opt: LowRankOptionalOperands = NO_OPTIONAL): { q: number; scale: number; tensorScale: boolean; channelScale: boolean; loraScale: boolean } {
  return { q: 4 * lanes, scale: lowRankScaleFormat(config).bits, tensorScale: config.main.kind === 'nvfp4', channelScale: opt.channelScales, loraScale: opt.loraScales && config.rank > 0 };
}

export function lowRankPe(config: LowRankGemmConfig, lanes: number, moduleName: string, peName: string, opt: LowRankOptionalOperands = NO_OPTIONAL): RtlModule {
  const { P, f32, f16, roms, actElem, wgtElem, dotRound, scaleMul, tsMul, branchMul, f32Add, narrow, pBits } = lowRankArithmeticUnits(config);
  const main = config.main;
  const nv = main.kind === 'nvfp4';
  const widen = fpMul(P, f16, f32);
  const groupStep = lowRankGroupStepUnits(config, { dHat: 'd_hat', sG: 's_g', accIn: 'acc_in', accNext: 'acc_next', pMsb: pBits - 1 });
  const ports = lowRankPorts(config, lanes, opt);
  const biasUnits = lowRankBiasUnits(config, { input: 'y_main', bias: 'x16', useBias: 'flag', out: 'y_bias', ...(ports.channelScale ? { cscale: 'cs' } : {}) });
  const deps = [actElem, wgtElem, dotRound, scaleMul, widen, branchMul, f32Add, narrow, ...groupStep.deps, ...biasUnits.deps];
  if (nv || ports.loraScale) deps.push(tsMul);
  const laneViews = Array.from({ length: lanes }, (_, i) => ({ i, hi: 4 * i + 3, lo: 4 * i }));
  return {
    name: moduleName,
    template: 'lowrank-gemm/lowrank_pe.v.hbs',
    deps,
    view: {
      peName,
      mainText: nv ? `NVFP4 (fp4_e2m1, fp8_e4m3 scales per ${main.groupSize}, fp32 tensor scale)` : `int4 (${main.activations} activations, ${main.scaleFormat} scales per ${main.groupSize})`,
      acc: config.accumulation,
      r16: config.branchFormat,
      lanes,
      tsText: nv ? ' * ts (the fp32 tensor scale, rounded once)' : '',
      tsPort: nv ? '  input  wire [31:0]       ts,\n' : '',
      qMsb: ports.q - 1,
      sMsb: ports.scale - 1,
      lanesList: laneViews,
      actElem: actElem.name,
      wgtElem: wgtElem.name,
      beatDotExpr: laneViews.map((l) => `{ { 16{pr${l.i}[15]} }, pr${l.i} }`).join(' + '),
      pMsb: pBits - 1,
      pWidth: pBits,
      dotRound: dotRound.name,
      dotLsb: sconst(EXP_WIDTH, roms.dotLsbExponent),
      scaleMul: scaleMul.name,
      groupStep: groupStep.text,
      biasUnits: biasUnits.text,
      groupStepText: lowRankGroupStepText(config),
      epilogueText: lowRankEpilogueText(config, ports.channelScale),
      downText: lowRankDownText(config, ports.loraScale),
      optPorts: (ports.channelScale ? `  input  wire [15:0]       cs,\n` : '') + (ports.loraScale ? `  input  wire [31:0]       ls,\n` : ''),
      loraScale: ports.loraScale ? `  ${tsMul.name} u_ls (.a(l), .b(ls), .y(l_scaled));` : '  assign l_scaled = l;',
      widen: widen.name,
      tensorScale: nv ? `  ${tsMul.name} u_ts (.a(y_wide), .b(ts), .y(y_main));` : '  assign y_main = y_wide;',
      branchMul: branchMul.name,
      f32Add: f32Add.name,
      narrow: narrow.name,
    },
  };
}

/** Largest DOT-beat lane count of a generated low-rank PE whose ports the 64-bit harness can drive (was design.ts). */
export const HARNESS_LOWRANK_LANES = 16;

/** The PE module with `lanes` DOT lanes and its harness ports (was design.ts lowRankRtl). */
export function lowRankRtl(config: LowRankGemmConfig, lanes: number, top: string, peName: string, opt?: LowRankOptionalOperands): PeRtl {
  const p = lowRankPorts(config, lanes, opt);
  const inputs = [
    port('op', 3, 'operation: 0 DOT, 1 EPILOGUE, 2 UP, 3 OUT, 4 DOWN, 5 DOWN_OUT'),
    port('qa', p.q, `${lanes} 4-bit activation codes`),
    port('qw', p.q, `${lanes} 4-bit weight codes`),
    port('sa', p.scale, 'activation group scale'),
    port('sw', p.scale, 'weight group scale'),
    port('x16', 16, `${config.branchFormat} operand: bias, L[m, j] or X[m, k]`),
    port('u16', 16, `${config.branchFormat} operand: U[n, j] or D[k, j]`),
  ];
  if (p.tensorScale) inputs.push(port('ts', 32, 'fp32 per-tensor weight scale'));
  if (p.channelScale) inputs.push(port('cs', 16, `${config.branchFormat} channel scale of an EPILOGUE beat (1.0 = none)`));
  if (p.loraScale) inputs.push(port('ls', 32, 'fp32 LoRA scale of a DOWN_OUT beat (1.0 = none)'));
  inputs.push(port('first', 1, 'first beat of an output (or of a down-projection sum)'), port('gfirst', 1, 'first DOT beat of a group'), port('glast', 1, 'last DOT beat of a group'), port('flag', 1, 'EPILOGUE: add the bias'));
  return { module: lowRankPe(config, lanes, top, peName, opt), harness: { top, inputs, outputs: [port('y_out', 16, `${config.branchFormat} result (Y or L)`)] } };
}
