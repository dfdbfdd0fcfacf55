/**
 * PE-level vectors for the Verilator harness: a golden GEMM (config + operands) as the beats a generated PE
 * consumes and the results it must produce. Each kind builds its own (VerifyFacet.vectors,
 * src/pe/<folder>/vectors.ts); this file holds only their shared shape.
 */

/** Stimulus rows (one per beat) and expected rows (one per result), values in port order. */
export interface PeVectors {
  readonly stimulus: bigint[][];
  readonly expected: bigint[][];
}
