/**
 * Cycle counts of lowrank_gemm's tile engine (engine_lowrank of docs/array-rtl.md): qgemm_tile, lr_down,
 * lr_up, dequant and writeback, as closed forms (the generic rules: src/sim/timing.ts, cycle-rules.ts).
 * Single-pass tiles m ≤ cols, n ≤ rows: every instruction is one decode cycle, then FETCH (operand rows read into per-column /
 * per-row staging, each row as ceil(row bytes / port bytes) reads of its buffer's port, the ports in
 * parallel: F = the busiest port's read count), one cycle for the last read's data, then the beats
 * (all PEs in parallel):
 * - qgemm_tile: F over act (m rows of ceil(k/2) bytes), wgt (n rows) and meta (m activation-scale rows
 *   then n weight-scale rows of gt · scale bytes); beats Σ_g ceil(len_g / lanes) (an exact dot beat
 *   of `lanes` 4-bit products; the group's scale application in its last beat): F + beats + 2.
 * - lr_down: ceil(rank / rows) passes (PE row j computes rank index p·rows + j); pass p fetches its D
 *   rows (lrw, 2k bytes each; pass 0 also the m X rows on act) and takes ceil(k / B) beats of B =
 *   branchLanes = lanes / 4 chained 16-bit MACs: 1 + Σ_p (F_p + 1 + ceil(k / B)).
 * - lr_up: F = max(n U rows of 2·rank bytes (lrw), with use_lscale one row of 4·ceil(rank/16) LoRA-scale
 *   bytes (meta, in parallel)), then ceil(rank / B) beats: F + 2 + ceil(rank / B).
 * - dequant: one beat, after fetching its vectors (the channel scales with use_cscale, then the bias with
 *   use_bias: one row of 2n bytes each, F = rows · ceil(2n / meta port)): F + 3, else 2.
 * - writeback: one array column (n outputs) per out-port write: 1 + m · ceil(2n / out port).
 * - qact (runtime activation quantization of an m × k raw tile): F = the m raw X rows (2k bytes each, act
 *   port); then each array column quantizes one row, all in parallel, group by group: ceil(len / B) beats
 *   for the absolute maximum, one beat for the scale and its reciprocal, ceil(len / B) beats for the codes
 *   (B = branchLanes 16-bit elements per beat, as lr_down); then the writes, codes on the act port and scales
 *   on the meta port in parallel: W = max(m rows of ceil(k / 2) bytes, m rows of G · scale bytes), each row
 *   as ceil(row bytes / port bytes) writes: 1 + F + 1 + Σ_g (2 · ceil(len_g / B) + 1) + W.
 */
import type { Target } from '../../compile/target.js';
import { groupLengths, rowReads } from '../../arch/cycle-rules.js';
import { branchLanes } from './microarch.js';

/** lowrank_gemm qgemm_tile cycles of an m × n × k tile with scale groups of `group` (header). */
export function lowRankQgemmCycles(t: Target, m: number, n: number, k: number, group: number): number {
  const p = t.portBytes;
  const kb = Math.ceil(k / 2);
  const sb = (Math.ceil(k / group) * t.bits.gscale) / 8;
  const fetch = Math.max(
    rowReads(m, kb, p.act),
    rowReads(n, kb, p.wgt),
    rowReads(m, sb, p.meta) + rowReads(n, sb, p.meta),
  );
  const lanes = t.pe.kind === 'lowrank_gemm' ? t.pe.lanes : 1;
  const beats = groupLengths(k, group).reduce((s, len) => s + Math.ceil(len / lanes), 0);
  return fetch + beats + 2;
}

/** lowrank_gemm lr_down cycles for m tokens, k elements and rank `rank` (header). */
export function lowRankDownCycles(t: Target, m: number, k: number, rank: number): number {
  const p = t.portBytes;
  const rows = t.array.rows;
  const beats = Math.ceil(k / branchLanes(t));
  let total = 1;
  for (let r0 = 0; r0 < rank; r0 += rows) {
    const d = rowReads(Math.min(rows, rank - r0), 2 * k, p.lrw);
    total += (r0 === 0 ? Math.max(rowReads(m, 2 * k, p.act), d) : d) + 1 + beats;
  }
  return total;
}

/** lowrank_gemm lr_up cycles for n channels and rank `rank` (header). */
export function lowRankUpCycles(t: Target, n: number, rank: number, useLoraScales = false): number {
  const f = Math.max(rowReads(n, 2 * rank, t.portBytes.lrw), useLoraScales ? rowReads(1, 4 * Math.ceil(rank / 16), t.portBytes.meta) : 0);
  return f + 2 + Math.ceil(rank / branchLanes(t));
}

/** lowrank_gemm dequant cycles (header): `vectors` = how many of channel scales and bias it reads (0..2). */
export function lowRankDequantCycles(t: Target, n: number, vectors: number): number {
  return vectors > 0 ? rowReads(vectors, 2 * n, t.portBytes.meta) + 3 : 2;
}

/** lowrank_gemm writeback cycles (header): one array column (n 16-bit outputs) per out-port write. */
export function lowRankWritebackCycles(t: Target, m: number, n: number): number {
  return 1 + rowReads(m, 2 * n, t.portBytes.out);
}

/** lowrank_gemm qact cycles of an m × k raw tile with scale groups of `group` (header). */
export function lowRankQactCycles(t: Target, m: number, k: number, group: number): number {
  const p = t.portBytes;
  const B = branchLanes(t);
  const fetch = rowReads(m, 2 * k, p.act);
  const beats = groupLengths(k, group).reduce((s, len) => s + 2 * Math.ceil(len / B) + 1, 0);
  const writes = Math.max(rowReads(m, Math.ceil(k / 2), p.act), rowReads(m, (Math.ceil(k / group) * t.bits.gscale) / 8, p.meta));
  return 1 + fetch + 1 + beats + writes;
}
