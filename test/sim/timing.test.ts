/**
 * Cycle counts equal closed forms derived here from the documented timing rules (src/sim/timing.ts,
 * machine.ts): one instruction dispatched per cycle, an instruction starts the cycle after its dispatch
 * at the earliest, a DMA of `rows` rows holds the DRAM port rows · ceil(row_bytes / beat bytes) cycles (one
 * burst per row) and completes 64 cycles after its last beat, one DMA per queue in flight (the designs here
 * declare dram_outstanding = 1: the machine before issue 13; dma-overlap.test.ts covers more), a push into a
 * full token queue lands one cycle after the consumer's pop, a mac tile takes its operand fetch (rows · ceil(row bytes / port
 * bytes), activations and weights in parallel) + ceil(k / lanes) + pipeline depth + 2 cycles, a mac
 * writeback one token per ceil(n · 4 / out port bytes) cycles + 2, configuration 1. Programs are written in
 * assembly here.
 */
import { describe, expect, it } from 'vitest';
import { resolveTarget } from '../../src/compile/index.js';
import { assemble } from '../../src/isa/index.js';
import { Machine } from '../../src/sim/index.js';
import { sourceAccelerators } from './helpers.js';

const DESIGN = (dram: number): string => `
pe p : mac { weights = int8; activations = int8; accumulator = int32; }
array arr { pe = p; rows = 8; cols = 4; }
buffer wb { size = 64 KiB; width = 256; banks = 8; role = weights; }
buffer ab { size = 64 KiB; width = 256; banks = 8; role = activations; }
accelerator acc { arrays = arr; buffers = [wb, ab]; clock = 1 GHz; dram = ${dram} b/cycle; dram_outstanding = 1; }
`;

const LATENCY = 64;

function target(dram: number) {
  return resolveTarget(sourceAccelerators(DESIGN(dram))[0]);
}

function simulate(dram: number, text: string): number {
  const a = assemble(text);
  expect(a.diagnostics).toEqual([]);
  return new Machine(target(dram), a.instructions, new Uint8Array(1 << 16)).run().cycles;
}

