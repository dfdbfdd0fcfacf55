/**
 * Cycle counts of lowrank_gemm's tile engine (engine_lowrank of docs/array-rtl.md): qgemm_tile, lr_down,
 * lr_up, dequant and writeback, as closed forms. The rules are documented in src/sim/timing.ts's header,
 * section "lowrank_gemm".
 */
import type { Target } from '../../compile/target.js';
import { groupLengths, rowReads } from '../../sim/cycle-rules.js';
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
