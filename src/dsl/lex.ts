/**
 * Lexing in pieces. The whole file is never turned into one token vector (about 80 bytes a token, and a
 * 16 Mi-character file holds millions): `lexPieces` lexes about LEX_PIECE_CHARS characters at a time,
 * cut after a whitespace character so no ordinary token is split, and gives each piece's tokens absolute
 * offsets. A cut can still fall inside a comment or a string (which may hold whitespace): such a piece ends
 * with a comment or error-group token that runs up to the cut, and is lexed again with the cut moved past
 * the end of the line (past the closing `*\/` for a block comment), so pieces lex exactly as the whole
 * text would. Lexical problems (unknown characters, unterminated comments and strings, over-long names and
 * strings) are handed to a callback as diagnostics, so none accumulates here.
 */
import type { IToken } from 'chevrotain';
import { Diag, diagnostic, type Diagnostic } from './diagnostics.js';
import type { SourceFile } from './source.js';
import * as T from './tokens.js';

/** Characters lexed at a time (a piece grows past this only to finish a comment or a line). */
export const LEX_PIECE_CHARS = 1 << 14;
/** The longest name (identifier) accepted, in characters. */
export const MAX_NAME_CHARS = 1024;
/** The longest string literal accepted, in characters (quotes included). */
export const MAX_STRING_CHARS = 4096;

function printable(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  if (code < 32 || code === 127 || (code >= 0x80 && code < 0xa0) || code === 0xfffd) return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return `'${ch}'`;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11;
}

/** The first offset ≥ `from` just after a whitespace character (text.length when none). */
function cutAfterSpace(text: string, from: number): number {
  for (let i = from; i < text.length; i++) if (isSpace(text.charCodeAt(i))) return i + 1;
  return text.length;
}

/** The first offset ≥ `from` just after a line break (text.length when none). */
function cutAfterLine(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) return i + 1;
    if (c === 13 && text.charCodeAt(i + 1) !== 10) return i + 1;
  }
  return text.length;
}

/**
 * Lexes `file` piece by piece, yielding each piece's tokens (absolute offsets) in order and passing
 * lexical diagnostics to `report` as they are found.
 */
export function* lexPieces(file: SourceFile, report: (d: Diagnostic) => void): Generator<IToken[]> {
  const text = file.text;
  let start = 0;
  while (start < text.length) {
    let end = cutAfterSpace(text, start + LEX_PIECE_CHARS);
    for (;;) {
      const r = T.qaccLexer.tokenize(start === 0 && end === text.length ? text : text.slice(start, end));
      const errors = (r.groups['errors'] as IToken[] | undefined) ?? [];
      const comments = (r.groups['comments'] as IToken[] | undefined) ?? [];
      const lastOdd = [errors[errors.length - 1], comments[comments.length - 1]];
      const cutInside = end < text.length ? lastOdd.find((t) => t !== undefined && t.startOffset + t.image.length === end - start) : undefined;
      if (cutInside) {
        // The cut fell inside a comment or string: move it past the end of that line (or comment) and lex again.
        if (cutInside.tokenType === T.UnterminatedComment) {
          const close = text.indexOf('*/', start + cutInside.startOffset + 2);
          end = close < 0 ? text.length : cutAfterLine(text, close + 2);
        } else end = cutAfterLine(text, end);
        continue;
      }
      for (const e of r.errors) {
        const at = start + e.offset;
        const first = String.fromCodePoint(text.codePointAt(at) ?? 0);
        report(diagnostic(Diag.unexpectedCharacter, file.span(at, at + Math.max(1, first.length)), [printable(first)]));
      }
      for (const t of errors) {
        const at = start + t.startOffset;
        const entry = t.tokenType === T.UnterminatedComment ? Diag.unterminatedComment : Diag.unterminatedString;
        report(diagnostic(entry, file.span(at, at + Math.min(2, t.image.length))));
      }
      for (const t of r.tokens) {
        // The lexer tracks start offsets only (line/column fields would double a token's size); the
        // parser's node locations need the end offset, set here.
        t.startOffset += start;
        t.endOffset = t.startOffset + t.image.length - 1;
        const tooLong = t.tokenType === T.StringLiteral ? t.image.length > MAX_STRING_CHARS && MAX_STRING_CHARS : t.image.length > MAX_NAME_CHARS && t.tokenType === T.Word && MAX_NAME_CHARS;
        if (tooLong) {
          report(diagnostic(Diag.tokenTooLong, file.span(t.startOffset, t.startOffset + t.image.length), [t.tokenType === T.Word ? 'name' : 'string', t.image.length, tooLong]));
        }
      }
      yield r.tokens;
      break;
    }
    start = end;
  }
}
