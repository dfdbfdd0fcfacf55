/**
 * Helpers of the WGSL kernel tests: an example's (or a text variant's) verify targets, and a golden-vs-wgsl
 * run of `qacc verify`'s own case plan through runVerification (the same code path as the CLI). The Dawn
 * device is opened once per test file (src/verify/wgsl-device.ts keeps one per process).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { memoryHost } from '../../../src/dsl/program.js';
import { compileFile } from '../../../src/ir/elaborate.js';
import { checkDesign } from '../../../src/compile/check-design.js';
import { goldenBackend } from '../../../src/verify/backends.js';
import { planCases, verifyTargets, type VerifyTarget } from '../../../src/verify/cases.js';
import { runVerification, type VerifyRun } from '../../../src/verify/run.js';
import type { GemmShape } from '../../../src/compile/workload.js';
import { createWgslBackend } from '../../../src/verify/wgsl-backend.js';

export const ROOT = resolve(__dirname, '../../..');

/** The text of examples/<name>.qacc. */
export function exampleText(name: string): string {
  return readFileSync(resolve(ROOT, 'examples', `${name}.qacc`), 'utf8');
}

/** The verify targets of a design text (every accelerator, every SIMD mode). Throws on a design with errors. */
export function targetsOf(text: string, overrides: readonly string[] = []): VerifyTarget[] {
  const c = checkDesign(compileFile('design.qacc', memoryHost({ 'design.qacc': text }), { overrides: [...overrides], requireAccelerator: true }));
  if (!c.design) throw new Error(`the design has errors: ${c.diagnostics.map((d) => d.message).join('; ')}`);
  return verifyTargets(c.design);
}

/** golden vs wgsl on the directed cases and `vectors` random workloads of each target (`shape`: one GEMM shape for all). */
export async function goldenVsWgsl(targets: readonly VerifyTarget[], vectors: number, seed = 1, shape?: GemmShape): Promise<VerifyRun> {
  const plan = planCases(targets, { vectors, seed, ...(shape ? { shape } : {}) });
  return runVerification({ targets, cases: plan.cases, backends: [goldenBackend, createWgslBackend()], options: { trace: false } });
}

/** One line per failed case: its id and first divergence (for a readable assertion message). */
export function failures(run: VerifyRun): string[] {
  return run.outcomes
    .filter((o) => o.status !== 'pass')
    .map((o) => `${o.case.id}: ${o.error ? `${o.error.backend}: ${o.error.message}` : JSON.stringify(o.divergences[0])}`);
}
