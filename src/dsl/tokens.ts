/**
 * The .qacc vocabulary (Chevrotain tokens). Keywords and unit words take `longer_alt: Identifier`, so
 * `pe` is a keyword but `pe_kind` an identifier. Keywords and identifiers share the `Name` category, which
 * lets property names be keywords (`pe = my_pe;`). Unterminated comments and strings have their own tokens
 * so the front end reports them precisely instead of as a cascade of stray characters.
 */
import { createToken, Lexer, type TokenType } from 'chevrotain';

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\n\f\v\u00a0\ufeff]+/, group: Lexer.SKIPPED });
export const LineComment = createToken({ name: 'LineComment', pattern: /\/\/[^\n\r]*/, group: 'comments' });
export const BlockComment = createToken({ name: 'BlockComment', pattern: /\/\*[\s\S]*?\*\//, group: 'comments' });
/** A `/*` with no closing `*\/`: consumes the rest of the file so the error is reported once. */
export const UnterminatedComment = createToken({ name: 'UnterminatedComment', pattern: /\/\*[\s\S]*/, group: 'errors' });

export const StringLiteral = createToken({ name: 'StringLiteral', pattern: /"(?:[^"\\\n\r]|\\[^\n\r])*"/, label: 'a string' });
export const UnterminatedString = createToken({ name: 'UnterminatedString', pattern: /"(?:[^"\\\n\r]|\\[^\n\r])*/, group: 'errors' });

/** Keywords, identifiers: property names accept any of them. */
export const Name = createToken({ name: 'Name', pattern: Lexer.NA, label: 'a name' });
/**
 * `Identifier` is a category: plain words, and also the unit words and `x`, which are units or the lane
 * operator only where the grammar expects one (right after a value), so `const b = 2;` still works.
 */
export const Identifier = createToken({ name: 'Identifier', pattern: Lexer.NA, categories: [Name], label: 'a name' });
export const Word = createToken({ name: 'Word', pattern: /[A-Za-z_][A-Za-z0-9_]*/, categories: [Identifier, Name], label: 'a name' });

/** Unit words (`KiB`, `GHz`, `b/cycle` …); their meaning is checked during elaboration. */
export const Unit = createToken({ name: 'Unit', pattern: Lexer.NA, label: 'a unit' });

function keyword(word: string): TokenType {
  return createToken({ name: `Kw_${word}`, pattern: new RegExp(word), longer_alt: Word, categories: [Name], label: `'${word}'` });
}

export const Import = keyword('import');
export const Param = keyword('param');
export const Const = keyword('const');
export const Format = keyword('format');
export const Scheme = keyword('scheme');
export const Pe = keyword('pe');
export const Array = keyword('array');
export const Buffer = keyword('buffer');
export const Accelerator = keyword('accelerator');
export const True = keyword('true');
export const False = keyword('false');
/** The lane operator of SIMD modes: `4 x fp4_e2m1` (also `×`). */
export const Cross = createToken({ name: 'Cross', pattern: /x(?![A-Za-z0-9_])|×/, categories: [Identifier, Name], label: "'x'" });

/** Declaration keywords, in the order the grammar and the recovery loop know them. */
export const DECLARATION_KEYWORDS: readonly TokenType[] = [Import, Param, Const, Format, Scheme, Pe, Array, Buffer, Accelerator];

/** `b/cycle`, `B/cycle`: one token, so the slash is not read as division. */
export const PerCycleUnit = createToken({ name: 'PerCycleUnit', pattern: /(?:b|B|bits|bytes)\/cycle(?![A-Za-z0-9_])/, categories: [Unit] });

/** Every unit word the lexer knows. Order: longer spellings first (the regexes are anchored alternatives). */
export const UNIT_WORDS: readonly string[] = ['KiB', 'MiB', 'GiB', 'kB', 'KB', 'MB', 'GB', 'kHz', 'MHz', 'GHz', 'Hz', 'cycles', 'cycle', 'B', 'b'];
export const UnitWord = createToken({
  name: 'UnitWord',
  pattern: /(?:KiB|MiB|GiB|kB|KB|MB|GB|kHz|MHz|GHz|Hz|cycles|cycle|B|b)(?![A-Za-z0-9_])/,
  categories: [Unit, Identifier, Name],
});

/** Decimal literals with a fraction and/or exponent: `1.72`, `0.5e-3`, `1e6`. */
export const DecimalLiteral = createToken({ name: 'DecimalLiteral', pattern: /\d[\d_]*(?:\.\d[\d_]*(?:[eE][+-]?\d+)?|[eE][+-]?\d+)/, label: 'a number' });
/** Integer literals: decimal, `0x…`, `0b…`, with `_` separators. */
export const IntegerLiteral = createToken({ name: 'IntegerLiteral', pattern: /0x[0-9a-fA-F_]+|0b[01_]+|\d[\d_]*/, label: 'an integer' });

export const Semicolon = createToken({ name: 'Semicolon', pattern: /;/, label: "';'" });
export const Colon = createToken({ name: 'Colon', pattern: /:/, label: "':'" });
export const Comma = createToken({ name: 'Comma', pattern: /,/, label: "','" });
export const Equals = createToken({ name: 'Equals', pattern: /=/, label: "'='" });
export const LParen = createToken({ name: 'LParen', pattern: /\(/, label: "'('" });
export const RParen = createToken({ name: 'RParen', pattern: /\)/, label: "')'" });
export const LBracket = createToken({ name: 'LBracket', pattern: /\[/, label: "'['" });
export const RBracket = createToken({ name: 'RBracket', pattern: /\]/, label: "']'" });
export const LBrace = createToken({ name: 'LBrace', pattern: /\{/, label: "'{'" });
export const RBrace = createToken({ name: 'RBrace', pattern: /\}/, label: "'}'" });
export const Plus = createToken({ name: 'Plus', pattern: /\+/, label: "'+'" });
export const Minus = createToken({ name: 'Minus', pattern: /-/, label: "'-'" });
export const Star = createToken({ name: 'Star', pattern: /\*/, label: "'*'" });
export const Slash = createToken({ name: 'Slash', pattern: /\//, label: "'/'" });
export const Percent = createToken({ name: 'Percent', pattern: /%/, label: "'%'" });
export const Bar = createToken({ name: 'Bar', pattern: /\|/, label: "'|'" });

/** All tokens, in lexing priority order. */
export const allTokens: TokenType[] = [
  WhiteSpace,
  BlockComment,
  UnterminatedComment,
  LineComment,
  StringLiteral,
  UnterminatedString,
  PerCycleUnit,
  UnitWord,
  Import,
  Param,
  Const,
  Format,
  Scheme,
  Pe,
  Array,
  Buffer,
  Accelerator,
  True,
  False,
  Cross,
  Word,
  Identifier,
  Name,
  Unit,
  DecimalLiteral,
  IntegerLiteral,
  Semicolon,
  Colon,
  Comma,
  Equals,
  LParen,
  RParen,
  LBracket,
  RBracket,
  LBrace,
  RBrace,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
  Bar,
];

/** The one lexer instance (building it validates the token set, so it is done once). Offsets only: lex.ts sets end offsets, and spans are computed from offsets by SourceFile. */
export const qaccLexer = new Lexer(allTokens, { positionTracking: 'onlyOffset', ensureOptimizations: false });
