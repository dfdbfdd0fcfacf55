/**
 * Seeded random operands for a GEMM on a target: the golden model's operand object for the target's PE
 * kind, drawn by the kind's hook (src/pe/<kind>/operands.ts states its values and draw order) from one
 * xoshiro128** stream (src/formats/random.ts) seeded by the user's seed, so a seed reproduces a workload
 * exactly. The draws themselves are in compile/random-codes.ts.
 */
import { seededRandom } from '../formats/random.js';
import type { GoldenOperands } from '../golden/types.js';
import { compileFacet } from '../pe/facets/compile.js';
import type { AnyOperands } from '../pe/facets/golden.js';
import type { Target } from './target.js';
import type { GemmShape } from './workload.js';

export type { AnyOperands };

/** Random operands for one GEMM of `shape` on `target`, reproducible from `seed` (each kind's src/pe/<kind>/operands.ts). */
export function randomOperands(target: Target, shape: GemmShape, seed: number): AnyOperands {
  return compileFacet(target.pe.kind).randomOperands(target, shape, seededRandom(seed));
}

/** Narrows AnyOperands to the operands of a config (the caller made them for that config). */
export function operandsFor<C extends Target['golden']>(_config: C, ops: AnyOperands): GoldenOperands<C> {
  return ops as GoldenOperands<C>;
}
