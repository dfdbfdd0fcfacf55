/**
 * The K split of bit_serial_mod programs (issue 13, docs/scheduler.md "K split"): chunks of whole k tiles,
 * each a pass over every output tile, whose fp32 partial sums leave through acc_spill and a store and come
 * back through a load and acc_fill. The oracle is the golden GEMM over the whole operands (it never sees
 * chunks, tiles or the program); both datapaths (qacc's, the authors' RTL), K ragged at its last group, N
 * ragged at its last tile. The timing models agree with the machine: the fast timing walk and the
 * estimate's plan walk give the machine's cycles.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileGemm, ISA_LIMITS, randomOperands, resolveTarget, type Target } from '../../../src/compile/index.js';
import { unpackMatrix } from '../../../src/compile/pack.js';
import { rankedSchedules, splitChunks } from '../../../src/compile/schedule/choose.js';
import { planCycles } from '../../../src/estimate/plan-timing.js';
import { goldenGemm, type GoldenConfig, type GoldenOperands } from '../../../src/golden/index.js';
import { compileFile } from '../../../src/ir/elaborate.js';
import { Machine } from '../../../src/sim/index.js';
import { runPlanTiming } from '../../../src/sim/fast-timing.js';
import { checkLoops, createInstruction, decodeInstruction, encodeInstruction } from '../../../src/isa/index.js';
import { runCli } from '../../cli/fake-io.js';
import { exampleAccelerators, ROOT } from '../../sim/helpers.js';

/**
 * The example's BitMoD accelerators on a 4 × 4 array (bitmod: tile_m = 2 · cols = 8 tokens; bitmod_authors:
 * one pass, 4), the act space cut to three k tiles of 128 fp16 elements of a full m tile (6 KiB, 3 KiB): the
 * panel of K ≥ 4 k tiles misses it.
 */
function targets(): Target[] {
  const path = resolve(ROOT, 'examples/bitmod.qacc');
  const c = compileFile(path, { readFile: (p) => (p === path ? readFileSync(p, 'utf8') : undefined) }, { overrides: ['rows=4', 'cols=4'] });
  if (!c.design) throw new Error(c.diagnostics.map((d) => d.message).join('; '));
  return c.design.accelerators
    .filter((a) => a.arrays[0].pe.kind === 'bit_serial_mod')
    .map((a) => resolveTarget(a))
    .map((t) => ({ ...t, capacity: { ...t.capacity, act: 3 * 256 * t.tilePassesM * t.array.cols } }));
}

/** Compiles with `kChunks` chunks, runs the program on the machine, and returns the outputs beside golden's, and the cycles of the three timing models. */
function run(t: Target, shape: { m: number; k: number; n: number }, kChunks: number, seed: number) {
  const ops = randomOperands(t, shape, seed);
  const c = compileGemm(t, shape, ops, { kChunks });
  const dram = c.dram as Uint8Array;
  const stats = new Machine(t, c.program, dram).run();
  const got = [...unpackMatrix(dram, c.layout.y, shape.m, shape.n, t.bits.out)];
  const want = [...goldenGemm(t.golden, ops as GoldenOperands<GoldenConfig>).codes];
  return { c, got, want, cycles: stats.cycles, fast: runPlanTiming(t, c.plan).cycles, estimate: planCycles(t, c.plan) };
}

