/**
 * The .qacc grammar: a pure Chevrotain `CstParser` (rules only, no semantic actions) with full location
 * tracking and error recovery. The grammar is deliberately uniform:
 *
 *   file        := declaration*
 *   declaration := KEYWORD name (':' name)? ( '=' expression ';' | '{' property* '}' )   | import STRING ';'
 *   property    := name '=' expression ';'
 *   expression  := lanes ('|' lanes)*                      (alternatives: `4 x fp4 | 2 x posit8_0`)
 *   lanes       := additive ('x' additive)?                 (SIMD lanes: `4 x fp4_e2m1`)
 *   additive    := multiplicative (('+'|'-') multiplicative)*
 *   multiplicative := unary (('*'|'/'|'%') unary)*
 *   unary       := ('-'|'+')* postfix                       (a loop, not recursion: no stack growth)
 *   postfix     := atomic UNIT?                             (`512 KiB`, `1 GHz`, `256 b/cycle`)
 *   atomic      := INT | DECIMAL | STRING | true | false | name (call | list)? | '(' expression ')' | list
 *   call        := '(' (argument (',' argument)*)? ')'      argument := (name '=')? expression
 *   list        := '[' (expression (',' expression)* ','?)? ']'   (`lut[...]` is a call with one list)
 *
 * Which keyword takes which form (`const x = …;` vs `pe p : kind { … }`) is checked by the CST→AST
 * visitor, which keeps the grammar small and its recovery strong.
 */
import {
  CstParser,
  EOF,
  type CstNode,
  type IOrAlt,
  type IParserErrorMessageProvider,
  type IToken,
  type TokenType,
} from 'chevrotain';
import * as T from './tokens.js';

function describeToken(t: IToken | undefined): string {
  if (!t || t.tokenType === EOF) return 'end of file';
  const image = t.image.length > 24 ? t.image.slice(0, 24) + '…' : t.image;
  return `'${image}'`;
}

function label(t: TokenType): string {
  return t.LABEL ?? t.name;
}

const RULE_NOUNS: Record<string, string> = {
  atomic: 'a value',
  postfix: 'a value',
  unary: 'a value',
  multiplicative: 'a value',
  additive: 'a value',
  lanes: 'a value',
  expression: 'a value',
  argument: 'an argument',
  declaration: 'a declaration',
  declarationBody: "'=' or '{'",
};

function alternatives(paths: TokenType[][][] | TokenType[][]): string {
  const seen = new Set<string>();
  const flat = (paths as unknown[]).flat(2) as TokenType[];
  for (const t of flat) if (t) seen.add(label(t));
  const all = [...seen];
  return all.length > 5 ? all.slice(0, 5).join(', ') + ', …' : all.join(' or ');
}

