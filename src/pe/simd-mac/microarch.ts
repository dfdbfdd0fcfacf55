/**
 * simd_mac's tile-engine geometry that the simulator's timing (./timing.ts) counts, the RTL engine
 * generator (./rtl-engine.ts) builds and the cost model (./cost-engine.ts) prices.
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

/**
 * The engine's operand stagings (one RAM per column for the activations, one per row for the weights): port
 * chunks (simdChunkBytes) deep enough for a row of the deepest tile (maxTileK elements) at the widest lane.
 * Stated here because the RTL generator declares these RAMs and the cost model prices their bits.
 */
export function simdStagingDepths(t: Target): { readonly act: number; readonly wgt: number } {
  if (t.pe.kind !== 'simd_mac') return { act: 0, wgt: 0 };
  const maxRowBytes = Math.ceil((t.maxTileK * Math.max(...t.pe.modes.map((m) => m.laneBits))) / 8);
  return {
    act: Math.ceil(maxRowBytes / simdChunkBytes(t.portBytes.act)),
    wgt: Math.ceil(maxRowBytes / simdChunkBytes(t.portBytes.wgt)),
  };
}
