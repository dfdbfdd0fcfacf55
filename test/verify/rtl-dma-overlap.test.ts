/**
 * Several DMAs in flight, RTL = simulator (docs/simulator.md "DRAM"): the generated top (engine 'none')
 * with in-flight FIFOs of dram_outstanding = 1, 2, 3 and 8 entries and DRAM latencies of 1, 5, 64 and 200
 * cycles runs seeded random DMA / token / loop programs (program-gen.ts) under Verilator and leaves the
 * same DRAM image after the same number of cycles as src/sim, with identical per-cycle traces — including
 * pushes into full token queues while DMAs are in flight. More outstanding DMAs make the same programs
 * faster (so the overlap is exercised, not only allowed); a directed program holds the oldest of several
 * DMAs in flight on a full token queue. Verilator is required.
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
/** The directed case's memory: 8 in flight, 10 cycles. */
const DIRECTED: readonly [number, number] = [8, 10];

function withMemory(outstanding: number, latency: number): Target {
  return { ...BASE.target, accelerator: { ...BASE.target.accelerator, dramOutstanding: outstanding, dramLatencyCycles: latency } };
}

function image(seed: number): Uint8Array {
  const rnd = prng(seed);
  return Uint8Array.from({ length: DRAM_BYTES }, () => Math.floor(rnd() * 256));
}

describe('DMA units with several DMAs in flight: RTL = simulator', () => {
  beforeAll(async () => {
    for (const [n, l] of [...CONFIGS, DIRECTED]) await buildProgramSimulationAsync(withMemory(n, l), BASE.options);
  }, 900_000);

  it('a full token queue holds the oldest of several DMAs in flight; the next retires one cycle later', () => {
    // test/sim/dma-overlap.test.ts derives this program's token times by hand (pushes at 13..20, 113, 114)
    const load = 'load buf=act, dram_reg=a1, dram_off=0, buf_addr=0, rows=1, row_bytes=16, dram_stride=16, push_next';
    const a = assemble(['seti a1, 0', ...Array.from({ length: 10 }, () => load), ...Array.from({ length: 100 }, () => 'seti a2, 0'), ...Array.from({ length: 10 }, () => 'csync pop_prev'), 'halt'].join('\n'));
    expect(a.diagnostics).toEqual([]);
    const target = withMemory(...DIRECTED);
    const dram = image(7);
    const machine = new Machine(target, a.instructions, dram.slice(), { trace: true });
    const stats = machine.run();
    expect(machine.events.filter((e) => e.signal === 'tok_lc' && e.value === 1).map((e) => e.time)).toEqual([13, 14, 15, 16, 17, 18, 19, 20, 113, 114]);
    const r = runRtlProgram({ target, program: a.instructions, dram, trace: true, ...BASE.options, cycleLimit: 100_000 });
    expect({ trap: r.trapCode, cycles: r.cycles }).toEqual({ trap: 0, cycles: stats.cycles });
    expect(firstTraceDivergence(machine.events, r.trace ?? [])).toBeUndefined();
  });

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
