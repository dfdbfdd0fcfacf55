/**
 * The DMA protocol of docs/simulator.md "DRAM" against closed forms derived here, independently of the
 * simulator's event loop: n back-to-back loads of b beats each with k outstanding and latency L begin at
 * 2 + j·b + floor(j / k)·max(0, L + b − k·b) (the issue stage frees after the last beat; an outstanding slot
 * frees when the DMA k before retires, L cycles after the cycle after its last beat, so a group of k
 * costs max(k·b, b + L)), complete L cycles after their last beat and retire in order; a consumer sees each
 * token at its load's completion. With k = 1 this is the one-DMA-at-a-time machine of before.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveTarget } from '../../src/compile/index.js';
import { assemble } from '../../src/isa/index.js';
import { Machine } from '../../src/sim/index.js';
import { sourceAccelerators } from './helpers.js';

const BEAT = 32; // dram = 256 b/cycle

function target(latency: number, outstanding: number) {
  return resolveTarget(
    sourceAccelerators(`
pe p : mac { weights = int8; activations = int8; accumulator = int32; }
array arr { pe = p; rows = 8; cols = 4; }
buffer wb { size = 64 KiB; width = 256; banks = 8; role = weights; }
buffer ab { size = 64 KiB; width = 256; banks = 8; role = activations; }
accelerator acc { arrays = arr; buffers = [wb, ab]; clock = 1 GHz; dram = 256 b/cycle; dram_latency = ${latency} cycles; dram_outstanding = ${outstanding}; }
`)[0],
  );
}

function simulate(latency: number, outstanding: number, lines: string[]): number {
  const a = assemble(lines.join('\n'));
  expect(a.diagnostics).toEqual([]);
  return new Machine(target(latency, outstanding), a.instructions, new Uint8Array(1 << 16)).run().cycles;
}

/** Begin cycle of load j of back-to-back loads (dispatched at 1, 2, …; each b beats), k outstanding, latency L. */
function beginOf(j: number, b: number, k: number, L: number): number {
  return 2 + j * b + Math.floor(j / k) * Math.max(0, L + b - k * b);
}

const load = (rows: number, rowBytes: number, flags = ''): string => `load buf=act, dram_reg=a1, dram_off=0, buf_addr=0, rows=${rows}, row_bytes=${rowBytes}, dram_stride=${rowBytes}${flags}`;

describe('DMAs in flight: closed forms', () => {
  it('n back-to-back loads: the last completes L after its last beat, slots bound by the DMA k before', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 16 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 200 }), (n, rows, rowBytes, k, L) => {
        const b = rows * Math.ceil(rowBytes / BEAT);
        const lines = ['seti a1, 0', ...Array.from({ length: n }, () => load(rows, rowBytes)), 'halt'];
        expect(simulate(L, k, lines)).toBe(beginOf(n - 1, b, k, L) + b + L);
      }),
      { numRuns: 60 },
    );
  });

  it('a consumer sees each load token at that load\'s completion, in order', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 120 }), (n, rows, k, L) => {
        const b = rows; // 32-byte rows: one beat each
        // dispatch: seti 0, loads 1..n, csyncs n+1..2n, halt 2n+1; n ≤ 8 tokens never fill the L→C queue
        const lines = ['seti a1, 0', ...Array.from({ length: n }, () => load(rows, 32, ', push_next')), ...Array.from({ length: n }, () => 'csync pop_prev'), 'halt'];
        let cs = Number.NEGATIVE_INFINITY;
        for (let j = 0; j < n; j++) cs = Math.max(n + 2 + j, cs + 1, beginOf(j, b, k, L) + b + L);
        expect(simulate(L, k, lines)).toBe(Math.max(cs + 1, 2 * n + 2));
      }),
      { numRuns: 60 },
    );
  });

  it('a full token queue holds the oldest DMA, and the next retires one cycle after it (hand-derived)', () => {
    // L = 10, k = 8, one-beat loads with push_next dispatched at 1..10, 100 control instructions (one
    // dispatch cycle each, 11..110), then 10 csync pop_prev at 111..120 (start 112..121). Loads 0..7 begin
    // at 2..9 and retire at their completions 13..20, filling L→C (depth 8); load 8 starts when load 0
    // has retired (13), load 9 at 14: done 24 and 25. Load 8's push waits for the first pop (112): it
    // retires at 113 (89 cycles of token_queue_full); load 9, done long before, retires one cycle later at
    // 114, when the second pop (113) has made room again.
    const lines = ['seti a1, 0', ...Array.from({ length: 10 }, () => load(1, 32, ', push_next')), ...Array.from({ length: 100 }, () => 'seti a2, 0'), ...Array.from({ length: 10 }, () => 'csync pop_prev'), 'halt'];
    const a = assemble(lines.join('\n'));
    const m = new Machine(target(10, 8), a.instructions, new Uint8Array(1 << 16), { trace: true });
    const stats = m.run();
    const pushes = m.events.filter((e) => e.signal === 'tok_lc' && e.value === 1).map((e) => e.time);
    expect(pushes).toEqual([13, 14, 15, 16, 17, 18, 19, 20, 113, 114]);
    expect(stats.stalls.load.token_queue_full).toBe(89);
    expect(stats.cycles).toBe(122);
  });

  it('loads wait for an outstanding slot while a store takes the free port (hand-derived)', () => {
    // L = 100, k = 8, one-beat DMAs. Dispatch: seti 0, loads 1..10, store 11, csync pop_next 12,
    // csync pop_prev 13..22, halt 23. Loads 0..7 begin at 2..9 (done 103..110); load 8 waits for the slot
    // of load 0 (retired at 103); the store starts at 12 with the port free (begin 12, done 113, its
    // token at 113). Load 8 begins at 103 (done 204), load 9 at 104 (done 205). Compute: the pop_next
    // csync at 113, then the pop_prev csyncs at 114..121 for loads 0..7, then 204 and 205: end 206.
    const lines = [
      'seti a1, 0',
      ...Array.from({ length: 10 }, () => load(1, 32, ', push_next')),
      'store buf=out, dram_reg=a1, dram_off=4096, buf_addr=0, rows=1, row_bytes=32, dram_stride=32, push_prev',
      'csync pop_next',
      ...Array.from({ length: 10 }, () => 'csync pop_prev'),
      'halt',
    ];
    expect(simulate(100, 8, lines)).toBe(206);
    // One outstanding: load j starts when load j − 1 retires: done 103 + 101·j; the store still begins at
    // 12 (the port is idle between the loads' beats), its token at 113; the last csync pop_prev starts at
    // load 9's completion 103 + 101·9: end one cycle later.
    expect(simulate(100, 1, lines)).toBe(103 + 101 * 9 + 1);
  });
});
