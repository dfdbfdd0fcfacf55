/**
 * How the bit_serial_mod tile engine (templates/engine_bit_serial_mod.v.hbs, its PEs, term decoders and
 * writeback multipliers apart) grows with the array, for `qacc estimate --synth` beyond the sizes it
 * synthesizes (src/estimate/synth/engine-fit.ts fits one coefficient per term). Read off the template and
 * the syntheses (docs/estimate.md "Tile engine extrapolation"):
 * - 1: command decode and traps, the three fetch sequencers, the group / step / cycle sequencer, the
 *   writeback counters, the meta staging's write side;
 * - R, per row: the weight staging's step-word select (a 2,048-bit chunk to one 16-bit word), the
 *   (row, group) selector and scale byte selects out of the meta staging (each a 256-way byte select,
 *   indexed by the row's own group offset), the channel-scale register, the type decode, the dequant
 *   scale register, one stage of the slowest-type maximum: ~62 k transistors a row;
 * - C, per column: the activation staging's step-word select, the padding-lane mask, the NaN flag;
 * - R·C, per PE: its enable and its share of the writeback select. The select is written as one
 *   rows·cols-input mux per slot (Q = rows slots), i.e. cubic, but every slot indexes the same accumulator
 *   vector at a fixed offset from the others (slot g reads row wb_q0 + g), so Yosys builds one shared
 *   shifter and the syntheses grow by ~300–1,100 transistors per PE, not ~384 per slot and PE (a 32-bit
 *   mux input): a Q·R·C term fitted on them comes out near 0 and, with R² in the model, drives the 64 × 16
 *   prediction negative;
 * - log2 R: the logic the rows share, which widens with the row index (the channel-scale load selects each
 *   row's scale out of one port word at offset row − first channel: one shifter for all rows, its stages
 *   growing with log2 R; the row-index fields).
 * Sampled at the generic model's six sizes (their syntheses shared; five terms, so one size to spare).
 * Held-out checks: docs/estimate.md, test/estimate/synth/engine-holdout.test.ts.
 */
import type { ArrayShape } from '../../estimate/area-model.js';
import type { Target } from '../../compile/target.js';
import type { TargetOf } from '../facets/compile.js';
import type { EngineArea, EngineGrowth } from '../facets/cost.js';
import { BILINEAR_ENGINE_TERMS, fittedEngineArea, GENERIC_ENGINE_POINTS } from '../facets/cost.js';
import { bitSerialConfigGeometry } from './golden.js';
import { bsmMetaStaging, bsmWritebackSlots } from './microarch.js';

/** The meta staging's bits at `rows` rows (./microarch.ts bsmMetaStaging: words × word width). */
function metaStagingBits(t: Target, rows: number): number {
  const m = bsmMetaStaging(t, rows);
  return m.words * 8 * m.wordBytes;
}

/**
 * The bit_serial_mod engine's growth terms. Its RAMs (memoryTerms): the operand staging, a fixed number of
 * port-wide words per column and per row (C, R), and the meta staging, a whole tile's scales and selectors in
 * meta-port words, a ceiling in R that no polynomial extrapolates (at 32 rows a fit on 1, R, log2 R through
 * 2, 4 and 8 rows predicted 4,352 of its 20,480 bits).
 */
export function bitSerialModEngineGrowth(t: Target): EngineGrowth {
  return {
    terms: [
      ...BILINEAR_ENGINE_TERMS,
      { name: 'log2 R', at: (r) => Math.log2(r) },
    ],
    memoryTerms: [...BILINEAR_ENGINE_TERMS, { name: 'meta staging bits', at: (r) => metaStagingBits(t, r) }],
    points: GENERIC_ENGINE_POINTS,
    note: 'bit_serial_mod: fixed, per row, per column, per PE (the writeback select, shared by the slots) and the row-shared selects (log2 R); RAM bits per row, per column and the meta staging\'s own',
  };
}

/**
 * The engine's own logic fitted on its recorded syntheses, one coefficient per growth term (1, R, C, R·C,
 * log2 R; RAM bits on the memory terms): least squares through the six fit samples of bitmod.qacc's engine recorded in
 * test/estimate/engine-synth-samples.json (record `bitmod`, Yosys generic flow, the engine's sub-units
 * blackboxed as `--synth` synthesizes it), the same fit `--synth` makes of those syntheses beyond 8 rows or
 * columns (src/estimate/synth/engine-fit.ts); test/estimate/synth/engine-holdout.test.ts checks that these are
 * that fit. Transistors of its gates, and bits of its RAMs (the operand and meta staging).
 * The samples are of bitmod.qacc's configuration (4 lanes, its buffers' port widths); other bit_serial_mod
 * designs are priced at the same coefficients (their staging widths may differ: docs/estimate.md "Tile
 * engine in the analytic estimate").
 */
export const BIT_SERIAL_MOD_ENGINE_FIT = {
  transistors: [23362, 63152.7857, 24416.2857, 989.6786, 75855.4286],
  /** On the memory terms (1, R, C, R·C, meta staging bits). */
  memoryBits: [0, 4104, 16384, 0, 1],
} as const;

/**
 * The engine's sub-units the analytic model leaves out (its PE cells are the PE array; templates/engine_bit_serial_mod.v.hbs
 * instantiates the others): a term decoder per row and lane (`qacc_bsm_terms_<tag>`, the weight types' term table,
 * a ROM) and an fp writeback multiplier per output slot (the accumulator times the row's channel scale,
 * ./microarch.ts bsmWritebackSlots). Their fit samples blackbox them, so the fit has none of their area.
 */
function bsmSubUnits(array: ArrayShape, t: TargetOf<'bit_serial_mod'>): string {
  const lanes = bitSerialConfigGeometry(t.golden).lanes;
  const slots = bsmWritebackSlots(t);
  return `${array.rows * lanes} term decoders (one per row and lane: ${array.rows} × ${lanes}, each a ROM of the weight types' terms) and ${slots} fp writeback multipliers (one per output slot: the accumulator times the row's channel scale): the engine's sub-units, synthesized by \`qacc estimate --synth generic\` but not in the analytic model`;
}

/** The engine's own logic at `array`: BIT_SERIAL_MOD_ENGINE_FIT on the growth terms (RAM bits on the memory terms, at `t`'s meta staging); its term decoders and writeback multipliers listed as left out. */
export function bitSerialModEngineArea(array: ArrayShape, t: TargetOf<'bit_serial_mod'>): EngineArea {
  const growth = bitSerialModEngineGrowth(t);
  const e = fittedEngineArea(
    growth,
    BIT_SERIAL_MOD_ENGINE_FIT,
    array,
    `bit_serial_mod engine fit (${growth.terms.map((term) => term.name).join(', ')}; RAM bits on ${growth.memoryTerms!.map((term) => term.name).join(', ')}; its own logic: the term decoders and writeback multipliers are sub-units) on the recorded syntheses of bitmod.qacc's engine at ${growth.points.map((p) => `${p.rows}×${p.cols}`).join(', ')} (Yosys generic flow, test/estimate/engine-synth-samples.json)`,
  );
  return { ...e, leavesOut: bsmSubUnits(array, t) };
}
