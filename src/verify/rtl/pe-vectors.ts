/**
 * PE-level vectors for the Verilator harness: a golden GEMM (config + operands) as the beats a generated PE
 * consumes and the results it must produce. Each kind builds its own (VerifyFacet.vectors,
 * src/pe/<folder>/vectors.ts); the builders are re-exported here for the old import path until step 2 of
 * issue 12.
 */
export { bitSerialModVectors } from '../../pe/bit-serial-mod/vectors.js';
export { lowRankVectors } from '../../pe/lowrank-gemm/vectors.js';
export { macVectors } from '../../pe/mac/vectors.js';
export { simdMacVectors } from '../../pe/simd-mac/vectors.js';

/** Stimulus rows (one per beat) and expected rows (one per result), values in port order. */
export interface PeVectors {
  readonly stimulus: bigint[][];
  readonly expected: bigint[][];
}
