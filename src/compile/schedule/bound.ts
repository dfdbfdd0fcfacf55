/**
 * The roofline bound of one GEMM on a target: the measuring stick for the scheduler (issue 13) and for
 * `qacc sim`'s per-layer report. No program can run faster than
 *   max(compute cycles, DRAM cycles), where
 * - compute cycles = MACs / the array's peak MACs per cycle (Target.peakMacsPerCycle: every PE busy
 *   every cycle in the configuration run), rounded up;
 * - DRAM cycles = the minimum DRAM traffic / the DRAM bandwidth (dramBitsPerCycle / 8 bytes per cycle),
 *   rounded up, the minimum traffic being every tensor of the program's DRAM image moved once: each
 *   weight with its group metadata (scales, selectors), channel scales, the kind's other inputs
 *   (lowrank: activation and weight scales, bias, raw X, the factors) and the activations read once,
 *   the output written once. These are exactly the regions the compiler lays out (program.ts layoutDram,
 *   DramLayout.tensorBytes: without the 64-byte alignment padding between regions), so the bound counts
 *   the bytes the design's program has to move, not an idealized operand set.
 * `bound` names the larger term (a tie counts as compute).
 */
import type { DramLayout } from '../program.js';
import type { Target } from '../target.js';
import type { GemmShape } from '../workload.js';

export interface RooflineBound {
  readonly macs: number;
  readonly computeCycles: number;
  /** Minimum DRAM bytes: every tensor of the image read or written once. */
  readonly dramBytes: number;
  readonly dramCycles: number;
  /** max(computeCycles, dramCycles). */
  readonly cycles: number;
  readonly bound: 'compute' | 'memory';
}

/** The roofline bound of `shape` on `t` with the program's DRAM layout (see the file header). */
export function rooflineBound(t: Target, shape: GemmShape, layout: DramLayout): RooflineBound {
  const macs = shape.m * shape.k * shape.n;
  const computeCycles = Math.ceil(macs / t.peakMacsPerCycle);
  const dramBytes = layout.tensorBytes;
  const dramCycles = Math.ceil(dramBytes / (t.accelerator.dramBitsPerCycle / 8));
  const cycles = Math.max(computeCycles, dramCycles);
  return { macs, computeCycles, dramBytes, dramCycles, cycles, bound: computeCycles >= dramCycles ? 'compute' : 'memory' };
}
