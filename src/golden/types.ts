/**
 * The generic shapes of the golden datapath models: the wide float names every kind rounds in and the GEMM
 * result. Each kind's typed configuration and operands live in its own golden file
 * (src/pe/<folder>/golden.ts); `GoldenConfig` is their union (src/pe/facets/golden.ts) and `goldenGemm` (gemm.ts) dispatches on
 * it through the GOLDEN registry.
 *
 * GEMM layout convention for every kind: activations A are [M × K] row-major, weights W are [N × K]
 * row-major (one output channel per row, the reduction dimension K contiguous), outputs Y are [M × N]
 * row-major with Y[m, n] = Σ_k A[m, k] · W[n, k] (plus each kind's scales, bias and branch). Codes are the
 * unsigned integers of bit patterns, as in src/formats.
 */
import type { PeKind } from '../pe/kinds.js';
import type { GoldenConfig, OperandsOf } from '../pe/facets/golden.js';

export type { AnyOperands, ConfigOf, GoldenConfig, OperandsOf } from '../pe/facets/golden.js';

/** The 16/32-bit float formats golden accumulates and rounds in. */
export const WIDE_FLOAT_NAMES = ['fp16', 'bf16', 'fp32'] as const;
export type WideFloatName = (typeof WIDE_FLOAT_NAMES)[number];

/** Operands matching a config's kind. */
export type GoldenOperands<C extends GoldenConfig> = OperandsOf<C['kind'] & PeKind>;

/** Output format of a GEMM result: a name the format registry resolves (lookupFormat), or 'int32'. */
export type GoldenOutputName = string;

/** A GEMM result: [M × N] row-major codes of `format`. */
export interface GemmResult {
  readonly format: GoldenOutputName;
  readonly m: number;
  readonly n: number;
  readonly codes: Uint32Array;
}