/** Messages in the house style: "expected ';', found 'cols'". */
export const errorMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual }) {
    return `expected ${label(expected)}, found ${describeToken(actual)}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `expected a declaration, found ${describeToken(firstRedundant)}`;
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, actual, ruleName }) {
    const noun = RULE_NOUNS[ruleName] ?? alternatives(expectedPathsPerAlt);
    return `expected ${noun}, found ${describeToken(actual[0])}`;
  },
  buildEarlyExitMessage({ expectedIterationPaths, actual, ruleName }) {
    const noun = RULE_NOUNS[ruleName] ?? alternatives(expectedIterationPaths);
    return `expected ${noun}, found ${describeToken(actual[0])}`;
  },
};

/** The parser. Use the single `qaccParser` instance (self-analysis is costly). */
export class QaccParser extends CstParser {
  // Cached arrays of alternatives (Chevrotain's recommended optimization: no closures per call).
  private alts1?: IOrAlt<unknown>[];
  private alts2?: IOrAlt<unknown>[];
  private alts3?: IOrAlt<unknown>[];
  private alts4?: IOrAlt<unknown>[];
  private alts5?: IOrAlt<unknown>[];
  private alts6?: IOrAlt<unknown>[];
  private alts7?: IOrAlt<unknown>[];
  private alts8?: IOrAlt<unknown>[];

  constructor() {
    super(T.allTokens, {
      recoveryEnabled: true,
      nodeLocationTracking: 'onlyOffset',
      maxLookahead: 3,
      errorMessageProvider: errorMessages,
    });
    this.performSelfAnalysis();
  }

  file = this.RULE('file', () => {
    this.MANY(() => this.SUBRULE(this.declaration));
  });

  declaration = this.RULE('declaration', () => {
    this.OR(
      (this.alts1 ??= [
        {
          ALT: () => {
            this.CONSUME(T.Import);
            this.CONSUME(T.StringLiteral);
            this.CONSUME(T.Semicolon);
          },
        },
        {
          ALT: () => {
            this.OR2(
              (this.alts7 ??= [
                { ALT: () => this.CONSUME(T.Param) },
                { ALT: () => this.CONSUME(T.Const) },
                { ALT: () => this.CONSUME(T.Format) },
                { ALT: () => this.CONSUME(T.Scheme) },
                { ALT: () => this.CONSUME(T.Pe) },
                { ALT: () => this.CONSUME(T.Array) },
                { ALT: () => this.CONSUME(T.Buffer) },
                { ALT: () => this.CONSUME(T.Accelerator) },
              ]),
            );
            this.CONSUME(T.Identifier);
            this.OPTION(() => {
              this.CONSUME(T.Colon);
              this.CONSUME2(T.Identifier);
            });
            this.SUBRULE(this.declarationBody);
          },
        },
      ]),
    );
  });

  declarationBody = this.RULE('declarationBody', () => {
    this.OR(
      (this.alts2 ??= [
        {
          ALT: () => {
            this.CONSUME(T.Equals);
            this.SUBRULE(this.expression);
            this.CONSUME(T.Semicolon);
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.LBrace);
            this.MANY(() => this.SUBRULE(this.property));
            this.CONSUME(T.RBrace);
          },
        },
      ]),
    );
  });

  property = this.RULE('property', () => {
    this.CONSUME(T.Name);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expression);
    this.CONSUME(T.Semicolon);
  });

  expression = this.RULE('expression', () => {
    this.SUBRULE(this.lanes);
    this.MANY(() => {
      this.CONSUME(T.Bar);
      this.SUBRULE2(this.lanes);
    });
  });

  lanes = this.RULE('lanes', () => {
    this.SUBRULE(this.additive);
    this.OPTION(() => {
      this.CONSUME(T.Cross);
      this.SUBRULE2(this.additive);
    });
  });

  additive = this.RULE('additive', () => {
    this.SUBRULE(this.multiplicative);
    this.MANY(() => {
      this.OR((this.alts3 ??= [{ ALT: () => this.CONSUME(T.Plus) }, { ALT: () => this.CONSUME(T.Minus) }]));
      this.SUBRULE2(this.multiplicative);
    });
  });

  multiplicative = this.RULE('multiplicative', () => {
    this.SUBRULE(this.unary);
    this.MANY(() => {
      this.OR(
        (this.alts4 ??= [
          { ALT: () => this.CONSUME(T.Star) },
          { ALT: () => this.CONSUME(T.Slash) },
          { ALT: () => this.CONSUME(T.Percent) },
        ]),
      );
      this.SUBRULE2(this.unary);
    });
  });

  unary = this.RULE('unary', () => {
    this.MANY(() => {
      this.OR((this.alts5 ??= [{ ALT: () => this.CONSUME(T.Minus) }, { ALT: () => this.CONSUME(T.Plus) }]));
    });
    this.SUBRULE(this.postfix);
  });

  postfix = this.RULE('postfix', () => {
    this.SUBRULE(this.atomic);
    this.OPTION(() => this.CONSUME(T.Unit));
  });

  atomic = this.RULE('atomic', () => {
    this.OR(
      (this.alts6 ??= [
        { ALT: () => this.CONSUME(T.IntegerLiteral) },
        { ALT: () => this.CONSUME(T.DecimalLiteral) },
        { ALT: () => this.CONSUME(T.StringLiteral) },
        { ALT: () => this.CONSUME(T.True) },
        { ALT: () => this.CONSUME(T.False) },
        {
          ALT: () => {
            this.CONSUME(T.Identifier);
            this.OPTION(() => {
              this.OR2(
                (this.alts8 ??= [
                  { ALT: () => this.SUBRULE(this.call) },
                  { ALT: () => this.SUBRULE(this.list) },
                ]),
              );
            });
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.LParen);
            this.SUBRULE(this.expression);
            this.CONSUME(T.RParen);
          },
        },
        { ALT: () => this.SUBRULE2(this.list) },
      ]),
    );
  });

  call = this.RULE('call', () => {
    this.CONSUME(T.LParen);
    this.OPTION(() => {
      this.SUBRULE(this.argument);
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.argument);
      });
    });
    this.CONSUME(T.RParen);
  });

  argument = this.RULE('argument', () => {
    this.OPTION(() => {
      this.CONSUME(T.Identifier);
      this.CONSUME(T.Equals);
    });
    this.SUBRULE(this.expression);
  });

  list = this.RULE('list', () => {
    this.CONSUME(T.LBracket);
    this.OPTION(() => {
      this.SUBRULE(this.expression);
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.expression);
      });
      this.OPTION2(() => this.CONSUME2(T.Comma));
    });
    this.CONSUME(T.RBracket);
  });
}

/** The shared parser instance. */
export const qaccParser = new QaccParser();

/**
 * Runs a rule with V8 stack capture off: Chevrotain's error recovery creates (and discards) an exception
 * object per recovery attempt, and capturing their stack traces dominated the parse time of broken input.
 */
function withoutStacks<T>(run: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return run();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** The parser's token cursor (Chevrotain's lexer-adapter trait; its typings do not list it). */
interface TokenCursor {
  importLexerState(index: number): void;
}

/**
 * Parses `tokens[start…]` with the `file` rule; the caller reads `qaccParser.errors` afterwards. Starting
 * by moving the cursor (rather than slicing) keeps error recovery linear: resuming after each of n
 * errors costs nothing instead of a copy of the rest of the vector.
 */
export function parseTokens(tokens: IToken[], start = 0): CstNode {
  qaccParser.input = tokens;
  if (start > 0) (qaccParser as unknown as TokenCursor).importLexerState(start - 1);
  return withoutStacks(() => qaccParser.file());
}

/** Parses a token vector as one expression (used for `--set name=value`). */
export function parseExpressionTokens(tokens: IToken[]): CstNode {
  qaccParser.input = tokens;
  return withoutStacks(() => qaccParser.expression());
}
