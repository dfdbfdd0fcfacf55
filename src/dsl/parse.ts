/**
 * `parseSource(file)`: text → `{ ast, diagnostics }`, never throws. Steps: size limit; lexing (unknown
 * characters, unterminated comments and strings become diagnostics); a bracket-depth pre-scan that
 * rejects pathological nesting before the recursive-descent parser could exhaust the stack; parsing with
 * Chevrotain's in-rule recovery plus a top-level loop (when the parser stops at a token that cannot
 * start a declaration, report it and resume at the next declaration keyword); CST → AST.
 */
import { EOF, type CstNode, type IRecognitionException, type IToken } from 'chevrotain';
import type * as A from './ast.js';
import { CstToAst } from './cst-to-ast.js';
import { Diag, diagnostic, type Diagnostic } from './diagnostics.js';
import { parseExpressionTokens, parseTokens, qaccParser } from './parser.js';
import type { SourceFile, Span } from './source.js';
import * as T from './tokens.js';

/** Largest accepted source file, in UTF-16 code units (16 Mi). */
export const MAX_FILE_CHARS = 16 * 1024 * 1024;
/** Deepest accepted nesting of (), [] and {}. */
export const MAX_NESTING = 64;
/** Syntax errors reported per file before the rest are summarized by one note. */
export const MAX_SYNTAX_ERRORS = 50;

export interface ParseResult {
  readonly ast: A.QaccFile;
  readonly diagnostics: readonly Diagnostic[];
}

interface LexResult {
  readonly tokens: IToken[];
  readonly ok: boolean;
}

function tokenSpan(file: SourceFile, t: IToken): Span {
  return file.span(t.startOffset, t.startOffset + t.image.length);
}

function printable(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  if (code < 32 || code === 127 || (code >= 0x80 && code < 0xa0) || code === 0xfffd) return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return `'${ch}'`;
}

function lex(file: SourceFile, diagnostics: Diagnostic[]): LexResult {
  const r = T.qaccLexer.tokenize(file.text);
  let ok = true;
  for (const e of r.errors) {
    ok = false;
    const ch = file.text.slice(e.offset, e.offset + e.length);
    const first = String.fromCodePoint(ch.codePointAt(0) ?? 0);
    diagnostics.push(diagnostic(Diag.unexpectedCharacter, file.span(e.offset, e.offset + Math.max(1, first.length)), [printable(first)]));
  }
  for (const t of (r.groups['errors'] as IToken[] | undefined) ?? []) {
    ok = false;
    const entry = t.tokenType === T.UnterminatedComment ? Diag.unterminatedComment : Diag.unterminatedString;
    diagnostics.push(diagnostic(entry, file.span(t.startOffset, t.startOffset + Math.min(2, t.image.length))));
  }
  return { tokens: r.tokens, ok };
}

/** Finds the first opener nested deeper than MAX_NESTING; undefined when within bounds. */
function tooDeep(tokens: readonly IToken[]): IToken | undefined {
  let depth = 0;
  for (const t of tokens) {
    const tt = t.tokenType;
    if (tt === T.LParen || tt === T.LBracket || tt === T.LBrace) {
      if (++depth > MAX_NESTING) return t;
    } else if (tt === T.RParen || tt === T.RBracket || tt === T.RBrace) depth = Math.max(0, depth - 1);
  }
  return undefined;
}

/** Turns a Chevrotain recognition error into a located diagnostic. */
function syntaxDiagnostic(file: SourceFile, e: IRecognitionException): Diagnostic {
  const t = e.token;
  let span: Span;
  const prev = (e as { previousToken?: IToken }).previousToken;
  const expectsSemicolon = e.name === 'MismatchedTokenException' && e.message.startsWith("expected ';'");
  if (expectsSemicolon && prev && Number.isFinite(prev.startOffset) && !prev.isInsertedInRecovery) {
    // A missing ';' is reported right after the token it should follow, not at the next line's first token.
    const end = prev.startOffset + prev.image.length;
    span = file.span(end, end);
  } else if (t && Number.isFinite(t.startOffset) && t.tokenType !== EOF && t.image !== '') {
    span = tokenSpan(file, t);
  } else {
    span = file.span(file.text.length, file.text.length);
  }
  // At the top level Chevrotain reports "expected EOF" (then skips to the next declaration): say what was meant.
  const topLevel = e.name === 'NotAllInputParsedException' || (e.name === 'MismatchedTokenException' && e.context?.ruleStack?.length === 1);
  if (topLevel) return diagnostic(Diag.expectedDeclaration, span, [describe(t)]);
  return diagnostic(Diag.syntaxError, span, [e.message]);
}

