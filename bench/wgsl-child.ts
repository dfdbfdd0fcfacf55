/**
 * Child process of the WGSL benchmarks (bench/wgsl.bench.ts): runs one accelerator's WGSL kernel on Dawn /
 * Mesa OpenGL ES (software, on the CPU) and the golden model on the same seeded GEMM, and prints
 * `{ wgslMs, goldenMs, macs, peakRssBytes }` as JSON. A child process because the benchmark harness is
 * synchronous and the WebGPU read-back is not. Each side: one warm-up run (shader compile, JIT), then the
 * median of `reps` timed runs; the WGSL time includes upload, dispatch and read-back; outputs must be equal.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { kernelSetFor } from '../src/codegen/kernels/targets.js';
import { WgslRunner } from '../src/codegen/wgsl/runner.js';
import { checkDesign } from '../src/compile/check-design.js';
import { randomOperands } from '../src/compile/operands.js';
import { memoryHost } from '../src/dsl/program.js';
import { goldenGemm } from '../src/golden/gemm.js';
import type { GoldenConfig, GoldenOperands } from '../src/golden/types.js';
import { compileFile } from '../src/ir/elaborate.js';
import { verifyTargets } from '../src/verify/cases.js';
import { dawnDevice } from '../src/verify/wgsl-device.js';

const [example, label, mArg, kArg, nArg, repsArg] = process.argv.slice(2);
const text = readFileSync(resolve(import.meta.dirname, '../examples', `${example}.qacc`), 'utf8');
const c = checkDesign(compileFile('x.qacc', memoryHost({ 'x.qacc': text }), { requireAccelerator: true }));
if (!c.design) throw new Error(`${example} has errors`);
const vt = verifyTargets(c.design).find((t) => t.label === label);
if (!vt) throw new Error(`no target ${label} in ${example}`);
const [m, k, n, reps] = [mArg, kArg, nArg, repsArg].map(Number);
const ops = randomOperands(vt.target, { m, k, n }, 1);
const set = kernelSetFor(vt.target, 'wgsl');
if (!set) throw new Error(`no WGSL kernel for ${label}`);
const runner = new WgslRunner(await dawnDevice());
const launch = set.launch(ops);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const golden = goldenGemm(vt.target.golden as GoldenConfig, ops as GoldenOperands<GoldenConfig>).codes;
const gold: number[] = [];
for (let i = 0; i < reps; i++) {
  const t0 = performance.now();
  goldenGemm(vt.target.golden as GoldenConfig, ops as GoldenOperands<GoldenConfig>);
  gold.push(performance.now() - t0);
}
let outputs = set.outputCodes(await runner.run(set, launch), ops);
const wgsl: number[] = [];
for (let i = 0; i < reps; i++) {
  const t0 = performance.now();
  outputs = set.outputCodes(await runner.run(set, launch), ops);
  wgsl.push(performance.now() - t0);
}
const same = outputs.length === golden.length && outputs.every((v, i) => v === golden[i]);
if (!same) throw new Error(`${label}: WGSL outputs differ from golden`);
process.stdout.write(JSON.stringify({ wgslMs: median(wgsl), goldenMs: median(gold), macs: m * k * n, peakRssBytes: process.resourceUsage().maxRSS * 1024 }) + '\n');
