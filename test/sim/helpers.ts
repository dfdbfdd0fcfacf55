/** Test helpers: elaborate a .qacc file or source text into its accelerators. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { compileFile } from '../../src/ir/elaborate.js';
import type { IrAccelerator } from '../../src/ir/types.js';

export const ROOT = resolve(__dirname, '../..');

/** The accelerators of an example file (examples/<name>.qacc). */
export function exampleAccelerators(name: string): IrAccelerator[] {
  const c = compileFile(resolve(ROOT, 'examples', `${name}.qacc`), { readFile: (p) => { try { return readFileSync(p, 'utf8'); } catch { return undefined; } } }, {});
  if (!c.design) throw new Error(`${name}: ${c.diagnostics.map((d) => d.message).join('; ')}`);
  return [...c.design.accelerators];
}

/** The accelerators of .qacc source text. */
export function sourceAccelerators(text: string): IrAccelerator[] {
  const c = compileFile('/virtual/test.qacc', { readFile: (p) => (p === '/virtual/test.qacc' ? text : undefined) }, {});
  if (!c.design) throw new Error(c.diagnostics.map((d) => d.message).join('; '));
  return [...c.design.accelerators];
}
