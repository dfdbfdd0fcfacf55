/**
 * The weight-stationary mac engine's tile limits and cycle count (`array { dataflow = weight_stationary }`),
 * in the compile layer so that the scheduler's cost model (CompileFacet.tileCycles), the simulator and the
 * estimator (./timing.ts) and the RTL generator (./rtl-engine-ws.ts) state it once.
 *
 * The engine (docs/array-rtl.md "Weight-stationary mac engine"): the rows × cols PEs hold a weight tile of
 * rows · L reduction elements (k, L = the PE's lanes, row r holding k = r·L … r·L + L − 1) by n ≤ cols output
 * channels (column c = channel c). The m activation rows (tokens) stream through it: token i enters row r
 * skewed by r steps and moves one column right per step, the partial sum of (i, c) moves down column c one
 * row per step, ascending k, so each output accumulates in the golden order (macDot: k ascending, one
 * chain). A tile's k is cut into P = ceil(k / (rows · L)) weight passes; the partial sums live in the
 * engine's accumulator memory (one per column, MAC_WS_ACC_DEPTH tokens deep): column c's top takes (i, c)
 * from it (or +0 on the first pass of a `clear` tile) and its bottom writes it back, so the sum continues
 * across passes and across the k steps of a tile (mac_tile with clear = 0) in the same order.
 *
 * One pass of kp elements (kp = rows · L except a shorter last one): its weights are read, column after
 * column, load(kp) = n · ceil(kp · wb / Q_wgt) cycles (wb = bytes per weight, Q = port bytes) into one of two
 * weight banks; the m token rows stream, each ceil(kp · ab / Q_act) reads, a row entering the array in the
 * cycle its last read lands; then the array drains: rows + n + S − 1 cycles after the last read
 * (S = pipeline_stages: S − 1 more steps of input delay), the last writing the bottom-right partial sum:
 * stream(kp) = m · ceil(kp · ab / Q_act) + rows + n + S − 1. The first pass's weights load alone; each later
 * pass's load runs on the weight port while the pass before streams and drains (the other bank), and the
 * pass starts when both are done (its last weight read landed: + 1). With the command cycle:
 *   macWsTileCycles = 1 + load(kp₀) + Σ_{p < P−1} max(stream(kp_p), load(kp_{p+1}) + 1) + stream(kp_{P−1}).
 */
import type { TargetOf } from '../facets/compile.js';

/** Tokens the weight-stationary engine's accumulator memory holds per column (its largest tile m). */
export const MAC_WS_ACC_DEPTH = 256;

/** Reduction elements one weight pass holds: rows · lanes. */
export function macWsPassK(t: TargetOf<'mac'>): number {
  return t.array.rows * t.pe.lanes;
}

/** Cycles of one weight-stationary mac_tile of m × n × k (the engine's command cycle to its done cycle). */
export function macWsTileCycles(t: TargetOf<'mac'>, m: number, n: number, k: number): number {
  const perPass = macWsPassK(t);
  const ab = t.bits.act / 8;
  const wb = t.bits.wgt / 8;
  const qa = Math.max(1, t.portBytes.act);
  const qw = Math.max(1, t.portBytes.wgt);
  const load = (k0: number): number => n * Math.ceil((Math.min(perPass, k - k0) * wb) / qw);
  // the first pass's weights load alone; each later pass's load runs during the pass before it
  let total = 1 + load(0);
  for (let k0 = 0; k0 < k; k0 += perPass) {
    const kp = Math.min(perPass, k - k0);
    const stream = m * Math.ceil((kp * ab) / qa) + t.array.rows + n + t.pe.pipelineStages - 1;
    total += k0 + perPass < k ? Math.max(stream, load(k0 + perPass) + 1) : stream;
  }
  return total;
}
