/**
 * Helpers of the PE-level RTL cross-checks: elaborate examples, build a generated PE with Verilator once
 * per test run (the on-disk cache makes reruns cheap), run vectors and fail with the first mismatches in
 * hex, and a seeded PRNG for the random cases. Verilator is required: a missing tool fails the tests with
 * the install command (findVerilator's ToolError), never skips them.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect } from 'vitest';
import type { PeRtl } from '../../src/codegen/verilog/design.js';
import { emitModules } from '../../src/codegen/verilog/emit.js';
import { ModuleSet } from '../../src/codegen/verilog/module-set.js';
import { compileFile } from '../../src/ir/elaborate.js';
import type { IrAccelerator } from '../../src/ir/types.js';
import type { PeVectors } from '../../src/verify/rtl/pe-vectors.js';
import { harnessTemplates, rtlTemplates } from '../../src/verify/rtl/templates.js';
import { renderTestbench } from '../../src/verify/rtl/testbench.js';
import { buildSimulationAsync, runSimulation, type BuiltSimulation } from '../../src/verify/rtl/verilator.js';

export const ROOT = resolve(__dirname, '../..');
export const BY = { source: 'test', version: 'test' };

export function example(name: string, accelerator?: string): IrAccelerator {
  const c = compileFile(resolve(ROOT, 'examples', `${name}.qacc`), { readFile: (p) => { try { return readFileSync(p, 'utf8'); } catch { return undefined; } } }, {});
  if (!c.design) throw new Error(`${name}: ${c.diagnostics.map((d) => d.message).join('; ')}`);
  const a = accelerator === undefined ? c.design.accelerators[0] : c.design.accelerators.find((x) => x.name === accelerator);
  if (!a) throw new Error(`no accelerator ${accelerator}`);
  return a;
}

const built = new Map<string, BuiltSimulation>();

/**
 * Verilator build of a generated PE (memoized per module name within the run, cached on disk across
 * runs). Asynchronous: a cold build can take a minute, which must not block the test worker.
 */
export async function buildPe(rtl: PeRtl): Promise<BuiltSimulation> {
  const known = built.get(rtl.module.name);
  if (known) return known;
  const set = new ModuleSet();
  set.add(rtl.module);
  const files = emitModules(set, rtlTemplates, BY);
  const sim = await buildSimulationAsync({ top: rtl.harness.top, files, testbench: renderTestbench(rtl.harness, harnessTemplates, BY) });
  built.set(rtl.module.name, sim);
  return sim;
}

/** Runs vectors and asserts every result arrived and matched. */
export function expectRtlMatches(sim: BuiltSimulation, v: PeVectors, what: string): void {
  expect(v.expected.length, `${what}: no results to check`).toBeGreaterThan(0);
  const r = runSimulation(sim, v.stimulus, v.expected);
  const detail = r.mismatches.slice(0, 8).map((m) => `#${m.index} ${m.port}: expected 0x${m.expected.toString(16)} got 0x${m.got.toString(16)}`);
  expect({ what, pass: r.pass, results: r.results, mismatches: r.mismatchCount, timedOut: r.timedOut, first: detail }).toEqual({ what, pass: true, results: v.expected.length, mismatches: 0, timedOut: false, first: [] });
}

/** mulberry32: a small seeded PRNG returning floats in [0, 1). */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Integers in [0, n). */
export function ints(rnd: () => number, count: number, n: number): number[] {
  return Array.from({ length: count }, () => Math.floor(rnd() * n));
}
