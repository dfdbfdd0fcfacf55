/**
 * How the bit_serial_mod tile engine (templates/engine_bit_serial_mod.v.hbs, its PEs, term decoders and
 * writeback multipliers apart) grows with the array, for `qacc estimate --synth` beyond the sizes it
 * synthesizes (src/estimate/synth/engine-fit.ts fits one coefficient per term). Read off the template:
 * - fixed: command decode and traps, the three fetch sequencers, the group / step / cycle sequencer, the
 *   writeback counters, the meta staging's write side;
 * - per column (C): the activation staging's step-word select (a chunk of `chunkAct` fp16 to one 4-lane
 *   word), the padding-lane mask, the NaN flag;
 * - per row (R): the weight staging's step-word select, the (row, group) selector and scale byte selects
 *   out of the meta staging, the channel-scale register, the type decode, the dequant scale register, one
 *   stage of the slowest-type maximum;
 * - per PE (R·C): its enable;
 * - per writeback slot and PE (Q·R·C, Q = bsmWritebackSlots: min(rows, out port / output bytes)): every slot
 *   selects one 32-bit accumulator among all R·C (`cacc_flat[32*pidx +: 32]`), the crossbar that dominates
 *   large arrays;
 * - per slot and row (Q·R): every slot selects its row's fp16 channel scale among R (`cs_flat[16*jj +: 16]`).
 * The memories (staging rings, meta staging) are $mem_v2 macros, their bits per row and per column.
 * Sampled at the generic model's six sizes (their syntheses shared) and 8 × 4: the six sizes alone leave
 * R² and R·C confounded (rank 5), 8 × 4 separates them and leaves one size to spare; held-out checks:
 * docs/estimate.md "Tile engine extrapolation", test/estimate/synth/engine-holdout.test.ts.
 */
import type { TargetOf } from '../facets/compile.js';
import type { EngineGrowth } from '../facets/cost.js';
import { bsmWritebackSlots } from './microarch.js';

/** The bit_serial_mod engine's growth terms (slots as the target's out port and output format give them). */
export function bitSerialModEngineGrowth(t: TargetOf<'bit_serial_mod'>): EngineGrowth {
  const slots = (rows: number): number => bsmWritebackSlots({ ...t, array: { ...t.array, rows } });
  return {
    terms: [
      { name: '1', at: () => 1 },
      { name: 'R', at: (r) => r },
      { name: 'C', at: (_, c) => c },
      { name: 'R·C', at: (r, c) => r * c },
      { name: 'Q·R·C', at: (r, c) => slots(r) * r * c },
      { name: 'Q·R', at: (r) => slots(r) * r },
    ],
    points: [
      { rows: 2, cols: 2 },
      { rows: 2, cols: 4 },
      { rows: 4, cols: 2 },
      { rows: 4, cols: 4 },
      { rows: 2, cols: 8 },
      { rows: 8, cols: 2 },
      { rows: 8, cols: 4 },
    ],
    note: `bit_serial_mod: fixed, per row, per column, per PE, the writeback crossbar (Q = ${slots(t.array.rows)} slots × R·C accumulators) and each slot's channel-scale select (Q·R)`,
  };
}
