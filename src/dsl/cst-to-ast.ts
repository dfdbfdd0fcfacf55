/**
 * CST → AST: a visitor over Chevrotain's concrete syntax tree that builds the readonly AST of ast.ts.
 * It tolerates the partial trees that error recovery leaves behind (a missing child becomes an
 * `ErrorExpr` or drops the declaration) and checks what the uniform grammar leaves open: which
 * declaration keyword takes which form, literal ranges, and the depth of expression trees (chains of
 * operators are built left-deep with a loop, and any tree deeper than MAX_EXPR_DEPTH is replaced by an
 * `ErrorExpr` with a diagnostic, so every later recursive walk is bounded).
 */
import type { CstElement, CstNode, IToken } from 'chevrotain';
import type * as A from './ast.js';
import { Diag, diagnostic, type Diagnostic } from './diagnostics.js';
import { joinSpans, type SourceFile, type Span } from './source.js';

/** The deepest expression tree accepted (operators and brackets together). */
export const MAX_EXPR_DEPTH = 200;
/** Integer literals longer than this many digits are rejected (they could only be mistakes). */
const MAX_LITERAL_DIGITS = 40;
const MAX_EXPONENT = 400;
const MAX_INTERNED_NAMES = 4096;

type Children = Record<string, CstElement[] | undefined>;

function isToken(e: CstElement | undefined): e is IToken {
  return e !== undefined && (e as IToken).tokenType !== undefined;
}

/** Converts one file's CST declarations into AST declarations, appending diagnostics. */
export class CstToAst {
  /** Depths of the expressions of the declaration being converted (cleared after each: a WeakMap over a whole large file made garbage collection slow). */
  private readonly depth = new Map<A.Expr, number>();
  private complexReported = false;
  private readonly names = new Map<string, string>();

  constructor(
    private readonly file: SourceFile,
    private readonly diagnostics: Diagnostic[],
  ) {}

  // ---------- spans ----------

  private tokenSpan(t: IToken): Span | undefined {
    if (!Number.isFinite(t.startOffset) || t.isInsertedInRecovery) return undefined;
    const end = Number.isFinite(t.endOffset) ? (t.endOffset as number) + 1 : t.startOffset + t.image.length;
    return this.file.span(t.startOffset, end);
  }

  private nodeSpan(n: CstNode): Span | undefined {
    const loc = n.location;
    if (!loc || !Number.isFinite(loc.startOffset) || !Number.isFinite(loc.endOffset)) return undefined;
    return this.file.span(loc.startOffset, (loc.endOffset as number) + 1);
  }

  private children(n: CstNode): Children {
    return n.children as Children;
  }

  private tok(c: Children, name: string, i = 0): IToken | undefined {
    const e = c[name]?.[i];
    return isToken(e) && !e.isInsertedInRecovery && Number.isFinite(e.startOffset) ? e : undefined;
  }

  private node(c: Children, name: string, i = 0): CstNode | undefined {
    const e = c[name]?.[i];
    return e !== undefined && !isToken(e) ? e : undefined;
  }

  private ident(t: IToken | undefined): A.Ident | undefined {
    if (!t) return undefined;
    const span = this.tokenSpan(t);
    return span ? { text: this.intern(t.image), span } : undefined;
  }

  /** One copy of each frequent name (property names repeat in every block); bounded so a file of unique names costs nothing extra. */
  private intern(text: string): string {
    const known = this.names.get(text);
    if (known !== undefined) return known;
    if (this.names.size < MAX_INTERNED_NAMES) this.names.set(text, text);
    return text;
  }

  private syntax(span: Span, message: string): void {
    this.diagnostics.push(diagnostic(Diag.syntaxError, span, [message]));
  }

  // ---------- declarations ----------

  /** Converts a `declaration` CST node; undefined when recovery left too little of it. */
  declaration(n: CstNode): A.Declaration | undefined {
    try {
      return this.declarationOf(n);
    } finally {
      this.depth.clear();
    }
  }