function describe(t: IToken | undefined): string {
  if (!t || !Number.isFinite(t.startOffset) || t.image === '') return 'end of file';
  return `'${t.image.length > 24 ? t.image.slice(0, 24) + '…' : t.image}'`;
}

const DECL_KEYWORDS = new Set(T.DECLARATION_KEYWORDS);

/** Parses one source file. Never throws. */
export function parseSource(file: SourceFile): ParseResult {
  const diagnostics: Diagnostic[] = [];
  const whole = file.span(0, file.text.length);
  const empty = (): ParseResult => ({ ast: { kind: 'file', path: file.path, declarations: [], span: whole }, diagnostics });
  if (file.text.length > MAX_FILE_CHARS) {
    diagnostics.push(diagnostic(Diag.fileTooLarge, file.span(0, 0), [file.text.length, MAX_FILE_CHARS]));
    return empty();
  }
  const { tokens } = lex(file, diagnostics);
  const deep = tooDeep(tokens);
  if (deep) {
    diagnostics.push(diagnostic(Diag.nestingTooDeep, tokenSpan(file, deep), [MAX_NESTING]));
    return empty();
  }

  const syntax: Diagnostic[] = [];
  const declNodes: CstNode[] = [];
  let start = 0;
  while (start < tokens.length) {
    const slice = start === 0 ? tokens : tokens.slice(start);
    const cst = parseTokens(slice);
    for (const d of (cst.children['declaration'] ?? []) as CstNode[]) declNodes.push(d);
    const errors = qaccParser.errors;
    let resumeAfter: IToken | undefined;
    for (const e of errors) {
      syntax.push(syntaxDiagnostic(file, e));
      if (e.name === 'NotAllInputParsedException') resumeAfter = e.token;
    }
    if (!resumeAfter) break;
    // Resume at the next token that can start a declaration.
    let i = tokens.indexOf(resumeAfter, start) + 1;
    if (i <= start) break;
    while (i < tokens.length && !DECL_KEYWORDS.has(tokens[i].tokenType)) i++;
    start = i;
  }
  if (syntax.length > MAX_SYNTAX_ERRORS) {
    diagnostics.push(...syntax.slice(0, MAX_SYNTAX_ERRORS));
    diagnostics.push(diagnostic(Diag.tooManyErrors, syntax[MAX_SYNTAX_ERRORS].span));
  } else diagnostics.push(...syntax);

  const builder = new CstToAst(file, diagnostics);
  const declarations: A.Declaration[] = [];
  for (const n of declNodes) {
    const d = builder.declaration(n);
    if (d) declarations.push(d);
  }
  return { ast: { kind: 'file', path: file.path, declarations, span: whole }, diagnostics };
}

/** Parses the text of one expression (e.g. the value of `--set rows=64`); never throws. */
export function parseExpressionSource(file: SourceFile): { expr: A.Expr | undefined; diagnostics: readonly Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  if (file.text.length > 100_000) {
    diagnostics.push(diagnostic(Diag.fileTooLarge, file.span(0, 0), [file.text.length, 100_000]));
    return { expr: undefined, diagnostics };
  }
  const { tokens } = lex(file, diagnostics);
  const deep = tooDeep(tokens);
  if (deep) {
    diagnostics.push(diagnostic(Diag.nestingTooDeep, tokenSpan(file, deep), [MAX_NESTING]));
    return { expr: undefined, diagnostics };
  }
  const cst = parseExpressionTokens(tokens);
  const errors = qaccParser.errors;
  for (const e of errors) {
    // The expression rule does not check for trailing tokens; a leftover is reported by hand below.
    diagnostics.push(syntaxDiagnostic(file, e).code === Diag.expectedDeclaration.code ? diagnostic(Diag.syntaxError, e.token ? tokenSpan(file, e.token) : undefined, [`unexpected ${describe(e.token)}`]) : syntaxDiagnostic(file, e));
  }
  const end = cst.location?.endOffset;
  if (errors.length === 0 && tokens.length > 0) {
    const last = tokens[tokens.length - 1];
    if (end !== undefined && Number.isFinite(end) && last.startOffset > (end as number)) {
      const extra = tokens.find((t) => t.startOffset > (end as number)) ?? last;
      diagnostics.push(diagnostic(Diag.syntaxError, tokenSpan(file, extra), [`unexpected ${describe(extra)} after the value`]));
    }
  }
  if (tokens.length === 0 && errors.length === 0) diagnostics.push(diagnostic(Diag.syntaxError, file.span(0, 0), ['expected a value']));
  if (diagnostics.length) return { expr: undefined, diagnostics };
  const expr = new CstToAst(file, diagnostics).expressionNode(cst);
  return { expr: diagnostics.length ? undefined : expr, diagnostics };
}
