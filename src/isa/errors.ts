/**
 * Errors for bad ISA input: instruction fields out of range, words that do not decode, malformed program
 * containers. They are user errors (the CLI prints one line and exits 1); a malformed ISA definition is
 * reported the same way because it is also input, edited by people.
 */
export type IsaErrorCode =
  | 'bad-definition'
  | 'unknown-instruction'
  | 'bad-field'
  | 'out-of-range'
  | 'bad-word'
  | 'bad-container';

export class IsaError extends Error {
  /** Marks an error caused by user input (CLI exit code 1). */
  readonly userFacing = true;
  constructor(
    readonly code: IsaErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'IsaError';
  }
}