  private declarationOf(n: CstNode): A.Declaration | undefined {
    const c = this.children(n);
    const span = this.nodeSpan(n);
    if (!span) return undefined;
    const imp = this.tok(c, 'Kw_import');
    if (imp) {
      const str = this.tok(c, 'StringLiteral');
      const pathSpan = str && this.tokenSpan(str);
      if (!str || !pathSpan || !this.tok(c, 'Semicolon')) return undefined;
      return { kind: 'import', path: decodeString(str.image), pathSpan, span };
    }
    const kw = (['param', 'const', 'format', 'scheme', 'pe', 'array', 'buffer', 'accelerator'] as const).find((k) => this.tok(c, `Kw_${k}`));
    const name = this.ident(this.tok(c, 'Identifier', 0));
    const body = this.node(c, 'declarationBody');
    if (!kw || !name || !body) return undefined;
    const typeName = this.tok(c, 'Colon') ? this.ident(this.tok(c, 'Identifier', 1)) : undefined;
    const b = this.children(body);
    const isValue = this.tok(b, 'Equals') !== undefined;
    const isBlock = this.tok(b, 'LBrace') !== undefined;
    if (!isValue && !isBlock) return undefined;

    switch (kw) {
      case 'param':
      case 'const':
      case 'format': {
        if (!isValue) {
          this.syntax(name.span, `${kw} '${name.text}' needs a value: ${kw} ${name.text} = …;`);
          return undefined;
        }
        if (typeName) this.syntax(typeName.span, `a ${kw} takes no ': kind'`);
        const value = this.expressionNode(this.node(b, 'expression'));
        return { kind: kw, name, value, span };
      }
      case 'scheme': {
        if (isValue) {
          if (typeName) this.syntax(typeName.span, "write either 'scheme s = kind(…);' or 'scheme s : kind { … }'");
          return { kind: 'scheme', name, value: this.expressionNode(this.node(b, 'expression')), span };
        }
        if (!typeName) {
          this.syntax(name.span, `scheme '${name.text}' needs a kind: scheme ${name.text} : per_group { … }`);
          return undefined;
        }
        const properties = this.properties(b);
        const bodySpan = this.nodeSpan(body) ?? span;
        const value: A.CallExpr = {
          kind: 'call',
          callee: typeName,
          args: properties.map((p) => ({ name: p.name, value: p.value, span: p.span })),
          span: joinSpans(typeName.span, bodySpan),
        };
        return { kind: 'scheme', name, value, span };
      }
      case 'pe': {
        if (!isBlock) {
          this.syntax(name.span, `pe '${name.text}' needs a body: pe ${name.text} : kind { … }`);
          return undefined;
        }
        if (!typeName) {
          this.syntax(name.span, `pe '${name.text}' needs a kind: pe ${name.text} : bit_serial_mod { … }`);
          return undefined;
        }
        return { kind: 'pe', name, peKind: typeName, properties: this.properties(b), span };
      }
      case 'array':
      case 'buffer':
      case 'accelerator': {
        if (!isBlock) {
          this.syntax(name.span, `${kw} '${name.text}' needs a body: ${kw} ${name.text} { … }`);
          return undefined;
        }
        if (typeName) this.syntax(typeName.span, `${kw === 'accelerator' ? 'an' : 'a'} ${kw} takes no ': kind'`);
        return { kind: kw, name, properties: this.properties(b), span };
      }
    }
  }

  private properties(body: Children): A.Property[] {
    const out: A.Property[] = [];
    for (const p of body['property'] ?? []) {
      if (isToken(p)) continue;
      const c = this.children(p);
      const name = this.ident(this.tok(c, 'Name'));
      const span = this.nodeSpan(p);
      const expr = this.node(c, 'expression');
      if (!name || !span || !expr || !this.tok(c, 'Equals')) continue;
      out.push({ name, value: this.expressionNode(expr), span });
    }
    return out;
  }

  // ---------- expressions ----------

  private errorAt(span: Span | undefined): A.ErrorExpr {
    return { kind: 'error', span: span ?? this.file.span(0, 0) };
  }

  private d(e: A.Expr): number {
    return this.depth.get(e) ?? 1;
  }

  /** Records an expression's depth and enforces the limit. */
  private made(e: A.Expr, childDepth: number): A.Expr {
    const depth = childDepth + 1;
    if (depth > MAX_EXPR_DEPTH) {
      if (!this.complexReported) {
        this.complexReported = true;
        this.diagnostics.push(diagnostic(Diag.expressionTooComplex, e.span, [MAX_EXPR_DEPTH]));
      }
      return this.errorAt(e.span);
    }
    this.depth.set(e, depth);
    return e;
  }

