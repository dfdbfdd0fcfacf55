/**
 * How the lowrank_gemm tile engine (templates/engine_lowrank.v.hbs; its PEs, qact part and fp multipliers
 * apart) grows with the array, for `qacc estimate --synth` beyond the sizes it synthesizes
 * (src/estimate/synth/engine-fit.ts fits one coefficient per term).
 *
 * Its storage is as deep as the declared tile's passes over the array: per column an activation / raw-X
 * staging copy and the down-projection sums per m pass (PMX = ceil(tile_m / cols)), per row a weight staging
 * copy per n pass (PNX = ceil(tile_n / rows)), per PE an accumulator entry per pass. At the design's size
 * svdquant's 256 × 128 tile is 16 × 8 passes of a 16 × 16 array, at 2 × 2 it would be 128 × 64: an engine
 * bigger than the design's and out of reach of Yosys here. So the samples keep the design's passes (the
 * declared tile scaled with the sample's array: `samplePe`), and what is left grows in rows and columns:
 * - 1: command decode and range checks, the fetch, beat and writeback sequencers, the lane masks, the bias,
 *   channel- and LoRA-scale staging (one vector each);
 * - R, per row: the weight-code, weight-scale and D / U staging writes (a port word rotated to the row's byte
 *   offset and written byte-enabled, rtl-staging.ts) and the beat's window selects out of them (word-indexed);
 * - C, per column: the same for the activation codes / raw X and activation scales, the down-projection
 *   sums' write and their B-lane window for lr_up;
 * - R·C, per PE: its enable, its l_init select out of the column's sums, and its share of the writeback's
 *   column select (a C-input mux of the column's 16 · rows · PNX output bits).
 * The PE count (rows · cols), the per-column fp multipliers (C · B) and the one qact part are the engine's
 * sub-units, counted on the same terms and synthesized at the design's size. Sampled at the generic model's
 * six sizes (two to spare). Not yet checked on syntheses: WebAssembly Yosys ran out of memory on this engine
 * already at 2 × 2 until its staging shifters became rotators and mux trees (rtl-staging.ts; docs/estimate.md
 * "Tile engine extrapolation"), and no held-out size is recorded for it in test/estimate/engine-synth-samples.json.
 */
import type { EngineGrowth } from '../facets/cost.js';
import { BILINEAR_ENGINE_TERMS, GENERIC_ENGINE_POINTS } from '../facets/cost.js';
import type { TargetOf } from '../facets/compile.js';

/** The lowrank_gemm engine's growth terms, its samples at the design's passes per tile. */
export function lowRankGemmEngineGrowth(t: TargetOf<'lowrank_gemm'>): EngineGrowth {
  const pm = t.tilePassesM;
  const pn = t.tilePassesN;
  return {
    terms: [
      ...BILINEAR_ENGINE_TERMS,
    ],
    points: GENERIC_ENGINE_POINTS,
    note: `lowrank_gemm: fixed, per row, per column and per PE, sampled at the design's ${pm} × ${pn} passes per tile (the declared tile scaled with the array)`,
    samplePe: (rows, cols) => ({ ...t.pe, tileM: pm * cols, tileN: pn * rows }),
  };
}
