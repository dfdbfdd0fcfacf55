/**
 * bit_serial_mod's K-split transfer closed forms (the rules: timing.ts's header, which re-exports them):
 * acc_spill and acc_fill move a tile's raw fp32 accumulator words through the out and meta ports. They sit at
 * the compile layer so that the scheduler's cost model (CompileFacet.rawTransferCycles,
 * src/compile/schedule/cost.ts), the simulator, the estimator and the RTL engine generator (microarch.ts
 * re-exports bsmRawSlots) use the very same formulas.
 */
import { EPILOGUE_DEPTH } from '../../compile/pipeline-depths.js';
import type { Target } from '../../compile/target.js';

/** The port an acc_spill writes (out) or an acc_fill reads (meta). */
export type RawPort = 'out' | 'meta';

/**
 * Raw 32-bit accumulator words the engine moves per cycle in the K split's acc_spill (to the out port) and
 * acc_fill (from the meta port): a column's rows, as many 4-byte words as the port holds.
 */
export function bsmRawSlots(t: Target, port: RawPort): number {
  return Math.max(1, Math.min(t.array.rows, Math.floor(t.portBytes[port] / 4)));
}

/** Cycles of an acc_spill (port 'out') or acc_fill (port 'meta') of an m × n tile: m · ceil(n / slots) + 2. */
export function bsmRawTransferCycles(t: Target, m: number, n: number, port: RawPort): number {
  return m * Math.ceil(n / bsmRawSlots(t, port)) + EPILOGUE_DEPTH;
}

/** Cycles of a bit_serial_mod acc_spill of an m × n tile (raw fp32 words to the out port). */
export function bsmSpillCycles(t: Target, m: number, n: number): number {
  return bsmRawTransferCycles(t, m, n, 'out');
}

/** Cycles of a bit_serial_mod acc_fill of an m × n tile (raw fp32 words from the meta port). */
export function bsmFillCycles(t: Target, m: number, n: number): number {
  return bsmRawTransferCycles(t, m, n, 'meta');
}
