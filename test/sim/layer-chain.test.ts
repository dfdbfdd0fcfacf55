/**
 * Layer chains in the simulator and the estimate (src/compile/chain.ts, layer-overlap.ts): on a joint program
 * the cycle-level machine (timing only), the fast plan timing and the estimate's queue model agree; a chain
 * whose second layer loads early finishes before the two programs run one after the other; a chained model
 * reports Σ cycles × count less its overlap_cycles, below its cycles without chains, and `qacc estimate` gives
 * the same both ways; a chain refused (instruction memory too small, a kind that does not chain) leaves the
 * separate programs' result. The outputs of chained programs are checked against golden in
 * test/verify/rtl-layer-chain.test.ts (with the RTL).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileChain } from '../../src/compile/chain.js';
import { transitionOverlaps } from '../../src/compile/layer-overlap.js';
import { randomOperands, type AnyOperands } from '../../src/compile/operands.js';
import { unpackMatrix } from '../../src/compile/pack.js';
import { compileGemm, type CompiledGemm } from '../../src/compile/program.js';
import { resolveTarget, type Target } from '../../src/compile/target.js';
import { parseWorkload, type GemmShape } from '../../src/compile/workload.js';
import { estimateDesign } from '../../src/estimate/estimate.js';
import { goldenGemm, type GoldenConfig, type GoldenOperands } from '../../src/golden/index.js';
import { planCycles } from '../../src/estimate/plan-timing.js';
import { compileFile } from '../../src/ir/elaborate.js';
import type { IrAccelerator } from '../../src/ir/types.js';
import type { Instruction } from '../../src/isa/index.js';
import { runPlanTiming } from '../../src/sim/fast-timing.js';
import { Machine } from '../../src/sim/machine.js';
import { simulateWorkload } from '../../src/sim/run.js';

const ROOT = resolve(import.meta.dirname, '../..');

function accelerator(file: string, name: string, sets: readonly string[]): IrAccelerator {
  const c = compileFile(resolve(ROOT, 'examples', file), { readFile: (p) => readFileSync(p, 'utf8') }, { overrides: [...sets] });
  const a = c.design?.accelerators.find((x) => x.name === name);
  expect(a, name).toBeDefined();
  return a!;
}

/** Timing-only cycles of a program on the cycle-level machine. */
function machineCycles(t: Target, program: readonly Instruction[]): number {
  return new Machine(t, program, undefined, { timingOnly: true }).run().cycles;
}

