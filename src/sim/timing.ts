/**
 * Closed-form cycle counts of everything the simulator times, one function per instruction class. The
 * per-cycle behaviour of every PE kind is regular within a tile, so a tile costs a formula, not a loop
 * over cycles (the simulator's cost grows with the number of tiles, not of cycles or addresses).
 *
 * - DMA (load/store): the DRAM port carries one beat of dramBeatBytes = dramBitsPerCycle / 8 bytes per
 *   cycle. Each row of a 2-D transfer is a burst from its own DRAM address, so a transfer of `rows` rows of
 *   `row_bytes` holds the port for rows · ceil(row_bytes / beat) cycles (dmaPortCycles) and completes
 *   DMA_LATENCY_CYCLES (64) after its last beat left the port (the DRAM returns a read beat 64 cycles
 *   after its request; the store DMA waits as long for its writes). Each of the load and store queues has
 *   one DMA outstanding; a DMA asks for the port in the cycle it starts (its first beat can go in that
 *   cycle), and a free port goes to the DMA that started first (the load DMA on a tie).
 * - Configuration and token-only instructions: 1 cycle; control instructions: 1 dispatch cycle each.
 * - A tile op covers an m × n output tile in passes of (cols tokens × rows channels) over the array;
 *   its cycles are max(Σ passes (pass cycles), ceil(act bytes read / act read bandwidth),
 *   ceil(wgt bytes read / wgt read bandwidth)), the read bandwidths being banks · width of the buffers.
 *   Pass cycles per PE kind (S = the PE's pipeline depth, filled once per pass):
 *   - bit_serial_mod: not this rule — see "bit_serial_mod" below.
 *   - simd_mac: not this rule — see simdTileCycles (the tile engine of docs/array-rtl.md);
 *     mac: not this rule — see "mac" below.
 *   - lowrank_gemm: not this rule — see "lowrank_gemm" below.
 * - lowrank_gemm (the tile engine engine_lowrank of docs/array-rtl.md; single-pass tiles m ≤ cols,
 *   n ≤ rows): every instruction is one decode cycle, then FETCH (operand rows read into per-column /
 *   per-row staging, each row as ceil(row bytes / port bytes) reads of its buffer's port, the ports in
 *   parallel: F = the busiest port's read count), one cycle for the last read's data, then the beats
 *   (all PEs in parallel):
 *   - qgemm_tile: F over act (m rows of ceil(k/2) bytes), wgt (n rows) and meta (m activation-scale rows
 *     then n weight-scale rows of gt · scale bytes); beats Σ_g ceil(len_g / lanes) (an exact dot beat
 *     of `lanes` 4-bit products; the group's scale application in its last beat): F + beats + 2.
 *   - lr_down: ceil(rank / rows) passes (PE row j computes rank index p·rows + j); pass p fetches its D
 *     rows (lrw, 2k bytes each; pass 0 also the m X rows on act) and takes ceil(k / B) beats of B =
 *     branchLanes = lanes / 4 chained 16-bit MACs: 1 + Σ_p (F_p + 1 + ceil(k / B)).
 *   - lr_up: F = max(n U rows of 2·rank bytes (lrw), with use_lscale one row of 4·ceil(rank/16) LoRA-scale
 *     bytes (meta, in parallel)), then ceil(rank / B) beats: F + 2 + ceil(rank / B).
 *   - dequant: one beat, after fetching its vectors (the channel scales with use_cscale, then the bias with
 *     use_bias: one row of 2n bytes each, F = rows · ceil(2n / meta port)): F + 3, else 2.
 *   - writeback: one array column (n outputs) per out-port write: 1 + m · ceil(2n / out port).
 * - mac (the tile engine engine_mac of docs/array-rtl.md, src/codegen/verilog/engine-mac.ts; the program-level
 *   RTL runs single-pass tiles m ≤ cols, n ≤ rows; longer tiles cost one such schedule per pass): every
 *   instruction is one decode cycle, then
 *   - mac_tile: FETCH of the m activation rows (RB_a = rowBytes(k, act bits)) into per-column staging and
 *     the n weight rows into per-row staging, each row as ceil(RB / port bytes) reads, the act and wgt
 *     ports in parallel: F = max(m · ceil(RB_a / port_act), n · ceil(RB_w / port_wgt)); one cycle for the
 *     last read's data to land; then one step of `lanes` elements per cycle through all PEs in parallel,
 *     each step reaching the accumulators S = pipeline_stages cycles after its staging read:
 *     macTileCycles = F + ceil(k / lanes) + S + 2.
 *   - dequant use_cscale: the n fp16 channel scales read from meta, ceil(2n / port_meta) reads, the last
 *     landing one cycle later: ceil(2n / port_meta) + 2; without flags 2 (macDequantCycles).
 *   - writeback: one token (array column, n outputs, contiguous in the out tile) per ceil(n · out bytes /
 *     port_out) writes, through a registered write port: m · ceil(n · ob / port_out) + 2
 *     (macWritebackCycles).
 * - dequant, writeback (other kinds): one output per array column per cycle plus 2: ceil(m·n / cols) + 2
 *   (simd_mac writeback: simdWritebackCycles, the same unless the out port is narrower than a column).
 * - simd_tile (simdTileCycles, the simd_mac tile engine's fetch-then-compute schedule, per pass over the
 *   array of m' ≤ cols tokens × n' ≤ rows channels): FETCH reads the m' activation rows and the n' weight
 *   rows (RB = rowBytes(k, 16 / lanes) bytes each) into per-column / per-row operand staging, chunk by
 *   chunk, activations and weights in parallel through their own read ports: a chunk is the even part of
 *   the port (ch = 2·floor(portBytes / 2), so a 16-bit operand word never straddles two), fetch =
 *   max(m'·ceil(RB / ch_act), n'·ceil(RB / ch_wgt)). COMPUTE then streams one operand word (lanes of the
 *   mode) per cycle (one staging read each) through all PEs in parallel: ceil(k / lanes) cycles.
 *   SIMD_ENGINE_LATENCY = 4 fixed cycles: taking the command, the last staging write, the operand
 *   register (word select and lane mask) and the PE's quire step of the last word. pass = fetch + ceil(k / lanes) + 4; the program-level RTL
 *   runs single-pass tiles only.
 * - bit_serial_mod (the tile engine engine_bit_serial_mod of docs/array-rtl.md,
 *   src/codegen/verilog/engine-bit-serial-mod.ts; single-pass tiles, longer ones cost one schedule per
 *   pass), times relative to the command's cycle s:
 *   - mod_tile: FETCH from s + 1, one read per cycle on each of the act, wgt and meta ports in parallel;
 *     act and wgt chunk-major (chunk c of all rows, then c + 1), a chunk being E = bsmChunkElements(port,
 *     bits) elements (the most whole 4-element steps of whole bytes one read holds); meta: the block of
 *     n·G scales and n·G selectors, ceil(bytes / meta port) reads. A read's data land at the end of the
 *     next cycle, so group g (elements up to end_g) can compute from
 *     R_g = 2 + max(m · ceil(end_g / E_act), n · ceil(end_g / E_wgt), meta reads).
 *     COMPUTE: a_g = ceil(len_g / 4) · C_g step-cycles (C_g = cycles per weight of the slowest type the
 *     tile's rows select); at its last step-cycle the group is handed to the dequantizer (8 cycles, then 1
 *     fp32 add cycle), overlapping the next group; a handoff waits until the previous dequant is in its
 *     add cycle. Start_g = max(Q_{g−1}, R_g) (Q_{−1} = 1), Q_0 = Start_0 + a_0,
 *     Q_g = max(Start_g + a_g, Q_{g−1} + 9); D = Q_last + 9 (done in the last add cycle).
 *   - dequant use_cscale: the n channel scales, floor(meta port / 2) per read: ceil(n / that) + 2
 *     (the product with the entry is formed exactly at writeback); without flags a 1-cycle no-op.
 *   - writeback: one item (a column's next Q = min(rows, out port / output bytes) entries) per cycle,
 *     rounded and registered, written the next cycle: m · ceil(n / Q) + 2.
 */
