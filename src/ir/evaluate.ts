/**
 * The expression evaluator: AST expressions → compile-time `Value`s, and typed coercions of values
 * ("expected an integer in 1..64", "expected a format") that report located diagnostics instead of
 * throwing. Names resolve to, in order: a declaration of the program (visible from the file that
 * refers to it; params and consts are evaluated on first use and memoized, with a cycle check and a
 * depth limit), a built-in format of src/formats, or a bare word kept for an enumeration. Recursion
 * follows the AST, whose depth cst-to-ast.ts bounds.
 */
import { exact, lookupFormat, type NumberFormat, type Rational } from '../formats/index.js';
import type * as A from '../dsl/ast.js';
import { Diag, diagnostic, type Diagnostic, type DiagnosticEntry, type DiagnosticExtras } from '../dsl/diagnostics.js';
import type { Program, SymbolEntry } from '../dsl/program.js';
import type { Span } from '../dsl/source.js';
import { didYouMean } from '../dsl/suggest.js';
import { BUILTIN_NAMES, callBuiltin, isBuiltinCall, SCHEME_KINDS } from './builtins.js';
import type { IrOperand, IrQuantizedOperand } from './types.js';
import { AMBIGUOUS_UNITS, describeValue, DIMENSION_NOUNS, UNITS, type Dimension, type Located, type Value } from './values.js';

/** How deep definitions may refer to later definitions before evaluation gives up. */
export const MAX_DEFINITION_DEPTH = 400;

const ERROR: Value = { kind: 'error' };

/**
 * Computed numbers stay below 2^MAX_VALUE_BITS (numerator and denominator): literals are bounded, but a
 * chain of definitions each squaring the last doubles the digits per step, and unbounded BigInt
 * arithmetic would hang or throw. Hardware quantities are far smaller.
 */
export const MAX_VALUE_BITS = 4096;
const MAX_VALUE = 1n << BigInt(MAX_VALUE_BITS);

function withinBound(r: Rational): boolean {
  return r.num < MAX_VALUE && -r.num < MAX_VALUE && r.den < MAX_VALUE;
}
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** An inclusive integer range for checks. */
export interface IntRange {
  readonly min?: number;
  readonly max?: number;
}

/** A `--set` override: the parsed expression and its pseudo-file. */
export interface Override {
  readonly name: string;
  readonly expr: A.Expr;
  readonly span: Span;
}

/**
 * Built-in meaning of a bare name: a format of the registry, else a word. Cached because registry
 * misses build an error with suggestions (costly), and the answer never changes for a name.
 */
const builtinNames = new Map<string, Value>();

function builtinName(name: string): Value {
  let v = builtinNames.get(name);
  if (v) return v;
  try {
    v = { kind: 'format', format: lookupFormat(name) };
  } catch (err) {
    v = { kind: 'word', name, formatError: err instanceof Error ? err.message : String(err) };
  }
  if (builtinNames.size > 10_000) builtinNames.clear();
  builtinNames.set(name, v);
  return v;
}

export class Evaluator {
  private readonly memo = new Map<string, Value | 'busy'>();
  private depth = 0;
  /** Names of params that some expression read (for the unused `--set` warning). */
  readonly usedParams = new Set<string>();

  constructor(
    readonly program: Program,
    readonly diagnostics: Diagnostic[],
    readonly overrides: ReadonlyMap<string, Override>,
  ) {}

  report(e: DiagnosticEntry, span: Span | undefined, args: readonly (string | number | bigint)[] = [], extras: DiagnosticExtras = {}): void {
    this.diagnostics.push(diagnostic(e, span, args, extras));
  }

  // ---------- definitions ----------

  /** The value of a param/const/format/scheme declaration (memoized; cycles reported once). */
  definition(entry: SymbolEntry, useSpan: Span): Value {
    const d = entry.decl;
    if (d.kind !== 'param' && d.kind !== 'const' && d.kind !== 'format' && d.kind !== 'scheme') return { kind: 'decl', decl: d };
    const name = d.name.text;
    const m = this.memo.get(name);
    if (m === 'busy') {
      this.report(Diag.circularDefinition, useSpan, [name], { related: [{ span: d.name.span, message: `'${name}' is declared here` }] });
      return ERROR;
    }
    if (m) return m;
    if (this.depth >= MAX_DEFINITION_DEPTH) {
      this.report(Diag.definitionsTooDeep, useSpan, [MAX_DEFINITION_DEPTH]);
      return ERROR;
    }
    this.memo.set(name, 'busy');
    this.depth++;
    let v: Value;
    try {
      const override = d.kind === 'param' ? this.overrides.get(name) : undefined;
      if (d.kind === 'scheme' && d.value.kind === 'call' && !isBuiltinCall(d.value.callee.text)) {
        const kind = d.value.callee;
        this.report(Diag.unknownSchemeKind, kind.span, [kind.text], { hint: didYouMean(kind.text, SCHEME_KINDS) ?? `known schemes: ${SCHEME_KINDS.join(', ')}` });
        v = ERROR;
      } else v = override ? this.eval(override.expr, this.program.root) : this.eval(d.value, entry.file);
      if (d.kind === 'format') v = this.checkKind(v, override?.span ?? d.value.span, 'format', 'a format');
      if (d.kind === 'scheme') v = this.schemeDeclValue(v, d);
    } finally {
      this.depth--;
    }
    this.memo.set(name, v);
    return v;
  }

