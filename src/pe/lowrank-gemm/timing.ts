/**
 * Cycle counts of lowrank_gemm's tile engine (engine_lowrank of docs/array-rtl.md): qgemm_tile, lr_down,
 * lr_up, dequant and writeback, as closed forms (the generic rules: src/sim/timing.ts, cycle-rules.ts).
 *
 * Multi-pass tiles (issue 13: the PE's declared tile_m × tile_n is the accumulator tile): an m × n tile
 * runs as ceil(m / cols) × ceil(n / rows) array passes, n passes outer, m passes inner (qgemm_tile: shell order, below); pass (pm, pn) covers
 * tokens pm·cols … (mc of them) and channels pn·rows … (nr of them), and its accumulators are the PEs'
 * register-file entries pm · maxNPasses + pn. Every instruction is one decode cycle, then per pass: FETCH
 * (operand rows read into per-column / per-row staging; the pass's rows of one operand lie contiguous in
 * their buffer and are read port word after port word, a word landing in every row it overlaps: R rows of
 * B bytes take ceil(R · B / port bytes) reads (packedReads); the ports in parallel, meta's two operands
 * one after the other: F = the busiest port's read count) and one cycle for the last read's data —
 * skipped for a pass that fetches nothing —, then the pass's beats (all PEs in parallel).
 * Per-row staging (weight codes and scales, U rows, bias, channel and LoRA scales) is fetched in the first
 * m pass of each n pass and kept for the others. A single-pass tile is the old engine, cycle for cycle.
 * - qgemm_tile: its passes in shell order (compile-cycles.ts qgemmPassOrder: shell s begins m pass s and n
 *   pass s, so each pass fetching new rows is followed by passes that fetch nothing); per pass F over act (mc rows of ceil(k/2) bytes, pn = 0), wgt (nr rows, pm = 0) and meta
 *   (with pn = 0 mc activation-scale rows, then with pm = 0 nr weight-scale rows, of gt · scale bytes: one
 *   region each, ceil(mc · gt · scale bytes / port) + ceil(nr · …) reads); the
 *   per-column staging keeps one copy per m pass and the per-row staging one per n pass, so each operand
 *   row is fetched once per instruction and the fetches run ahead of the beats: the fetch passes read back
 *   to back from cycle 1 (R_s: the cycle of fetch pass s's last read, Σ F up to s), and pass p's beats start
 *   at b_p = max(b_{p−1} + beats, R_p + 2) (one cycle for the last read's data; b_{−1} + beats = 1; a pass
 *   fetching nothing starts at b_{p−1} + beats); beats Σ_g ceil(len_g / lanes) (an exact dot beat of
 *   `lanes` 4-bit products; the group's scale application in its last beat): b_last + beats. A one-pass
 *   tile: 1 + F + 1 + beats, as before.
 * - lr_down: per m pass, ceil(rank / rows) rank passes (PE row j computes rank index p·rows + j); rank pass
 *   p fetches, in the first m pass, its D rows (lrw, 2k bytes each; the engine stages them per rank pass,
 *   so later m passes fetch none), and p = 0 the mc X rows on act, then takes ceil(k / B) beats of B =
 *   branchLanes = lanes / 4 chained 16-bit MACs: 1 + Σ_pm Σ_p ((F > 0 ? F + 1 : 0) + ceil(k / B)).
 * - lr_up: per pass, with pm = 0 F = max(nr U rows of 2·rank bytes (lrw), in the first pass with
 *   use_lscale one row of 4·ceil(rank/16) LoRA-scale bytes (meta, in parallel)) and one cycle; then
 *   ceil(rank / B) beats.
 * - dequant: per pass one beat, after (pm = 0) fetching its vectors (the channel scales with use_cscale,
 *   then the bias with use_bias: one row of 2·nr bytes each, a region each: F = rows · ceil(2·nr / meta
 *   port)) and one cycle.
 * - writeback: per token, its n outputs of every n pass at once (each PE keeps the 16-bit rounding of every
 *   entry in an output register file, written with the entry), as ceil(2·n / out port) writes: 1 + m ·
 *   ceil(2·n / PO).
 * - qact (runtime activation quantization of an m × k raw tile), per m pass of mc tokens: F = the pass's mc
 *   raw X rows (2k bytes each, contiguous, packed reads on the act port); then each array column quantizes
 *   one row, all in parallel, group by group: ceil(len / B) beats for the absolute maximum, one beat for the
 *   scale and its reciprocal, ceil(len / B) beats for the codes (B = branchLanes 16-bit elements per beat,
 *   as lr_down); then the writes, codes on the act port and scales on the meta port in parallel:
 *   W = max(mc rows of ceil(k / 2) bytes, mc rows of G · scale bytes), each stream's rows contiguous and
 *   written packed, port word after port word (packedReads): 1 + Σ_pm (F + 1 + Σ_g (2 · ceil(len_g / B) + 1) + W).
 */
