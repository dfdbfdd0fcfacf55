/**
 * The two places where a lowrank_gemm PE's arithmetic depends on the declared order (docs/golden.md
 * §lowrank_gemm), shared by the PE-level module (rtl-pe.ts) and the tile engine's PE
 * (rtl-engine.ts) so both follow the golden's `lowRankGroupStep` and `lowRankEpilogue` the same way:
 * - the group step: unfused round_P(acc + round_P(d̂·s)) (a multiplier and an adder) or, with
 *   `accumulation = <P>_fma`, one fused multiply-add round_P(d̂·s + acc);
 * - the bias epilogue: in fp32 on the widened main result, or (`epilogue = fp16 | bf16`) in the 16-bit
 *   branch format: round16(y), then round16(y + bias), then widened back to fp32 (exact); with declared
 *   channel scales (Nunchaku's wcscales) also y · cs: in fp32 a multiply before the add, in 16 bits one
 *   fused round16(y · cs + bias) (Nunchaku's __hfma2).
 * Each returns Verilog lines over wire names chosen by the caller, and the blocks they instantiate.
 * Also shared: the main path's `lr_elem` ROMs and scale shape, read from the golden (lowRankElementValues,
 * lowRankScaleFormat) rather than recomputed.
 */
import { BF16, FP16, FP32, type FloatFormat } from '../../formats/float.js';
import { wideFormat } from '../../golden/common.js';
import type { LowRankGemmConfig } from './golden.js';
import { floatShape, fpAdd, fpFma, fpMul, fpRound } from '../../codegen/verilog/fp-units.js';
import { sconst, type RtlModule } from '../../codegen/verilog/module-set.js';
import { lowRankElementValues, lowRankScaleFormat, type LowRankElementTable } from './golden.js';

export interface LowRankUnits {
  readonly deps: RtlModule[];
  readonly text: string;
}

/** acc_next from d_hat, s_g and acc_in (all P codes); declares the wires it adds. */
export function lowRankGroupStepUnits(cfg: LowRankGemmConfig, w: { dHat: string; sG: string; accIn: string; accNext: string; pMsb: number }): LowRankUnits {
  const P = floatShape(wideFormat(cfg.accumulation));
  if (cfg.fmaAccumulation === true) {
    const fma = fpFma(P, P, P, P);
    return { deps: [fma], text: `  ${fma.name} u_acc (.a(${w.dHat}), .b(${w.sG}), .c(${w.accIn}), .y(${w.accNext}));  // fused: one rounding` };
  }
  const mul = fpMul(P, P, P);
  const add = fpAdd(P, P, P);
  return {
    deps: [mul, add],
    text: [`  wire [${w.pMsb}:0] p_g;`, `  ${mul.name} u_prod (.a(${w.dHat}), .b(${w.sG}), .y(p_g));`, `  ${add.name} u_acc (.a(${w.accIn}), .b(p_g), .y(${w.accNext}));`].join('\n'),
  };
}

/** Wire names of the epilogue: fp32 `input` → fp32 `out`; `cscale` / `useCscale` only with channel scales. */
export interface EpilogueWires {
  readonly input: string;
  readonly bias: string;
  readonly useBias: string;
  readonly out: string;
  readonly cscale?: string;
  readonly useCscale?: string;
}

/**
 * out (fp32) = the epilogue of `input` (fp32) with `bias` (a branch-format code) when `useBias` and, when the
 * PE declares channel scales (`w.cscale` given), the channel scale `cscale` (a branch-format code) when
 * `useCscale` — the golden's `lowRankEpilogue`:
 * - fp32: round_fp32(t · cs), then round_fp32(· + bias), each step bypassed when unused;
 * - 16-bit: round16(t), then one fused multiply-add round16(t16 · cs + b) with cs = 1.0 when unused and
 *   b = −0 when unused (x · 1 + b, x · cs + (−0) and x · 1 + (−0) are exactly the golden's x + b, round16(x · cs)
 *   and x, signed zeros included), widened back to fp32.
 */
export function lowRankBiasUnits(cfg: LowRankGemmConfig, w: EpilogueWires): LowRankUnits {
  const f32 = floatShape(FP32);
  const r16 = floatShape(cfg.branchFormat === 'fp16' ? FP16 : BF16);
  const one16 = cfg.branchFormat === 'fp16' ? "16'h3c00" : "16'h3f80";
  if ((cfg.epilogue ?? 'fp32') === 'fp32') {
    const add = fpAdd(f32, r16, f32);
    if (w.cscale === undefined) {
      return { deps: [add], text: [`  wire [31:0] e_bias;`, `  ${add.name} u_bias (.a(${w.input}), .b(${w.bias}), .y(e_bias));`, `  assign ${w.out} = ${w.useBias} ? e_bias : ${w.input};`].join('\n') };
    }
    const mul = fpMul(f32, r16, f32);
    return {
      deps: [mul, add],
      text: [
        `  wire [31:0] e_cs, e_scaled, e_bias;`,
        `  ${mul.name} u_cscale (.a(${w.input}), .b(${w.cscale}), .y(e_cs));`,
        `  assign e_scaled = ${w.useCscale ?? "1'b1"} ? e_cs : ${w.input};`,
        `  ${add.name} u_bias (.a(e_scaled), .b(${w.bias}), .y(e_bias));`,
        `  assign ${w.out} = ${w.useBias} ? e_bias : e_scaled;`,
      ].join('\n'),
    };
  }
  const f16 = floatShape(FP16);
  const narrow = fpMul(f32, f16, r16);
  const widen = fpMul(r16, f16, f32);
  if (w.cscale !== undefined) {
    const fma = fpFma(r16, r16, r16, r16);
    return {
      deps: [narrow, fma, widen],
      text: [
        `  wire [15:0] e_main, e_cs, e_b, e_sel;  // the ${cfg.branchFormat} epilogue: one fused y * cs + bias`,
        `  ${narrow.name} u_enarrow (.a(${w.input}), .b(16'h3c00), .y(e_main));`,
        `  assign e_cs = ${w.useCscale ?? "1'b1"} ? ${w.cscale} : ${one16};`,
        `  assign e_b = ${w.useBias} ? ${w.bias} : 16'h8000;`,
        `  ${fma.name} u_bias (.a(e_main), .b(e_cs), .c(e_b), .y(e_sel));`,
        `  ${widen.name} u_ewiden (.a(e_sel), .b(16'h3c00), .y(${w.out}));`,
      ].join('\n'),
    };
  }
  const add = fpAdd(r16, r16, r16);
  return {
    deps: [narrow, add, widen],
    text: [
      `  wire [15:0] e_main, e_bias, e_sel;  // the ${cfg.branchFormat} epilogue`,
      `  ${narrow.name} u_enarrow (.a(${w.input}), .b(16'h3c00), .y(e_main));`,
      `  ${add.name} u_bias (.a(e_main), .b(${w.bias}), .y(e_bias));`,
      `  assign e_sel = ${w.useBias} ? e_bias : e_main;`,
      `  ${widen.name} u_ewiden (.a(e_sel), .b(16'h3c00), .y(${w.out}));`,
    ].join('\n'),
  };
}