  private checkKind(v: Value, span: Span, kind: Value['kind'], noun: string): Value {
    if (v.kind === kind || v.kind === 'error') return v;
    if (v.kind === 'word' && kind === 'format') {
      this.report(Diag.unknownFormat, span, [v.formatError]);
      return ERROR;
    }
    this.report(Diag.typeMismatch, span, [noun, describeValue(v)]);
    return ERROR;
  }

  private schemeDeclValue(v: Value, d: A.SchemeDecl): Value {
    if (v.kind === 'scheme' || v.kind === 'error') return v;
    this.report(Diag.typeMismatch, d.value.span, ['a quantization scheme (per_group(…), mx(…), nvfp4(…), mixture(…) …)', describeValue(v)]);
    return ERROR;
  }

  // ---------- expressions ----------

  /** Evaluates an expression written in `file`. Never throws for user input. */
  eval(e: A.Expr, file: string): Value {
    switch (e.kind) {
      case 'integer':
        return { kind: 'number', value: exact.rational(e.value) };
      case 'decimal':
        return { kind: 'number', value: exact.rational(e.num, e.den) };
      case 'string':
        return { kind: 'string', value: e.value };
      case 'bool':
        return { kind: 'bool', value: e.value };
      case 'name':
        return this.name(e.name, file);
      case 'call':
        if (!isBuiltinCall(e.callee.text)) {
          const known = this.program.symbols.get(e.callee.text);
          this.report(Diag.unknownFunction, e.callee.span, [e.callee.text], {
            hint: known ? `'${e.callee.text}' is a ${known.decl.kind}, not a function` : didYouMean(e.callee.text, BUILTIN_NAMES),
          });
          return ERROR;
        }
        return callBuiltin(this, e, file);
      case 'list':
        return { kind: 'list', items: e.items.map((i) => ({ value: this.eval(i, file), span: i.span })) };
      case 'binary':
        return this.binary(e, file);
      case 'negate': {
        const v = this.eval(e.operand, file);
        if (v.kind === 'number' || v.kind === 'quantity') return { ...v, value: exact.neg(v.value) };
        if (v.kind !== 'error') this.report(Diag.typeMismatch, e.operand.span, ['a number', describeValue(v)]);
        return ERROR;
      }
      case 'quantity':
        return this.quantity(e, file);
      case 'lanes':
        return {
          kind: 'lanes',
          count: { value: this.eval(e.count, file), span: e.count.span },
          element: { value: this.eval(e.element, file), span: e.element.span },
        };
      case 'error':
        return ERROR;
    }
  }

  private name(id: A.Ident, file: string): Value {
    const entry = this.program.symbols.get(id.text);
    if (entry) {
      if (!this.program.isVisible(file, entry.file)) {
        this.report(Diag.notImported, id.span, [id.text, entry.file]);
        return ERROR;
      }
      if (entry.decl.kind === 'param') this.usedParams.add(id.text);
      return this.definition(entry, id.span);
    }
    return builtinName(id.text);
  }

  private quantity(e: A.QuantityExpr, file: string): Value {
    const v = this.eval(e.value, file);
    if (v.kind === 'error') return v;
    const ambiguous = AMBIGUOUS_UNITS.get(e.unit.text);
    if (ambiguous) {
      this.report(Diag.ambiguousUnit, e.unit.span, [e.unit.text], { hint: ambiguous });
      return ERROR;
    }
    const unit = UNITS.get(e.unit.text);
    if (!unit) {
      // The lexer only produces known unit words, so this is unreachable unless the two tables drift.
      this.report(Diag.ambiguousUnit, e.unit.span, [e.unit.text]);
      return ERROR;
    }
    if (v.kind !== 'number') {
      this.report(Diag.typeMismatch, e.value.span, [`a number before '${e.unit.text}'`, describeValue(v)]);
      return ERROR;
    }
    return { kind: 'quantity', dim: unit.dim, value: exact.mul(v.value, exact.rational(unit.factor)) };
  }

