/**
 * lowrank_gemm's qgemm_tile closed form (the rule: timing.ts, which re-exports it), at the compile layer so
 * that the scheduler's cost model (CompileFacet.tileCycles, src/compile/schedule/cost.ts) and the simulator
 * time a multi-pass tile by the very same formula.
 */
import type { Target } from '../../compile/target.js';

/** Port reads of `rows` contiguous rows of `bytes` each, read word after word (a word may span rows). */
export function packedReads(rows: number, bytes: number, port: number): number {
  return Math.ceil((rows * bytes) / Math.max(1, port));
}

/** The sizes of the passes that cover `total` in steps of `per` (the last may be partial). */
export function passSizes(total: number, per: number): number[] {
  const out: number[] = [];
  for (let x = 0; x < total; x += per) out.push(Math.min(per, total - x));
  return out;
}

/**
 * qgemm_tile's pass order over pmN × pnN passes: shells s = 0, 1, …, shell s the passes (s, j) for j < min(s,
 * pnN) (m pass s with the n passes already begun), then (i, s) for i ≤ min(s, pmN − 1) (n pass s): each shell
 * begins one new m pass and one new n pass, so the new operand rows a pass must fetch (the act rows of m
 * pass s at (s, 0), the weight rows of n pass s at (0, s)) are spread over the shell's 2s + 1 passes instead
 * of all falling in the first n pass.
 */
export function qgemmPassOrder(pmN: number, pnN: number): [number, number][] {
  const out: [number, number][] = [];
  for (let s = 0; s < Math.max(pmN, pnN); s++) {
    if (s < pmN) for (let j = 0; j < Math.min(s, pnN); j++) out.push([s, j]);
    if (s < pnN) for (let i = 0; i <= Math.min(s, pmN - 1); i++) out.push([i, s]);
  }
  return out;
}

/**
 * lowrank_gemm qgemm_tile cycles of an m × n × k tile with scale groups of `group` (timing.ts header): the
 * fetch passes back to back from cycle 1, R_s the cycle of pass s's last read (Σ F up to s); pass p's beats
 * start at b_p = max(b_{p−1} + beats, R_p + 2) (b_{−1} + beats = 1; a pass fetching nothing: b_{p−1} + beats);
 * the instruction takes b_last + beats.
 */
export function lowRankQgemmCycles(t: Target, m: number, n: number, k: number, group: number): number {
  const p = t.portBytes;
  const kb = Math.ceil(k / 2);
  const sb = (Math.ceil(k / group) * t.bits.gscale) / 8;
  const lanes = t.pe.kind === 'lowrank_gemm' ? t.pe.lanes : 1;
  const beats = Array.from({ length: Math.ceil(k / group) }, (_, g) => Math.min(group, k - g * group)).reduce((s, len) => s + Math.ceil(len / lanes), 0);
  // fetch passes run back to back from cycle 1 (`read`: the cycle of the last read issued so far); a pass's
  // beats start after the previous pass's (`free`) and two cycles after its own fetch's last read
  let read = 0;
  let free = 1;
  const mcs = passSizes(m, t.array.cols);
  const nrs = passSizes(n, t.array.rows);
  for (const [pm, pn] of qgemmPassOrder(mcs.length, nrs.length)) {
    const mc = mcs[pm];
    const nr = nrs[pn];
    const a = pn === 0 ? mc : 0;
    const w = pm === 0 ? nr : 0;
    const f = Math.max(packedReads(a, kb, p.act), packedReads(w, kb, p.wgt), packedReads(a, sb, p.meta) + packedReads(w, sb, p.meta));
    read += f;
    free = (f > 0 ? Math.max(free, read + 2) : free) + beats;
  }
  return free;
}

