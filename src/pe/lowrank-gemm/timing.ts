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
// the closed forms live at the compile layer (compile-cycles.ts), so that the scheduler's cost model times
// every engine instruction by them too
export { branchLanes, lowRankDequantCycles, lowRankDownCycles, lowRankInstructionCycles, lowRankQactCycles, lowRankQgemmCycles, lowRankUpCycles, lowRankWritebackCycles, packedReads, passSizes } from './compile-cycles.js';
