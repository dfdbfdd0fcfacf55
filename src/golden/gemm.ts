/**
 * The one entry point of the golden models: `goldenGemm(config, operands)` runs the GEMM of the config's
 * PE kind through the GOLDEN registry (src/pe/facets/golden.ts), and `compareToIdeal` runs the golden model
 * and the float64 ideal on the same operands and returns the error metrics between them.
 */
import { goldenFacet } from '../pe/facets/golden.js';
import { decodeResult, idealGemm } from './ideal.js';
import { errorMetrics, type ErrorMetrics } from './metrics.js';
import type { GemmResult, GoldenConfig, GoldenOperands } from './types.js';

/** The golden GEMM of any PE kind: output codes, bit-exact. */
export function goldenGemm<C extends GoldenConfig>(config: C, operands: GoldenOperands<C>): GemmResult {
  return goldenFacet(config.kind).gemm(config, operands);
}

/** Golden result, ideal values and the metrics between them. */
export interface IdealComparison {
  readonly golden: GemmResult;
  readonly goldenValues: Float64Array;
  readonly ideal: Float64Array;
  readonly metrics: ErrorMetrics;
}

/** Runs the golden model and the float64 ideal on the same operands. */
export function compareToIdeal<C extends GoldenConfig>(config: C, operands: GoldenOperands<C>): IdealComparison {
  const golden = goldenGemm(config, operands);
  const goldenValues = decodeResult(golden);
  const ideal = idealGemm(config, operands);
  return { golden, goldenValues, ideal, metrics: errorMetrics(goldenValues, ideal) };
}
