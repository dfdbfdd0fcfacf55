/**
 * Renders diagnostics as text, once, for people:
 *
 *   bitmod.qacc:12:13: error[E302]: unknown format 'fp5'
 *      12 |   weights = fp5;
 *         |             ^^^
 *      = hint: did you mean 'fp6_e2m3'?
 *   bitmod.qacc:3:7: note: first declared here
 *
 * The caret line copies tabs from the source line so it stays aligned; spans over several lines
 * underline to the end of the first line; a line longer than MAX_EXCERPT_CHARS is shown as a window
 * around the span (so a one-line multi-megabyte file prints short excerpts).
 */
import type { Diagnostic } from './diagnostics.js';
import { formatLocation, type SourceFile, type Span } from './source.js';

/** Finds the text of a file named in a span (undefined: print the location only). */
export type SourceLookup = (path: string) => SourceFile | undefined;

/** The most characters of a source line shown in an excerpt; longer lines show a window around the span. */
export const MAX_EXCERPT_CHARS = 160;

function excerpt(span: Span, lookup: SourceLookup): string[] {
  const file = lookup(span.file);
  if (!file) return [];
  const line = span.start.line;
  let text = file.lineText(line);
  let startCol = span.start.column;
  let endCol = span.end.line === line ? Math.max(span.end.column, startCol + 1) : text.length + 1;
  if (text.length > MAX_EXCERPT_CHARS) {
    // A window of the line that starts a little before the span: `…` marks text left out at either end.
    const from = Math.max(0, Math.min(startCol - 1 - 20, text.length - MAX_EXCERPT_CHARS));
    const to = Math.min(text.length, from + MAX_EXCERPT_CHARS);
    const left = from > 0 ? '…' : '';
    text = left + text.slice(from, to) + (to < text.length ? '…' : '');
    startCol = startCol - from + left.length;
    endCol = Math.min(endCol - from + left.length, text.length + 1);
  }
  // Control characters (a binary file, an escape sequence) would act on the terminal: show their Control
  // Pictures (U+2400…U+241F, U+2421 for DEL), one code unit each, so the caret stays aligned.
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  text = text.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, (c) => String.fromCharCode(c === '\x7f' ? 0x2421 : 0x2400 + c.charCodeAt(0)));
  const width = Math.max(1, Math.min(endCol, text.length + 1) - startCol);
  const pad = Array.from(text.slice(0, startCol - 1), (ch) => (ch === '\t' ? '\t' : ' ')).join('');
  const gutter = String(line);
  const blank = ' '.repeat(gutter.length);
  return [` ${gutter} | ${text}`, ` ${blank} | ${pad}^${'~'.repeat(width - 1)}`];
}

/** One diagnostic as text (ends with a newline). */
export function renderDiagnostic(d: Diagnostic, lookup: SourceLookup): string {
  const where = d.span ? `${formatLocation(d.span)}: ` : 'qacc: ';
  const lines = [`${where}${d.severity}[${d.code}]: ${d.message}`];
  if (d.span) lines.push(...excerpt(d.span, lookup));
  if (d.hint) lines.push(`  = hint: ${d.hint}`);
  for (const r of d.related) {
    lines.push(`${formatLocation(r.span)}: note: ${r.message}`);
    lines.push(...excerpt(r.span, lookup));
  }
  return lines.join('\n') + '\n';
}

/** All diagnostics, in the given order, followed by a one-line summary when there are any. */
export function renderDiagnostics(diagnostics: readonly Diagnostic[], lookup: SourceLookup): string {
  if (diagnostics.length === 0) return '';
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  const summary = `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}\n`;
  return diagnostics.map((d) => renderDiagnostic(d, lookup)).join('') + summary;
}
