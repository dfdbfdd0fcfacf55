/**
 * Layer chains at program level (issue 13, "double buffering across layers"; src/compile/chain.ts): one
 * program for two GEMMs A → B on BitMoD (2 × 2 array), B's first loads handed A's free slots by the token
 * queues and partly issued while A's last tile computes. The same program on the simulator and on the
 * generated RTL (no RTL change: the chain uses only lsync / csync tokens the controller already has): both
 * layers' outputs equal the golden GEMM of their own operands, sim = RTL cycles and per-cycle traces; also
 * for layers whose K is split (partial sums through DRAM, acc_spill / acc_fill) on either side.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileChain } from '../../src/compile/chain.js';
import { compileGemm, randomOperands, type AnyOperands, type CompiledGemm } from '../../src/compile/index.js';
import { splitChunks } from '../../src/compile/schedule/choose.js';
import { unpackMatrix } from '../../src/compile/pack.js';
import { resolveTarget, type Target } from '../../src/compile/target.js';
import type { GemmShape } from '../../src/compile/workload.js';
import { goldenGemm, type GoldenConfig, type GoldenOperands } from '../../src/golden/index.js';
import { compileFile } from '../../src/ir/elaborate.js';
import type { Instruction } from '../../src/isa/index.js';
import { Machine } from '../../src/sim/index.js';
import { buildProgramSimulationAsync, firstTraceDivergence, runRtlProgram } from '../../src/verify/rtl/program-bench.js';
import { ROOT } from './orchestration-helpers.js';

const SETS = ['rows=2', 'cols=2', 'banks=1', 'fp16_rows=2', 'fp16_cols=2'];

/** An accelerator of examples/bitmod.qacc on a 2 × 2 array. */
function target(name: string): Target {
  const file = resolve(ROOT, 'examples/bitmod.qacc');
  const c = compileFile(file, { readFile: (p) => readFileSync(p, 'utf8') }, { overrides: SETS });
  const accel = c.design?.accelerators.find((a) => a.name === name);
  expect(accel).toBeDefined();
  return resolveTarget(accel!);
}

/**
 * Runs the chain of the layers (compiled alone as given, else by compileChain) on the simulator and the RTL:
 * every layer's outputs = golden, sim = RTL cycles and traces; returns its early loads (all boundaries) and
 * the loads the hand-over split in two.
 */
async function expectChainAgreement(t: Target, shapes: readonly GemmShape[], ops: readonly AnyOperands[], compiled?: readonly CompiledGemm[]): Promise<{ early: number; splits: number }> {
  const chain = compileChain(t, shapes, ops, compiled ? { compiled } : {});
  if (typeof chain === 'string') throw new Error(`chain refused: ${chain}`);
  // the hand-over is in the program: no halt between the layers, the load queue's extra token pops
  expect(chain.program.filter((i) => i.kind === 'halt').length).toBe(1);
  expect(chain.program.some((i) => i.kind === 'lsync' && i.pop_next && !i.push_next)).toBe(true);
  const dram = chain.dram as Uint8Array;
  const simDram = dram.slice();
  const machine = new Machine(t, chain.program, simDram, { trace: true });
  const stats = machine.run();
  await buildProgramSimulationAsync(t);
  const r = runRtlProgram({ target: t, program: chain.program, dram, trace: true, cycleLimit: 1_000_000 });
  expect({ trap: r.trapCode, limit: r.limitReached }).toEqual({ trap: 0, limit: false });
  const want = (o: AnyOperands): number[] => [...goldenGemm(t.golden, o as GoldenOperands<GoldenConfig>).codes];
  const y = (img: Uint8Array, at: number, shape: GemmShape): number[] => [...unpackMatrix(img, at, shape.m, shape.n, t.bits.out)];
  for (const img of [simDram, r.dram]) shapes.forEach((shape, i) => expect(y(img, chain.layers[i].layout.y, shape), `layer ${i}`).toEqual(want(ops[i])));
  expect(r.cycles).toBe(stats.cycles);
  expect(firstTraceDivergence(machine.events, r.trace ?? [])).toBeUndefined();
  const loads = (p: readonly Instruction[]): number => p.filter((i) => i.kind === 'load').length;
  const splits = loads(chain.program) - chain.layers.reduce((n, l) => n + loads(l.compiled.program), 0);
  return { early: chain.earlyLoads.reduce((x, y) => x + y, 0), splits };
}

describe('layer chains on the RTL (Verilator)', () => {
  // [A, B]: a decode-like pair (one token, resident activation panels, B's weights early), shapes that differ
  // (B streamed after A's resident panel), three k steps per tile streamed (B's first step in slot 1, the
  // one A's last step leaves)
  const pairs: readonly (readonly [GemmShape, GemmShape])[] = [
    [{ m: 1, k: 512, n: 8 }, { m: 1, k: 512, n: 8 }],
    [{ m: 3, k: 256, n: 5 }, { m: 2, k: 384, n: 3 }],
    [{ m: 4, k: 3000, n: 5 }, { m: 1, k: 6000, n: 2 }],
    [{ m: 1, k: 20000, n: 2 }, { m: 1, k: 20000, n: 2 }],
    // A's one tile of three k steps reads its meta block (loaded by its first step) up to its last step
    // (chainSpaces: meta), B's tile likewise
    [{ m: 1, k: 20000, n: 2 }, { m: 1, k: 16000, n: 2 }],
    // B's weight slot larger than A's (Llama decode's up → down): its first rows go early, the rest late
    [{ m: 1, k: 2048, n: 4 }, { m: 1, k: 4096, n: 4 }],
  ];
  // bitmod (bit_serial_mod) and fp16_baseline (mac), the kinds that chain (CompileFacet.chainSpaces)
  it.each(['bitmod', 'fp16_baseline'])('%s: A → B and a chain of three as one program: every output = golden, sim = RTL cycles and traces', async (name) => {
    const t = target(name);
    await buildProgramSimulationAsync(t);
    let early = 0;
    let splits = 0;
    for (const [a, b] of pairs) {
      const ops = [randomOperands(t, a, 7), randomOperands(t, b, 8)] as const;
      const r = await expectChainAgreement(t, [a, b], ops);
      early += r.early;
      splits += r.splits;
    }
    // the overlap path itself ran: some of B's first loads went before A's last step was done, some split
    expect([early > 0, splits > 0]).toEqual([true, true]);
    // three layers in one program: hand-overs at both boundaries
    const three = [pairs[0][0], pairs[1][1], pairs[2][0]];
    expect((await expectChainAgreement(t, three, three.map((s, i) => randomOperands(t, s, 20 + i)))).early).toBeGreaterThan(0);
  }, 900_000);

  it('bitmod: chains of K split layers (fp32 partial sums through DRAM, forced into 1–3 chunks)', async () => {
    const t = target('bitmod');
    const cases = [
      [{ m: 4, k: 1500, n: 3 }, { m: 3, k: 1100, n: 3 }, 3, 2],
      [{ m: 1, k: 512, n: 8 }, { m: 4, k: 1500, n: 3 }, 1, 3],
    ] as const;
    for (const [a, b, ka, kb] of cases) {
      const ops = [randomOperands(t, a, 9), randomOperands(t, b, 10)] as const;
      const compiled = [compileGemm(t, a, ops[0], { kChunks: ka }), compileGemm(t, b, ops[1], { kChunks: kb })] as const;
      expect(compiled.map((c) => splitChunks(c.schedule).chunks)).toEqual([ka, kb]);
      expect((await expectChainAgreement(t, [a, b], ops, compiled)).early).toBeGreaterThan(0);
    }
  }, 900_000);
});