  private binary(e: A.BinaryExpr, file: string): Value {
    const v = this.binaryUnbounded(e, file);
    if ((v.kind === 'number' || v.kind === 'quantity') && !withinBound(v.value)) {
      this.report(Diag.outOfRange, e.span, ['a computed value', `below 2^${MAX_VALUE_BITS} in numerator and denominator`, 'a larger one']);
      return ERROR;
    }
    return v;
  }

  private binaryUnbounded(e: A.BinaryExpr, file: string): Value {
    const l = this.eval(e.left, file);
    const r = this.eval(e.right, file);
    if (l.kind === 'error' || r.kind === 'error') return ERROR;
    const bad = (): Value => {
      const which = l.kind !== 'number' && l.kind !== 'quantity' ? e.left : e.right;
      const v = which === e.left ? l : r;
      if (v.kind === 'word') return this.unknownWord(v, which.span, 'a number');
      this.report(Diag.typeMismatch, e.span, [`operands for '${e.op}'`, `${describeValue(l)} ${e.op} ${describeValue(r)}`]);
      return ERROR;
    };
    if ((l.kind !== 'number' && l.kind !== 'quantity') || (r.kind !== 'number' && r.kind !== 'quantity')) return bad();
    const ln = l.value;
    const rn = r.value;
    switch (e.op) {
      case '+':
      case '-': {
        if (l.kind !== r.kind || (l.kind === 'quantity' && r.kind === 'quantity' && l.dim !== r.dim)) return bad();
        const value = e.op === '+' ? exact.add(ln, rn) : exact.sub(ln, rn);
        return l.kind === 'quantity' ? { kind: 'quantity', dim: l.dim, value } : { kind: 'number', value };
      }
      case '*': {
        if (l.kind === 'quantity' && r.kind === 'quantity') return bad();
        const value = exact.mul(ln, rn);
        if (l.kind === 'quantity') return { kind: 'quantity', dim: l.dim, value };
        if (r.kind === 'quantity') return { kind: 'quantity', dim: r.dim, value };
        return { kind: 'number', value };
      }
      case '/': {
        if (l.kind === 'number' && r.kind === 'quantity') return bad();
        if (l.kind === 'quantity' && r.kind === 'quantity' && l.dim !== r.dim) return bad();
        if (rn.num === 0n) {
          this.report(Diag.divisionByZero, e.right.span);
          return ERROR;
        }
        const value = exact.div(ln, rn);
        return l.kind === 'quantity' && r.kind === 'number' ? { kind: 'quantity', dim: l.dim, value } : { kind: 'number', value };
      }
      case '%': {
        if (l.kind !== 'number' || r.kind !== 'number') return bad();
        if (ln.den !== 1n || rn.den !== 1n) {
          this.report(Diag.notAnInteger, ln.den !== 1n ? e.left.span : e.right.span, [exact.toString(ln.den !== 1n ? ln : rn)]);
          return ERROR;
        }
        if (rn.num === 0n) {
          this.report(Diag.divisionByZero, e.right.span);
          return ERROR;
        }
        return { kind: 'number', value: exact.rational(ln.num % rn.num) };
      }
    }
  }

  // ---------- typed coercions (undefined = reported) ----------

  /** Reports a bare word used where something else was expected, with suggestions. */
  unknownWord(v: Extract<Value, { kind: 'word' }>, span: Span, expected: string, candidates?: Iterable<string>): Value {
    const pool = candidates ?? this.program.symbols.keys();
    this.report(Diag.unknownName, span, [v.name], { hint: didYouMean(v.name, pool) ?? `expected ${expected}` });
    return ERROR;
  }

  private mismatch(loc: Located, expected: string, candidates?: Iterable<string>): undefined {
    const v = loc.value;
    if (v.kind === 'error') return undefined;
    if (v.kind === 'word') this.unknownWord(v, loc.span, expected, candidates);
    else this.report(Diag.typeMismatch, loc.span, [expected, describeValue(v)]);
    return undefined;
  }

  /** An exact rational number. */
  rationalOf(loc: Located, what: string): Rational | undefined {
    if (loc.value.kind === 'number') return loc.value.value;
    return this.mismatch(loc, `a number for ${what}`);
  }

  /** A safe integer within `range` (default: any safe integer). */
  int(loc: Located, what: string, range: IntRange = {}): number | undefined {
    const r = this.rationalOf(loc, what);
    if (r === undefined) return undefined;
    if (r.den !== 1n) {
      this.report(Diag.notAnInteger, loc.span, [exact.toString(r)], { hint: `${what} must be a whole number` });
      return undefined;
    }
    return this.inRange(r.num, loc.span, what, range);
  }

  private inRange(n: bigint, span: Span, what: string, range: IntRange): number | undefined {
    const min = range.min ?? -Number.MAX_SAFE_INTEGER;
    const max = range.max ?? Number.MAX_SAFE_INTEGER;
    if (n < BigInt(min) || n > BigInt(max) || n > MAX_SAFE || n < -MAX_SAFE) {
      const bound = range.min !== undefined && range.max !== undefined ? `between ${min} and ${max}` : range.min !== undefined ? `at least ${min}` : `at most ${max}`;
      this.report(Diag.outOfRange, span, [what, bound, n.toString()]);
      return undefined;
    }
    return Number(n);
  }

