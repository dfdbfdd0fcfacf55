/**
 * Keeps the diagnostics catalog honest: codes are unique and well-formed, every entry is used by the
 * compiler (src/dsl, src/ir, src/compile, src/pe) and every code is exercised by a test (a golden case expectation or a unit
 * test naming the code).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Diag } from '../../src/dsl/diagnostics.js';

const ROOT = resolve(__dirname, '../..');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

describe('diagnostics catalog', () => {
  const entries = Object.entries(Diag);

  it('has unique, well-formed codes whose letter matches the severity', () => {
    const codes = entries.map(([, e]) => e.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const [, e] of entries) {
      expect(e.code).toMatch(/^[EWN]\d{3}$/);
      expect(e.code[0]).toBe({ error: 'E', warning: 'W', note: 'N' }[e.severity]);
    }
  });

  it('uses every entry in the compiler', () => {
    const src = ['src/dsl', 'src/ir', 'src/compile', 'src/pe'].flatMap((d) => walk(join(ROOT, d)))
      .filter((f) => f.endsWith('.ts') && !f.endsWith('diagnostics.ts'))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const unused = entries.filter(([name]) => !new RegExp(`Diag\\.${name}\\b`).test(src)).map(([name]) => name);
    expect(unused).toEqual([]);
  });

  it('exercises every code in a test', () => {
    const tests = [...walk(join(ROOT, 'test/dsl')), ...walk(join(ROOT, 'test/ir')), join(ROOT, 'test/cli/check-cli.test.ts')]
      .filter((f) => (f.endsWith('.ts') || f.endsWith('.qacc')) && !f.endsWith('catalog.test.ts'))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const untested = entries.map(([, e]) => e.code).filter((code) => !new RegExp(`\\b${code}\\b`).test(tests));
    expect(untested).toEqual([]);
  });
});
