/**
 * `npm run synth [-- --set k=v ...]`: synthesizes, with Yosys (src/verify/rtl/yosys.ts: coarse synthesis,
 * RAMs kept as $mem_v2 macros, logic mapped to gates, `check -assert`), for every accelerator of every
 * example: its PE at full size, and its whole design (the accelerator top with controller, DMA, buffers
 * and tile engine) on a shrunk array (SHRINK below; the same modules, fewer PEs — WebAssembly Yosys on a
 * full 32 × 32 array takes hours). Prints a table of cells and seconds; exits 1 when any design fails.
 * `--set` overrides apply to both.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { generateAcceleratorRtl } from '../src/codegen/verilog/design.js';
import { compileFile } from '../src/ir/elaborate.js';
import { rtlTemplates } from '../src/verify/rtl/templates.js';
import { parseSetArgs } from './set-args.js';
import { synthesize } from '../src/verify/rtl/yosys.js';

const ROOT = resolve(import.meta.dirname, '..');
const host = { readFile: (p: string) => { try { return readFileSync(p, 'utf8'); } catch { return undefined; } } };
const overrides = parseSetArgs(process.argv.slice(2), 'usage: npm run synth [-- --set k=v ...]');

/** Overrides that shrink each example's arrays for the whole-design synthesis. */
const SHRINK: Record<string, string[]> = {
  'bitmod.qacc': ['rows=2', 'cols=2', 'fp16_rows=2', 'fp16_cols=2', 'ant_rows=2', 'ant_cols=2', 'olive_rows=2', 'olive_cols=2'],
  'xr-npe.qacc': ['size=2'],
  'svdquant.qacc': ['rows=2', 'cols=2', 'lanes=8'],
};

let failed = 0;
console.log('| example | accelerator | module | overrides | cells | seconds |');
console.log('|---|---|---|---|---:|---:|');
async function synthRow(file: string, accel: string, top: string, sets: readonly string[], files: { path: string; text: string }[]): Promise<void> {
  const t0 = performance.now();
  const secs = (): string => ((performance.now() - t0) / 1000).toFixed(1);
  try {
    const r = await synthesize(top, files);
    console.log(`| ${file} | ${accel} | ${top} | ${sets.join(' ') || '-'} | ${r.cells} | ${secs()} |`);
  } catch (err) {
    failed++;
    console.log(`| ${file} | ${accel} | ${top} | ${sets.join(' ') || '-'} | FAILED | ${secs()} |`);
    console.error((err as Error).message);
  }
}

for (const file of ['bitmod.qacc', 'xr-npe.qacc', 'svdquant.qacc']) {
  for (const shrink of [false, true]) {
    const sets = shrink ? [...SHRINK[file], ...overrides] : overrides;
    const c = compileFile(resolve(ROOT, 'examples', file), host, { overrides: sets });
    if (!c.design) {
      console.error(`${file}: ${c.diagnostics.map((d) => d.message).join('; ')}`);
      failed++;
      continue;
    }
    for (const accel of c.design.accelerators) {
      const rtl = generateAcceleratorRtl(accel, rtlTemplates, { source: file, version: 'synth' });
      // The whole design reads every .v file; the PE only its own modules.
      const pe = new Set(rtl.peFiles);
      const files = rtl.files.filter((f) => f.path.endsWith('.v') && (shrink || pe.has(f.path))).map((f) => ({ path: f.path.replace(/^rtl\//, ''), text: f.text }));
      await synthRow(file, accel.name, shrink ? rtl.acceleratorTop : rtl.top, sets, files);
    }
  }
}
process.exitCode = failed ? 1 : 0;
