/**
 * The one entry point of the golden models: `goldenGemm(config, operands)` dispatches on the config's
 * `kind` (exhaustively) to the PE kind's GEMM, and `compareToIdeal` runs the golden model and the float64
 * ideal on the same operands and returns the error metrics between them.
 */
import { bitSerialModGemm } from './bit-serial-mod.js';
import { decodeResult, idealGemm } from './ideal.js';
import { lowRankGemm } from './lowrank-gemm.js';
import { macGemm } from './mac.js';
import { errorMetrics, type ErrorMetrics } from './metrics.js';
import { simdMacGemm } from './simd-mac.js';
import type {
  BitSerialModOperands,
  GemmResult,
  GoldenConfig,
  GoldenOperands,
  LowRankGemmOperands,
  MacOperands,
  SimdMacOperands,
} from './types.js';

/** The golden GEMM of any PE kind: output codes, bit-exact. */
export function goldenGemm<C extends GoldenConfig>(config: C, operands: GoldenOperands<C>): GemmResult {
  const c: GoldenConfig = config;
  switch (c.kind) {
    case 'bit_serial_mod':
      return bitSerialModGemm(c, operands as BitSerialModOperands);
    case 'simd_mac':
      return simdMacGemm(c, operands as SimdMacOperands);
    case 'lowrank_gemm':
      return lowRankGemm(c, operands as LowRankGemmOperands);
    case 'mac':
      return macGemm(c, operands as MacOperands);
    default: {
      const never: never = c;
      throw new RangeError(`unknown PE kind ${JSON.stringify(never)}`);
    }
  }
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
