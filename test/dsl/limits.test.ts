/**
 * Bounded resources in the front end: lexing in pieces gives exactly the tokens of lexing the whole
 * text; every stage's diagnostics are capped per file (N101, with the count of the rest) and per
 * compilation (N102), binary input included; over-long names (E110) and declarations (E111), deep
 * nesting and huge computed numbers give located errors instead of stack overflows, hangs or
 * out-of-memory; excerpts of very long lines stay short.
 */
import { describe, expect, it } from 'vitest';
import { LEX_PIECE_CHARS, lexPieces, MAX_NAME_CHARS } from '../../src/dsl/lex.js';
import { MAX_DECLARATION_TOKENS, MAX_ERRORS_PER_STAGE, parseSource, PARSE_BATCH_TOKENS } from '../../src/dsl/parse.js';
import { memoryHost } from '../../src/dsl/program.js';
import { renderDiagnostics } from '../../src/dsl/render.js';
import { SourceFile } from '../../src/dsl/source.js';
import { qaccLexer } from '../../src/dsl/tokens.js';
import { compileFile, MAX_DIAGNOSTICS } from '../../src/ir/elaborate.js';

const parse = (text: string) => parseSource(new SourceFile('t.qacc', text));
const compile = (text: string) => compileFile('t.qacc', memoryHost({ 't.qacc': text }));

/** A deterministic byte stream (xorshift32), so a failing case can be rerun. */
function randomBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

describe('lexing in pieces', () => {
  it('yields exactly the tokens of lexing the whole text, with comments and strings across the cuts', () => {
    const lines: string[] = [];
    for (let i = 0; lines.join('\n').length < 4 * LEX_PIECE_CHARS; i++) {
      lines.push(`const a${i} = "text with spaces ${i}"; // a comment with spaces ${i}`, `/* a block`, ` comment with spaces ${i} */ param p${i} = ${i};`);
      if (i % 97 === 0) lines.push('const long = "' + 'w '.repeat(1500) + '"; // ' + 'c '.repeat(3000));
    }
    lines.push('/* unterminated ' + 'x '.repeat(LEX_PIECE_CHARS));
    const text = lines.join('\n');
    const whole = qaccLexer.tokenize(text).tokens.map((t) => `${t.tokenType.name}@${t.startOffset}:${t.image}`);
    const pieces: string[] = [];
    const reported: string[] = [];
    for (const piece of lexPieces(new SourceFile('t.qacc', text), (d) => reported.push(d.code))) for (const t of piece) pieces.push(`${t.tokenType.name}@${t.startOffset}:${t.image}`);
    expect(pieces.length).toBeGreaterThan(1000);
    expect(pieces).toEqual(whole);
    expect(reported).toEqual(['E102']);
  });
});

describe('diagnostic caps', () => {
  it('keeps the first lexical errors of a file and counts the rest exactly (N101)', () => {
    const k = MAX_ERRORS_PER_STAGE + 1234;
    const { diagnostics } = parse('const x = 1;\n' + '@ '.repeat(k));
    expect(diagnostics.filter((d) => d.code === 'E101')).toHaveLength(MAX_ERRORS_PER_STAGE);
    const notes = diagnostics.filter((d) => d.code === 'N101');
    expect(notes.map((d) => d.message)).toEqual(['1234 more lexical errors in this file are not shown']);
  });

  it('caps a compilation at MAX_DIAGNOSTICS and ends with one N102 note counting the rest', () => {
    const text = Array.from({ length: MAX_DIAGNOSTICS + 50 }, (_, i) => `const c${i} = nope${i} + 1;`).join('\n');
    const c = compile(text);
    expect(c.diagnostics).toHaveLength(MAX_DIAGNOSTICS + 1);
    expect(c.diagnostics.slice(0, MAX_DIAGNOSTICS).every((d) => d.code === 'E201')).toBe(true);
    expect(c.diagnostics[MAX_DIAGNOSTICS].code).toBe('N102');
    expect(c.diagnostics[MAX_DIAGNOSTICS].message).toBe('50 more diagnostics are not shown');
  });

  it('random binary input gives a bounded report, never a throw', () => {
    for (const seed of [1, 7, 12345]) {
      const text = Buffer.from(randomBytes(300_000, seed)).toString('utf8');
      const c = compile(text);
      expect(c.diagnostics.length).toBeGreaterThan(0);
      expect(c.diagnostics.length).toBeLessThanOrEqual(MAX_DIAGNOSTICS + 1);
      const out = renderDiagnostics(c.diagnostics, (p) => c.source(p));
      // Each diagnostic renders as a few lines: message, excerpt, caret, maybe a hint or related note.
      expect(out.split('\n').length).toBeLessThan(8 * (MAX_DIAGNOSTICS + 1));
      expect(c.diagnostics.some((d) => d.code === 'N101' || d.code === 'N102')).toBe(true);
      // No control character reaches the terminal except the newlines between lines and tabs.
      // eslint-disable-next-line no-control-regex -- matching control characters is the point
      expect(out).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
    }
  });

  it('shows control characters in excerpts as Control Pictures, the caret still under the offending one', () => {
    const c = compile('const a = 1;\x1b[2J\n');
    const out = renderDiagnostics(c.diagnostics, (p) => c.source(p));
    expect(out).toContain(' 1 | const a = 1;\u241b[2J\n');
    expect(out).toContain('   |             ^\n');
  });
});