  bool(loc: Located, what: string): boolean | undefined {
    if (loc.value.kind === 'bool') return loc.value.value;
    return this.mismatch(loc, `true or false for ${what}`);
  }

  format(loc: Located, what: string): NumberFormat | undefined {
    const v = loc.value;
    if (v.kind === 'format') return v.format;
    if (v.kind === 'word') {
      this.report(Diag.unknownFormat, loc.span, [v.formatError.replace(/^unknown format/, `unknown format for ${what}:`)]);
      return undefined;
    }
    return this.mismatch(loc, `a format for ${what}`);
  }

  /** A format, or the word `none` (→ null). */
  formatOrNone(loc: Located, what: string): NumberFormat | null | undefined {
    if (loc.value.kind === 'word' && loc.value.name === 'none') return null;
    return this.format(loc, what);
  }

  /** A quantized scheme. */
  scheme(loc: Located, what: string): IrQuantizedOperand | undefined {
    if (loc.value.kind === 'scheme') return loc.value.operand;
    return this.mismatch(loc, `a quantization scheme for ${what}`);
  }

  /** A plain format or a quantization scheme. */
  operand(loc: Located, what: string): IrOperand | undefined {
    const v = loc.value;
    if (v.kind === 'scheme') return v.operand;
    const f = v.kind === 'format' || v.kind === 'word' ? this.format(loc, what) : this.mismatch(loc, `a format or quantization scheme for ${what}`);
    return f ? { kind: 'plain', format: f, bitsPerElement: f.bits, span: loc.span } : undefined;
  }

  /** One of the given words. */
  enumValue<T extends string>(loc: Located, what: string, values: readonly T[]): T | undefined {
    const v = loc.value;
    if (v.kind === 'word' || v.kind === 'format') {
      const name = v.kind === 'word' ? v.name : v.format.name;
      if ((values as readonly string[]).includes(name)) return name as T;
      this.report(Diag.badEnumValue, loc.span, [name, what, values.join(', ')], { ...(didYouMean(name, values) ? { hint: didYouMean(name, values) } : {}) });
      return undefined;
    }
    if (v.kind === 'error') return undefined;
    this.report(Diag.typeMismatch, loc.span, [`one of ${values.join(', ')} for ${what}`, describeValue(v)]);
    return undefined;
  }

  /** A quantity of the given dimension, in base units, as an exact integer within range. */
  quantityOf(loc: Located, dim: Dimension, what: string, range: IntRange = {}): number | undefined {
    const v = loc.value;
    if (v.kind !== 'quantity' || v.dim !== dim) {
      if (v.kind === 'quantity') {
        this.report(Diag.wrongDimension, loc.span, [DIMENSION_NOUNS[dim], what, describeValue(v)]);
        return undefined;
      }
      if (v.kind === 'number') {
        this.report(Diag.typeMismatch, loc.span, [`${DIMENSION_NOUNS[dim]} for ${what}`, `${describeValue(v)} without a unit`]);
        return undefined;
      }
      return this.mismatch(loc, `${DIMENSION_NOUNS[dim]} for ${what}`);
    }
    if (v.value.den !== 1n) {
      this.report(Diag.notAnInteger, loc.span, [exact.toString(v.value)], { hint: `${what} must be a whole number of ${dim === 'frequency' ? 'Hz' : dim === 'duration' ? 'cycles' : 'bits'}` });
      return undefined;
    }
    return this.inRange(v.value.num, loc.span, what, range);
  }

  /** A width in bits: a plain integer or a size quantity. */
  bits(loc: Located, what: string, range: IntRange = {}): number | undefined {
    if (loc.value.kind === 'quantity') return this.quantityOf(loc, 'size', what, range);
    return this.int(loc, what, range);
  }

  /** A reference to a declaration of the given kind. */
  ref<K extends 'pe' | 'array' | 'buffer'>(loc: Located, kind: K, what: string): Extract<A.Declaration, { kind: K }> | undefined {
    const v = loc.value;
    if (v.kind === 'decl' && v.decl.kind === kind) return v.decl as Extract<A.Declaration, { kind: K }>;
    const names = [...this.program.symbols.values()].filter((s) => s.decl.kind === kind).map((s) => s.decl.name.text);
    return this.mismatch(loc, `a ${kind} for ${what}`, names);
  }

  /** The items of a list; a single value counts as a list of one. */
  list(loc: Located): readonly Located[] {
    if (loc.value.kind === 'list') return loc.value.items;
    return [loc];
  }
}

