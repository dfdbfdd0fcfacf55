/**
 * The one place the estimator takes a layer's tiling and program from: compileGemm (src/compile/program.ts)
 * compiled timing only, whose schedule is the scheduler's decision (src/compile/schedule: chooseSchedule, what
 * `scheduleGemm` reports: tiling, loop order, resident operand), and whose plan is the loop program's dispatch
 * stream, so the estimate walks the very plan `qacc sim --timing-only` times (test/estimate/plan-cost.test.ts
 * checks the tiling against scheduleGemm's).
 */
import type { PlanNode } from '../compile/plan.js';
import { compileGemm, type CompiledGemm, type Tiling } from '../compile/program.js';
import type { Target } from '../compile/target.js';
import type { GemmShape } from '../compile/workload.js';

/** A layer's tiling and its program plan (uniform repeats: src/compile/plan.ts). */
export interface LayerPlan {
  readonly tiling: Tiling;
  readonly plan: PlanNode;
  /** The compiled layer itself (a layer chain, compile/chain.ts, joins two of them). */
  readonly compiled: CompiledGemm;
}

/** The tiling and program plan of one GEMM on a target. Throws CompileError for what does not map. */
export function planLayer(t: Target, shape: GemmShape): LayerPlan {
  const c = compileGemm(t, shape, undefined, { timingOnly: true });
  return { tiling: c.tiling, plan: c.plan, compiled: c };
}
