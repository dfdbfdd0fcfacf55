/**
 * Expected diagnostics written beside the input (CIRCT's expected-error, Rust's `//~`), for the golden
 * case files in test/dsl/cases/:
 *
 *   const x = rwos; //! error[E201] unknown name      a diagnostic starting on this line, message containing the text
 *   //!^ error[E104]                                   … on the line above (`^^` two above, `v` below)
 *   //!@"--set nope" error[E207]                       … anywhere in that file (e.g. a --set pseudo-file)
 *   //!@none error[E209]                               … with no location
 *   //!set rows=64                                     run with --set rows=64
 *   //!ir                                              run as `qacc ir` (warn when there is no accelerator)
 *
 * Every diagnostic must match an expectation and every expectation a diagnostic.
 */
import type { Diagnostic } from '../../src/dsl/diagnostics.js';

export interface Expectation {
  readonly file: string | null;
  /** 1-based line, or undefined for "anywhere in the file". */
  readonly line: number | undefined;
  readonly severity: string;
  readonly code: string;
  readonly text: string;
  /** Where the expectation was written, for failure messages. */
  readonly origin: string;
}

export interface CaseDirectives {
  readonly overrides: string[];
  readonly ir: boolean;
}

const MARK = /\/\/!(\^+|v+|@"[^"]*"|@none)?\s*(.*)$/;
const DIAG = /^(error|warning|note)\[([A-Z]\d+)\]\s*(.*)$/;

/** Reads the expectations and directives of one file's text. */
export function readExpectations(file: string, text: string): { expectations: Expectation[]; directives: CaseDirectives } {
  const expectations: Expectation[] = [];
  const directives = { overrides: [] as string[], ir: false };
  text.split(/\r?\n/).forEach((lineText, i) => {
    const m = MARK.exec(lineText);
    if (!m) return;
    const where = m[1] ?? '';
    const body = m[2].trim();
    if (!where && body.startsWith('set ')) {
      directives.overrides.push(body.slice(4));
      return;
    }
    if (!where && body === 'ir') {
      directives.ir = true;
      return;
    }
    const d = DIAG.exec(body);
    if (!d) throw new Error(`${file}:${i + 1}: malformed expectation '${body}'`);
    let expFile: string | null = file;
    let line: number | undefined = i + 1;
    if (where.startsWith('^')) line = i + 1 - where.length;
    else if (where.startsWith('v')) line = i + 1 + where.length;
    else if (where === '@none') {
      expFile = null;
      line = undefined;
    } else if (where.startsWith('@')) {
      expFile = where.slice(2, -1);
      line = undefined;
    }
    expectations.push({ file: expFile, line, severity: d[1], code: d[2], text: d[3].trim(), origin: `${file}:${i + 1}` });
  });
  return { expectations, directives };
}

function matches(e: Expectation, d: Diagnostic): boolean {
  if (e.severity !== d.severity || e.code !== d.code) return false;
  if ((d.span?.file ?? null) !== e.file) return false;
  if (e.line !== undefined && d.span?.start.line !== e.line) return false;
  return d.message.includes(e.text) || (d.hint ?? '').includes(e.text);
}

/** Pairs expectations with diagnostics; returns human-readable problems (empty when all match). */
export function compareExpectations(expectations: readonly Expectation[], diagnostics: readonly Diagnostic[]): string[] {
  const used = new Set<number>();
  const problems: string[] = [];
  for (const e of expectations) {
    const i = diagnostics.findIndex((d, k) => !used.has(k) && matches(e, d));
    if (i < 0) problems.push(`missing: ${e.severity}[${e.code}] '${e.text}' expected at ${e.file ?? '(no location)'}${e.line !== undefined ? `:${e.line}` : ''} (written at ${e.origin})`);
    else used.add(i);
  }
  diagnostics.forEach((d, k) => {
    if (!used.has(k)) problems.push(`unexpected: ${d.span ? `${d.span.file}:${d.span.start.line}:${d.span.start.column}` : '(no location)'}: ${d.severity}[${d.code}]: ${d.message}`);
  });
  return problems;
}
