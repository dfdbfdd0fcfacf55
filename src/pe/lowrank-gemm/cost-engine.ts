/**
 * How the lowrank_gemm tile engine (templates/engine_lowrank.v.hbs; its PEs, per-column and per-row slices,
 * qact part and fp multipliers apart) grows with the array, for `qacc estimate --synth`.
 *
 * Its per-row and per-column logic lives in modules of their own (engine_lowrank_row / _col.v.hbs: the
 * operand staging, its writes and the beat's window selects; the column's down-projection sums, l_init
 * selects and writeback port word; engine_lowrank_qact_slice.v.hbs: a column's quantizer and its code and
 * scale staging), units that `--synth` synthesizes once and counts, like the PEs. What the engine keeps is
 * the command decode and range checks, the fetch, beat and writeback sequencers, the lane masks, the bias,
 * channel- and LoRA-scale vectors, and per row and column a few gates (the row / column start offsets, a
 * constant times the row bytes; its enable) and the wiring of the instances. So arrays up to 16 × 16
 * synthesize the engine at their own size (`exactMaxSide`; svdquant's 16 × 16 engine: 45,520 cells, 5.4
 * CPU-minutes, 1.1 GB, docs/estimate.md "Tile engine extrapolation"); beyond, the fit below.
 *
 * The fit's terms: its storage was as deep as the declared tile's passes over the array (per column a staging
 * copy per m pass, per row one per n pass), so the samples keep the design's passes (the declared tile scaled
 * with the sample's array: `samplePe`), and what is left grows in rows and columns:
 * - 1: the decode, sequencers, masks and vectors above;
 * - R, per row: its start offsets and enable; C, per column: the same, its writeback chain select;
 * - R·C, per PE: its enable (an AND of its row's and column's).
 * The PE count (rows · cols), the slices (rows, cols), the per-column fp multipliers (C · B) and the qact
 * control are the engine's sub-units, counted on the same terms and synthesized at the design's size.
 * Sampled at the generic model's six sizes (two to spare). No held-out size is recorded for it in
 * test/estimate/engine-synth-samples.json: the designs that use it (svdquant, 16 × 16) need no fit.
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
    exactMaxSide: 16,
  };
}
