/**
 * Internal invariants of the Verilog generators: conditions that `qacc check` guarantees for every design it
 * accepts (the format rules — every format fits float64, so its exponents fit EXP_WIDTH —, each kind's schema
 * and CompileFacet.diagnose, the buffer checks) or that the generators' own construction guarantees (the
 * ISA definition, power-of-two buffer lanes, unique module names). A broken one is a bug in qacc: a plain
 * Error (exit 2), never a user error; user input reaches codegen only after check.
 */
export function rtlInvariant(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`RTL generator invariant broken: ${message}`);
}
