/**
 * The .qacc abstract syntax tree: readonly unions tagged by `kind`, every node with its source span.
 * Built from the CST by cst-to-ast.ts; nothing here knows about formats or hardware (that is src/ir).
 */
import type { Span } from './source.js';

/** A name as written, with its span. */
export interface Ident {
  readonly text: string;
  readonly span: Span;
}

// ---------- expressions ----------

export interface IntegerExpr {
  readonly kind: 'integer';
  readonly value: bigint;
  readonly span: Span;
}

/** A literal with a fraction or exponent, kept exact: value = num / den. */
export interface DecimalExpr {
  readonly kind: 'decimal';
  readonly num: bigint;
  readonly den: bigint;
  /** The literal as written (used for float64 table entries, which keep the shortest round-trip text). */
  readonly text: string;
  readonly span: Span;
}

export interface StringExpr {
  readonly kind: 'string';
  readonly value: string;
  readonly span: Span;
}

export interface BoolExpr {
  readonly kind: 'bool';
  readonly value: boolean;
  readonly span: Span;
}

/** A bare name: a constant, a declaration, a built-in format, or an enumeration word (`output_stationary`). */
export interface NameExpr {
  readonly kind: 'name';
  readonly name: Ident;
  readonly span: Span;
}

export interface Argument {
  /** Present for named arguments (`bias = 3`). */
  readonly name?: Ident;
  readonly value: Expr;
  readonly span: Span;
}

/** `posit(8, 0)`, `fp(e = 3, m = 2)`, `per_group(int4, group = 64)`; `lut[…]` is a call with one list. */
export interface CallExpr {
  readonly kind: 'call';
  readonly callee: Ident;
  readonly args: readonly Argument[];
  readonly span: Span;
}

/** `[a, b, c]` or the alternatives `a | b | c` (same meaning). */
export interface ListExpr {
  readonly kind: 'list';
  readonly items: readonly Expr[];
  readonly style: 'brackets' | 'bars';
  readonly span: Span;
}

export type BinaryOp = '+' | '-' | '*' | '/' | '%';

export interface BinaryExpr {
  readonly kind: 'binary';
  readonly op: BinaryOp;
  readonly left: Expr;
  readonly right: Expr;
  readonly span: Span;
}

export interface NegateExpr {
  readonly kind: 'negate';
  readonly operand: Expr;
  readonly span: Span;
}

/** A number with a unit: `512 KiB`, `1 GHz`, `256 b/cycle`. */
export interface QuantityExpr {
  readonly kind: 'quantity';
  readonly value: Expr;
  readonly unit: Ident;
  readonly span: Span;
}

/** SIMD lanes: `4 x fp4_e2m1`. */
export interface LanesExpr {
  readonly kind: 'lanes';
  readonly count: Expr;
  readonly element: Expr;
  readonly span: Span;
}

/** Stands in for text that did not parse, so later stages skip it without cascading errors. */
export interface ErrorExpr {
  readonly kind: 'error';
  readonly span: Span;
}

export type Expr =
  | IntegerExpr
  | DecimalExpr
  | StringExpr
  | BoolExpr
  | NameExpr
  | CallExpr
  | ListExpr
  | BinaryExpr
  | NegateExpr
  | QuantityExpr
  | LanesExpr
  | ErrorExpr;

// ---------- declarations ----------

export interface Property {
  readonly name: Ident;
  readonly value: Expr;
  readonly span: Span;
}

export interface ImportDecl {
  readonly kind: 'import';
  /** The path as written (quotes removed, escapes decoded). */
  readonly path: string;
  readonly pathSpan: Span;
  readonly span: Span;
}

/** `param rows = 32;` — overridable with `--set rows=…`. */
export interface ParamDecl {
  readonly kind: 'param';
  readonly name: Ident;
  readonly value: Expr;
  readonly span: Span;
}

/** `const cols = rows * 2;` */
export interface ConstDecl {
  readonly kind: 'const';
  readonly name: Ident;
  readonly value: Expr;
  readonly span: Span;
}

/** `format e3m2b3 = fp(e = 3, m = 2, bias = 3, variant = finite);` */
export interface FormatDecl {
  readonly kind: 'format';
  readonly name: Ident;
  readonly value: Expr;
  readonly span: Span;
}

/**
 * A quantization scheme, written `scheme w4 = per_group(int4, group = 64, scale = fp16);` or as a block
 * `scheme w4 : per_group { element = int4; group = 64; scale = fp16; }`. The block form is stored as the
 * equivalent call (properties become named arguments), so both mean exactly the same.
 */
export interface SchemeDecl {
  readonly kind: 'scheme';
  readonly name: Ident;
  readonly value: Expr;
  readonly span: Span;
}

/** `pe p : bit_serial_mod { lanes = 4; … }` */
export interface PeDecl {
  readonly kind: 'pe';
  readonly name: Ident;
  readonly peKind: Ident;
  readonly properties: readonly Property[];
  readonly span: Span;
}

/** `array main { pe = p; rows = 32; cols = 32; dataflow = output_stationary; }` */
export interface ArrayDecl {
  readonly kind: 'array';
  readonly name: Ident;
  readonly properties: readonly Property[];
  readonly span: Span;
}

/** `buffer wbuf { size = 512 KiB; width = 256; banks = 8; }` */
export interface BufferDecl {
  readonly kind: 'buffer';
  readonly name: Ident;
  readonly properties: readonly Property[];
  readonly span: Span;
}

/** `accelerator bitmod { arrays = [main]; buffers = [wbuf, abuf]; dram = 256 b/cycle; clock = 1 GHz; }` */
export interface AcceleratorDecl {
  readonly kind: 'accelerator';
  readonly name: Ident;
  readonly properties: readonly Property[];
  readonly span: Span;
}

export type Declaration =
  | ImportDecl
  | ParamDecl
  | ConstDecl
  | FormatDecl
  | SchemeDecl
  | PeDecl
  | ArrayDecl
  | BufferDecl
  | AcceleratorDecl;

/** Declarations that define a name. */
export type NamedDeclaration = Exclude<Declaration, ImportDecl>;

/** One parsed file. */
export interface QaccFile {
  readonly kind: 'file';
  readonly path: string;
  readonly declarations: readonly Declaration[];
  readonly span: Span;
}

/** Compile-time exhaustiveness check for `switch (x.kind)`. */
export function assertNever(x: never): never {
  throw new Error(`unexpected variant ${JSON.stringify((x as { kind?: unknown })?.kind)}`);
}