import type { Target } from '../compile/target.js';
import { rowBytes } from '../compile/pack.js';
import { branchLanes, bsmChunkElements, bsmWritebackSlots } from '../arch/microarch.js';

// Shared with the RTL generators; re-exported so the simulator's callers keep one import.
export {
  branchLanes,
  bsmChunkElements,
  bsmWritebackSlots,
  bufferLanes,
  DMA_LATENCY_CYCLES,
  dramBeatBytes,
  QUEUE_DEPTH,
} from '../arch/microarch.js';

/** Cycles of the bit-serial dequantization of one group (8-bit scale, one bit per cycle). */
export const BSM_DEQUANT_CYCLES = 8;
/** Pipeline depth of the lowrank_gemm PE's main path and its branch unit. */
export const LOWRANK_DEPTH = 3;
/** Pipeline depth of the epilogue unit. */
export const EPILOGUE_DEPTH = 2;

/** Cycles a 2-D transfer of `rows` rows of `rowBytes` holds the DRAM port: one burst of beats per row. */
export function dmaPortCycles(rows: number, rowBytes: number, beatBytes: number): number {
  return rows * Math.ceil(rowBytes / beatBytes);
}

/** Pipeline depth of the target's PE. */
export function peDepth(t: Target): number {
  const pe = t.pe;
  switch (pe.kind) {
    case 'bit_serial_mod':
    case 'simd_mac':
    case 'mac':
      return pe.pipelineStages;
    case 'lowrank_gemm':
      return LOWRANK_DEPTH;
    default: {
      const never: never = pe;
      throw new Error(`unknown PE ${JSON.stringify(never)}`);
    }
  }
}

