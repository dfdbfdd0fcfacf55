/**
 * Committed baselines of the generated Verilog: for one design of each PE kind (arrays shrunk with --set
 * so the files stay small; the generators' code paths are the same at any size), every file `qacc build`
 * writes is compared byte for byte with test/codegen/baselines/<accelerator>/. A change to a generator or
 * template shows up as a reviewable diff; accept one with `npx vitest run test/codegen/baselines -u`.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateAcceleratorRtl } from '../../src/codegen/verilog/design.js';
import { compileFile } from '../../src/ir/elaborate.js';
import { rtlTemplates } from '../../src/verify/rtl/templates.js';

const ROOT = resolve(__dirname, '../..');
const host = { readFile: (p: string) => { try { return readFileSync(p, 'utf8'); } catch { return undefined; } } };

const DESIGNS: readonly { file: string; accelerator: string; sets: string[] }[] = [
  { file: 'bitmod.qacc', accelerator: 'bitmod', sets: ['rows=2', 'cols=2'] },
  { file: 'bitmod.qacc', accelerator: 'fp16_baseline', sets: ['fp16_rows=2', 'fp16_cols=2'] },
  { file: 'xr-npe.qacc', accelerator: 'xr_npe', sets: ['size=2'] },
  { file: 'svdquant.qacc', accelerator: 'svdquant_w4a4', sets: ['rows=2', 'cols=2', 'lanes=8'] },
];

describe('generated RTL baselines', () => {
  for (const d of DESIGNS) {
    it(`${d.accelerator} (${d.sets.join(' ')})`, async () => {
      const c = compileFile(resolve(ROOT, 'examples', d.file), host, { overrides: d.sets });
      const accel = c.design?.accelerators.find((a) => a.name === d.accelerator);
      expect(accel, d.accelerator).toBeDefined();
      const rtl = generateAcceleratorRtl(accel!, rtlTemplates, { source: `examples/${d.file}`, version: 'baseline' });
      const kinds = new Set(rtl.files.map((f) => f.path.split('.').pop()));
      expect(kinds).toEqual(new Set(['v', 'f', 'core', 'md']));
      for (const f of rtl.files) await expect(f.text).toMatchFileSnapshot(`baselines/${d.accelerator}/${f.path.replace(/^rtl\//, '')}`);
      // The list of baseline files is itself a baseline: a file that disappears shows up here.
      await expect(rtl.files.map((f) => f.path).join('\n') + '\n').toMatchFileSnapshot(`baselines/${d.accelerator}/FILES`);
    });
  }
});
