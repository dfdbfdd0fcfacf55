/**
 * The scheduler's public face: `scheduleGemm(target, shape)` gives the decision the compiler takes for a
 * GEMM (tiling, loop order, resident operand, predicted DRAM bytes and cycles) together with the roofline
 * bound, so that other tools (`qacc estimate`) use the very same tiling; and the JSON shape of that
 * decision in reports (`qacc sim --json` layers[].schedule).
 */
import type { Dataflow } from '../../ir/types.js';
import { ISA_LIMITS, type IsaLimits } from '../isa-limits.js';
import { layoutDram } from '../program.js';
import type { Target } from '../target.js';
import type { GemmShape } from '../workload.js';
import { rooflineBound, type RooflineBound } from './bound.js';
import { chooseSchedule, splitChunks, type LoopOrder, type Schedule } from './choose.js';
import type { Resident, Tiling } from './tiling.js';

export type { LoopOrder, Schedule } from './choose.js';
export type { Resident, Tiling } from './tiling.js';
export type { RooflineBound } from './bound.js';
export { rooflineBound } from './bound.js';

/** A schedule with the roofline bound of its GEMM. */
export interface GemmSchedule extends Schedule {
  readonly bound: RooflineBound;
}

/** The compiler's schedule of a GEMM on a target, with its roofline bound. Throws CompileError when nothing fits. */
export function scheduleGemm(target: Target, shape: GemmShape, limits: IsaLimits = ISA_LIMITS): GemmSchedule {
  const schedule = chooseSchedule(target, shape, limits);
  return { ...schedule, bound: rooflineBound(target, shape, layoutDram(target, shape, schedule.tiling, limits, splitChunks(schedule).chunks)) };
}

/** A schedule as reports print it (snake_case JSON). */
export interface ScheduleReport {
  readonly tiling: { readonly mt: number; readonly nt: number; readonly kt: number; readonly m_tiles: number; readonly n_tiles: number; readonly k_tiles: number; readonly passes: number };
  readonly loop_order: LoopOrder;
  /** The array's dataflow the tiles run in (`array { dataflow = … }`): the engine and its tile limits. */
  readonly dataflow: Dataflow;
  /** The operand whose k panel stays in its buffer across the inner tile loop ('none': both stream; 'both': see choose.ts). */
  readonly resident: Resident;
  /** N tiles per block whose weight panels stay resident together (resident 'both'), 1 otherwise. */
  readonly block: number;
  /** Steps the loads may run ahead of the compute (2: double buffering; more where every slot a step loads is a resident panel's). */
  readonly loads_ahead: number;
  /** K split: chunks of the reduction whose fp32 partial sums go through DRAM (acc_spill / acc_fill); 1 unsplit. */
  readonly k_chunks: number;
  /** Predicted DRAM bytes per operand ('other': scales, selectors, biases, factors). */
  readonly bytes: { readonly act: number; readonly wgt: number; readonly other: number; readonly out: number; readonly total: number };
  readonly predicted_cycles: number;
  readonly bound_cycles: number;
  readonly bound: 'compute' | 'memory';
}

/**
 * Array passes of a GEMM's m × n extent under a tiling (a multi-pass kind's tile takes several), times its k
 * tiles. On a weight-stationary array a pass is one weight tile (rows · MACs per PE k elements × cols
 * channels) with the tile's tokens streamed through it: per output tile, the k tiles' weight passes.
 */
export function arrayPasses(target: Target, shape: GemmShape, t: Tiling): number {
  const cover = (total: number, tile: number, per: number): number => {
    const full = Math.floor(total / tile);
    const rest = total - full * tile;
    return full * Math.ceil(tile / per) + (rest > 0 ? Math.ceil(rest / per) : 0);
  };
  if (target.array.dataflow === 'weight_stationary') {
    const passK = target.array.rows * Math.max(1, Math.round(target.peakMacsPerCycle / target.array.pes));
    return t.mTiles * cover(shape.n, t.nt, target.array.cols) * cover(shape.k, t.kt, passK);
  }
  return cover(shape.m, t.mt, target.array.cols) * cover(shape.n, t.nt, target.array.rows) * t.kTiles;
}

/** The report form of a schedule; `passes` = the array passes (arrayPasses), by default one per tile and k step. */
export function scheduleReport(s: Schedule, bound: RooflineBound, dataflow: Dataflow, passes?: number): ScheduleReport {
  const t = s.tiling;
  return {
    tiling: { mt: t.mt, nt: t.nt, kt: t.kt, m_tiles: t.mTiles, n_tiles: t.nTiles, k_tiles: t.kTiles, passes: passes ?? t.mTiles * t.nTiles * t.kTiles },
    loop_order: s.order,
    dataflow,
    resident: s.resident,
    block: s.block,
    loads_ahead: s.ahead,
    k_chunks: splitChunks(s).chunks,
    bytes: { ...s.predicted.bytes },
    predicted_cycles: s.predicted.cycles,
    bound_cycles: bound.cycles,
    bound: bound.bound,
  };
}