  /** Converts an `expression` CST node (or a missing one) to an AST expression. */
  expressionNode(n: CstNode | undefined): A.Expr {
    if (!n) return this.errorAt(undefined);
    const span = this.nodeSpan(n);
    const c = this.children(n);
    const items = (c['lanes'] ?? []).filter((x): x is CstNode => !isToken(x)).map((x) => this.lanes(x));
    if (items.length === 0) return this.errorAt(span);
    if (items.length === 1) return items[0];
    const depth = Math.max(...items.map((i) => this.d(i)));
    return this.made({ kind: 'list', items, style: 'bars', span: span ?? items[0].span }, depth);
  }

  private lanes(n: CstNode): A.Expr {
    const c = this.children(n);
    const span = this.nodeSpan(n);
    const parts = (c['additive'] ?? []).filter((x): x is CstNode => !isToken(x)).map((x) => this.chain(x, 'multiplicative'));
    if (parts.length === 0) return this.errorAt(span);
    if (parts.length === 1 || !this.tok(c, 'Cross')) return parts[0];
    const [count, element] = parts;
    return this.made({ kind: 'lanes', count, element, span: span ?? joinSpans(count.span, element.span) }, Math.max(this.d(count), this.d(element)));
  }

  /** additive / multiplicative: operands and operator tokens, folded left-deep in source order. */
  private chain(n: CstNode, operandRule: 'multiplicative' | 'unary'): A.Expr {
    const c = this.children(n);
    const operands = (c[operandRule] ?? [])
      .filter((x): x is CstNode => !isToken(x))
      .map((x) => (operandRule === 'multiplicative' ? this.chain(x, 'unary') : this.unary(x)));
    if (operands.length === 0) return this.errorAt(this.nodeSpan(n));
    if (operands.length === 1) return operands[0];
    const opNames = operandRule === 'multiplicative' ? ['Plus', 'Minus'] : ['Star', 'Slash', 'Percent'];
    const ops = opNames
      .flatMap((k) => (c[k] ?? []).filter(isToken))
      .sort((a, b) => a.startOffset - b.startOffset);
    let acc = operands[0];
    for (let i = 1; i < operands.length; i++) {
      const right = operands[i];
      const opTok = ops[i - 1];
      const op = (opTok ? opTok.image : '+') as A.BinaryOp;
      acc = this.made({ kind: 'binary', op, left: acc, right, span: joinSpans(acc.span, right.span) }, Math.max(this.d(acc), this.d(right)));
      if (acc.kind === 'error') return acc;
    }
    return acc;
  }

  private unary(n: CstNode): A.Expr {
    const c = this.children(n);
    const span = this.nodeSpan(n);
    const post = this.node(c, 'postfix');
    let e = post ? this.postfix(post) : this.errorAt(span);
    // Apply the prefix signs innermost first; a run of them costs one node per minus.
    const signs = [...(c['Minus'] ?? []), ...(c['Plus'] ?? [])].filter(isToken).sort((a, b) => b.startOffset - a.startOffset);
    for (const s of signs) {
      if (s.image !== '-') continue;
      const sSpan = this.tokenSpan(s);
      e = this.made({ kind: 'negate', operand: e, span: sSpan ? joinSpans(sSpan, e.span) : e.span }, this.d(e));
      if (e.kind === 'error') return e;
    }
    return e;
  }

  private postfix(n: CstNode): A.Expr {
    const c = this.children(n);
    const at = this.node(c, 'atomic');
    const value = at ? this.atomic(at) : this.errorAt(this.nodeSpan(n));
    const unit = this.ident(this.tok(c, 'Unit') ?? this.tok(c, 'UnitWord') ?? this.tok(c, 'PerCycleUnit'));
    if (!unit) return value;
    return this.made({ kind: 'quantity', value, unit, span: joinSpans(value.span, unit.span) }, this.d(value));
  }

