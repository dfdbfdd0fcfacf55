/**
 * lowrank_gemm's engine closed forms (the rules: timing.ts's header, which re-exports them): qgemm_tile,
 * lr_down, lr_up, qact, dequant and writeback, and which of them an instruction takes
 * (lowRankInstructionCycles). They sit at the compile layer so that the scheduler's cost model
 * (CompileFacet.tileCycles / stepCycles / epilogueCycles, src/compile/schedule/cost.ts), the simulator and
 * the estimator time every engine instruction by the very same formulas.
 */
import type { Target } from '../../compile/target.js';
import type { Instruction } from '../../isa/generated-types.js';

/** Lanes of the low-rank branch (16-bit MACs per PE per cycle; microarch.ts re-exports it for the RTL generators). */
export function branchLanes(t: Target): number {
  return t.pe.kind === 'lowrank_gemm' ? Math.max(1, Math.floor(t.pe.lanes / 4)) : 1;
}

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


/** Reads of `rows` rows of `bytes` each, every row starting a read (src/arch/cycle-rules.ts rowReads). */
function rowReads(rows: number, bytes: number, port: number): number {
  return rows * Math.ceil(bytes / Math.max(1, port));
}

/** lowrank_gemm lr_down cycles for m tokens, k elements and rank `rank` (timing.ts header). */
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

/** lowrank_gemm lr_up cycles for an m × n tile and rank `rank` (timing.ts header). */
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

/** lowrank_gemm dequant cycles of an m × n tile (timing.ts header): `vectors` = how many of channel scales and bias it reads (0..2). */
export function lowRankDequantCycles(t: Target, m: number, n: number, vectors: number): number {
  const mPasses = passSizes(m, t.array.cols).length;
  let total = 1;
  for (const nr of passSizes(n, t.array.rows)) total += (vectors > 0 ? rowReads(vectors, 2 * nr, t.portBytes.meta) + 1 : 0) + mPasses;
  return total;
}

/** lowrank_gemm writeback cycles (timing.ts header): per token, each n pass's nr 16-bit outputs as out-port writes. */
export function lowRankWritebackCycles(t: Target, m: number, n: number): number {
  return 1 + m * rowReads(1, 2 * n, t.portBytes.out);
}

/** lowrank_gemm qact cycles of an m × k raw tile with scale groups of `group` (timing.ts header). */
export function lowRankQactCycles(t: Target, m: number, k: number, group: number): number {
  const p = t.portBytes;
  const B = branchLanes(t);
  const beats = passSizes(k, group).reduce((s, len) => s + 2 * Math.ceil(len / B) + 1, 0);
  let total = 1;
  for (const mc of passSizes(m, t.array.cols)) {
    const writes = Math.max(packedReads(mc, Math.ceil(k / 2), p.act), packedReads(mc, (Math.ceil(k / group) * t.bits.gscale) / 8, p.meta));
    total += packedReads(mc, 2 * k, p.act) + 1 + beats + writes;
  }
  return total;
}

/**
 * Cycles of one lowrank_gemm engine instruction on the current `settile` tile (m × n × k) with the setmode
 * group and rank: the closed form of its opcode; undefined for an instruction the engine does not run.
 * The one mapping the simulator, the estimator and the scheduler's cost model share.
 */
export function lowRankInstructionCycles(t: Target, inst: Instruction, tile: { readonly m: number; readonly n: number; readonly k: number }, group: number, rank: number): number | undefined {
  const { m, n, k } = tile;
  switch (inst.kind) {
    case 'qgemm_tile':
      return lowRankQgemmCycles(t, m, n, k, group);
    case 'lr_down':
      return lowRankDownCycles(t, m, k, rank);
    case 'lr_up':
      return lowRankUpCycles(t, m, n, rank, inst.use_lscale);
    case 'qact':
      return lowRankQactCycles(t, m, k, group);
    case 'dequant':
      return lowRankDequantCycles(t, m, n, (inst.use_cscale ? 1 : 0) + (inst.use_bias ? 1 : 0));
    case 'writeback':
      return lowRankWritebackCycles(t, m, n);
    default:
      return undefined;
  }
}
