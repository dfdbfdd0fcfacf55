/**
 * Errors of the estimator caused by user input (an option it cannot honor, a workload the chosen cost model
 * does not cover). The CLI prints the message as one line and exits 1 (`userFacing`).
 */
export class EstimateError extends Error {
  /** Marks an error caused by user input (CLI exit code 1). */
  readonly userFacing = true;
  constructor(message: string) {
    super(message);
    this.name = 'EstimateError';
  }
}