/** Lengths of the scale groups of a k-long reduction. */
export function groupLengths(k: number, groupSize: number): number[] {
  const out: number[] = [];
  for (let s = 0; s < k; s += groupSize) out.push(Math.min(groupSize, k - s));
  return out;
}

/** Array passes needed for an m × n output tile. */
export function passes(t: Target, m: number, n: number): number {
  return Math.ceil(m / t.array.cols) * Math.ceil(n / t.array.rows);
}

/** The buffer-read bound of a tile op reading `actBytes` and `wgtBytes` per pass. */
export function readBound(t: Target, actBytes: number, wgtBytes: number): number {
  return Math.max(Math.ceil(actBytes / t.actReadBytesPerCycle), Math.ceil(wgtBytes / t.wgtReadBytesPerCycle));
}

/** Cycles of dequant / writeback on an m × n tile. */
export function epilogueCycles(t: Target, m: number, n: number): number {
  return Math.ceil((m * n) / t.array.cols) + EPILOGUE_DEPTH;
}

/** Fixed cycles of a simd_tile besides fetch and compute (see the header: simd_tile). */
export const SIMD_ENGINE_LATENCY = 4;

/** Bytes the simd_mac engine fetches per read from a port of `portBytes`: its even part (0 below 2). */
export function simdChunkBytes(portBytes: number): number {
  return 2 * Math.floor(portBytes / 2);
}

/** Cycles of a simd_tile of m × n × k in a mode of `lanes` lanes (one pass per array-sized piece). */
export function simdTileCycles(t: Target, m: number, n: number, k: number, lanes: number): number {
  const rb = rowBytes(k, 16 / lanes);
  const chA = Math.max(1, simdChunkBytes(t.portBytes.act));
  const chW = Math.max(1, simdChunkBytes(t.portBytes.wgt));
  const steps = Math.ceil(k / lanes);
  let total = 0;
  for (let i = 0; i < m; i += t.array.cols) {
    for (let j = 0; j < n; j += t.array.rows) {
      const mp = Math.min(t.array.cols, m - i);
      const np = Math.min(t.array.rows, n - j);
      total += Math.max(mp * Math.ceil(rb / chA), np * Math.ceil(rb / chW)) + steps + SIMD_ENGINE_LATENCY;
    }
  }
  return total;
}

/** Entries the simd_mac engine writes back per cycle: one per column, as many as the out port holds. */
export function simdWritebackSlots(t: Target): number {
  return Math.max(1, Math.min(t.array.cols, Math.floor(t.portBytes.out / (t.bits.out / 8))));
}

/** Cycles of a simd_mac writeback of an m × n tile: ceil(m·n / slots) + EPILOGUE_DEPTH. */
export function simdWritebackCycles(t: Target, m: number, n: number): number {
  return Math.ceil((m * n) / simdWritebackSlots(t)) + EPILOGUE_DEPTH;
}

