/**
 * Golden diagnostics tests: every test/dsl/cases/*.qacc (files starting with `_` are only imported)
 * is compiled; its diagnostics must match the expectations written beside the input (expectations.ts),
 * and the rendered output must equal the committed baseline `<case>.diag` (accept changes with
 * `npx vitest run test/dsl -u` and review the diff).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderDiagnostics } from '../../src/dsl/render.js';
import type { FileHost } from '../../src/dsl/program.js';
import { compileFile } from '../../src/ir/elaborate.js';
import { compareExpectations, readExpectations, type Expectation } from './expectations.js';

const CASES = resolve(__dirname, 'cases');

const host: FileHost = {
  readFile(path) {
    try {
      return readFileSync(join(CASES, path), 'utf8');
    } catch {
      return undefined;
    }
  },
};

const cases = readdirSync(CASES).filter((f) => f.endsWith('.qacc') && !f.startsWith('_')).sort();

describe('golden diagnostics', () => {
  it('has cases', () => expect(cases.length).toBeGreaterThan(5));

  for (const name of cases) {
    it(name, async () => {
      const root = readExpectations(name, host.readFile(name) as string);
      const c = compileFile(name, host, { overrides: root.directives.overrides, requireAccelerator: root.directives.ir });
      const expectations: Expectation[] = [...root.expectations];
      for (const [path, f] of c.program.files) if (path !== name) expectations.push(...readExpectations(path, f.source.text).expectations);
      expect(compareExpectations(expectations, c.diagnostics)).toEqual([]);
      expect(c.diagnostics.length).toBeGreaterThan(0);
      await expect(renderDiagnostics(c.diagnostics, (p) => c.source(p))).toMatchFileSnapshot(join(CASES, name.replace(/\.qacc$/, '.diag')));
    });
  }
});
