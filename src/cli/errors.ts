/**
 * CLI error conventions. Exit codes: 0 success, 1 user error (bad input, bad flags, a failed check),
 * 2 internal error (a bug). A user error is any thrown value with `userFacing === true` (FormatError,
 * UsageError, …); it is printed as one line `qacc: error: <message>`. Anything else is internal and
 * prints its stack only with --debug.
 */
export class UsageError extends Error {
  readonly userFacing = true;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Thrown by a command that has already reported its failure (e.g. diagnostics) and wants exit code 1. */
export class ReportedFailure extends Error {
  readonly userFacing = true;
  readonly reported = true;
  constructor(message = 'failed') {
    super(message);
    this.name = 'ReportedFailure';
  }
}

export function isUserFacing(err: unknown): err is Error & { userFacing: true } {
  return typeof err === 'object' && err !== null && (err as { userFacing?: unknown }).userFacing === true;
}

export const EXIT_OK = 0;
export const EXIT_USER = 1;
export const EXIT_INTERNAL = 2;
