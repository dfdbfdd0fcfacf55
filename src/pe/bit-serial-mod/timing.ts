/**
 * Cycle counts of bit_serial_mod's tile engine (engine_bit_serial_mod of docs/array-rtl.md): mod_tile,
 * dequant and writeback, as closed forms (the generic rules: src/sim/timing.ts, cycle-rules.ts). A
 * mod_tile of m > cols tokens (a declared tile_m, Target.tilePassesM) runs as ceil(m / cols) array passes
 * (./rtl-engine.ts), each the schedule below on its mc tokens, the next starting in the cycle after the
 * previous one's last add: its cycles are Σ_passes bsmPassCycles(mc, n, k). Times relative to the
 * command's (or the pass's) cycle s:
 * - mod_tile: FETCH from s + 1, one read per cycle on each of the act, wgt and meta ports in parallel;
 *   act and wgt chunk-major (chunk c of all rows, then c + 1), a chunk being E = bsmChunkElements(port,
 *   bits) elements (the most whole 4-element steps of whole bytes one read holds); meta: the block of
 *   n·G scales and n·G selectors, ceil(bytes / meta port) reads. A read's data land at the end of the
 *   next cycle, so group g (elements up to end_g) can compute from
 *   R_g = 2 + max(m · ceil(end_g / E_act), n · ceil(end_g / E_wgt), meta reads).
 *   Staging ring (microarch.ts bsmRingSlots; only when tiles may be deeper than the staging): chunk c of a
 *   port goes to slot c mod S; the fetch of chunk c ≥ S waits, at its first row, until the compute has
 *   finished group g'(c) = ceil((c − S + 1) · E / group) − 1 (the last group reading chunk c − S), i.e.
 *   until cycle Q_{g'(c)}. So F_0 = 1, F_c = max(F_{c−1} + rows, c ≥ S ? Q_{g'(c)} : 0) (the cycle of
 *   chunk c's first read), its data all staged from F_c + rows + 1, and
 *   R_g = max(A_act(ceil(end_g / E_act) − 1), A_wgt(ceil(end_g / E_wgt) − 1), 2 + meta reads) with
 *   A(c) = F_c + rows + 1 (without waits F_c = 1 + rows · c, the formula above).
 *   COMPUTE: a_g = ceil(len_g / 4) · C_g step-cycles (C_g = cycles per weight of the slowest type the
 *   tile's rows select); at its last step-cycle the group is handed to the dequantizer (8 cycles, then 1
 *   fp32 add cycle), overlapping the next group; a handoff waits until the previous dequant is in its
 *   add cycle. Start_g = max(Q_{g−1}, R_g) (Q_{−1} = 1), Q_0 = Start_0 + a_0,
 *   Q_g = max(Start_g + a_g, Q_{g−1} + 9); D = Q_last + 9 (done in the last add cycle).
 * - dequant use_cscale: the n channel scales, floor(meta port / 2) per read: ceil(n / that) + 2
 *   (the product with the entry is formed exactly at writeback); without flags a 1-cycle no-op.
 * - writeback: one item (a column's next Q = min(rows, out port / output bytes) entries) per cycle,
 *   rounded and registered, written the next cycle: m · ceil(n / Q) + 2.
 * - acc_spill (K split): as writeback, but each item is Q = min(rows, out port / 4) raw fp32 accumulator
 *   words (no scale, no rounding): m · ceil(n / Q) + 2.
 * - acc_fill (K split): one item of Q = min(rows, meta port / 4) fp32 words read per cycle from the meta
 *   port, landing in the PEs' entries the next cycle: m · ceil(n / Q) + 2.
 */
import type { Target } from '../../compile/target.js';
import { EPILOGUE_DEPTH } from '../../arch/cycle-rules.js';
import { BITMOD_GEOMETRY } from './golden-geometry.js';
import { bsmChunkElements, bsmRingSlots, bsmWritebackSlots } from './microarch.js';

/** Cycles of the bit-serial dequantization of one group (one per group-scale bit, BITMOD_GEOMETRY.scaleBits). */
export const BSM_DEQUANT_CYCLES = BITMOD_GEOMETRY.scaleBits;

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
  const lanes = (t.golden.kind === 'bit_serial_mod' ? t.golden.geometry?.lanes : undefined) ?? BITMOD_GEOMETRY.lanes;
  const gs = t.groupSize;
  const eAct = Math.max(1, bsmChunkElements(t.portBytes.act, t.bits.act, lanes));
  const eWgt = Math.max(1, bsmChunkElements(t.portBytes.wgt, t.bits.wgt, lanes));
  const G = Math.ceil(k / gs);
  const metaBytes = n * G + Math.ceil((n * G * t.bits.selector) / 8);
  const metaReads = Math.ceil(metaBytes / Math.max(1, t.portBytes.meta));
  // Q_g of every finished group: the cycle from which the compute's group pointer is past group g
  const done: number[] = [];
  const act = ringFetch(m, eAct, bsmRingSlots(t, eAct), gs, done);
  const wgt = ringFetch(n, eWgt, bsmRingSlots(t, eWgt), gs, done);
  let q = 1;
  for (let g = 0; g < G; g++) {
    const end = Math.min(k, (g + 1) * gs);
    const ready = Math.max(act(Math.ceil(end / eAct) - 1), wgt(Math.ceil(end / eWgt) - 1), 2 + metaReads);
    const start = Math.max(q, ready);
    const a = Math.ceil((end - g * gs) / lanes) * cyclesPerWeight[g];
    q = g === 0 ? start + a : Math.max(start + a, q + BSM_DEQUANT_ADD_CYCLES);
    done.push(q);
  }
  return q + BSM_DEQUANT_ADD_CYCLES;
}

/**
 * One port's chunk-major fetch through a staging ring of `slots` chunks (see the header): returns the
 * cycle from which chunk c of every row is staged, A(c) = F_c + rows + 1, computing F lazily. A chunk that
 * reuses a slot waits for `done[g'(c)]`, which the caller has always filled (g'(c) is before the group that
 * needs chunk c: microarch.ts bsmRingSlots).
 */
function ringFetch(rows: number, chunk: number, slots: number, gs: number, done: readonly number[]): (c: number) => number {
  const first: number[] = [];
  return (c) => {
    for (let j = first.length; j <= c; j++) {
      const after = j === 0 ? 1 : first[j - 1] + rows;
      const freed = j >= slots ? done[Math.ceil(((j - slots + 1) * chunk) / gs) - 1] : 0;
      if (freed === undefined) throw new Error(`bit_serial_mod staging ring of ${slots} × ${chunk} elements cannot stage a group of ${gs}`);
      first.push(Math.max(after, freed));
    }
    return first[c] + rows + 1;
  };
}

/** Cycles of a bit_serial_mod dequant: channel-scale fetch when use_cscale, else a 1-cycle no-op. */
export function bsmDequantCycles(t: Target, n: number, useCscale: boolean): number {
  return useCscale ? Math.ceil(n / Math.max(1, Math.floor(t.portBytes.meta / 2))) + 2 : 1;
}

/** Cycles of a bit_serial_mod writeback of an m × n tile: m · ceil(n / slots) + 2. */
export function bsmWritebackCycles(t: Target, m: number, n: number): number {
  return m * Math.ceil(n / bsmWritebackSlots(t)) + EPILOGUE_DEPTH;
}

/** acc_spill and acc_fill's closed forms (defined at the compile layer for the scheduler, ./compile-cycles.ts). */
export { bsmFillCycles, bsmSpillCycles } from './compile-cycles.js';