describe('layer chains (simulator, estimate)', () => {
  const SMALL = ['rows=4', 'cols=4', 'fp16_rows=4', 'fp16_cols=4'];
  const pairs: readonly (readonly [GemmShape, GemmShape])[] = [
    [{ m: 1, k: 1024, n: 16 }, { m: 1, k: 1024, n: 16 }],
    [{ m: 8, k: 512, n: 12 }, { m: 4, k: 768, n: 8 }],
    [{ m: 1, k: 2048, n: 8 }, { m: 1, k: 4096, n: 4 }],
  ];
  for (const name of ['bitmod', 'fp16_baseline']) {
    it(`${name}: machine = fast timing = estimate on the joint program, below the two programs alone`, () => {
      const t = resolveTarget(accelerator('bitmod.qacc', name, SMALL));
      let early = 0;
      for (const [a, b] of pairs) {
        const chain = compileChain(t, [a, b], [undefined, undefined], { timingOnly: true });
        if (typeof chain === 'string') throw new Error(`refused: ${chain}`);
        const joint = machineCycles(t, chain.program);
        expect([runPlanTiming(t, chain.plan).cycles, Math.ceil(planCycles(t, chain.plan))]).toEqual([joint, joint]);
        const alone = machineCycles(t, chain.layers[0].compiled.program) + machineCycles(t, chain.layers[1].compiled.program);
        if (chain.earlyLoads[0] > 0) expect(joint, `${JSON.stringify([a, b])}`).toBeLessThan(alone);
        early += chain.earlyLoads[0] > 0 ? 1 : 0;
      }
      expect(early).toBeGreaterThan(0);
    });
  }

  it("one program of several layers saves exactly the sum of its pairs' savings (the workload's accounting)", () => {
    const cases = [
      [SMALL, [{ m: 8, k: 512, n: 12 }, { m: 4, k: 768, n: 8 }, { m: 1, k: 2048, n: 8 }]],
      // Llama-2-7B decode's o, gate, down and q on the bench's 64 × 16 BitMoD
      [['rows=64', 'cols=16'], [{ m: 1, k: 4096, n: 4096 }, { m: 1, k: 4096, n: 11008 }, { m: 1, k: 11008, n: 4096 }, { m: 1, k: 4096, n: 4096 }]],
    ] as const;
    for (const [sets, shapes] of cases) {
      const t = resolveTarget(accelerator('bitmod.qacc', 'bitmod', sets));
      const compiled = shapes.map((s) => compileGemm(t, s, undefined, { timingOnly: true }));
      const alone = compiled.map((c) => runPlanTiming(t, c.plan).cycles);
      const chainOf = (from: number, to: number): number => {
        const c = compileChain(t, shapes.slice(from, to), shapes.slice(from, to).map(() => undefined), { timingOnly: true, compiled: compiled.slice(from, to), phases: [0] });
        if (typeof c === 'string') throw new Error(`refused: ${c}`);
        return runPlanTiming(t, c.plan).cycles;
      };
      const pairs = shapes.slice(1).map((_, i) => alone[i] + alone[i + 1] - chainOf(i, i + 2));
      expect(pairs.every((saved) => saved > 0)).toBe(true);
      expect(chainOf(0, shapes.length)).toBe(alone.reduce((x, y) => x + y, 0) - pairs.reduce((x, y) => x + y, 0));
    }
  });

  it('a chained model: cycles = Σ cycles × count − Σ overlap_cycles < without chains; estimate = sim both ways', () => {
    const a = accelerator('bitmod.qacc', 'bitmod', []);
    const w = parseWorkload('model:opt-1.3b,stage=decode,tokens=2');
    const on = simulateWorkload(a, w, { timingOnly: true }).report;
    const off = simulateWorkload(a, w, { timingOnly: true, layerOverlap: false }).report;
    const sum = off.layers.reduce((s, l) => s + l.cycles * l.count, 0);
    expect(off.cycles).toBe(sum);
    expect(off.layers.every((l) => l.overlap_cycles === 0 && l.overlaps.every((o) => o.refused === 'off'))).toBe(true);
    const saved = on.layers.reduce((s, l) => s + l.overlap_cycles, 0);
    expect(saved).toBeGreaterThan(0);
    expect(on.cycles).toBe(sum - saved);
    // every transition of the model is reported once, with its count: 2 tokens × (24 blocks × 6 layers + lm_head) − 1
    expect(on.layers.flatMap((l) => l.overlaps).reduce((s, o) => s + o.count, 0)).toBe(2 * (24 * 6 + 1) - 1);
    for (const l of on.layers) expect(l.overlap_cycles).toBe(l.overlaps.reduce((s, o) => s + o.saved_cycles * o.count, 0));
    expect(estimateDesign(a, { workload: w }).cycles).toBe(on.cycles);
    expect(estimateDesign(a, { workload: w, layerOverlap: false }).cycles).toBe(off.cycles);
  });

  it('refused chains leave the separate programs: instruction memory too small, a kind that does not chain', () => {
    const t = resolveTarget(accelerator('bitmod.qacc', 'bitmod', SMALL));
    const shapes = [{ m: 1, k: 1024, n: 16 }, { m: 4, k: 512, n: 8 }] as const;
    const chain = compileChain(t, shapes, [undefined, undefined], { timingOnly: true });
    if (typeof chain === 'string') throw new Error(`refused: ${chain}`);
    // the joint program fits exactly its own size, one word less is refused
    expect(typeof compileChain(t, shapes, [undefined, undefined], { timingOnly: true, imemWords: chain.program.length })).toBe('object');
    expect(compileChain(t, shapes, [undefined, undefined], { timingOnly: true, imemWords: chain.program.length - 1 })).toBe('imem');
    const layers = shapes.map((s, i) => ({ ...s, name: `l${i}`, count: 3 }));
    const compiled = shapes.map((s) => compileGemm(t, s, undefined, { timingOnly: true }));
    const inputs = { compiled: (i: number) => compiled[i], cycles: (i: number) => runPlanTiming(t, compiled[i].plan).cycles, planCycles: (p: typeof chain.plan) => runPlanTiming(t, p).cycles, enabled: true };
    // l0 → l1 three times, l1 → l0 twice
    expect(transitionOverlaps(t, layers, { ...inputs, imemWords: 16 }).map((o) => [o.count, o.saved, o.refused])).toEqual([[3, 0, 'imem'], [2, 0, 'imem']]);
    expect(transitionOverlaps(t, layers, inputs).every((o) => o.saved > 0 && o.refused === undefined)).toBe(true);
    // xr_npe (simd_mac) does not chain: every transition refused, nothing saved
    const xr = resolveTarget(accelerator('xr-npe.qacc', 'xr_npe', ['size=4']));
    const xrCompiled = shapes.map((s) => compileGemm(xr, s, undefined, { timingOnly: true }));
    const xrInputs = { compiled: (i: number) => xrCompiled[i], cycles: (i: number) => runPlanTiming(xr, xrCompiled[i].plan).cycles, planCycles: (p: typeof chain.plan) => runPlanTiming(xr, p).cycles, enabled: true };
    expect(compileChain(xr, shapes, [undefined, undefined], { timingOnly: true })).toBe('kind');
    expect(transitionOverlaps(xr, layers, xrInputs).map((o) => [o.saved, o.refused])).toEqual([[0, 'kind'], [0, 'kind']]);
  });
});