/** Reads that stage `rows` rows of `bytes` bytes through a port of `port` bytes (every row starts a read). */
export function rowReads(rows: number, bytes: number, port: number): number {
  return rows * Math.ceil(bytes / Math.max(1, port));
}

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

/** Cycles of a mac_tile of m × n × k (header, "mac"): per array pass F + ceil(k / lanes) + S + 2. */
export function macTileCycles(t: Target, m: number, n: number, k: number): number {
  if (t.pe.kind !== 'mac') throw new Error(`macTileCycles on a ${t.pe.kind} PE`);
  const p = t.portBytes;
  const steps = Math.ceil(k / t.pe.lanes);
  const rbA = rowBytes(k, t.bits.act);
  const rbW = rowBytes(k, t.bits.wgt);
  let total = 0;
  for (let i = 0; i < m; i += t.array.cols) {
    for (let j = 0; j < n; j += t.array.rows) {
      const mp = Math.min(t.array.cols, m - i);
      const np = Math.min(t.array.rows, n - j);
      const fetch = Math.max(
        mp * Math.ceil(rbA / Math.max(1, p.act)),
        np * Math.ceil(rbW / Math.max(1, p.wgt)),
      );
      total += fetch + steps + t.pe.pipelineStages + 2;
    }
  }
  return total;
}

/** Cycles of a mac dequant on n channels (header, "mac"): the channel-scale reads when use_cscale. */
export function macDequantCycles(t: Target, n: number, useCscale: boolean): number {
  return useCscale ? Math.ceil((2 * n) / Math.max(1, t.portBytes.meta)) + 2 : 2;
}

/** Cycles of a mac writeback of an m × n tile (header, "mac"): one token per ceil(n · ob / port) writes. */
export function macWritebackCycles(t: Target, m: number, n: number): number {
  return m * Math.ceil((n * t.bits.out) / 8 / Math.max(1, t.portBytes.out)) + 2;
}

/** Cycles of the bit_serial_mod engine's dequantization of a group (8 bit-serial steps, 1 fp32 add). */
export const BSM_DEQUANT_ADD_CYCLES = BSM_DEQUANT_CYCLES + 1;

/** Cycles of one bit_serial_mod pass of m' × n' × k (see the header: bit_serial_mod mod_tile). */
export function bsmPassCycles(
  t: Target,
  m: number,
  n: number,
  k: number,
  cyclesPerWeight: readonly number[],
): number {
  const lanes = t.pe.kind === 'bit_serial_mod' ? t.pe.lanes : 4;
  const gs = t.groupSize;
  const eAct = Math.max(1, bsmChunkElements(t.portBytes.act, t.bits.act, lanes));
  const eWgt = Math.max(1, bsmChunkElements(t.portBytes.wgt, t.bits.wgt, lanes));
  const G = Math.ceil(k / gs);
  const metaBytes = n * G + Math.ceil((n * G * t.bits.selector) / 8);
  const metaReads = Math.ceil(metaBytes / Math.max(1, t.portBytes.meta));
  let q = 1;
  for (let g = 0; g < G; g++) {
    const end = Math.min(k, (g + 1) * gs);
    const ready = 2 + Math.max(m * Math.ceil(end / eAct), n * Math.ceil(end / eWgt), metaReads);
    const start = Math.max(q, ready);
    const a = Math.ceil((end - g * gs) / lanes) * cyclesPerWeight[g];
    q = g === 0 ? start + a : Math.max(start + a, q + BSM_DEQUANT_ADD_CYCLES);
  }
  return q + BSM_DEQUANT_ADD_CYCLES;
}

/** Cycles of a bit_serial_mod dequant: channel-scale fetch when use_cscale, else a 1-cycle no-op. */
export function bsmDequantCycles(t: Target, n: number, useCscale: boolean): number {
  return useCscale ? Math.ceil(n / Math.max(1, Math.floor(t.portBytes.meta / 2))) + 2 : 1;
}

/** Cycles of a bit_serial_mod writeback of an m × n tile: m · ceil(n / slots) + 2. */
export function bsmWritebackCycles(t: Target, m: number, n: number): number {
  return m * Math.ceil(n / bsmWritebackSlots(t)) + EPILOGUE_DEPTH;
}
