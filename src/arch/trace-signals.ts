/**
 * The per-cycle trace points that the simulator (src/sim/vcd.ts, its VCD) and the RTL top (a
 * `trace_<name>` output per signal, src/codegen/verilog/top.ts) both produce, so `qacc verify --trace`
 * can compare them cycle by cycle. Definitions of each signal: docs/array-rtl.md "Trace".
 */

/** The trace signals and their widths in bits, in VCD order (the RTL top has a `trace_<name>` output per signal). */
export const TRACE_SIGNALS: readonly (readonly [string, number])[] = [
  ['dispatch_pc', 32],
  ['load_busy', 1],
  ['load_pc', 32],
  ['load_op', 6],
  ['load_stall', 3],
  ['compute_busy', 1],
  ['compute_pc', 32],
  ['compute_op', 6],
  ['compute_stall', 3],
  ['store_busy', 1],
  ['store_pc', 32],
  ['store_op', 6],
  ['store_stall', 3],
  ['tok_lc', 4],
  ['tok_cl', 4],
  ['tok_cs', 4],
  ['tok_sc', 4],
  ['dram_busy', 1],
  ['pe_busy', 1],
];
