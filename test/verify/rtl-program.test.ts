/**
 * Program-level RTL against the simulator: the generated accelerator top (src/codegen/verilog/top.ts) runs
 * seeded random DMA / token / loop / configuration programs (program-gen.ts, valid and deadlock-free by
 * construction) under Verilator, and must leave the same DRAM image after the same number of cycles as
 * src/sim, with identical per-cycle trace points. Also: a corrupted trace is reported at the right cycle
 * and signal, and the traps of docs/array-rtl.md are raised with their codes. Compiled GEMMs on the tile
 * engines run end to end through qacc verify (orchestration-program.test.ts).
 * Verilator is required (a missing tool fails with the install command). The top is built without its
 * tile engine here (engine 'none'), so these checks do not depend on an engine's build.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { assemble, createInstruction, ISA, type Instruction } from '../../src/isa/index.js';
import { Machine, type TraceEvent } from '../../src/sim/index.js';
import { firstTraceDivergence, runRtlProgram } from '../../src/verify/rtl/program-bench.js';
import { DRAM_BYTES, randomProgram } from './program-gen.js';
import { prebuild, PROGRAM_TARGETS } from './program-targets.js';
import { prng } from './rtl-helpers.js';

const { target, options: TOP } = PROGRAM_TARGETS.tiny();
const IMEM = TOP.imemWords ?? 0;

function asm(text: string): readonly Instruction[] {
  const a = assemble(text);
  expect(a.diagnostics.map((d) => d.message)).toEqual([]);
  return a.instructions;
}

function image(seed: number): Uint8Array {
  const rnd = prng(seed);
  return Uint8Array.from({ length: DRAM_BYTES }, () => Math.floor(rnd() * 256));
}

function firstDifference(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

function rtl(program: readonly Instruction[], dram: Uint8Array, trace = false) {
  return runRtlProgram({ target, program, dram, trace, ...TOP, cycleLimit: 1_000_000 });
}

describe('program-level RTL = simulator on DMA / sync / loop / configuration programs', () => {
  beforeAll(() => prebuild('tiny'), 600_000);

  it('seeded random programs: identical DRAM, cycles and per-cycle traces', () => {
    const caps = { act: target.capacity.act, wgt: target.capacity.wgt, meta: target.capacity.meta, out: target.capacity.out };
    expect(caps.out).toBeGreaterThanOrEqual(1024);
    const totals = { tokenFull: 0, port: 0, loops: 0, instructions: 0 };
    let queueFull = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const text = randomProgram(seed, caps, ISA.machine.tokenDepth);
      const program = asm(text);
      expect(program.length).toBeLessThanOrEqual(IMEM);
      const dram = image(seed);
      const simDram = dram.slice();
      const machine = new Machine(target, program, simDram, { trace: true });
      const stats = machine.run();
      const r = rtl(program, dram, true);
      expect({ seed, trap: r.trapCode, limit: r.limitReached, cycles: r.cycles }).toEqual({ seed, trap: 0, limit: false, cycles: stats.cycles });
      expect({ seed, firstDramDifference: firstDifference(r.dram, simDram) }).toEqual({ seed, firstDramDifference: -1 });
      expect({ seed, divergence: firstTraceDivergence(machine.events, r.trace ?? []) }).toEqual({ seed, divergence: undefined });
      // what the set exercises (so a weaker generator cannot pass silently)
      for (const q of ['load', 'compute', 'store'] as const) {
        totals.tokenFull += stats.stalls[q].token_queue_full;
        totals.port += stats.stalls[q].dram_port;
      }
      totals.loops += program.filter((i) => i.kind === 'loop').length;
      totals.instructions += stats.instructions;
      // dispatch stalled on a full queue: an instruction dispatched later than one cycle after its predecessor
      const dispatches = machine.events.filter((e) => e.signal === 'dispatch_pc').map((e) => e.time);
      if (dispatches.some((t, i) => i > 0 && t > dispatches[i - 1] + 1)) queueFull++;
    }
    expect(totals.tokenFull).toBeGreaterThan(0);
    expect(totals.port).toBeGreaterThan(0);
    expect(totals.loops).toBeGreaterThan(0);
    expect(queueFull).toBeGreaterThan(0);
  }, 300_000);

  it('firstTraceDivergence names the first differing cycle and signal of a corrupted trace', () => {
    const program = asm(randomProgram(3, { act: target.capacity.act, wgt: target.capacity.wgt, meta: target.capacity.meta, out: target.capacity.out }, ISA.machine.tokenDepth));
    const dram = image(3);
    const machine = new Machine(target, program, dram.slice(), { trace: true });
    machine.run();
    const r = rtl(program, dram, true);
    const events = [...(r.trace ?? [])];
    expect(firstTraceDivergence(machine.events, events)).toBeUndefined();
    // flip one store_busy change in the middle: the divergence is exactly there
    const busy = events.map((e, i) => ({ e, i })).filter(({ e }) => e.signal === 'store_busy');
    const { e, i } = busy[Math.floor(busy.length / 2)];
    const flipped: TraceEvent[] = events.map((x, j) => (j === i ? { ...x, value: 1 - x.value } : x));
    expect(firstTraceDivergence(machine.events, flipped)).toEqual({ cycle: e.time, signal: 'store_busy', sim: e.value, rtl: 1 - e.value });
    // a token push one cycle late: the counter differs in the push cycle
    const push = events.map((x, j) => ({ x, j })).filter(({ x }) => x.signal === 'tok_lc' && x.value === 1)[2];
    const late = events.map((x, j) => (j === push.j ? { ...x, time: x.time + 1 } : x));
    const d = firstTraceDivergence(machine.events, late);
    expect(d?.cycle).toBe(push.x.time);
    expect(d?.signal).toBe('tok_lc');
    expect((d?.sim ?? 0) - (d?.rtl ?? 0)).toBe(1);
  }, 300_000);

  it('raises the documented traps with their codes', () => {
    const dram = image(9);
    const store = rtl(asm('seti a1, 64\nstore buf=act, dram_reg=a1, dram_off=0, buf_addr=0, rows=1, row_bytes=8, dram_stride=8\nhalt'), dram);
    expect(store.trapCode).toBe(5);
    const range = rtl(asm(`load buf=wgt, dram_reg=a0, dram_off=0, buf_addr=${target.capacity.wgt - 4}, rows=1, row_bytes=8, dram_stride=8\nhalt`), dram);
    expect(range.trapCode).toBe(4);
    // loops nested one deeper than the stack (the assembler refuses this; built directly)
    const depth = ISA.machine.loopDepth + 1;
    const nested: Instruction[] = [...Array.from({ length: depth }, (_, i) => createInstruction('loop', { count: 2, body: depth - i })), createInstruction('csync', {}), createInstruction('halt', {})];
    expect(rtl(nested, dram).trapCode).toBe(2);
    // the none engine: a tile instruction traps with the engine's code 1, reported as 0x81
    const tile = rtl(asm('settile m=1, n=1, k=8\nmac_tile act=0, wgt=0, acc=0, clear\nhalt'), dram);
    expect(tile.trapCode).toBe(0x81);
    // the DRAM is untouched by a run that trapped before any store
    expect(firstDifference(tile.dram, dram)).toBe(-1);
  }, 300_000);
});