describe('input limits', () => {
  it('rejects names longer than MAX_NAME_CHARS (E110) and accepts the limit', () => {
    expect(parse(`const ${'n'.repeat(MAX_NAME_CHARS)} = 1;`).diagnostics).toEqual([]);
    const d = parse(`const ${'n'.repeat(MAX_NAME_CHARS + 1)} = 1;`).diagnostics;
    expect(d.map((x) => x.code)).toEqual(['E110']);
    expect(d[0].message).toBe(`name is too long (${MAX_NAME_CHARS + 1} characters; limit ${MAX_NAME_CHARS})`);
  });

  it('rejects a declaration of more than MAX_DECLARATION_TOKENS tokens (E111) and parses the next one', () => {
    const items = MAX_DECLARATION_TOKENS / 2 + 10; // "1," is two tokens
    const r = parse(`const before = 1;\nconst big = [${'1,'.repeat(items)}0];\nconst after = 2;\n`);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['E111']);
    expect(r.diagnostics[0].span?.start.line).toBe(2);
    expect(r.ast.declarations.map((d) => (d.kind === 'import' ? d.path : d.name.text))).toEqual(['before', 'after']);
  });

  it('parses many declarations across batches with the same result as one at a time', () => {
    const decls = Array.from({ length: PARSE_BATCH_TOKENS }, (_, i) => `const c${i} = ${i} + 1;`);
    const r = parse(decls.join('\n'));
    expect(r.diagnostics).toEqual([]);
    expect(r.ast.declarations).toHaveLength(decls.length);
    // A syntax error in each of two declarations far apart: each is reported once, at its own line.
    const broken = [...decls];
    broken[10] = 'const c10 = ;';
    broken[decls.length - 10] = 'const cx = 1 +;';
    const b = parse(broken.join('\n'));
    expect(b.diagnostics.map((d) => [d.code, d.span?.start.line])).toEqual([
      ['E104', 11],
      ['E104', decls.length - 9],
    ]);
  });

  it('deep nesting far into a large file is still E106 (no stack overflow), with no other errors', () => {
    const prefix = Array.from({ length: 5000 }, (_, i) => `const c${i} = ${i};`).join('\n');
    const r = parse(`${prefix}\nconst deep = ${'['.repeat(100_000)}1${']'.repeat(100_000)};`);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['E106']);
  });

  it('bounds computed numbers: a chain of squarings stops with E311 instead of growing without end', () => {
    const chain = ['const c0 = 1000000000000000000000000000000;'];
    for (let i = 1; i <= 40; i++) chain.push(`const c${i} = c${i - 1} * c${i - 1};`);
    const c = compile(chain.join('\n'));
    expect(c.diagnostics.map((d) => d.code)).toContain('E311');
    expect(c.diagnostics.find((d) => d.code === 'E311')?.message).toMatch(/below 2\^4096/);
  });

  it('shows a short window of a very long line in excerpts', () => {
    const text = `const a = 1; ${Array.from({ length: 50_000 }, (_, i) => `const b${i} = 2; `).join('')}const c = nope + 1;`;
    const c = compile(text);
    const out = renderDiagnostics(c.diagnostics, (p) => c.source(p));
    expect(c.diagnostics.map((d) => d.code)).toEqual(['E201']);
    for (const line of out.split('\n')) expect(line.length).toBeLessThan(300);
    // The caret still points at the unknown name.
    const [, textLine, caretLine] = out.split('\n');
    expect(textLine.slice(caretLine.indexOf('^'), caretLine.indexOf('^') + 4)).toBe('nope');
  });
});
