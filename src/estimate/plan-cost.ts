/**
 * Counts what a layer's program plan (src/compile/plan.ts) asks of the machine without simulating it:
 * - DRAM port cycles and bytes of every load and store (one burst of ceil(row_bytes / beat) beats per row,
 *   the rule of src/sim/timing.ts), and the cycles each DMA queue is busy (dram-timing.ts);
 * - the cycles of every compute-queue instruction: the kind's tile ops, dequant and writeback by its engine's
 *   closed forms (the cost facet, on the shape of the last `settile`), 1 for each configuration or token
 *   instruction (the simulator's rule);
 * - the pipelined cycles: one code node of the plan is one k step (its loads, its tile instruction, on the
 *   last step of a tile the epilogue and the store). With two input slots the loads of step s + 1 run while
 *   step s computes, so step s + 1 adds max(compute of step s, loads of step s + 1), the loads being the
 *   busier of the load queue and the DRAM port they share with the step's stores; the end adds the last
 *   step's compute and its store (port and latency).
 * A repeat node's iterations share their timing content (plan.ts's invariant), so its first iteration is
 * walked once (it follows what came before) and again weighted by count − 1 (each follows one like itself):
 * the cost grows with the plan's skeleton (a few dozen nodes per layer), not with its tiles.
 */
import { dramBeatBytes } from '../arch/microarch.js';
import type { PlanNode } from '../compile/plan.js';
import type { Target } from '../compile/target.js';
import { findInstruction } from '../isa/index.js';
import type { TileShape } from '../pe/facets/cost.js';
import { costFacet } from '../pe/facets/cost.js';
import type { TargetOf } from '../pe/facets/compile.js';
import type { PeKind } from '../pe/kinds.js';
import { dmaQueueCycles, dramTiming } from './dram-timing.js';

/** What a plan asks of the machine (totals over the whole plan). */
export interface PlanCost {
  /** Cycles the compute queue is busy executing (tile ops, epilogues, configuration and tokens). */
  computeCycles: number;
  /** Cycles the loads and stores hold the DRAM port. */
  dramCycles: number;
  dramReadBytes: number;
  dramWriteBytes: number;
  /** Cycles the load queue and the store queue are busy (dram-timing.ts). */
  loadQueueCycles: number;
  storeQueueCycles: number;
  /** Tile instructions (`*_tile`). */
  tileOps: number;
  /** The layer's cycles through the double-buffered pipeline (see the file header). */
  pipelinedCycles: number;
}

/** Walks `plan` on target `t` (see the file header). */
export function costPlan(t: Target, plan: PlanNode): PlanCost {
  const facet = costFacet(t.pe.kind);
  const kt = t as TargetOf<PeKind>;
  const beat = dramBeatBytes(t);
  const timing = dramTiming(t);
  const cost: PlanCost = { computeCycles: 0, dramCycles: 0, dramReadBytes: 0, dramWriteBytes: 0, loadQueueCycles: 0, storeQueueCycles: 0, tileOps: 0, pipelinedCycles: 0 };
  let tile: TileShape = { m: 0, n: 0, k: 0 };
  /** The compute cycles of the step before, and the store time (port + latency) of the last step that stored. */
  let prevCompute = 0;
  let lastStore = 0;
  const walk = (node: PlanNode, weight: number): void => {
    switch (node.kind) {
      case 'code': {
        let loadQueue = 0;
        let port = 0;
        let compute = 0;
        let store = 0;
        for (const inst of node.emit()) {
          switch (inst.kind) {
            case 'load':
            case 'store': {
              const p = inst.rows * Math.ceil(inst.row_bytes / beat);
              const bytes = inst.rows * inst.row_bytes;
              port += p;
              if (inst.kind === 'load') {
                loadQueue += dmaQueueCycles(p, timing);
                cost.dramReadBytes += weight * bytes;
              } else {
                store += p + timing.latency;
                cost.storeQueueCycles += weight * dmaQueueCycles(p, timing);
                cost.dramWriteBytes += weight * bytes;
              }
              break;
            }
            case 'settile':
              tile = { m: inst.m, n: inst.n, k: inst.k };
              compute += 1;
              break;
            default: {
              const c = facet.computeCycles(kt, inst, tile);
              if (c > 0) {
                compute += c;
                if (/_tile$/.test(inst.kind)) cost.tileOps += weight;
              } else if (findInstruction(inst.kind)?.def.queue === 'compute') compute += 1;
            }
          }
        }
        cost.computeCycles += weight * compute;
        cost.dramCycles += weight * port;
        cost.loadQueueCycles += weight * loadQueue;
        if (loadQueue > 0 || port > 0 || compute > 0) {
          cost.pipelinedCycles += weight * Math.max(prevCompute, loadQueue, port);
          prevCompute = compute;
        }
        if (store > 0) lastStore = store;
        return;
      }
      case 'seq':
        for (const item of node.items) walk(item, weight);
        return;
      case 'repeat':
        // the first iteration follows what came before; the others follow an iteration like themselves
        if (node.count > 0) walk(node.body(0), weight);
        if (node.count > 1) walk(node.body(0), weight * (node.count - 1));
        return;
      default: {
        const never: never = node;
        throw new Error(`unknown plan node ${JSON.stringify(never)}`);
      }
    }
  };
  walk(plan, 1);
  cost.pipelinedCycles += prevCompute + lastStore;
  return cost;
}
