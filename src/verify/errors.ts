/**
 * User-facing errors of the cross-check harness: a bad `--case` id, `--shard`, `--backends` list or a
 * backend that cannot run here (missing tool, not generated yet). The CLI prints the message as one line
 * and exits 1 (`userFacing`); a mismatch between backends is not an error but a failed case (run.ts).
 */
export type VerifyErrorCode = 'bad-case' | 'bad-shard' | 'bad-backends' | 'backend-unavailable' | 'bad-options';

/** A verify failure caused by the user's input or environment, printed as one line. */
export class VerifyError extends Error {
  /** Marks an error caused by user input or a missing tool (CLI exit code 1). */
  readonly userFacing = true;
  constructor(
    readonly code: VerifyErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'VerifyError';
  }
}

/** Whether an error is a user-facing one of any layer (`userFacing === true`: CompileError, IsaError, …). */
export function isUserFacing(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { userFacing?: unknown }).userFacing === true;
}
