/**
 * Generated designs synthesize with Yosys (`synth -top`, @yowasp/yosys): the fp16 FMA MAC of the bitmod
 * example (IEEE decoders, aligning adder, RNE rounders, multiplier). The other example PEs (bit-serial,
 * SIMD, low-rank with 64 lanes) also synthesize without errors, but take 15–45 s each in WebAssembly, too
 * long for the suite: `synthesize()` (src/verify/rtl/yosys.ts) runs them on demand.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateAcceleratorRtl } from '../../src/codegen/verilog/design.js';
import { compileFile } from '../../src/ir/elaborate.js';
import { rtlTemplates } from '../../src/verify/rtl/templates.js';
import { synthesize } from '../../src/verify/rtl/yosys.js';

const ROOT = resolve(__dirname, '../..');
const host = { readFile: (p: string) => { try { return readFileSync(p, 'utf8'); } catch { return undefined; } } };

function rtlOf(file: string, accelerator: string) {
  const c = compileFile(resolve(ROOT, 'examples', file), host, {});
  const accel = c.design?.accelerators.find((a) => a.name === accelerator);
  if (!accel) throw new Error(`no ${accelerator}`);
  const rtl = generateAcceleratorRtl(accel, rtlTemplates, { source: file, version: 'test' });
  // the PE's files only: the accelerator top (with its tile engine) is synthesized by the top and engine tests
  return { top: rtl.top, files: rtl.files.filter((f) => rtl.peFiles.includes(f.path)).map((f) => ({ path: f.path.replace(/^rtl\//, ''), text: f.text })) };
}

describe('Yosys synthesis', () => {
  it('synthesizes the fp16 FMA baseline without errors', async () => {
    for (const [file, accel] of [['bitmod.qacc', 'fp16_baseline']] as const) {
      const { top, files } = rtlOf(file, accel);
      const r = await synthesize(top, files);
      expect(r.cells, top).toBeGreaterThan(100);
    }
  }, 120_000);

  it('runs off the caller\'s thread and reports a design Yosys rejects with its message', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const ok = synthesize('adder', [{ path: 'adder.v', text: 'module adder(input [7:0] a, input [7:0] b, output [8:0] s); assign s = a + b; endmodule\n' }]);
    const r = await ok;
    clearInterval(timer);
    expect(r.cells).toBeGreaterThan(0);
    // The event loop kept running while Yosys worked (it loads and runs for well over 5 ms).
    expect(ticks).toBeGreaterThan(0);
    await expect(synthesize('m', [{ path: 'm.v', text: 'module m(input a, output b); missing_mod u (.x(a)); assign b = a; endmodule\n' }])).rejects.toThrow(/yosys failed on m: .*\n.*missing_mod/);
  }, 60_000);
});
