/**
 * Source files and spans. A `Span` is a half-open range of UTF-16 offsets in one file plus the 1-based
 * line/column of both ends, so every AST node and IR element can point back at `.qacc` text. Spans made
 * by a SourceFile store only the two offsets and compute line/column on demand. Line starts are computed
 * once per file (one scan, in a typed array) and looked up by binary search.
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
  private readonly lineStarts: Uint32Array;

  constructor(
    readonly path: string,
    readonly text: string,
  ) {
    const isBreak = (i: number): boolean => {
      const c = text.charCodeAt(i);
      return c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10);
    };
    let lines = 1;
    for (let i = 0; i < text.length; i++) if (isBreak(i)) lines++;
    this.lineStarts = new Uint32Array(lines);
    let n = 1;
    for (let i = 0; i < text.length; i++) if (isBreak(i)) this.lineStarts[n++] = i + 1;
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
    return new OffsetSpan(this, start, Math.max(start, end));
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

/**
 * The span every AST node and IR element carries: its file and two offsets, with line and column worked
 * out when asked for. Holding three fields instead of two positions keeps a span at a third of the
 * memory (spans were most of the AST of a large file) and spares a binary search per node while parsing.
 */
class OffsetSpan implements Span {
  constructor(
    readonly source: SourceFile,
    readonly from: number,
    readonly to: number,
  ) {}

  get file(): string {
    return this.source.path;
  }

  get start(): Position {
    return this.source.position(this.from);
  }

  get end(): Position {
    return this.source.position(this.to);
  }

  /** Serializes as the plain span it stands for. */
  toJSON(): { file: string; start: Position; end: Position } {
    return { file: this.file, start: this.start, end: this.end };
  }
}

/** The smallest span covering both (same file assumed; the first one's file wins). */
export function joinSpans(a: Span, b: Span): Span {
  if (a instanceof OffsetSpan && b instanceof OffsetSpan && a.source === b.source) return new OffsetSpan(a.source, Math.min(a.from, b.from), Math.max(a.to, b.to));
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
