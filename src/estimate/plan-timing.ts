/**
 * A layer's cycles from its program plan (src/compile/plan.ts) through the estimate's queue model
 * (queue-model.ts), at a cost that grows with the plan's skeleton, not with its tiles: at the start of every
 * iteration of a repeat the model's state is taken relative to its floor; once it equals the state at an
 * earlier iteration, the iterations between are a period (the model is a max-plus recurrence: shifting every
 * time by a constant shifts every later time by the same), so the model jumps over as many whole periods as
 * the repeat still holds and walks the rest.
 */
import { dramBeatBytes } from '../arch/microarch.js';
import type { PlanNode } from '../compile/plan.js';
import type { Target } from '../compile/target.js';
import { findInstruction } from '../isa/index.js';
import type { TileShape } from '../pe/facets/cost.js';
import { costFacet } from '../pe/facets/cost.js';
import type { TargetOf } from '../pe/facets/compile.js';
import type { PeKind } from '../pe/kinds.js';
import { dramTiming } from './dram-timing.js';
import { QueueModel } from './queue-model.js';

/** How many recent iteration states of one repeat are kept to look for a period in. */
const PERIOD_WINDOW = 16;

/** The cycles of `plan` on target `t`: from the first dispatch to the last retirement (see the file header). */
export function planCycles(t: Target, plan: PlanNode): number {
  const facet = costFacet(t.pe.kind);
  const kt = t as TargetOf<PeKind>;
  const model = new QueueModel(dramTiming(t), dramBeatBytes(t));
  let tile: TileShape = { m: 0, n: 0, k: 0 };
  const walk = (node: PlanNode): void => {
    switch (node.kind) {
      case 'code':
        for (const inst of node.emit()) {
          let cycles = 0;
          if (inst.kind === 'settile') {
            tile = { m: inst.m, n: inst.n, k: inst.k };
            cycles = 1;
          } else if (findInstruction(inst.kind)?.def.queue === 'compute') cycles = Math.max(1, facet.computeCycles(kt, inst, tile));
          model.feed(inst, cycles);
        }
        return;
      case 'seq':
        for (const item of node.items) walk(item);
        return;
      case 'repeat': {
        const seen = new Map<string, { floor: number; iteration: number }>();
        const order: [string, number][] = [];
        let i = 0;
        while (i < node.count) {
          if (node.count - i > 1) {
            const b = model.boundary(`${tile.m}x${tile.n}x${tile.k}`);
            const a = seen.get(b.key);
            if (a) {
              const period = i - a.iteration;
              const periods = Math.floor((node.count - i) / period);
              if (periods > 0) {
                model.jump(periods * (b.floor - a.floor));
                i += periods * period;
                seen.clear();
                order.length = 0;
                continue;
              }
            }
            seen.set(b.key, { floor: b.floor, iteration: i });
            order.push([b.key, i]);
            if (order.length > PERIOD_WINDOW) {
              const [key, at] = order.shift() as [string, number];
              if (seen.get(key)?.iteration === at) seen.delete(key);
            }
          }
          walk(node.body(i));
          i++;
        }
        return;
      }
      default: {
        const never: never = node;
        throw new Error(`unknown plan node ${JSON.stringify(never)}`);
      }
    }
  };
  walk(plan);
  return model.finish();
}
