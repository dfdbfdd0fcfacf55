/**
 * The micro-architecture parameters that the cycle-level simulator (src/sim/timing.ts) and the RTL
 * generators (src/codegen/verilog) must agree on: queue and token depths, the DRAM beat, latency and
 * outstanding DMAs, the byte lanes of the buffer RAMs (each kind's engine geometry:
 * src/pe/<folder>/microarch.ts). One definition, below both consumers, so neither reaches into the other.
 */
import type { Target } from '../compile/target.js';
import type { IsaBuffer } from '../isa/index.js';

/** Cycles from a DMA's last beat to its completion: the accelerator's `dram_latency` (docs/simulator.md "DRAM"). */
export function dramLatency(t: Target): number {
  return t.accelerator.dramLatencyCycles;
}

/** DMAs each of the load and store queues may have in flight: the accelerator's `dram_outstanding`. */
export function dramOutstanding(t: Target): number {
  return t.accelerator.dramOutstanding;
}
/** Entries of each instruction queue (load, compute, store); the dispatch unit stalls on a full one. */
export const QUEUE_DEPTH = 16;

/** Bytes one beat of the DRAM port carries (dramBitsPerCycle / 8, at least 1). */
export function dramBeatBytes(t: Target): number {
  return Math.max(1, Math.floor(t.accelerator.dramBitsPerCycle / 8));
}

/** AW_X of docs/array-rtl.md: the byte-address width of a buffer space of `capacity` bytes, max(1, ceil(log2 capacity)). */
export function bufferAddressBits(capacity: number): number {
  return Math.max(1, Math.ceil(Math.log2(Math.max(1, capacity))));
}

/**
 * Byte lanes of each buffer space's RAM in the RTL (docs/array-rtl.md): the smallest power of two that
 * holds both a DRAM beat and the buffer's port width, so one DMA beat or one engine access touches each
 * lane at most once. The timing formulas count `portBytes` per engine access, never the extra lanes.
 */
export function bufferLanes(t: Target): Record<IsaBuffer, number> {
  const beat = dramBeatBytes(t);
  const lanes = (port: number): number => {
    let l = 1;
    while (l < Math.max(port, beat)) l *= 2;
    return l;
  };
  const p = t.portBytes;
  return { act: lanes(p.act), wgt: lanes(p.wgt), meta: lanes(p.meta), lrw: lanes(p.lrw), out: lanes(p.out) };
}
