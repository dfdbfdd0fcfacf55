/**
 * Walking a program plan (plan.ts) through a timing model at a cost that grows with the plan's skeleton,
 * not with its tiles: at the start of every iteration of a repeat the model's state is recorded; once it
 * recurs (the model says when, relative to a floor of time), the iterations between are a period, and the
 * model jumps over as many whole periods as the repeat still holds, then walks the rest. Why a jump is
 * exact is the model's business: the simulator's timing-only run (src/sim/fast-timing.ts,
 * streaming-machine.ts) and the estimate's queue model (src/estimate/plan-timing.ts) each say it.
 */
import type { Instruction } from '../isa/index.js';
import type { PlanNode } from './plan.js';

/** A timing model the walk drives. `B` is its state at an iteration's start, keyed by what must match. */
export interface PeriodicModel<B extends { readonly key: string }> {
  /** Runs one code piece of the plan, in program order. */
  feed(piece: Instruction[]): void;
  /** The state at a repeat iteration's start; undefined: do not look for a period here. */
  boundary(): B | undefined;
  /** Whether `b` repeats `a` (already known to have the same key). */
  periodic(a: B, b: B): boolean;
  /** Advances the model by `periods` repetitions of what happened from `a` to `b`. */
  jump(a: B, b: B, periods: number): void;
}

/** Walks `plan` through `model`, keeping the `window` most recent iteration states of each repeat. */
export function walkPlanPeriodic<B extends { readonly key: string }>(plan: PlanNode, model: PeriodicModel<B>, window: number): void {
  const walk = (node: PlanNode): void => {
    switch (node.kind) {
      case 'code':
        model.feed(node.emit());
        return;
      case 'seq':
        for (const item of node.items) walk(item);
        return;
      case 'repeat': {
        const seen = new Map<string, { readonly state: B; readonly iteration: number }>();
        const order: [string, number][] = [];
        let i = 0;
        while (i < node.count) {
          const b = node.count - i > 1 ? model.boundary() : undefined;
          if (b) {
            const a = seen.get(b.key);
            if (a && model.periodic(a.state, b)) {
              const period = i - a.iteration;
              const periods = Math.floor((node.count - i) / period);
              if (periods > 0) {
                model.jump(a.state, b, periods);
                i += periods * period;
                seen.clear();
                order.length = 0;
                continue;
              }
            }
            seen.set(b.key, { state: b, iteration: i });
            order.push([b.key, i]);
            if (order.length > window) {
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
}
