/**
 * Pipeline depths of the machine's units that closed forms at more than one layer add: the scheduler's cost
 * model and a kind's compile-layer cycle forms (src/pe/<kind>/compile-cycles.ts) here, the simulator's and
 * estimator's timing through src/arch/cycle-rules.ts, which re-exports them. A leaf: it imports nothing, so a
 * kind's compile-layer file may read it without reaching a facet registry.
 */

/** Pipeline depth of the epilogue unit (writeback, acc_spill, acc_fill): the + 2 of their closed forms. */
export const EPILOGUE_DEPTH = 2;
