/**
 * simd_mac's tile-engine geometry that the simulator's timing (./timing.ts) counts and the RTL engine
 * generator (./rtl-engine.ts) builds.
 */
import type { Target } from '../../compile/target.js';

/** Bytes the simd_mac engine fetches per read from a port of `portBytes`: its even part (0 below 2). */
export function simdChunkBytes(portBytes: number): number {
  return 2 * Math.floor(portBytes / 2);
}

/** Entries the simd_mac engine writes back per cycle: one per column, as many as the out port holds. */
export function simdWritebackSlots(t: Target, cols: number = t.array.cols): number {
  return Math.max(1, Math.min(cols, Math.floor(t.portBytes.out / (t.bits.out / 8))));
}

