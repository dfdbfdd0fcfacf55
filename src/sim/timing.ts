/**
 * Closed-form cycle counts of everything the simulator times, one function per instruction class. The
 * per-cycle behaviour of every PE kind is regular within a tile, so a tile costs a formula, not a loop
 * over cycles (the simulator's cost grows with the number of tiles, not of cycles or addresses).
 *
 * - DMA (load/store): the DRAM port moves `dramBitsPerCycle` bits per cycle; a transfer of B bytes holds
 *   the port for ceil(8B / dramBitsPerCycle) cycles and completes DMA_LATENCY_CYCLES (64) after it leaves
 *   the port (a fixed DRAM latency). Each of the load and store queues has one DMA outstanding; the port
 *   serves requests in order of request time (load first on a tie). The 2-D shape does not matter.
 * - Configuration and token-only instructions: 1 cycle; control instructions: 1 dispatch cycle each.
 * - A tile op covers an m × n output tile in passes of (cols tokens × rows channels) over the array;
 *   its cycles are max(Σ passes (pass cycles), ceil(act bytes read / act read bandwidth),
 *   ceil(wgt bytes read / wgt read bandwidth)), the read bandwidths being banks · width of the buffers.
 *   Pass cycles per PE kind (S = the PE's pipeline depth, filled once per pass):
 *   - bit_serial_mod: group g of len_g weights takes a_g = ceil(len_g / lanes) · C_g cycles in the
 *     accumulator (C_g = cycles per weight of the slowest selected type among the pass's rows), then the
 *     8-cycle bit-serial dequantization, which overlaps the next group's accumulation:
 *     A_g = A_{g−1} + a_g, D_g = max(A_g, D_{g−1}) + 8; pass = D_last + S.
 *   - simd_mac: ceil(k / lanes of the mode) + S; mac: ceil(k / lanes) + S.
 *   - lowrank_gemm (qgemm_tile): Σ_g ceil(len_g / lanes) + 3 (int dot, scale multiply, accumulate).
 *   - lr_down: passes over m × rank, ceil(k / (lanes / 4)) + 3 each (16-bit MACs are 4 lanes wide);
 *     lr_up: passes over m × n, ceil(rank / (lanes / 4)) + 3 each.
 * - dequant, writeback: one output per array column per cycle plus 2: ceil(m·n / cols) + 2.
 */
import type { Target } from '../compile/target.js';
import type { IsaBuffer } from '../isa/index.js';

/** Fixed DRAM latency added to every DMA transfer (cycles). */
export const DMA_LATENCY_CYCLES = 64;
/** Entries of each instruction queue (load, compute, store); the dispatch unit stalls on a full one. */
export const QUEUE_DEPTH = 16;
/** Cycles of the bit-serial dequantization of one group (8-bit scale, one bit per cycle). */
export const BSM_DEQUANT_CYCLES = 8;
/** Pipeline depth of the lowrank_gemm PE's main path and its branch unit. */
export const LOWRANK_DEPTH = 3;
/** Pipeline depth of the epilogue unit. */
export const EPILOGUE_DEPTH = 2;

/** Cycles a transfer of `bytes` holds the DRAM port. */
export function dmaPortCycles(bytes: number, dramBitsPerCycle: number): number {
  return Math.ceil((bytes * 8) / dramBitsPerCycle);
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

/** One bit_serial_mod pass: accumulation cycles per group (already including C_g), overlapped dequantization. */
export function bitSerialPassCycles(groupLens: readonly number[], cyclesPerWeight: readonly number[], lanes: number, depth: number): number {
  let a = 0;
  let d = 0;
  groupLens.forEach((len, g) => {
    a += Math.ceil(len / lanes) * cyclesPerWeight[g];
    d = Math.max(a, d) + BSM_DEQUANT_CYCLES;
  });
  return d + depth;
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

/** Lanes of the low-rank branch (16-bit MACs per PE per cycle). */
export function branchLanes(t: Target): number {
  return t.pe.kind === 'lowrank_gemm' ? Math.max(1, Math.floor(t.pe.lanes / 4)) : 1;
}

/** Bytes one beat of the DRAM port carries (dramBitsPerCycle / 8, at least 1). */
export function dramBeatBytes(t: Target): number {
  return Math.max(1, Math.floor(t.accelerator.dramBitsPerCycle / 8));
}

/**
 * Byte lanes of each buffer space's RAM in the RTL (docs/array-rtl.md): the smallest power of two that
 * holds both a DRAM beat and the buffer's port width, so one DMA beat or one engine access touches each
 * lane at most once. The timing formulas count `portBytes` per engine access, never the extra lanes.
 */
export function bufferLanes(t: Target): Record<IsaBuffer, number> {
  const beat = dramBeatBytes(t);
  const lanes = (port: number): number => {
    let l = 1;
    while (l < Math.max(port, beat)) l *= 2;
    return l;
  };
  const p = t.portBytes;
  return { act: lanes(p.act), wgt: lanes(p.wgt), meta: lanes(p.meta), lrw: lanes(p.lrw), out: lanes(p.out) };
}
