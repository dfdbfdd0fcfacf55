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
import { walkPlanPeriodic } from '../compile/plan-periods.js';
import type { Target } from '../compile/target.js';
import { findInstruction } from '../isa/index.js';
import type { TileShape } from '../pe/facets/cost.js';
import { costFacet } from '../pe/facets/cost.js';
import type { TargetOf } from '../pe/facets/compile.js';
import type { PeKind } from '../pe/kinds.js';
import { dramTiming } from './dram-timing.js';
import { QueueModel, type ModelBoundary } from './queue-model.js';

/** How many recent iteration states of one repeat are kept to look for a period in. */
const PERIOD_WINDOW = 16;

/** The cycles of `plan` on target `t`: from the first dispatch to the last retirement (see the file header). */
export function planCycles(t: Target, plan: PlanNode): number {
  const facet = costFacet(t.pe.kind);
  const kt = t as TargetOf<PeKind>;
  const model = new QueueModel(dramTiming(t), dramBeatBytes(t));
  let tile: TileShape = { m: 0, n: 0, k: 0 };
  walkPlanPeriodic<ModelBoundary>(
    plan,
    {
      feed(piece) {
        for (const inst of piece) {
          let cycles = 0;
          if (inst.kind === 'settile') {
            tile = { m: inst.m, n: inst.n, k: inst.k };
            cycles = 1;
          } else if (findInstruction(inst.kind)?.def.queue === 'compute') cycles = Math.max(1, facet.computeCycles(kt, inst, tile));
          model.feed(inst, cycles);
        }
      },
      boundary: () => model.boundary(`${tile.m}x${tile.n}x${tile.k}`),
      // the model is a max-plus recurrence: equal states relative to their floors are always a period
      periodic: () => true,
      jump: (a, b, periods) => model.jump(periods * (b.floor - a.floor)),
    },
    PERIOD_WINDOW,
  );
  return model.finish();
}
