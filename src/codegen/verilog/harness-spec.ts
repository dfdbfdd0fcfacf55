/**
 * The port contract between a generated PE and the Verilator harness (sims/verilator/tb.cpp.hbs): every
 * PE has clk, rst (synchronous, active high), a valid/ready input beat (in_valid, in_ready) carrying the
 * data inputs listed here, and out_valid with the data outputs listed here. Inputs and outputs are at most
 * 64 bits wide so the C++ bench holds each in one uint64_t. A test, `qacc verify` or a user's own bench
 * streams beats in and compares results in this order.
 */

/** One data port (not clk/rst/valid/ready). */
export interface HarnessPort {
  readonly name: string;
  readonly width: number;
  /** One line for the generated README's port table. */
  readonly doc?: string;
}

/** A DUT's data ports in beat/result order. */
export interface HarnessSpec {
  readonly top: string;
  readonly inputs: readonly HarnessPort[];
  readonly outputs: readonly HarnessPort[];
}

/** The widest port the harness supports. */
export const MAX_HARNESS_PORT_BITS = 64;

/** A data port of the contract (what each kind's PE generator lists). */
export function harnessPort(name: string, width: number, doc: string): HarnessPort {
  return { name, width, doc };
}