describe('layer chains: both layers = golden on random pairs and forced schedules (simulator)', () => {
  const SMALL = ['rows=4', 'cols=4', 'fp16_rows=4', 'fp16_cols=4'];
  /** A small seeded generator (the test's own; any sequence will do). */
  const lcg = (seed: number): (() => number) => {
    let x = seed >>> 0;
    return () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  };
  for (const name of ['bitmod', 'fp16_baseline']) {
    it(`${name}: random shapes under every schedule the scheduler offers (resident panels, rings of loads ahead)`, () => {
      const t = resolveTarget(accelerator('bitmod.qacc', name, SMALL));
      const rnd = lcg(name.length);
      const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
      const forced = [{}, { resident: 'none' }, { resident: 'act' }, { resident: 'wgt' }, { resident: 'both' }, { ahead: 3 }, { ahead: 4 }] as const;
      let chained = 0;
      let early = 0;
      let honoured = 0;
      for (let i = 0; i < 14; i++) {
        const shapes = [0, 1].map(() => ({ m: int(1, 9), k: 64 * int(1, 40) + int(0, 1) * int(1, 63), n: int(1, 12) })) as [GemmShape, GemmShape];
        const ops = [randomOperands(t, shapes[0], 100 + i), randomOperands(t, shapes[1], 200 + i)] as const;
        const compile = (s: GemmShape, o: AnyOperands, f: (typeof forced)[number]): CompiledGemm | undefined => {
          try {
            return compileGemm(t, s, o, f);
          } catch {
            return undefined; // no such candidate for this shape
          }
        };
        const fa = compile(shapes[0], ops[0], forced[i % forced.length]);
        const fb = compile(shapes[1], ops[1], forced[(i * 3 + 1) % forced.length]);
        honoured += (fa && i % forced.length > 0 ? 1 : 0) + (fb && (i * 3 + 1) % forced.length > 0 ? 1 : 0);
        const a = fa ?? compileGemm(t, shapes[0], ops[0]);
        const b = fb ?? compileGemm(t, shapes[1], ops[1]);
        const chain = compileChain(t, shapes, ops, { compiled: [a, b] });
        if (typeof chain === 'string') throw new Error(`refused: ${chain}`);
        const dram = (chain.dram as Uint8Array).slice();
        new Machine(t, chain.program, dram, {}).run();
        const y = (at: number, s: GemmShape): number[] => [...unpackMatrix(dram, at, s.m, s.n, t.bits.out)];
        const want = (o: AnyOperands): number[] => [...goldenGemm(t.golden, o as GoldenOperands<GoldenConfig>).codes];
        expect(y(chain.layers[0].layout.y, shapes[0]), JSON.stringify(shapes)).toEqual(want(ops[0]));
        expect(y(chain.layers[1].layout.y, shapes[1]), JSON.stringify(shapes)).toEqual(want(ops[1]));
        chained++;
        early += chain.earlyLoads[0] > 0 ? 1 : 0;
      }
      // the cases reach what they say: forced schedules on both sides, and early loads
      expect([chained, honoured > 4, early > 4]).toEqual([14, true, true]);
    });
  }
});
