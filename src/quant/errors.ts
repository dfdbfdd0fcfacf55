/**
 * User-facing errors of the quantizers: bad tensors (empty, non-finite values, wrong shape for a
 * scheme), bad scheme parameters and unparsable `--block` specs. Like `FormatError` they carry
 * `userFacing = true`, so the CLI prints their message as one line and exits 1.
 */
export type QuantErrorCode = 'bad-tensor' | 'bad-scheme' | 'bad-block-spec' | 'bad-option' | 'bad-quantized';

export class QuantError extends Error {
  /** Marks an error caused by user input (CLI exit code 1). */
  readonly userFacing = true;
  constructor(
    readonly code: QuantErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'QuantError';
  }
}
