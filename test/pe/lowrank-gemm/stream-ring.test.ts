/**
 * lowrank_gemm's streamed schedules with a longer input ring (schedule/choose.ts STREAM_RINGS): a multi-pass
 * step's DMA latency and port time can exceed its compute, which two slots cannot hide, so the scheduler also
 * offers rings of 3 and 4 slots per streamed space (the loads run that many steps ahead). The program then
 * uses the slots in turn, keeps the code panel above the ring and U in two tile-parity slots above the lrw
 * ring, and the simulator still computes the golden GEMM, with runtime and offline activations. On these
 * small compute-bound shapes two slots are as fast (the cost model, which prices qact and lr_down since
 * svdq3, picks them), so the ring is forced (CompileOptions.ahead).
 * (The RTL runs such a program in qact-runtime.test.ts's qacc verify case.)
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileFile } from '../../../src/ir/elaborate.js';
import { compileGemm } from '../../../src/compile/program.js';
import { flattenPlan } from '../../../src/compile/plan.js';
import { resolveTarget, type Target } from '../../../src/compile/target.js';
import type { Instruction } from '../../../src/isa/index.js';
import { randomOperands } from '../../../src/compile/operands.js';
import { unpackMatrix } from '../../../src/compile/pack.js';
import { goldenGemm, type GoldenConfig, type GoldenOperands } from '../../../src/golden/index.js';
import { Machine } from '../../../src/sim/index.js';
import { ROOT } from '../../sim/helpers.js';

const EXAMPLE = resolve(ROOT, 'examples', 'svdquant.qacc');
/** The example shrunk as qact-runtime.test.ts's verify case (2 × 2 arrays, multi-pass tiles of the declared 256 × 128). */
const SETS = ['rows=2', 'cols=2', 'lanes=8', 'rank=16', 'banks=1'];

function target(name: string, mode: 'runtime' | 'offline'): Target {
  const host = { readFile: (p: string) => (p === EXAMPLE ? readFileSync(p, 'utf8').replace(/activation_quant = \w+;/gu, `activation_quant = ${mode};`) : undefined) };
  const accel = compileFile(EXAMPLE, host, { overrides: SETS }).design?.accelerators.find((a) => a.name === name);
  if (!accel) throw new Error(`no ${name}`);
  return resolveTarget(accel);
}

type Load = Extract<Instruction, { kind: 'load' }>;

describe('lowrank_gemm streamed ring of more than two slots', () => {
  // shapes with a ring candidate: 3 k steps on a ring of 3, and 4 k steps of two n tiles on a ring of 4 (the
  // code panel above it, reused by the second n tile)
  const cases = [
    { shape: { m: 4, k: 192, n: 6 }, ring: 3 },
    { shape: { m: 3, k: 200, n: 130 }, ring: 4 },
  ];
  for (const name of ['svdquant_w4a4', 'svdquant_nvfp4']) {
    for (const mode of ['runtime', 'offline'] as const) {
      for (const { shape, ring } of cases) {
        it(`${name} (${mode}) ${shape.m}×${shape.k}×${shape.n}: a ring of ${ring}, slots in turn, simulator = golden`, () => {
          const t = target(name, mode);
          const ops = randomOperands(t, shape, 7);
          const g = compileGemm(t, shape, ops, { ahead: ring });
          expect([g.schedule.resident, g.schedule.ahead, g.slots.ring]).toEqual(['none', ring, ring]);
          expect(g.tiling.kTiles % ring).toBe(0);
          const program = flattenPlan(g.straightPlan);
          // the program starts with `ring` free slot tokens
          expect(program.filter((i) => i.kind === 'csync' && i.push_prev).length).toBe(ring);
          // every step loads its weights, into slots 0, 1, …, ring − 1 in turn
          const wgt = program.filter((i): i is Load => i.kind === 'load' && i.buf === 'wgt').map((l) => l.buf_addr / g.slots.wgtSlot);
          expect(wgt.length).toBe(g.tiling.mTiles * g.tiling.nTiles * g.tiling.kTiles);
          expect(wgt).toEqual(wgt.map((_, j) => j % ring));
          // U lies above the lrw ring, in the slot of the tile's parity
          const ups = program.filter((i): i is Load => i.kind === 'load' && i.buf === 'lrw' && i.buf_addr >= ring * g.slots.lrwSlot);
          expect(ups.length).toBe(g.tiling.mTiles * g.tiling.nTiles);
          expect(ups.map((l) => l.buf_addr)).toEqual(ups.map((_, j) => ring * g.slots.lrwSlot + (j % 2) * (g.slots.lrwTileSlot ?? -1)));
          new Machine(t, g.program, g.dram).run();
          const got = unpackMatrix(g.dram as Uint8Array, g.layout.y, shape.m, shape.n, t.bits.out);
          expect(Array.from(got)).toEqual(Array.from(goldenGemm(t.golden, ops as GoldenOperands<GoldenConfig>).codes));
        });
      }
    }
  }
});
