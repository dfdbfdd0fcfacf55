/**
 * `parseSource(file)`: text → `{ ast, diagnostics }`, never throws. Steps: size limit; lexing in pieces
 * (lex.ts: unknown characters, unterminated comments and strings, over-long names become diagnostics);
 * a bracket-depth count that rejects pathological nesting before the recursive-descent parser could
 * exhaust the stack; parsing with Chevrotain's in-rule recovery plus a top-level loop (when the parser
 * stops at a token that cannot start a declaration, report it and resume at the next declaration
 * keyword); CST → AST.
 *
 * Memory stays proportional to the AST, not to tokens or CST: tokens are buffered only until a batch of
 * about PARSE_BATCH_TOKENS ends at a declaration boundary (a declaration keyword at bracket depth 0 right
 * after `;` or `}`), and each batch is parsed and turned into AST before the next is read. One
 * declaration may hold at most MAX_DECLARATION_TOKENS tokens (E111). Each stage's diagnostics are capped
 * per file (MAX_ERRORS_PER_STAGE, then one N101 note counting the rest).
 */
import { EOF, type CstNode, type IRecognitionException, type IToken } from 'chevrotain';
import type * as A from './ast.js';
import { CstToAst } from './cst-to-ast.js';
import { StageDiagnostics } from './caps.js';
import { Diag, diagnostic, type Diagnostic } from './diagnostics.js';
import { lexPieces } from './lex.js';
import { parseExpressionTokens, parseTokens, qaccParser } from './parser.js';
import type { SourceFile, Span } from './source.js';
import * as T from './tokens.js';

/** Largest accepted source file, in UTF-16 code units (16 Mi). */
export const MAX_FILE_CHARS = 16 * 1024 * 1024;
/** Deepest accepted nesting of (), [] and {}. */
export const MAX_NESTING = 64;
/** Diagnostics of one stage (lexical; syntax) reported per file before the rest are counted by one N101 note. */
export const MAX_ERRORS_PER_STAGE = 50;
/** The syntax stage's cap (the name older tests use). */
export const MAX_SYNTAX_ERRORS = MAX_ERRORS_PER_STAGE;
/** Tokens parsed at a time (a batch ends at the first declaration boundary after this many). */
export const PARSE_BATCH_TOKENS = 1 << 10;
/** The most tokens one top-level declaration may hold. */
export const MAX_DECLARATION_TOKENS = 1 << 18;

export interface ParseResult {
  readonly ast: A.QaccFile;
  readonly diagnostics: readonly Diagnostic[];
}

function tokenSpan(file: SourceFile, t: IToken): Span {
  return file.span(t.startOffset, t.startOffset + t.image.length);
}

