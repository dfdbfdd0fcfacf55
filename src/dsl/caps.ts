/**
 * Caps on how many diagnostics are reported, so a binary file or a file full of one mistake prints a
 * screenful, not a hundred thousand lines (and keeps memory bounded): per stage of one file
 * (`StageDiagnostics`: the first N, then one N101 note counting the rest) and per compilation
 * (`capDiagnostics`: the first N, then one N102 note counting the rest).
 */
import { Diag, diagnostic, hasErrors, type Diagnostic } from './diagnostics.js';
import type { Span } from './source.js';

/**
 * One stage's diagnostics for one file, capped: the first `limit` are kept, the rest only counted, and
 * `result()` ends with one N101 note saying how many were left out (at the first one left out). Memory
 * stays bounded however many a stage finds (a binary file yields one lexical error every few bytes).
 */
export class StageDiagnostics {
  private readonly kept: Diagnostic[] = [];
  private dropped = 0;
  private firstDropped: Span | undefined;

  constructor(
    /** What the stage finds, plural: "lexical errors", "syntax errors". */
    private readonly noun: string,
    private readonly limit: number,
  ) {}

  add(d: Diagnostic): void {
    if (this.kept.length < this.limit) this.kept.push(d);
    else if (this.dropped++ === 0) this.firstDropped = d.span;
  }

  /** Diagnostics seen (kept or not). */
  get count(): number {
    return this.kept.length + this.dropped;
  }

  result(): Diagnostic[] {
    return this.dropped === 0 ? [...this.kept] : [...this.kept, diagnostic(Diag.tooManyErrors, this.firstDropped, [this.dropped, this.noun])];
  }
}

/** The first `limit` diagnostics, then (when there were more) one N102 note saying how many are not shown. */
export function capDiagnostics(diagnostics: readonly Diagnostic[], limit: number): Diagnostic[] {
  if (diagnostics.length <= limit) return [...diagnostics];
  const kept = diagnostics.slice(0, limit);
  // Whoever reads the capped list must still see that there are errors (e.g. to set the exit code).
  const error = hasErrors(kept) ? undefined : diagnostics.find((d) => d.severity === 'error');
  if (error) kept[limit - 1] = error;
  return [...kept, diagnostic(Diag.tooManyDiagnostics, undefined, [diagnostics.length - limit])];
}
