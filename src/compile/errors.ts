/**
 * Errors of the workload compiler and the simulator caused by user input (a bad workload spec, a design
 * the compiler cannot map, a program that deadlocks or addresses outside a buffer). The CLI prints the
 * message as one line and exits 1 (`userFacing`). Broken internal invariants throw plain Errors.
 */
export type CompileErrorCode = 'bad-workload' | 'unsupported' | 'capacity' | 'bad-program';

export class CompileError extends Error {
  /** Marks an error caused by user input (CLI exit code 1). */
  readonly userFacing = true;
  constructor(
    readonly code: CompileErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CompileError';
  }
}
