/**
 * Source files and spans. A `Span` is a half-open range of UTF-16 offsets in one file plus the 1-based
 * line/column of both ends, so every AST node and IR element can point back at `.qacc` text without
 * holding the text. Line starts are computed once per file (one scan) and looked up by binary search.
 */

/** A 1-based line/column position and its 0-based UTF-16 offset. */
export interface Position {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

/** A half-open range [start, end) of one source file. Invariant: start.offset ≤ end.offset. */
export interface Span {
  readonly file: string;
  readonly start: Position;
  readonly end: Position;
}

/** A loaded source file: its path (as the host names it) and text. */
export class SourceFile {
  private readonly lineStarts: number[];

  constructor(
    readonly path: string,
    readonly text: string,
  ) {
    this.lineStarts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.lineStarts.push(i + 1);
      else if (c === 13 && text.charCodeAt(i + 1) !== 10) this.lineStarts.push(i + 1);
    }
  }

  /** The position of a UTF-16 offset (clamped to the text). */
  position(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { offset: o, line: lo + 1, column: o - this.lineStarts[lo] + 1 };
  }

  /** The span of offsets [start, end). */
  span(start: number, end: number): Span {
    return { file: this.path, start: this.position(start), end: this.position(Math.max(start, end)) };
  }

  /** The text of a 1-based line, without its line break. */
  lineText(line: number): string {
    if (line < 1 || line > this.lineStarts.length) return '';
    const from = this.lineStarts[line - 1];
    let to = line < this.lineStarts.length ? this.lineStarts[line] : this.text.length;
    while (to > from && (this.text.charCodeAt(to - 1) === 10 || this.text.charCodeAt(to - 1) === 13)) to--;
    return this.text.slice(from, to);
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }
}

/** The smallest span covering both (same file assumed; the first one's file wins). */
export function joinSpans(a: Span, b: Span): Span {
  return {
    file: a.file,
    start: a.start.offset <= b.start.offset ? a.start : b.start,
    end: a.end.offset >= b.end.offset ? a.end : b.end,
  };
}

/** `file:line:col` of a span's start. */
export function formatLocation(span: Span): string {
  return `${span.file}:${span.start.line}:${span.start.column}`;
}

/** Compact `file:l:c-l:c` form used by the IR printers. */
export function formatSpan(span: Span): string {
  return `${span.file}:${span.start.line}:${span.start.column}-${span.end.line}:${span.end.column}`;
}
