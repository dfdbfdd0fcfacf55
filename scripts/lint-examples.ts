/**
 * `npm run lint-rtl [-- --set k=v ...]`: lints the whole design `qacc build` writes for every accelerator of
 * every example, at full size unless `--set` shrinks it, with `verilator --lint-only -Wall`
 * (src/verify/rtl/verilator.ts lintVerilog). Prints a table of warnings and seconds and the first warning
 * lines; exits 1 when any design has a warning or error. Full-size designs take one to several minutes
 * each (the tests lint every top on a 2 x 2 array and every PE at full size).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { generateAcceleratorRtl } from '../src/codegen/verilog/design.js';
import { compileFile } from '../src/ir/elaborate.js';
import { rtlTemplates } from '../src/verify/rtl/templates.js';
import { parseSetArgs } from './set-args.js';
import { lintVerilog } from '../src/verify/rtl/verilator.js';

const ROOT = resolve(import.meta.dirname, '..');
const host = { readFile: (p: string) => { try { return readFileSync(p, 'utf8'); } catch { return undefined; } } };
const overrides = parseSetArgs(process.argv.slice(2), 'usage: npm run lint-rtl [-- --set k=v ...]');

let failed = 0;
console.log('| example | accelerator | top | overrides | warnings | seconds |');
console.log('|---|---|---|---|---:|---:|');
for (const file of ['bitmod.qacc', 'xr-npe.qacc', 'svdquant.qacc']) {
  const c = compileFile(resolve(ROOT, 'examples', file), host, { overrides });
  if (!c.design) {
    console.error(`${file}: ${c.diagnostics.map((d) => d.message).join('; ')}`);
    failed++;
    continue;
  }
  for (const accel of c.design.accelerators) {
    const rtl = generateAcceleratorRtl(accel, rtlTemplates, { source: `examples/${file}`, version: 'lint' });
    const t0 = performance.now();
    const problems = await lintVerilog(rtl.acceleratorTop, rtl.files.filter((f) => f.path.endsWith('.v')).map((f) => ({ path: f.path.replace(/^rtl\//, ''), text: f.text })));
    if (problems.length > 0) failed++;
    console.log(`| ${file} | ${accel.name} | ${rtl.acceleratorTop} | ${overrides.join(' ') || '-'} | ${problems.length} | ${((performance.now() - t0) / 1000).toFixed(1)} |`);
    for (const p of problems.slice(0, 5)) console.error(`  ${p}`);
  }
}
process.exit(failed > 0 ? 1 : 0);