describe('bit_serial_mod K split', () => {
  const all = targets();

  it('covers both datapaths', () => {
    expect(all.map((t) => (t.golden.kind === 'bit_serial_mod' ? (t.golden.datapath ?? 'qacc') : '')).sort()).toEqual(['bitmod_rtl', 'qacc']);
  });

  for (const t of all) {
    const name = t.golden.kind === 'bit_serial_mod' ? (t.golden.datapath ?? 'qacc') : '';
    for (const [shape, chunks] of [
      [{ m: 16, k: 680, n: 10 }, 2],
      [{ m: 16, k: 680, n: 10 }, 3],
      [{ m: 13, k: 808, n: 6 }, 3],
    ] as const) {
      it(`${name}: ${shape.m}×${shape.k}×${shape.n} in ${chunks} chunks = golden, and every timing model agrees`, () => {
        const r = run(t, shape, chunks, 7 + chunks);
        expect(splitChunks(r.c.schedule).chunks).toBe(chunks);
        expect(r.c.layout.psum).toBeGreaterThanOrEqual(0);
        // every partial sum goes out and comes back once per chunk boundary
        const count = (kind: string): number => r.c.program.filter((i) => i.kind === kind).length;
        expect(count('acc_spill')).toBeGreaterThan(0);
        expect(count('acc_fill')).toBeGreaterThan(0);
        // valid, encodable ISA: acc_spill / acc_fill round-trip through their encodings like every instruction
        expect(checkLoops(r.c.program)).toEqual([]);
        for (const inst of r.c.program) expect(decodeInstruction(encodeInstruction(inst))).toEqual(inst);
        expect(r.got).toEqual(r.want);
        expect(r.fast).toBe(r.cycles);
        expect(r.estimate).toBe(r.cycles);
      });
    }
  }

  it('unsplit and split programs compute the same outputs', () => {
    const t = all[0];
    const shape = { m: 16, k: 680, n: 10 };
    const one = run(t, shape, 1, 3);
    expect(one.c.layout.psum).toBe(-1);
    expect(run(t, shape, 2, 3).got).toEqual(one.got);
  });

  it('the scheduler offers splits only where the full activation panel misses the act space', () => {
    const t = all[0];
    const split = (k: number): number[] => rankedSchedules(t, { m: 16, k, n: 10 }, ISA_LIMITS).map((s) => splitChunks(s).chunks);
    // K = 384: an 8-token panel of 3 k tiles (6 KiB) fits: no split candidates
    expect(split(384).every((c) => c === 1)).toBe(true);
    expect(split(680).some((c) => c > 1)).toBe(true);
  });

  it('other kinds refuse acc_spill and acc_fill (their entries are no 32-bit word that continues the chain)', () => {
    for (const file of ['xr-npe', 'svdquant']) {
      const t = resolveTarget(exampleAccelerators(file)[0]);
      for (const op of [createInstruction('acc_spill', { acc: 0, out: 0 }), createInstruction('acc_fill', { acc: 0, meta: 0 })]) {
        const program = [createInstruction('settile', { m: 1, n: 1, k: 8 }), op, createInstruction('halt', {})];
        expect(() => new Machine(t, program, new Uint8Array(64)).run()).toThrow(`${op.kind} cannot run on ${t.golden.kind} PEs`);
        expect(() => new Machine(t, program, undefined, { timingOnly: true }).run()).toThrow(`${op.kind} cannot run on ${t.golden.kind} PEs`);
      }
    }
  });

  it('a split forced where the full panel fits (the example design on a 4 × 4 array, 512 KiB buffers) = golden', () => {
    const path = resolve(ROOT, 'examples/bitmod.qacc');
    const c = compileFile(path, { readFile: (p) => (p === path ? readFileSync(p, 'utf8') : undefined) }, { overrides: ['rows=4', 'cols=4'] });
    const t = resolveTarget(c.design!.accelerators[0]);
    const shape = { m: 16, k: 680, n: 10 };
    expect(rankedSchedules(t, shape, ISA_LIMITS).every((s) => splitChunks(s).chunks === 1)).toBe(true);
    const r = run(t, shape, 2, 5);
    expect(splitChunks(r.c.schedule).chunks).toBe(2);
    expect(r.got).toEqual(r.want);
    expect(r.estimate).toBe(r.cycles);
  });

  it('qacc sim shows the choice: --json layers[].schedule.k_chunks, --explain names the split; qacc estimate = sim', async () => {
    // a Llama-2-7B `down`-like GEMM on the example: a 64-token panel of K = 11,008 (1.4 MB) misses the act space
    const args = [resolve(ROOT, 'examples/bitmod.qacc'), '-w', 'gemm:m=64,k=11008,n=256'];
    const json = await runCli(['sim', ...args, '--timing-only', '--json']);
    expect(json.code).toBe(0);
    const sim = JSON.parse(json.stdout) as { cycles: number; layers: { schedule: { k_chunks: number; tiling: { mt: number } } }[] };
    expect(sim.layers[0].schedule.k_chunks).toBe(3);
    expect(sim.layers[0].schedule.tiling.mt).toBe(64);
    const explain = await runCli(['sim', ...args, '--timing-only', '--explain']);
    expect(explain.stdout).toContain('activation panel resident across the inner tiles, K split in 3 chunks (fp32 partial sums through DRAM)');
    const estimate = await runCli(['estimate', ...args, '--json']);
    expect((JSON.parse(estimate.stdout) as { cycles: number }).cycles).toBe(sim.cycles);
  });
});
