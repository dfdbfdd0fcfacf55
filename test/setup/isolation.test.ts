/**
 * vitest.config.ts lets test files share their worker's loaded modules (isolate: false), which is safe only for
 * files that replace no module and spy on no shared object. This test keeps ISOLATED_TEST_FILES, the files run
 * isolated instead, complete: every test file that mocks, spies or stubs is listed (and no helper under test/ does
 * it, for it would do so in whichever file imports it), every listed file still does, and the config routes exactly
 * the listed files to the isolated pool.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import config from '../../vitest.config.js';
import { ISOLATED_TEST_FILES } from './isolated-files.js';

const ROOT = resolve(__dirname, '../..');
const MOCKS = /\bvi\s*\.\s*(mock|doMock|spyOn|stubGlobal|stubEnv)\s*\(/;

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [relative(ROOT, join(dir, e.name)).split('\\').join('/')] : [],
  );
}

describe('test isolation', () => {
  const files = tsFiles(join(ROOT, 'test')).filter((f) => f !== 'test/setup/isolation.test.ts');
  const mocking = files.filter((f) => MOCKS.test(readFileSync(join(ROOT, f), 'utf8')));

  it('lists every test file that mocks, spies or stubs, and only those', () => {
    expect(mocking.filter((f) => !f.endsWith('.test.ts'))).toEqual([]);
    expect([...mocking].sort()).toEqual([...ISOLATED_TEST_FILES].sort());
  });

  it('runs exactly the listed files in the isolated pool; the others share their worker (isolate: false)', () => {
    const t = config.test!;
    expect(t.pool).toBe('forks');
    expect(t.poolOptions?.forks?.isolate).toBe(false);
    expect(t.poolOptions?.threads?.isolate).toBe(true);
    expect(t.poolMatchGlobs).toEqual(ISOLATED_TEST_FILES.map((f) => [`**/${f}`, 'threads']));
  });
});
