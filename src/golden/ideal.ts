/**
 * The ideal reference of every PE kind: the same GEMM in float64 on the dequantized operands (codes
 * decoded exactly, scales applied as real numbers, no intermediate rounding other than float64's own,
 * k ascending). Comparing it with the golden result (metrics.ts) shows the cost of the datapath's
 * widths, truncations and roundings; the float64 sums themselves are ~1e-16 relative. Each kind's ideal
 * is its golden-ideal.ts (src/pe/<folder>/), reached through the GOLDEN registry.
 */
import { lookupFormat } from '../formats/registry.js';
import type { NumberFormatBase } from '../formats/types.js';
import { goldenFacet } from '../pe/facets/golden.js';
import type { GemmResult, GoldenConfig, GoldenOperands, GoldenOutputName } from './types.js';

/** The format of a GEMM output name (int32 results decode as two's complement). */
export function outputFormat(name: GoldenOutputName): NumberFormatBase | 'int32' {
  return name === 'int32' ? 'int32' : lookupFormat(name);
}

/** The float64 values of a GEMM result's codes. */
export function decodeResult(result: GemmResult): Float64Array {
  const f = outputFormat(result.format);
  const out = new Float64Array(result.codes.length);
  for (let i = 0; i < out.length; i++)
    out[i] = f === 'int32' ? result.codes[i] | 0 : f.decode(result.codes[i]);
  return out;
}

/** The float64 ideal of any config (through the kind's golden facet). */
export function idealGemm<C extends GoldenConfig>(config: C, ops: GoldenOperands<C>): Float64Array {
  return goldenFacet(config.kind).ideal(config, ops);
}