/** Lexes a short text whole (expressions of `--set`), reporting lexical diagnostics. */
function lexAll(file: SourceFile, diagnostics: Diagnostic[]): IToken[] {
  const tokens: IToken[] = [];
  for (const piece of lexPieces(file, (d) => diagnostics.push(d))) for (const t of piece) tokens.push(t);
  return tokens;
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

/**
 * Turns a Chevrotain recognition error into a located diagnostic. `next` is the first token after the
 * batch being parsed: the parser sees the batch's end as the end of the file, but the user's file goes on.
 */
function syntaxDiagnostic(file: SourceFile, e: IRecognitionException, next?: IToken): Diagnostic {
  const t = e.token;
  let span: Span;
  const prev = (e as { previousToken?: IToken }).previousToken;
  const expectsSemicolon = e.name === 'MismatchedTokenException' && e.message.startsWith("expected ';'");
  const atEnd = !t || !Number.isFinite(t.startOffset) || t.tokenType === EOF || t.image === '';
  if (expectsSemicolon && prev && Number.isFinite(prev.startOffset) && !prev.isInsertedInRecovery) {
    // A missing ';' is reported right after the token it should follow, not at the next line's first token.
    const end = prev.startOffset + prev.image.length;
    span = file.span(end, end);
  } else if (!atEnd) {
    span = tokenSpan(file, t);
  } else if (next) {
    span = tokenSpan(file, next);
  } else {
    span = file.span(file.text.length, file.text.length);
  }
  // At the top level Chevrotain reports "expected EOF" (then skips to the next declaration): say what was meant.
  const topLevel = e.name === 'NotAllInputParsedException' || (e.name === 'MismatchedTokenException' && e.context?.ruleStack?.length === 1);
  if (topLevel) return diagnostic(Diag.expectedDeclaration, span, [atEnd && next ? describe(next) : describe(t)]);
  const message = atEnd && next ? e.message.replace(/end of file$/, describe(next)) : e.message;
  return diagnostic(Diag.syntaxError, span, [message]);
}

function describe(t: IToken | undefined): string {
  if (!t || !Number.isFinite(t.startOffset) || t.image === '') return 'end of file';
  return `'${t.image.length > 24 ? t.image.slice(0, 24) + '…' : t.image}'`;
}

const DECL_KEYWORDS = new Set(T.DECLARATION_KEYWORDS);

function isOpener(t: IToken): boolean {
  return t.tokenType === T.LParen || t.tokenType === T.LBracket || t.tokenType === T.LBrace;
}

function isCloser(t: IToken): boolean {
  return t.tokenType === T.RParen || t.tokenType === T.RBracket || t.tokenType === T.RBrace;
}

/** Parses one source file. Never throws. */
export function parseSource(file: SourceFile): ParseResult {
  const whole = file.span(0, file.text.length);
  const result = (declarations: A.Declaration[], diagnostics: Diagnostic[]): ParseResult => ({
    ast: { kind: 'file', path: file.path, declarations, span: whole },
    diagnostics,
  });
  if (file.text.length > MAX_FILE_CHARS) return result([], [diagnostic(Diag.fileTooLarge, file.span(0, 0), [file.text.length, MAX_FILE_CHARS])]);

  const lexical = new StageDiagnostics('lexical errors', MAX_ERRORS_PER_STAGE);
  const syntax = new StageDiagnostics('syntax errors', MAX_ERRORS_PER_STAGE);
  const converted: Diagnostic[] = [];
  const builder = new CstToAst(file, converted);
  const declarations: A.Declaration[] = [];

  /** Parses a batch of whole declarations and converts it to AST; `next` is the token after the batch. */
  const parseBatch = (tokens: IToken[], next: IToken | undefined): void => {
    let start = 0;
    while (start < tokens.length) {
      const cst = parseTokens(tokens, start);
      for (const n of (cst.children['declaration'] ?? []) as CstNode[]) {
        const d = builder.declaration(n);
        if (d) declarations.push(d);
      }
      for (const d of converted) syntax.add(d);
      converted.length = 0;
      let resumeAfter: IToken | undefined;
      for (const e of qaccParser.errors) {
        syntax.add(syntaxDiagnostic(file, e, next));
        if (e.name === 'NotAllInputParsedException') resumeAfter = e.token;
      }
      if (!resumeAfter) break;
      // Resume at the next token that can start a declaration.
      let i = tokens.indexOf(resumeAfter, start) + 1;
      if (i <= start) break;
      while (i < tokens.length && !DECL_KEYWORDS.has(tokens[i].tokenType)) i++;
      start = i;
    }
  };

  let batch: IToken[] = [];
  let declStart = 0; // index in `batch` of the declaration being read
  let nesting = 0; // bracket depth for the nesting limit (never below 0)
  let depth = 0; // bracket depth for finding declaration boundaries (reset after an over-long declaration)
  let prev: IToken | undefined;
  let skipping = false; // dropping the rest of an over-long declaration
  let deep: IToken | undefined;
  for (const piece of lexPieces(file, (d) => lexical.add(d))) {
    if (deep) continue; // keep lexing: its diagnostics are still reported
    for (const t of piece) {
      if (isOpener(t)) {
        depth++;
        if (++nesting > MAX_NESTING) {
          deep = t;
          break;
        }
      } else if (isCloser(t)) {
        depth = Math.max(0, depth - 1);
        nesting = Math.max(0, nesting - 1);
      }
      const afterEnd = prev === undefined || prev.tokenType === T.Semicolon || prev.tokenType === T.RBrace;
      prev = t;
      if (DECL_KEYWORDS.has(t.tokenType) && afterEnd && (depth === 0 || skipping)) {
        skipping = false;
        depth = 0;
        if (batch.length >= PARSE_BATCH_TOKENS) {
          parseBatch(batch, t);
          batch = [];
        }
        declStart = batch.length;
      }
      if (skipping) continue;
      batch.push(t);
      if (batch.length - declStart > MAX_DECLARATION_TOKENS) {
        const first = batch[declStart];
        parseBatch(batch.slice(0, declStart), first);
        syntax.add(diagnostic(Diag.declarationTooLong, tokenSpan(file, first), [MAX_DECLARATION_TOKENS]));
        batch = [];
        declStart = 0;
        skipping = true;
      }
    }
  }
  if (deep) return result([], [...lexical.result(), diagnostic(Diag.nestingTooDeep, tokenSpan(file, deep), [MAX_NESTING])]);
  parseBatch(batch, undefined);
  return result(declarations, [...lexical.result(), ...syntax.result()]);
}

/** Parses the text of one expression (e.g. the value of `--set rows=64`); never throws. */
export function parseExpressionSource(file: SourceFile): { expr: A.Expr | undefined; diagnostics: readonly Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  if (file.text.length > 100_000) {
    diagnostics.push(diagnostic(Diag.fileTooLarge, file.span(0, 0), [file.text.length, 100_000]));
    return { expr: undefined, diagnostics };
  }
  const tokens = lexAll(file, diagnostics);
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
