/**
 * Closed-form cycle counts of everything the simulator times, one function per instruction class. The
 * per-cycle behaviour of every PE kind is regular within a tile, so a tile costs a formula, not a loop
 * over cycles (the simulator's cost grows with the number of tiles, not of cycles or addresses).
 *
 * - DMA (load/store): the DRAM port carries one beat of dramBeatBytes = dramBitsPerCycle / 8 bytes per
 *   cycle. Each row of a 2-D transfer is a burst from its own DRAM address, so a transfer of `rows` rows of
 *   `row_bytes` holds the port for rows · ceil(row_bytes / beat) cycles (dmaPortCycles) and completes
 *   dram_latency cycles (dramLatency, default 64) after its last beat left the port (the DRAM returns a
 *   read beat that long after its request; the store DMA waits as long for its writes). Each of the load
 *   and store queues keeps up to dram_outstanding DMAs in flight (default 8): a DMA starts once its queue's
 *   previous DMA has had its last beat and the DMA dram_outstanding before it has retired; DMAs retire in
 *   order, at most one per cycle, pushing their tokens then (docs/simulator.md "DRAM" is the exact
 *   protocol). A DMA asks for the port in the cycle it starts (its first beat can go in that cycle), and a
 *   free port goes to the DMA that started first (the load DMA on a tie).
 * - Configuration and token-only instructions: 1 cycle; control instructions: 1 dispatch cycle each.
 * - A tile op covers an m × n output tile; each PE kind's tile instructions, dequant and writeback cost
 *   what the header of its src/pe/<folder>/timing.ts says, built from the rules of cycle-rules.ts
 *   (epilogueCycles: one output per array column per cycle plus 2, ceil(m·n / cols) + 2).
 */
// The generic rules live in cycle-rules.ts and src/arch/microarch.ts; re-exported here so the simulator's
// callers keep one import.
export { dmaPortCycles, EPILOGUE_DEPTH, epilogueCycles, groupLengths, passes, readBound, rowReads } from './cycle-rules.js';
export { bufferLanes, dramBeatBytes, dramLatency, dramOutstanding, QUEUE_DEPTH } from '../arch/microarch.js';