import type { Target } from '../../compile/target.js';
import { groupLengths, rowReads } from '../../arch/cycle-rules.js';
import { branchLanes } from './microarch.js';
import { lowRankQgemmCycles, packedReads, passSizes } from './compile-cycles.js';

// the qgemm_tile closed form lives at the compile layer, so that the scheduler's cost model times tiles by it too
export { lowRankQgemmCycles, packedReads, passSizes };

/** lowrank_gemm lr_down cycles for m tokens, k elements and rank `rank` (header). */
export function lowRankDownCycles(t: Target, m: number, k: number, rank: number): number {
  const p = t.portBytes;
  const rows = t.array.rows;
  const beats = Math.ceil(k / branchLanes(t));
  let total = 1;
  passSizes(m, t.array.cols).forEach((mc, pm) => {
    for (let r0 = 0; r0 < rank; r0 += rows) {
      // D rows in the first m pass only (the engine stages them per rank pass)
      const d = pm === 0 ? packedReads(Math.min(rows, rank - r0), 2 * k, p.lrw) : 0;
      const f = r0 === 0 ? Math.max(packedReads(mc, 2 * k, p.act), d) : d;
      total += (f > 0 ? f + 1 : 0) + beats;
    }
  });
  return total;
}

/** lowrank_gemm lr_up cycles for an m × n tile and rank `rank` (header). */
export function lowRankUpCycles(t: Target, m: number, n: number, rank: number, useLoraScales = false): number {
  const beats = Math.ceil(rank / branchLanes(t));
  const mPasses = passSizes(m, t.array.cols).length;
  let total = 1;
  passSizes(n, t.array.rows).forEach((nr, pn) => {
    const f = Math.max(packedReads(nr, 2 * rank, t.portBytes.lrw), useLoraScales && pn === 0 ? rowReads(1, 4 * Math.ceil(rank / 16), t.portBytes.meta) : 0);
    total += f + 1 + mPasses * beats;
  });
  return total;
}

/** lowrank_gemm dequant cycles of an m × n tile (header): `vectors` = how many of channel scales and bias it reads (0..2). */
export function lowRankDequantCycles(t: Target, m: number, n: number, vectors: number): number {
  const mPasses = passSizes(m, t.array.cols).length;
  let total = 1;
  for (const nr of passSizes(n, t.array.rows)) total += (vectors > 0 ? rowReads(vectors, 2 * nr, t.portBytes.meta) + 1 : 0) + mPasses;
  return total;
}

/** lowrank_gemm writeback cycles (header): per token, each n pass's nr 16-bit outputs as out-port writes. */
export function lowRankWritebackCycles(t: Target, m: number, n: number): number {
  return 1 + m * rowReads(1, 2 * n, t.portBytes.out);
}

/** lowrank_gemm qact cycles of an m × k raw tile with scale groups of `group` (header). */
export function lowRankQactCycles(t: Target, m: number, k: number, group: number): number {
  const p = t.portBytes;
  const B = branchLanes(t);
  const beats = groupLengths(k, group).reduce((s, len) => s + 2 * Math.ceil(len / B) + 1, 0);
  let total = 1;
  for (const mc of passSizes(m, t.array.cols)) {
    const writes = Math.max(packedReads(mc, Math.ceil(k / 2), p.act), packedReads(mc, (Math.ceil(k / group) * t.bits.gscale) / 8, p.meta));
    total += packedReads(mc, 2 * k, p.act) + 1 + beats + writes;
  }
  return total;
}
