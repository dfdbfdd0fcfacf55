/**
 * The generic closed forms that every PE kind's timing (src/pe/<kind>/timing.ts) and the machine build
 * on: DMA port occupancy, scale-group lengths, array passes, buffer-read bounds, the generic epilogue and
 * row-staged reads. The rules themselves are documented in src/sim/timing.ts's header. They sit in src/arch,
 * below the simulator, so that the estimator (src/estimate, beside the simulator) times tiles by the same
 * definitions.
 */
import { EPILOGUE_DEPTH } from '../compile/pipeline-depths.js';
import type { Target } from '../compile/target.js';

/** Pipeline depth of the epilogue unit (defined at the compile layer, src/compile/pipeline-depths.ts). */
export { EPILOGUE_DEPTH };

/** Cycles a 2-D transfer of `rows` rows of `rowBytes` holds the DRAM port: one burst of beats per row. */
export function dmaPortCycles(rows: number, rowBytes: number, beatBytes: number): number {
  return rows * Math.ceil(rowBytes / beatBytes);
}

/** Lengths of the scale groups of a k-long reduction. */
export function groupLengths(k: number, groupSize: number): number[] {
  const out: number[] = [];
  for (let s = 0; s < k; s += groupSize) out.push(Math.min(groupSize, k - s));
  return out;
}

/** Array passes needed for an m × n output tile. */
export function passes(t: Target, m: number, n: number): number {
  return Math.ceil(m / t.array.cols) * Math.ceil(n / t.array.rows);
}

/** The buffer-read bound of a tile op reading `actBytes` and `wgtBytes` per pass. */
export function readBound(t: Target, actBytes: number, wgtBytes: number): number {
  return Math.max(Math.ceil(actBytes / t.actReadBytesPerCycle), Math.ceil(wgtBytes / t.wgtReadBytesPerCycle));
}

/** Cycles of dequant / writeback on an m × n tile. */
export function epilogueCycles(t: Target, m: number, n: number): number {
  return Math.ceil((m * n) / t.array.cols) + EPILOGUE_DEPTH;
}

/** Reads that stage `rows` rows of `bytes` bytes through a port of `port` bytes (every row starts a read). */
export function rowReads(rows: number, bytes: number, port: number): number {
  return rows * Math.ceil(bytes / Math.max(1, port));
}
