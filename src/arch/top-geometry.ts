/**
 * The sizes of the accelerator top's kind-independent parts (docs/array-rtl.md): its RAMs (the instruction
 * memory, the three instruction queues, the address registers, the loop stack, the DMA units' in-flight
 * tables) and the geometry of each buffer space's byte-lane RAM. One statement, below both consumers: the
 * RTL generator (src/codegen/verilog/top.ts) sizes the queues and buffers from it, and the analytic estimate
 * (src/estimate/outside-engine.ts) prices the same RAMs and port logic from it without generating RTL.
 * test/arch/top-geometry.test.ts checks every memory against the generated top's declarations and the
 * memory bits Yosys reported for it.
 */
import { ISA } from '../isa/index.js';
import { QUEUE_DEPTH } from './microarch.js';

/** Bits to hold 0..n (at least 1): the width of a counter or index up to n. */
export function bitsFor(n: number): number {
  let b = 1;
  while (2 ** b <= n) b++;
  return b;
}

/** Width of the top's program counters and cycle stamps (its `pc`, loop start / end, DMA completion times). */
export const TOP_PC_BITS = 32;
/** Width of a loop's remaining count (the `loop` instruction's count field is 16 bits). */
export const TOP_LOOP_COUNT_BITS = 16;
/** The DMA in-flight tables' per-entry fields: buffer code, byte address in the buffer, rows, row bytes. */
export const TOP_DMA_FIELD_BITS = { buffer: 3, bufferAddress: 24, rows: 16, rowBytes: 16 } as const;

/**
 * Bits of one entry of each instruction queue: the dispatch pc and the instruction word, and for the DMA
 * queues the DRAM address the dispatcher computed (an address register's width).
 */
export const QUEUE_ENTRY_BITS = {
  load: TOP_PC_BITS + ISA.machine.registerBits + ISA.wordBits,
  compute: TOP_PC_BITS + ISA.wordBits,
  store: TOP_PC_BITS + ISA.machine.registerBits + ISA.wordBits,
} as const;

/** One RAM of the top: `words` × `width` bits (a `reg [width-1:0] name [0:words-1]` of the generated RTL). */
export interface TopMemory {
  /** The array's name in the generated top (a queue's: its instance, `u_ldq` …). */
  readonly name: string;
  readonly words: number;
  readonly width: number;
}

/** What sizes the top's RAMs: its instruction-memory words and the DMAs each DMA queue keeps in flight. */
export interface TopMemoryParams {
  readonly imemWords: number;
  /** dram_outstanding (arch/microarch.ts dramOutstanding). */
  readonly outstanding: number;
}

/**
 * Every RAM of the accelerator top outside its buffers and tile engine, as the generated RTL declares it
 * (each one a `$mem_v2` in Yosys's generic flow): the instruction memory, the three instruction queues
 * (QUEUE_DEPTH entries each), the address registers, the loop stack (start, end, count per level) and each DMA
 * unit's in-flight table (per entry: completion time and its valid flag, the push-on-retire flag; the load
 * unit also the buffer, byte address, rows and row bytes its response side writes with).
 */
export function topMemories(p: TopMemoryParams): TopMemory[] {
  const loops = ISA.machine.loopDepth;
  const n = p.outstanding;
  const f = TOP_DMA_FIELD_BITS;
  return [
    { name: 'imem', words: p.imemWords, width: ISA.wordBits },
    { name: 'u_ldq', words: QUEUE_DEPTH, width: QUEUE_ENTRY_BITS.load },
    { name: 'u_cpq', words: QUEUE_DEPTH, width: QUEUE_ENTRY_BITS.compute },
    { name: 'u_stq', words: QUEUE_DEPTH, width: QUEUE_ENTRY_BITS.store },
    { name: 'areg', words: ISA.machine.addressRegisters, width: ISA.machine.registerBits },
    { name: 'lp_start', words: loops, width: TOP_PC_BITS },
    { name: 'lp_end', words: loops, width: TOP_PC_BITS },
    { name: 'lp_left', words: loops, width: TOP_LOOP_COUNT_BITS },
    { name: 'lq_t', words: n, width: TOP_PC_BITS },
    { name: 'lq_tv', words: n, width: 1 },
    { name: 'lq_pf', words: n, width: 1 },
    { name: 'lq_buf', words: n, width: f.buffer },
    { name: 'lq_baddr', words: n, width: f.bufferAddress },
    { name: 'lq_rows', words: n, width: f.rows },
    { name: 'lq_rb', words: n, width: f.rowBytes },
    { name: 'sq_t', words: n, width: TOP_PC_BITS },
    { name: 'sq_tv', words: n, width: 1 },
    { name: 'sq_pf', words: n, width: 1 },
  ];
}

/** Σ words × width of `memories`. */
export function memoryBits(memories: readonly TopMemory[]): number {
  return memories.reduce((s, m) => s + m.words * m.width, 0);
}

/**
 * One buffer space's RAM in the RTL (rtl-templates/buffer.v.hbs): `lanes` byte-wide RAMs of `depth` rows; a
 * byte address splits into a lane (laneBits) and a row (rowBits); each port rotates its word by the start
 * lane (a shifter of laneBits stages) and adds a carry into every lane's row.
 */
export interface BufferRamGeometry {
  readonly capacity: number;
  readonly lanes: number;
  /** Rows of each lane's RAM: ceil(capacity / lanes). */
  readonly depth: number;
  /** log2 lanes (lanes is a power of two). */
  readonly laneBits: number;
  /** Row index width: bitsFor(depth − 1). */
  readonly rowBits: number;
}

/** The byte-lane RAM geometry of a buffer space of `capacity` bytes in `lanes` lanes (arch/microarch.ts bufferLanes). */
export function bufferRamGeometry(capacity: number, lanes: number): BufferRamGeometry {
  const depth = Math.ceil(capacity / lanes);
  return { capacity, lanes, depth, laneBits: Math.round(Math.log2(lanes)), rowBits: bitsFor(depth - 1) };
}