  private atomic(n: CstNode): A.Expr {
    const c = this.children(n);
    const span = this.nodeSpan(n);
    if (!span) return this.errorAt(undefined);
    const int = this.tok(c, 'IntegerLiteral');
    if (int) return this.integer(int.image, span);
    const dec = this.tok(c, 'DecimalLiteral');
    if (dec) return this.decimal(dec.image, span);
    const str = this.tok(c, 'StringLiteral');
    if (str) return { kind: 'string', value: decodeString(str.image), span };
    if (this.tok(c, 'Kw_true')) return { kind: 'bool', value: true, span };
    if (this.tok(c, 'Kw_false')) return { kind: 'bool', value: false, span };
    const id = this.ident(this.tok(c, 'Identifier'));
    if (id) {
      const call = this.node(c, 'call');
      if (call) return this.call(id, call, span);
      const list = this.node(c, 'list');
      if (list) {
        const l = this.list(list);
        return this.made({ kind: 'call', callee: id, args: [{ value: l, span: l.span }], span }, this.d(l));
      }
      return { kind: 'name', name: id, span: id.span };
    }
    if (this.tok(c, 'LParen')) {
      const inner = this.expressionNode(this.node(c, 'expression'));
      if (inner.kind === 'error') return inner;
      // Parentheses add no node, but they count toward the depth limit.
      const depth = this.d(inner) + 1;
      if (depth > MAX_EXPR_DEPTH) return this.made(inner, depth);
      this.depth.set(inner, depth);
      return inner;
    }
    const list = this.node(c, 'list');
    if (list) return this.list(list);
    return this.errorAt(span);
  }

  private call(callee: A.Ident, n: CstNode, span: Span): A.Expr {
    const c = this.children(n);
    const args: A.Argument[] = [];
    let depth = 0;
    for (const a of c['argument'] ?? []) {
      if (isToken(a)) continue;
      const ac = this.children(a);
      const aSpan = this.nodeSpan(a);
      const value = this.expressionNode(this.node(ac, 'expression'));
      depth = Math.max(depth, this.d(value));
      const name = this.tok(ac, 'Equals') ? this.ident(this.tok(ac, 'Identifier')) : undefined;
      args.push({ ...(name ? { name } : {}), value, span: aSpan ?? value.span });
    }
    return this.made({ kind: 'call', callee, args, span }, depth);
  }

  private list(n: CstNode): A.Expr {
    const c = this.children(n);
    const span = this.nodeSpan(n);
    const items = (c['expression'] ?? []).filter((x): x is CstNode => !isToken(x)).map((x) => this.expressionNode(x));
    const depth = items.length ? Math.max(...items.map((i) => this.d(i))) : 0;
    return this.made({ kind: 'list', items, style: 'brackets', span: span ?? this.file.span(0, 0) }, depth);
  }

  // ---------- literals ----------

  private integer(image: string, span: Span): A.Expr {
    const text = image.replace(/_/g, '');
    const digits = text.startsWith('0x') || text.startsWith('0b') ? text.slice(2) : text;
    if (digits.length === 0 || digits.length > MAX_LITERAL_DIGITS * (text.startsWith('0b') ? 4 : 1)) {
      this.diagnostics.push(diagnostic(Diag.numberOutOfRange, span, [image.length > 30 ? image.slice(0, 30) + '…' : image]));
      return this.errorAt(span);
    }
    return { kind: 'integer', value: BigInt(text), span };
  }

  private decimal(image: string, span: Span): A.Expr {
    const text = image.replace(/_/g, '');
    const m = /^(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text);
    const exp = m?.[3] !== undefined ? Number(m[3]) : 0;
    if (!m || (m[1] + (m[2] ?? '')).length > MAX_LITERAL_DIGITS || Math.abs(exp) > MAX_EXPONENT) {
      this.diagnostics.push(diagnostic(Diag.numberOutOfRange, span, [image.length > 30 ? image.slice(0, 30) + '…' : image]));
      return this.errorAt(span);
    }
    const frac = m[2] ?? '';
    let num = BigInt(m[1] + frac);
    let den = 10n ** BigInt(frac.length);
    if (exp > 0) num *= 10n ** BigInt(exp);
    else if (exp < 0) den *= 10n ** BigInt(-exp);
    const g = gcd(num, den);
    return { kind: 'decimal', num: num / g, den: den / g, text, span };
  }
}

function gcd(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  while (b !== 0n) [a, b] = [b, a % b];
  return a === 0n ? 1n : a;
}

/** Removes the quotes of a string literal and decodes `\"`, `\\`, `\n`, `\t`. */
export function decodeString(image: string): string {
  const body = image.slice(1, image.endsWith('"') && image.length > 1 ? -1 : undefined);
  return body.replace(/\\(.)/g, (_, ch: string) => (ch === 'n' ? '\n' : ch === 't' ? '\t' : ch));
}
