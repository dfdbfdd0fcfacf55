/**
 * `npm run synth [-- --set k=v ...]`: synthesizes the generated design of every accelerator of every
 * example with Yosys (src/verify/rtl/yosys.ts: coarse synthesis, RAMs kept as $mem_v2 macros, logic
 * mapped to gates, `check -assert`) and prints a table of cells and seconds. Exits 1 when any design
 * fails. Too slow for the suite (WebAssembly Yosys takes seconds to minutes per design), so it is the
 * on-demand evidence that every generated design synthesizes; `--set` overrides (e.g. rows=4 cols=4)
 * apply to every example.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { generateAcceleratorRtl } from '../src/codegen/verilog/design.js';
import { compileFile } from '../src/ir/elaborate.js';
import { rtlTemplates } from '../src/verify/rtl/templates.js';
import { synthesize } from '../src/verify/rtl/yosys.js';

const ROOT = resolve(import.meta.dirname, '..');
const host = { readFile: (p: string) => { try { return readFileSync(p, 'utf8'); } catch { return undefined; } } };
const args = process.argv.slice(2);
const overrides: string[] = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--set' && args[i + 1]) overrides.push(args[++i]);
  else {
    console.error('usage: npm run synth [-- --set k=v ...]');
    process.exit(1);
  }
}

let failed = 0;
console.log('| example | accelerator | top | cells | seconds |');
console.log('|---|---|---|---:|---:|');
for (const file of ['bitmod.qacc', 'xr-npe.qacc', 'svdquant.qacc']) {
  const c = compileFile(resolve(ROOT, 'examples', file), host, { overrides });
  if (!c.design) {
    console.error(`${file}: ${c.diagnostics.map((d) => d.message).join('; ')}`);
    failed++;
    continue;
  }
  for (const accel of c.design.accelerators) {
    const rtl = generateAcceleratorRtl(accel, rtlTemplates, { source: file, version: 'synth' });
    const verilog = rtl.files.filter((f) => f.path.endsWith('.v')).map((f) => ({ path: f.path.replace(/^rtl\//, ''), text: f.text }));
    const t0 = performance.now();
    try {
      const r = await synthesize(rtl.top, verilog);
      console.log(`| ${file} | ${accel.name} | ${rtl.top} | ${r.cells} | ${((performance.now() - t0) / 1000).toFixed(1)} |`);
    } catch (err) {
      failed++;
      console.log(`| ${file} | ${accel.name} | ${rtl.top} | FAILED | ${((performance.now() - t0) / 1000).toFixed(1)} |`);
      console.error((err as Error).message);
    }
  }
}
process.exitCode = failed ? 1 : 0;
