/**
 * Errors raised for bad user input to the format library (unknown names, out-of-range parameters,
 * values a format cannot hold). They are expected: the CLI prints their message as one line and exits 1.
 * Anything else thrown from the library is a bug (exit 2).
 */
export type FormatErrorCode =
  | 'unknown-format'
  | 'bad-parameter'
  | 'unrepresentable'
  | 'unsupported-overflow'
  | 'unsupported-rounding'
  | 'bad-code'
  | 'too-wide';

export class FormatError extends Error {
  /** Marks an error caused by user input (CLI exit code 1). */
  readonly userFacing = true;
  constructor(
    readonly code: FormatErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'FormatError';
  }
}

/** The error of a number-based method (or of a design) asked to handle a format wider than 32 bits. */
export function tooWide(name: string, bits: number): FormatError {
  return new FormatError(
    'too-wide',
    `${name} is ${bits} bits wide; only \`qacc formats list\` and \`qacc formats decode\` take formats wider than 32 bits`,
  );
}
