/**
 * Checks the one-way layering of src/ (DEVELOPERS.md): formats and golden depend on nothing else in the
 * project; dsl → ir → consumers (sim, codegen, estimate) → verify → cli; no module imports backwards.
 * Also checks that the platform-neutral core (formats, golden, dsl, ir, sim, codegen) imports no `node:*`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(__dirname, '../src');

/** Which top-level src/ folders each folder may import from (besides itself). */
const ALLOWED: Record<string, readonly string[]> = {
  formats: [],
  golden: ['formats'],
  quant: ['formats'],
  dsl: ['formats', 'quant'],
  ir: ['formats', 'quant', 'golden', 'dsl'],
  isa: ['formats'],
  compile: ['formats', 'quant', 'golden', 'ir', 'isa'],
  // The micro-architecture contract the simulator and the RTL generators share (src/arch).
  arch: ['formats', 'quant', 'golden', 'ir', 'isa', 'compile'],
  sim: ['formats', 'quant', 'golden', 'ir', 'isa', 'compile', 'arch'],
  codegen: ['formats', 'quant', 'golden', 'ir', 'isa', 'compile', 'arch'],
  estimate: ['formats', 'quant', 'golden', 'ir', 'isa', 'compile', 'arch'],
  verify: ['formats', 'quant', 'golden', 'dsl', 'ir', 'isa', 'compile', 'arch', 'sim', 'codegen', 'estimate'],
  cli: ['formats', 'quant', 'golden', 'dsl', 'ir', 'isa', 'compile', 'arch', 'sim', 'codegen', 'estimate', 'verify'],
};
const PLATFORM_NEUTRAL = new Set(['formats', 'golden', 'quant', 'dsl', 'ir', 'isa', 'compile', 'arch', 'sim', 'codegen']);

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const IMPORT = /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

describe('architecture', () => {
  const files = walk(SRC);

  it('has a layering rule for every top-level folder of src/', () => {
    const folders = new Set(files.map((f) => relative(SRC, f).split('/')[0]).filter((f) => !f.endsWith('.ts')));
    for (const f of folders) expect(ALLOWED, `src/${f} has no entry in ALLOWED`).toHaveProperty(f);
  });

  it('imports only along the pipeline, and keeps node:* out of the core', () => {
    const violations: string[] = [];
    for (const file of files) {
      const layer = relative(SRC, file).split('/')[0];
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(IMPORT)) {
        const spec = m[1] ?? m[2];
        if (spec.startsWith('node:') && PLATFORM_NEUTRAL.has(layer)) violations.push(`${relative(SRC, file)} imports ${spec}`);
        if (!spec.startsWith('.')) continue;
        const target = relative(SRC, resolve(dirname(file), spec)).split('/')[0];
        if (target === layer || target.endsWith('.js')) continue;
        if (!(ALLOWED[layer] ?? []).includes(target)) violations.push(`${relative(SRC, file)} (${layer}) imports ${spec} (${target})`);
      }
    }
    expect(violations).toEqual([]);
  });
});
