/**
 * Timing-only simulation of a compiled program plan (src/compile/plan.ts) at a cost that grows with the
 * number of distinct tile shapes, not of tiles: the plan is walked in order and fed to a StreamingMachine
 * piece by piece; at the start of every iteration of a repeat the machine's state is recorded, and as soon
 * as it equals (relative to the dispatch time) the state at an earlier iteration of the same repeat, the
 * machine jumps over as many whole periods as the repeat still holds (streaming-machine.ts says why this
 * is exact). Repeats nest (rows of output tiles, tiles of a row, k steps of a tile), so after a few
 * iterations at each level the rest is extrapolated. The result is the same MachineStats, counter for
 * counter, as running the flattened program on a timing-only Machine (test/sim/fast-timing.test.ts).
 */
import type { PlanNode } from '../compile/plan.js';
import { walkPlanPeriodic } from '../compile/plan-periods.js';
import type { Target } from '../compile/target.js';
import { CompileError } from '../compile/errors.js';
import type { MachineStats } from './machine.js';
import { StreamingMachine, type Boundary } from './streaming-machine.js';

/** How many recent iteration states of one repeat are kept to look for a period in. */
const PERIOD_WINDOW = 64;

export interface FastTimingOptions {
  /** Called now and then with the fraction of the plan's MACs simulated so far (for progress reports). */
  readonly onProgress?: (fraction: number) => void;
  /** The plan's total MACs (needed for onProgress). */
  readonly totalMacs?: number;
  /** Filled in with the instructions actually simulated (the rest were jumped over). */
  readonly work?: { simulated: number };
}

/** Timing-only statistics of a program plan, equal to those of its flattened program. */
export function runPlanTiming(target: Target, plan: PlanNode, options: FastTimingOptions = {}): MachineStats {
  const machine = new StreamingMachine(target, [], undefined, { timingOnly: true, stream: true });
  let done = false;
  let pieces = 0;
  const progress = (): void => {
    if (options.onProgress && options.totalMacs && ++pieces % 256 === 0) options.onProgress(Math.min(1, machine.counters()[0] / options.totalMacs));
  };
  walkPlanPeriodic<Boundary>(
    plan,
    {
      feed(piece) {
        if (done) throw new CompileError('bad-program', 'the program continues after its halt');
        if (options.work) options.work.simulated += piece.length;
        machine.feed(piece);
        done = machine.advance();
        progress();
      },
      boundary: () => (done ? undefined : machine.boundary()),
      periodic: (a, b) => StreamingMachine.periodic(a, b),
      jump: (a, b, periods) => machine.jump(a, b, periods),
    },
    PERIOD_WINDOW,
  );
  if (!done) throw new CompileError('bad-program', 'the program runs past its end without a halt');
  return machine.finish();
}
