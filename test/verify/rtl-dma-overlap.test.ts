/**
 * Several DMAs in flight, RTL = simulator (docs/simulator.md "DRAM"): the generated top (engine 'none')
 * with in-flight FIFOs of dram_outstanding = 1, 2, 3 and 8 entries and DRAM latencies of 1, 5, 64 and 200
 * cycles runs seeded random DMA / token / loop programs (program-gen.ts) under Verilator and leaves the
 * same DRAM image after the same number of cycles as src/sim, with identical per-cycle traces — including
 * pushes into full token queues while DMAs are in flight. More outstanding DMAs make the same programs
 * faster (so the overlap is exercised, not only allowed). Verilator is required.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { assemble, ISA } from '../../src/isa/index.js';
import { Machine } from '../../src/sim/index.js';
import type { Target } from '../../src/compile/target.js';
import { buildProgramSimulationAsync, firstTraceDivergence, runRtlProgram } from '../../src/verify/rtl/program-bench.js';
import { DRAM_BYTES, randomProgram } from './program-gen.js';
import { PROGRAM_TARGETS } from './program-targets.js';
import { prng } from './rtl-helpers.js';

const BASE = PROGRAM_TARGETS.tiny();
const CONFIGS: readonly [outstanding: number, latency: number][] = [
  [1, 64],
  [2, 1],
  [3, 5],
  [8, 200],
];
const SEEDS = [1, 2, 4];

function withMemory(outstanding: number, latency: number): Target {
  return { ...BASE.target, accelerator: { ...BASE.target.accelerator, dramOutstanding: outstanding, dramLatencyCycles: latency } };
}

function image(seed: number): Uint8Array {
  const rnd = prng(seed);
  return Uint8Array.from({ length: DRAM_BYTES }, () => Math.floor(rnd() * 256));
}

describe('DMA units with several DMAs in flight: RTL = simulator', () => {
  beforeAll(async () => {
    for (const [n, l] of CONFIGS) await buildProgramSimulationAsync(withMemory(n, l), BASE.options);
  }, 900_000);

  for (const [n, l] of CONFIGS) {
    it(`dram_outstanding = ${n}, dram_latency = ${l}: identical DRAM, cycles and per-cycle traces`, () => {
      const target = withMemory(n, l);
      const caps = { act: target.capacity.act, wgt: target.capacity.wgt, meta: target.capacity.meta, out: target.capacity.out };
      let tokenFull = 0;
      for (const seed of SEEDS) {
        const a = assemble(randomProgram(seed, caps, ISA.machine.tokenDepth));
        expect(a.diagnostics).toEqual([]);
        const dram = image(seed);
        const simDram = dram.slice();
        const machine = new Machine(target, a.instructions, simDram, { trace: true });
        const stats = machine.run();
        const r = runRtlProgram({ target, program: a.instructions, dram, trace: true, ...BASE.options, cycleLimit: 1_000_000 });
        expect({ seed, trap: r.trapCode, limit: r.limitReached, cycles: r.cycles }).toEqual({ seed, trap: 0, limit: false, cycles: stats.cycles });
        expect({ seed, same: r.dram.every((b, i) => b === simDram[i]) }).toEqual({ seed, same: true });
        expect({ seed, divergence: firstTraceDivergence(machine.events, r.trace ?? []) }).toEqual({ seed, divergence: undefined });
        tokenFull += stats.stalls.load.token_queue_full + stats.stalls.store.token_queue_full;
        if (n > 1) {
          const one = new Machine(withMemory(1, l), a.instructions, dram.slice()).run();
          expect(stats.cycles, `seed ${seed}: ${n} in flight vs 1`).toBeLessThan(one.cycles);
        }
      }
      expect(tokenFull).toBeGreaterThan(0);
    }, 300_000);
  }
});
