/**
 * The cycle-level simulator: executes compiled ISA programs on an elaborated accelerator (machine.ts),
 * with closed-form per-tile timing (timing.ts), each kind's tile arithmetic through its golden steps
 * (src/pe/<folder>/sim.ts), workload runs checked against golden (run.ts) and VCD traces (vcd.ts).
 */
export * from './timing.js';
export * from './machine.js';
export * from './run.js';
export * from './vcd.js';
export * from './fast-timing.js';
export * from './progress.js';
export { timingContent } from './streaming-machine.js';
