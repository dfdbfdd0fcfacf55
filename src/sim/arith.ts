/**
 * Compatibility re-exports (issue 12 step 0b): the simulator's tile arithmetic moved to each PE kind's
 * folder (src/pe/<kind>/sim.ts), the accumulator entries to acc-store.ts and the channel-scale dequant to
 * plain-dequant.ts. Removed in step 2 once no caller imports this path.
 */
export { AccStore } from './acc-store.js';
export { scaleExact } from './plain-dequant.js';
export { bitSerialTile, bitSerialWriteback } from '../pe/bit-serial-mod/sim.js';
export { simdNeedsBigQuire, simdTile, simdWriteback } from '../pe/simd-mac/sim.js';
export { lowRankDequant, lowRankWriteback, lrDown, lrUp, qgemmTile } from '../pe/lowrank-gemm/sim.js';
export { macTile, macWriteback } from '../pe/mac/sim.js';
