/**
 * Program loading through an in-memory FileHost: path resolution, imports loaded once (diamonds),
 * transitive visibility, cycles reported at the import that closes them, unreadable roots.
 */
import { describe, expect, it } from 'vitest';
import { loadProgram, memoryHost } from '../../src/dsl/program.js';
import { dirnameOf, normalizePath, resolveImport } from '../../src/dsl/paths.js';
import { compileFile } from '../../src/ir/elaborate.js';

describe('paths', () => {
  it('normalizes and resolves like POSIX paths', () => {
    expect(normalizePath('./a/./b/../c.qacc')).toBe('a/c.qacc');
    expect(normalizePath('../x/../y.qacc')).toBe('../y.qacc');
    expect(normalizePath('/a/../../b')).toBe('/b');
    expect(normalizePath('a\\b.qacc')).toBe('a/b.qacc');
    expect(dirnameOf('a/b/c.qacc')).toBe('a/b');
    expect(dirnameOf('c.qacc')).toBe('.');
    expect(resolveImport('lib/main.qacc', '../common/pe.qacc')).toBe('common/pe.qacc');
    expect(resolveImport('lib/main.qacc', '/abs/x.qacc')).toBe('/abs/x.qacc');
  });
});

describe('loadProgram', () => {
  it('loads a diamond of imports once and makes imported names visible transitively', () => {
    const host = memoryHost({
      'main.qacc': 'import "lib/left.qacc";\nimport "lib/right.qacc";\nparam total = l + r + base;\n',
      'lib/left.qacc': 'import "base.qacc";\nconst l = base + 1;\n',
      'lib/right.qacc': 'import "./base.qacc";\nconst r = base + 2;\n',
      'lib/base.qacc': 'const base = 10;\n',
    });
    const p = loadProgram('./main.qacc', host);
    expect(p.diagnostics).toEqual([]);
    expect([...p.files.keys()]).toEqual(['main.qacc', 'lib/left.qacc', 'lib/right.qacc', 'lib/base.qacc']);
    expect(p.isVisible('main.qacc', 'lib/base.qacc')).toBe(true);
    expect(p.isVisible('lib/base.qacc', 'main.qacc')).toBe(false);
    const c = compileFile('main.qacc', host);
    expect(c.design?.params[0]).toMatchObject({ name: 'total', value: '33' });
  });

  it('reports a self-import and longer cycles (E204) once each', () => {
    const self = loadProgram('a.qacc', memoryHost({ 'a.qacc': 'import "a.qacc";\n' }));
    expect(self.diagnostics.map((d) => [d.code, d.message])).toEqual([['E204', 'import cycle: a.qacc → a.qacc']]);
    const ring = loadProgram('a.qacc', memoryHost({ 'a.qacc': 'import "b.qacc";', 'b.qacc': 'import "c.qacc";', 'c.qacc': 'import "a.qacc";' }));
    expect(ring.diagnostics.map((d) => d.code)).toEqual(['E204']);
    expect(ring.diagnostics[0].span?.file).toBe('c.qacc');
  });

  it('reports an unreadable root without a location and a host that throws as unreadable (E203)', () => {
    const p = loadProgram('missing.qacc', memoryHost({}));
    expect(p.diagnostics.map((d) => [d.code, d.span])).toEqual([['E203', undefined]]);
    const throwing = loadProgram('x.qacc', {
      readFile: () => {
        throw new Error('disk on fire');
      },
    });
    expect(throwing.diagnostics.map((d) => d.code)).toEqual(['E203']);
  });

  it('reports duplicate names across files with the first declaration as related (E202)', () => {
    const p = loadProgram('a.qacc', memoryHost({ 'a.qacc': 'import "b.qacc";\nconst n = 1;', 'b.qacc': 'const n = 2;' }));
    expect(p.diagnostics).toHaveLength(1);
    expect(p.diagnostics[0].code).toBe('E202');
    expect(p.diagnostics[0].related[0].span.file).toBe('a.qacc');
  });
});
