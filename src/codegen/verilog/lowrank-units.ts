/**
 * The two places where a lowrank_gemm PE's arithmetic depends on the declared order (docs/golden.md
 * §lowrank_gemm), shared by the PE-level module (pe-lowrank.ts) and the tile engine's PE
 * (engine-lowrank.ts) so both follow the golden's `lowRankGroupStep` and `lowRankEpilogue` the same way:
 * - the group step: unfused round_P(acc + round_P(d̂·s)) (a multiplier and an adder) or, with
 *   `accumulation = <P>_fma`, one fused multiply-add round_P(d̂·s + acc);
 * - the bias epilogue: in fp32 on the widened main result, or (`epilogue = fp16 | bf16`) in the 16-bit
 *   branch format: round16(y), then round16(y + bias), then widened back to fp32 (exact).
 * Each returns Verilog lines over wire names chosen by the caller, and the blocks they instantiate.
 */
import { BF16, FP16, FP32 } from '../../formats/float.js';
import { wideFormat } from '../../golden/common.js';
import type { LowRankGemmConfig } from '../../golden/types.js';
import { floatShape, fpAdd, fpFma, fpMul } from './fp-units.js';
import type { RtlModule } from './module-set.js';

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

/** out (fp32) = the bias epilogue of `input` (fp32) with `bias` (a branch-format code) when `useBias`. */
export function lowRankBiasUnits(cfg: LowRankGemmConfig, w: { input: string; bias: string; useBias: string; out: string }): LowRankUnits {
  const f32 = floatShape(FP32);
  const r16 = floatShape(cfg.branchFormat === 'fp16' ? FP16 : BF16);
  if ((cfg.epilogue ?? 'fp32') === 'fp32') {
    const add = fpAdd(f32, r16, f32);
    return { deps: [add], text: [`  wire [31:0] e_bias;`, `  ${add.name} u_bias (.a(${w.input}), .b(${w.bias}), .y(e_bias));`, `  assign ${w.out} = ${w.useBias} ? e_bias : ${w.input};`].join('\n') };
  }
  const f16 = floatShape(FP16);
  const narrow = fpMul(f32, f16, r16);
  const add = fpAdd(r16, r16, r16);
  const widen = fpMul(r16, f16, f32);
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

/** The bias epilogue as the generated modules' header comments state it (t: the fp32 main result). */
export function lowRankEpilogueText(cfg: LowRankGemmConfig): string {
  const e = cfg.epilogue ?? 'fp32';
  return e === 'fp32' ? '(bias used ? round_fp32(t + bias) : t)' : `fp32(bias used ? round_${e}(round_${e}(t) + bias) : round_${e}(t))`;
}
