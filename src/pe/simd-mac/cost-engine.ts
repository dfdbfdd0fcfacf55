/**
 * How the simd_mac tile engine (templates/engine_simd_mac.v.hbs, its PEs apart) grows with the array, for
 * `qacc estimate --synth` beyond the sizes it synthesizes (src/estimate/synth/engine-fit.ts fits one
 * coefficient per term) and for the analytic estimate (CostFacet.engineArea: the same terms with the
 * coefficients of that fit on the recorded syntheses). Read off the template (docs/estimate.md "Tile engine
 * extrapolation"):
 * - 1: command decode, bounds checks (40-bit multiplies), the fetch and step sequencers, the writeback counters;
 * - R·Bw, per row, and C·Ba, per column, B the bits of a port chunk (weights, activations: the even part of
 *   the port): one operand staging each (a RAM of port-wide chunks, kept as `$mem_v2`), its registered chunk
 *   read (`q`, B flip-flops), the operand word's select out of it (a chunk-wide shift by the word offset:
 *   B / 16 − 1 16-bit multiplexers) and the masked word register. Per chunk bit, so that one fit prices
 *   other port widths: xr-npe's 2 × 2 engine at size = 16 (64-byte ports) is 114,986 transistors against
 *   156,654 at size = 32 (128-byte ports); with R and C terms fitted at size = 32 it would be priced +36%,
 *   per chunk bit −4.3%;
 * - R·C, per PE: its enable (two 16-bit compares against m and n) and its result's wiring;
 * - Q·R·C, Q the writeback slots (one per column, as many as the out port holds: min(C, out port / output
 *   bytes), ./microarch.ts): every slot selects its entry among all R·C results by a priority chain of
 *   R·C OW-bit multiplexers (the slots index the entries at run-time offsets, so Yosys shares nothing);
 *   the slot's row and column compares (Q·R, Q·C) are small beside it and left to the other terms.
 * RAM bits: the stagings' words × widths (./microarch.ts simdStagingDepths, as ./rtl-engine.ts declares them), exact at any size.
 * Held-out checks: docs/estimate.md, test/estimate/synth/engine-holdout.test.ts.
 */
import type { ArrayShape } from '../../estimate/area-model.js';
import type { Target } from '../../compile/target.js';
import type { EngineArea, EngineFit, EngineGrowth } from '../facets/cost.js';
import { fittedEngineArea, GENERIC_ENGINE_POINTS } from '../facets/cost.js';
import { simdChunkBytes, simdStagingDepths, simdWritebackSlots } from './microarch.js';

/** Staging RAM bits at rows × cols: simdStagingDepths chunks per column (activations) and per row (weights). */
function stagingBits(t: Target, rows: number, cols: number): number {
  const depth = simdStagingDepths(t);
  return cols * depth.act * 8 * simdChunkBytes(t.portBytes.act) + rows * depth.wgt * 8 * simdChunkBytes(t.portBytes.wgt);
}

/** The simd_mac engine's growth terms on `t` (its operand ports set the chunk bits B, its out port the writeback slots Q). */
export function simdMacEngineGrowth(t: Target): EngineGrowth {
  const bw = 8 * simdChunkBytes(t.portBytes.wgt);
  const ba = 8 * simdChunkBytes(t.portBytes.act);
  return {
    terms: [
      { name: '1', at: () => 1 },
      { name: 'R·Bw', at: (r) => r * bw },
      { name: 'C·Ba', at: (_, c) => c * ba },
      { name: 'R·C', at: (r, c) => r * c },
      { name: 'Q·R·C', at: (r, c) => simdWritebackSlots(t, c) * r * c },
    ],
    memoryTerms: [{ name: 'staging bits', at: (r, c) => stagingBits(t, r, c) }],
    points: GENERIC_ENGINE_POINTS,
    note: 'simd_mac: fixed, per row and per column chunk bit (operand staging register and word select), per PE (enable), and the writeback select (Q slots × R·C entries); RAM bits: the operand stagings',
  };
}

/**
 * The engine's own logic fitted on its recorded syntheses, one coefficient per growth term (1, R·Bw, C·Ba,
 * R·C, Q·R·C; RAM bits on the staging bits): least squares through the six fit samples of xr-npe.qacc's engine
 * at its `size = 32` configuration (128-byte operand ports: B = 1,024) recorded in
 * test/estimate/engine-synth-samples.json (record `xr-npe`, Yosys generic flow, the PEs blackboxed as `--synth`
 * synthesizes the engine), the fit `--synth` makes of them; test/estimate/synth/engine-holdout.test.ts checks
 * that these are that fit, and how they price xr-npe at size = 16 (record `xr-npe-16`, 64-byte ports).
 */
export const SIMD_MAC_ENGINE_FIT: EngineFit = {
  transistors: [64060, 22.06440662, 23.75341797, -631.35714286, 193.0297619],
  memoryBits: [1],
};

/** The engine's own logic at `array`: SIMD_MAC_ENGINE_FIT on the growth terms at `t`'s out port. */
export function simdMacEngineArea(array: ArrayShape, t: Target): EngineArea {
  const growth = simdMacEngineGrowth(t);
  return fittedEngineArea(
    growth,
    SIMD_MAC_ENGINE_FIT,
    array,
    `simd_mac engine fit (${growth.terms.map((term) => term.name).join(', ')}; B: port chunk bits; RAM bits: the staging's) on the recorded syntheses of xr-npe.qacc's engine (size = 32) at ${growth.points.map((p) => `${p.rows}×${p.cols}`).join(', ')} (Yosys generic flow, test/estimate/engine-synth-samples.json)`,
  );
}
