/**
 * Parser and CST→AST tests: AST shapes and spans (checked against slices of the source text), recovery
 * with several errors per run, the input limits (file size, nesting, expression depth, error count),
 * and that no input makes the front end throw.
 */
import { describe, expect, it } from 'vitest';
import type * as A from '../../src/dsl/ast.js';
import { MAX_EXPR_DEPTH } from '../../src/dsl/cst-to-ast.js';
import { MAX_FILE_CHARS, MAX_NESTING, MAX_SYNTAX_ERRORS, parseExpressionSource, parseSource } from '../../src/dsl/parse.js';
import { SourceFile, type Span } from '../../src/dsl/source.js';
import { compileFile } from '../../src/ir/elaborate.js';
import { memoryHost } from '../../src/dsl/program.js';

function parse(text: string) {
  return parseSource(new SourceFile('t.qacc', text));
}

function slice(text: string, span: Span): string {
  return text.slice(span.start.offset, span.end.offset);
}

describe('parser', () => {
  it('builds typed declarations with exact spans', () => {
    const text = 'param rows = 32;\nconst cols = rows * 2 + 1;\npe p : mac {\n  weights = int8;\n  modes = 4 x fp4_e2m1 | 2 x posit(8, 0);\n}\n';
    const { ast, diagnostics } = parse(text);
    expect(diagnostics).toEqual([]);
    expect(ast.declarations.map((d) => d.kind)).toEqual(['param', 'const', 'pe']);
    const cols = ast.declarations[1] as A.ConstDecl;
    expect(slice(text, cols.span)).toBe('const cols = rows * 2 + 1;');
    expect(slice(text, cols.value.span)).toBe('rows * 2 + 1');
    // Left-deep: (rows * 2) + 1.
    const v = cols.value as A.BinaryExpr;
    expect(v.op).toBe('+');
    expect((v.left as A.BinaryExpr).op).toBe('*');
    expect(cols.span.start).toEqual({ offset: 17, line: 2, column: 1 });
    const pe = ast.declarations[2] as A.PeDecl;
    expect(pe.peKind.text).toBe('mac');
    expect(pe.properties.map((p) => p.name.text)).toEqual(['weights', 'modes']);
    const modes = pe.properties[1].value as A.ListExpr;
    expect(modes.style).toBe('bars');
    expect(modes.items.map((i) => slice(text, i.span))).toEqual(['4 x fp4_e2m1', '2 x posit(8, 0)']);
    const second = modes.items[1] as A.LanesExpr;
    expect(second.element.kind).toBe('call');
    expect(pe.properties[1].span.start.line).toBe(5);
  });

  it('reads literals exactly: hex, binary, separators, decimals, exponents, units, strings', () => {
    const text = 'const a = 0x1F + 0b101 + 1_000; const b = 1.72 GHz; const c = 2.5e-3; const d = 256 b/cycle; import "d\\"ir/x.qacc";';
    const { ast, diagnostics } = parse(text);
    expect(diagnostics).toEqual([]);
    const a = (ast.declarations[0] as A.ConstDecl).value as A.BinaryExpr;
    expect(((a.left as A.BinaryExpr).left as A.IntegerExpr).value).toBe(31n);
    expect(((a.left as A.BinaryExpr).right as A.IntegerExpr).value).toBe(5n);
    expect((a.right as A.IntegerExpr).value).toBe(1000n);
    const b = (ast.declarations[1] as A.ConstDecl).value as A.QuantityExpr;
    expect(b.unit.text).toBe('GHz');
    expect(b.value).toMatchObject({ kind: 'decimal', num: 43n, den: 25n });
    expect((ast.declarations[2] as A.ConstDecl).value).toMatchObject({ kind: 'decimal', num: 1n, den: 400n });
    expect(((ast.declarations[3] as A.ConstDecl).value as A.QuantityExpr).unit.text).toBe('b/cycle');
    expect((ast.declarations[4] as A.ImportDecl).path).toBe('d"ir/x.qacc');
  });

  it('lets unit words and x be names where no unit is expected', () => {
    const { ast, diagnostics } = parse('const b = 2; const x = b * 3; const B = x B;');
    expect(diagnostics).toEqual([]);
    const last = (ast.declarations[2] as A.ConstDecl).value as A.QuantityExpr;
    expect(last.kind).toBe('quantity');
    expect((last.value as A.NameExpr).name.text).toBe('x');
  });

  it('stores the block form of a scheme as the equivalent call', () => {
    const { ast } = parse('scheme s : per_group { element = int4; group = 64; }');
    const v = (ast.declarations[0] as A.SchemeDecl).value as A.CallExpr;
    expect(v.callee.text).toBe('per_group');
    expect(v.args.map((a) => a.name?.text)).toEqual(['element', 'group']);
  });

  it('recovers and reports several syntax errors in one run', () => {
    const { ast, diagnostics } = parse('const a = ;\nconst b = 2;\npe p : mac { x = ; y = 3; }\nconst c = (1;\nconst d = 4;\n');
    expect(diagnostics.length).toBeGreaterThanOrEqual(3);
    expect(new Set(diagnostics.map((d) => d.span?.start.line)).size).toBeGreaterThanOrEqual(3);
    const names = ast.declarations.filter((d): d is A.ConstDecl => d.kind === 'const').map((d) => d.name.text);
    expect(names).toContain('b');
    expect(names).toContain('d');
  });

  it('rejects files over the size limit without lexing them (E108)', () => {
    const { diagnostics } = parse(' '.repeat(MAX_FILE_CHARS + 1));
    expect(diagnostics.map((d) => d.code)).toEqual(['E108']);
  });

  it('accepts nesting up to the limit and rejects one more (E106)', () => {
    const at = `const a = ${'('.repeat(MAX_NESTING)}1${')'.repeat(MAX_NESTING)};`;
    expect(parse(at).diagnostics).toEqual([]);
    const over = `const a = ${'['.repeat(MAX_NESTING + 1)}${']'.repeat(MAX_NESTING + 1)};`;
    expect(parse(over).diagnostics.map((d) => d.code)).toEqual(['E106']);
    // Far deeper input must not overflow the stack either.
    expect(parse('('.repeat(200_000)).diagnostics.map((d) => d.code)).toEqual(['E106']);
  });

  it('bounds expression depth (E107) and handles long sign runs iteratively', () => {
    const ok = `const a = ${Array(MAX_EXPR_DEPTH - 1).fill('1').join(' + ')};`;
    expect(parse(ok).diagnostics).toEqual([]);
    const long = `const a = ${Array(MAX_EXPR_DEPTH + 5).fill('1').join(' + ')};`;
    expect(parse(long).diagnostics.map((d) => d.code)).toEqual(['E107']);
    expect(parse(`const a = ${'-'.repeat(100_000)}1;`).diagnostics.map((d) => d.code)).toEqual(['E107']);
    expect(parse(`const a = ${'+'.repeat(100_000)}1;`).diagnostics).toEqual([]);
  });

  it('caps the syntax errors of one file and says so (N101)', () => {
    const { diagnostics } = parse('const = ;\n'.repeat(MAX_SYNTAX_ERRORS + 20));
    expect(diagnostics.length).toBe(MAX_SYNTAX_ERRORS + 1);
    expect(diagnostics[MAX_SYNTAX_ERRORS].code).toBe('N101');
  });

  it('parses --set values as expressions, rejecting trailing text', () => {
    const ok = parseExpressionSource(new SourceFile('v', '2 * 16'));
    expect(ok.diagnostics).toEqual([]);
    expect(ok.expr?.kind).toBe('binary');
    expect(parseExpressionSource(new SourceFile('v', '2 3')).diagnostics.map((d) => d.code)).toEqual(['E104']);
    expect(parseExpressionSource(new SourceFile('v', '')).diagnostics.map((d) => d.code)).toEqual(['E104']);
  });

  it('never throws, whatever the bytes', () => {
    const nasty = ['\u0000\u0001', '"', '/*', '}}}}', 'pe pe pe', 'const a = 1e99999;', '0x', '\ud800', 'x x x x', 'import;', '×××', 'a = b/cycle;'];
    for (const t of nasty) expect(() => parse(t)).not.toThrow();
  });
});

describe('definition depth', () => {
  it('reports chains of forward references deeper than the limit (E210) instead of overflowing', () => {
    const n = 1000;
    const lines = Array.from({ length: n }, (_, i) => `const c${i} = c${i + 1} + 1;`);
    lines.push(`const c${n} = 0;`);
    const c = compileFile('deep.qacc', memoryHost({ 'deep.qacc': lines.join('\n') }));
    expect(c.diagnostics.some((d) => d.code === 'E210')).toBe(true);
  });

  it('evaluates long backward chains without any limit', () => {
    const n = 5000;
    const lines = ['const c0 = 0;', ...Array.from({ length: n }, (_, i) => `const c${i + 1} = c${i} + 1;`), `param last = c${n};`];
    const c = compileFile('chain.qacc', memoryHost({ 'chain.qacc': lines.join('\n') }));
    expect(c.diagnostics).toEqual([]);
    expect(c.design?.params).toEqual([expect.objectContaining({ name: 'last', value: String(n) })]);
  });
});
