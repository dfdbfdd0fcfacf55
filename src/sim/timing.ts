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
// The generic rules live in cycle-rules.ts, each kind's formulas in src/pe/<kind>/timing.ts; re-exported
// here so the simulator's callers keep one import.
export { dmaPortCycles, EPILOGUE_DEPTH, epilogueCycles, groupLengths, passes, readBound, rowReads } from './cycle-rules.js';
export { BSM_DEQUANT_ADD_CYCLES, BSM_DEQUANT_CYCLES, bsmDequantCycles, bsmPassCycles, bsmWritebackCycles } from '../pe/bit-serial-mod/timing.js';
export { SIMD_ENGINE_LATENCY, simdTileCycles, simdWritebackCycles } from '../pe/simd-mac/timing.js';
export {
  lowRankDequantCycles,
  lowRankDownCycles,
  lowRankQgemmCycles,
  lowRankUpCycles,
  lowRankWritebackCycles,
} from '../pe/lowrank-gemm/timing.js';
export { macDequantCycles, macTileCycles, macWritebackCycles } from '../pe/mac/timing.js';
export {
  branchLanes,
  bsmChunkElements,
  bsmWritebackSlots,
  bufferLanes,
  DMA_LATENCY_CYCLES,
  dramBeatBytes,
  QUEUE_DEPTH,
  simdChunkBytes,
  simdWritebackSlots,
} from '../arch/microarch.js';
