/**
 * lowrank_gemm's tile-engine geometry that the simulator's timing (./timing.ts) and the RTL engine
 * generator must agree on.
 */
import type { Target } from '../../compile/target.js';

/** Lanes of the low-rank branch (16-bit MACs per PE per cycle). */
export function branchLanes(t: Target): number {
  return t.pe.kind === 'lowrank_gemm' ? Math.max(1, Math.floor(t.pe.lanes / 4)) : 1;
}
