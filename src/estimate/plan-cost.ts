/**
 * Counts what a layer's program plan (src/compile/plan.ts) asks of the machine without simulating it: DRAM
 * port cycles and bytes of every load and store (one burst of ceil(row_bytes / beat) beats per row, the rule of
 * src/sim/timing.ts), and the steady-state array cycles of every compute instruction (the kind's cost facet,
 * on the shape of the last `settile`). A repeat node's iterations share their timing content (plan.ts's
 * invariant), so its first iteration is walked once and weighted by its count: the cost grows with the plan's
 * skeleton (a few dozen nodes per layer), not with its tiles.
 */
import { DMA_LATENCY_CYCLES, dramBeatBytes } from '../arch/microarch.js';
import type { PlanNode } from '../compile/plan.js';
import type { Target } from '../compile/target.js';
import type { TileShape } from '../pe/facets/cost.js';
import { costFacet } from '../pe/facets/cost.js';
import type { TargetOf } from '../pe/facets/compile.js';
import type { PeKind } from '../pe/kinds.js';

/** What a plan asks of the machine (totals over the whole plan). */
export interface PlanCost {
  /** Steady-state array cycles of the compute instructions. */
  computeCycles: number;
  /** Cycles the loads and stores hold the DRAM port. */
  dramCycles: number;
  dramReadBytes: number;
  dramWriteBytes: number;
  /** Cycles the load queue and the store queue are busy: each DMA holds its queue for its port cycles plus the DRAM latency (one DMA outstanding per queue). */
  loadQueueCycles: number;
  storeQueueCycles: number;
  /** Compute (tile) instructions. */
  tileOps: number;
}

/** Walks `plan` on target `t` (see the file header). */
export function costPlan(t: Target, plan: PlanNode): PlanCost {
  const facet = costFacet(t.pe.kind);
  const kt = t as TargetOf<PeKind>;
  const beat = dramBeatBytes(t);
  const cost: PlanCost = { computeCycles: 0, dramCycles: 0, dramReadBytes: 0, dramWriteBytes: 0, loadQueueCycles: 0, storeQueueCycles: 0, tileOps: 0 };
  let tile: TileShape = { m: 0, n: 0, k: 0 };
  const walk = (node: PlanNode, weight: number): void => {
    switch (node.kind) {
      case 'code':
        for (const inst of node.emit()) {
          switch (inst.kind) {
            case 'load':
            case 'store': {
              const port = inst.rows * Math.ceil(inst.row_bytes / beat);
              cost.dramCycles += weight * port;
              const bytes = weight * inst.rows * inst.row_bytes;
              if (inst.kind === 'load') {
                cost.dramReadBytes += bytes;
                cost.loadQueueCycles += weight * (port + DMA_LATENCY_CYCLES);
              } else {
                cost.dramWriteBytes += bytes;
                cost.storeQueueCycles += weight * (port + DMA_LATENCY_CYCLES);
              }
              break;
            }
            case 'settile':
              tile = { m: inst.m, n: inst.n, k: inst.k };
              break;
            default: {
              const c = facet.computeCycles(kt, inst, tile);
              if (c > 0) {
                cost.computeCycles += weight * c;
                cost.tileOps += weight;
              }
            }
          }
        }
        return;
      case 'seq':
        for (const item of node.items) walk(item, weight);
        return;
      case 'repeat':
        if (node.count > 0) walk(node.body(0), weight * node.count);
        return;
      default: {
        const never: never = node;
        throw new Error(`unknown plan node ${JSON.stringify(never)}`);
      }
    }
  };
  walk(plan, 1);
  return cost;
}
