/**
 * Seeded random operands for a GEMM on a target: the golden model's operand object (codes, scales,
 * selectors, branch factors) for the target's PE kind. One xoshiro128** stream (src/formats/random.ts)
 * seeded by the user's seed draws every value in a fixed order, so a seed reproduces a workload exactly.
 *
 * Values: activations ~ N(0, 1) rounded to their format; weights are uniformly random codes of their
 * (selected) type, excluding NaN/NaR/inf codes for simd_mac (a poisoned dot product would hide the
 * arithmetic); group scales uniform 8-bit integers (BitMoD) or random positive 16-bit / fp8 values near
 * 2^−4 (int4, NVFP4); channel scales near 2^−6 (lowrank_gemm: near 1, as Nunchaku's wcscales and lora_scales,
 * which it initializes to 1; drawn after every other operand); branch factors ~ N(0, 1/4).
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