describe('closed-form cycle counts', () => {
  const t = target(256);
  const S = t.pe.kind === 'mac' ? t.pe.pipelineStages : NaN;
  const lanes = t.pe.kind === 'mac' ? t.pe.lanes : NaN;
  const ports = t.portBytes; // banks · width / 8 = 256 bytes for act, wgt (and out, which lies in the act buffer)
  /** int8 mac_tile: fetch (one read per port-width piece of each row, act and wgt in parallel), steps, S, 2. */
  const macTile = (m: number, n: number, k: number): number => Math.max(m * Math.ceil(k / ports.act), n * Math.ceil(k / ports.wgt)) + Math.ceil(k / lanes) + S + 2;

  it('one tile: load, load, mac_tile, writeback, store', () => {
    const prog = `
      setfmt act=int8, wgt=int8, acc=int32, out=int32
      settile m=4, n=8, k=64
      seti a1, 0
      load buf=act, dram_reg=a1, dram_off=0, buf_addr=0, rows=4, row_bytes=64, dram_stride=64
      load buf=wgt, dram_reg=a1, dram_off=256, buf_addr=0, rows=8, row_bytes=64, dram_stride=64, push_next
      mac_tile act=0, wgt=0, acc=0, clear, pop_prev
      writeback acc=0, out=0, push_next
      store buf=out, dram_reg=a1, dram_off=1024, buf_addr=0, rows=4, row_bytes=32, dram_stride=32, pop_prev
      halt`;
    // Dispatch cycles: setfmt 0, settile 1, seti 2, load 3, load 4, mac_tile 5, writeback 6, store 7.
    const port = (rows: number, rowBytes: number): number => rows * Math.ceil(rowBytes / (256 / 8)); // 32-byte beats
    const load1Done = 4 + port(4, 64) + LATENCY; // starts at dispatch 3 + 1
    const load2Done = load1Done + port(8, 64) + LATENCY; // one DMA in flight per queue
    expect([ports.act, ports.wgt, ports.out]).toEqual([256, 256, 256]);
    const tileDone = load2Done + macTile(4, 8, 64); // settile long done
    const wbDone = tileDone + 4 * Math.ceil((8 * 4) / ports.out) + 2; // one token (8 int32 outputs) per write
    const storeDone = wbDone + port(4, 32) + LATENCY;
    expect(simulate(256, prog)).toBe(storeDone);
  });

  /** N double-buffered steps: two loads (token-ordered) and one tile per step. */
  function pipeline(steps: number, k: number): string {
    const lines = ['setfmt act=int8, wgt=int8, acc=int32, out=int32', `settile m=4, n=8, k=${k}`, 'csync push_prev', 'csync push_prev', 'seti a1, 0'];
    for (let s = 0; s < steps; s++) {
      const slot = (s % 2) * 8 * k;
      lines.push(`load buf=act, dram_reg=a1, dram_off=0, buf_addr=${slot}, rows=4, row_bytes=${k}, dram_stride=${k}, pop_next`);
      lines.push(`load buf=wgt, dram_reg=a1, dram_off=0, buf_addr=${slot}, rows=8, row_bytes=${k}, dram_stride=${k}, push_next`);
      lines.push(`mac_tile act=${slot}, wgt=${slot}, acc=0, clear, pop_prev, push_prev`);
    }
    lines.push('halt');
    return lines.join('\n');
  }

  it('compute-bound: each extra step costs exactly one tile', () => {
    const k = 2048; // loads: 12 KiB at 65536 b/cycle = 2 cycles + 64 latency each, far below the tile
    const tile = macTile(4, 8, k);
    const a = simulate(65536, pipeline(4, k));
    const b = simulate(65536, pipeline(8, k));
    expect(b - a).toBe(4 * tile);
  });

  it('DMA-bound: each extra step costs exactly its two transfers', () => {
    const k = 512; // loads: 2 KiB + 4 KiB at 8 b/cycle, far above the 512-cycle tile
    const step = 4 * k + LATENCY + (8 * k + LATENCY);
    const a = simulate(8, pipeline(4, k));
    const b = simulate(8, pipeline(8, k));
    expect(b - a).toBe(4 * step);
    // And the absolute count: loads back to back from the first load's start, then the last tile.
    // Dispatch: setfmt 0, settile 1, csync 2, csync 3, seti 4, first load 5 → starts at 6.
    expect(b).toBe(6 + 8 * step + macTile(4, 8, k));
  });

  it('each row is its own burst: 3 rows of 33 bytes take 3 · 2 beats of 32 bytes, not ceil(99 / 32)', () => {
    // seti at 0, the load dispatched at 1 starts at 2 with the port free: done = 2 + 6 + 64
    expect(simulate(256, 'seti a1, 0\nload buf=act, dram_reg=a1, dram_off=0, buf_addr=0, rows=3, row_bytes=33, dram_stride=40\nhalt')).toBe(2 + 6 + LATENCY);
  });

  it('a push into a full token queue lands one cycle after the pop that makes room', () => {
    const prog = [
      'seti a1, 0',
      'store buf=out, dram_reg=a1, dram_off=4096, buf_addr=0, rows=1, row_bytes=32, dram_stride=32, push_prev',
      ...Array.from({ length: 9 }, () => 'lsync push_next'),
      'load buf=act, dram_reg=a1, dram_off=0, buf_addr=0, rows=1, row_bytes=32, dram_stride=32',
      'csync pop_next',
      ...Array.from({ length: 9 }, () => 'csync pop_prev'),
      'halt',
    ].join('\n');
    // Dispatch: seti 0, store 1, lsyncs 2..10, load 11, csync pop_next 12, pops 13..21, halt 22.
    // The store starts at 2 (one beat): done 2 + 1 + 64 = 67, its S→C token at 67. The lsyncs run at 3..11;
    // eight pushes fill L→C, the ninth (done at 12) waits for the first pop: csync pop_next starts at 67,
    // the first csync pop_prev at 68, so the ninth push lands at 69 and the load after the lsyncs starts
    // at 69: done 69 + 1 + 64.
    expect(simulate(256, prog)).toBe(69 + 1 + LATENCY);
  });

  it('a missing token is reported as a deadlock, not a hang', () => {
    expect(() => simulate(256, 'settile m=1, n=1, k=8\nmac_tile act=0, wgt=0, acc=0, pop_prev\nhalt')).toThrow(/deadlock/);
  });

  it('an access outside a buffer space is a user error', () => {
    expect(() => simulate(256, `seti a1, 0\nload buf=act, dram_reg=a1, dram_off=0, buf_addr=${t.capacity.act - 4}, rows=1, row_bytes=8, dram_stride=8\nhalt`)).toThrow(/exceed the act buffer space/);
  });
});
