/**
 * How much logic a target's generated RTL holds, in gate equivalents with every RAM left out: the PE array
 * (the kind's calibrated PE model, RAM bits apart, × PEs), the tile engine's own logic where the kind prices
 * it, and the logic outside the engine (buffer ports, controller, queues). It is the analytic estimate's
 * view of the design (src/estimate/components.ts prices the same parts), used where a size must be known
 * before anything is built: `qacc verify --backends rtl` refuses to hand Verilator a model too large to
 * compile in reasonable time (src/verify/rtl-size.ts). RAMs are left out because Verilator models a RAM as
 * one array, whatever its bits.
 */
import type { Target } from '../compile/target.js';
import type { TargetOf } from '../pe/facets/compile.js';
import { costFacet } from '../pe/facets/cost.js';
import type { PeKind } from '../pe/kinds.js';
import { linearAreaGe } from './area-model.js';
import { outsideEngineAreaOf } from './outside-engine.js';
import { TRANSISTORS_PER_GE } from './technology.js';

/** A target's logic by part, GE (28 nm NAND2 equivalents, the estimate's unit). */
export interface LogicSize {
  /** One PE of the target's array (its logic; register-file RAM bits apart). */
  readonly pe: number;
  readonly pes: number;
  /** The tile engine's own logic; undefined where the kind's cost facet has no model for it (then not counted). */
  readonly engine: number | undefined;
  /** Buffer port logic, controller and instruction queues. */
  readonly outside: number;
  /** pe · pes + engine + outside. */
  readonly total: number;
}

/** The logic of target `t`'s generated RTL (see the file header). */
export function targetLogicSize(t: Target): LogicSize {
  const cost = costFacet(t.pe.kind);
  const pe = linearAreaGe(cost.areaModel.coefficients, cost.areaModel.terms(t.pe, t.array));
  const engineArea = cost.engineArea?.(t.pe, t.array, t as TargetOf<PeKind>);
  const engine = engineArea ? engineArea.transistors / TRANSISTORS_PER_GE : undefined;
  const o = outsideEngineAreaOf(t);
  const outside = (o.bufferTransistors + o.controllerTransistors) / TRANSISTORS_PER_GE;
  const pes = t.array.pes;
  return { pe, pes, engine, outside, total: pe * pes + (engine ?? 0) + outside };
}
