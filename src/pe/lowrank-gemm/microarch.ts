/**
 * lowrank_gemm's tile-engine geometry that the simulator's timing (./timing.ts) and the RTL engine
 * generator must agree on. branchLanes is defined beside the closed forms (compile-cycles.ts), which the
 * scheduler's cost model reads at the compile layer too.
 */
export { branchLanes } from './compile-cycles.js';
