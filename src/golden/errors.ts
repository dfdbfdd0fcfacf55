/**
 * Errors raised by the golden models for bad configurations or operands supplied by a user (through a
 * `.qacc` description or the CLI). They are expected: the CLI prints the message as one line and exits 1.
 * A broken internal invariant (a width the documentation proves cannot overflow, overflowing) throws a
 * plain Error instead: that is a bug.
 */
export type GoldenErrorCode = 'bad-config' | 'bad-operands';

export class GoldenError extends Error {
  /** Marks an error caused by user input (CLI exit code 1). */
  readonly userFacing = true;
  constructor(
    readonly code: GoldenErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'GoldenError';
  }
}

/** Throws a plain (internal) Error when an invariant the models rely on is broken. */
export function invariant(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`golden invariant broken: ${message}`);
}