/** The group step as the generated modules' header comments state it. */
export function lowRankGroupStepText(cfg: LowRankGemmConfig): string {
  return cfg.fmaAccumulation === true ? 'round_P(round_P(d) * round_P(sa * sw) + (first ? +0 : acc)) (one fused rounding)' : 'round_P((first ? +0 : acc) + round_P(round_P(d) * round_P(sa * sw)))';
}

/** The epilogue as the generated modules' header comments state it (t: the fp32 main result). */
export function lowRankEpilogueText(cfg: LowRankGemmConfig, channelScales = false): string {
  const e = cfg.epilogue ?? 'fp32';
  if (!channelScales) return e === 'fp32' ? '(bias used ? round_fp32(t + bias) : t)' : `fp32(bias used ? round_${e}(round_${e}(t) + bias) : round_${e}(t))`;
  return e === 'fp32'
    ? '(bias used ? round_fp32(s + bias) : s), s = (cs used ? round_fp32(t * cs) : t)'
    : `fp32(round_${e}(round_${e}(t) * (cs used ? cs : 1) + (bias used ? bias : -0))) (one fused rounding)`;
}

/** lr_up's and DOWN_OUT's rounding of a down-projection sum l, as the header comments state it. */
export function lowRankDownText(cfg: LowRankGemmConfig, loraScales: boolean): string {
  return loraScales ? `round_${cfg.branchFormat}(round_fp32(l * ls)) (ls: the fp32 LoRA scale of the rank's 16-rank tile, 1.0 when unused)` : `round_${cfg.branchFormat}(l)`;
}

function elementRom(name: LowRankElementTable, values: Int32Array, unit: number): RtlModule {
  const entries = Array.from(values, (v, code) => ({ code, value: sconst(8, v) }));
  const perElement = Math.sqrt(unit); // act·wgt / unit: each table is its format's values times √unit
  return { name: `qacc_lr_elem_${name}`, template: 'lowrank-gemm/lr_elem.v.hbs', deps: [], view: { format: name === 'fp4x2' ? 'fp4_e2m1' : name, unitText: perElement === 1 ? '1' : `1/${perElement}`, entries } };
}

/** The main path's element ROMs, the exponent of the exact dot's LSB (log2 of 1/unit) and the group-scale format. */
export function lowRankMainRoms(cfg: LowRankGemmConfig): { readonly act: RtlModule; readonly wgt: RtlModule; readonly dotLsbExponent: number; readonly scale: FloatFormat } {
  const v = lowRankElementValues(cfg);
  return { act: elementRom(v.actName, v.act, v.unit), wgt: elementRom(v.wgtName, v.wgt, v.unit), dotLsbExponent: -Math.log2(v.unit), scale: lowRankScaleFormat(cfg) };
}

/**
 * The arithmetic units both lowrank datapaths (the PE-level module and the engine's PE) build from the
 * golden configuration: the main path's element ROMs, exact-dot rounder and group-scale multiplier in the
 * accumulation format P, and the branch's multiplier, fp32 adder and 16-bit narrowing. One place, so the
 * two generators cannot drift apart.
 */
export function lowRankArithmeticUnits(cfg: LowRankGemmConfig) {
  const P = floatShape(wideFormat(cfg.accumulation));
  const r16f: FloatFormat = cfg.branchFormat === 'fp16' ? FP16 : BF16;
  const r16 = floatShape(r16f);
  const f32 = floatShape(FP32);
  const f16 = floatShape(FP16);
  const roms = lowRankMainRoms(cfg);
  const scaleShape = floatShape(roms.scale);
  return {
    P,
    pBits: P.e + P.m + 1,
    r16f,
    r16,
    f32,
    f16,
    roms,
    scaleShape,
    actElem: roms.act,
    wgtElem: roms.wgt,
    dotRound: fpRound(P, 32),
    scaleMul: fpMul(scaleShape, scaleShape, P),
    tsMul: fpMul(f32, f32, f32),
    branchMul: fpMul(r16, r16, f32),
    f32Add: fpAdd(f32, f32, f32),
    narrow: fpMul(f32, f16, r16),
  };
}
