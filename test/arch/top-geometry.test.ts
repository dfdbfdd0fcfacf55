/**
 * The top's RAMs and the buffers' RAM geometry as src/arch/top-geometry.ts states them, against the generated
 * RTL's own declarations (every `reg [w-1:0] name [0:n-1]` of the accelerator top, each queue instance's
 * entry width `#(.W(w))` times its FIFO's `mem [0:n-1]`, each buffer's LANES and DEPTH localparams and row
 * index width): the oracle is the Verilog text, read here by regular expressions, not the generator's code.
 * The memory bits Yosys keeps of the same modules are checked in test/estimate/synth/outside-engine-model.test.ts.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bufferRamGeometry, memoryBits, topMemories } from '../../src/arch/top-geometry.js';
import { generateAcceleratorRtl } from '../../src/codegen/verilog/design.js';
import { compileFile } from '../../src/ir/elaborate.js';
import { rtlTemplates } from '../../src/verify/rtl/templates.js';

const ROOT = resolve(import.meta.dirname, '../..');
const host = { readFile: (p: string) => { try { return readFileSync(p, 'utf8'); } catch { return undefined; } } };

const DESIGNS = [
  { file: 'bitmod.qacc', accel: 'bitmod', sets: ['rows=2', 'cols=2'] },
  { file: 'svdquant.qacc', accel: 'svdquant_w4a4', sets: ['rows=2', 'cols=2', 'lanes=8'] },
  { file: 'xr-npe.qacc', accel: 'xr_npe', sets: ['size=2', 'outstanding=3'] },
  { file: 'mac-ws.qacc', accel: 'mac_int8', sets: ['rows=2', 'cols=2'] },
] as const;

/** Every `reg [msb:0] name [0:last]` array of a module's text, localparams resolved: name → words × width. */
function declaredArrays(text: string): Map<string, { words: number; width: number }> {
  // a parameter (the FIFO's W) reads as NaN: its width comes from the instance
  const params = new Map<string, number>([['W', Number.NaN]]);
  for (const m of text.matchAll(/localparam (?:integer )?(\w+) = (\d+);/g)) params.set(m[1], Number(m[2]));
  const value = (e: string): number => {
    const m = /^(\w+)(?:-(\d+))?$/.exec(e.trim());
    if (!m) throw new Error(`unread expression ${e}`);
    const base = /^\d+$/.test(m[1]) ? Number(m[1]) : params.get(m[1]);
    if (base === undefined) throw new Error(`unknown name ${m[1]}`);
    return base - Number(m[2] ?? 0);
  };
  const out = new Map<string, { words: number; width: number }>();
  for (const m of text.matchAll(/^\s*reg\s+(?:\[([^\]:]+):0\]\s+)?(\w+)\s*\[0:([^\]]+)\];/gm)) out.set(m[2], { words: value(m[3]) + 1, width: m[1] === undefined ? 1 : value(m[1]) + 1 });
  return out;
}

describe.each(DESIGNS)('the top geometry of $accel', ({ file, accel, sets }) => {
  const c = compileFile(resolve(ROOT, 'examples', file), host, { overrides: [...sets] });
  const a = c.design!.accelerators.find((x) => x.name === accel)!;
  const rtl = generateAcceleratorRtl(a, rtlTemplates, { source: file, version: 'test' });
  const text = (name: string): string => rtl.files.find((f) => f.path === `rtl/${name}.v`)!.text;
  const topName = rtl.acceleratorTop;
  const top = text(topName);
  const imemWords = declaredArrays(top).get('imem')!.words;

  it('topMemories lists every array the top declares, at its declared size, and each queue at its instance width × FIFO depth', () => {
    const stated = topMemories({ imemWords, outstanding: a.dramOutstanding });
    const arrays = declaredArrays(top);
    const fifo = declaredArrays(text(`${topName}_iq`)).get('mem')!;
    const queues = new Map([...top.matchAll(/_iq #\(\.W\((\d+)\)\) (u_\w+)/g)].map((m) => [m[2], { words: fifo.words, width: Number(m[1]) }]));
    expect(queues.size).toBe(3);
    const declared = new Map([...arrays, ...queues]);
    expect(new Map(stated.map((m) => [m.name, { words: m.words, width: m.width }]))).toEqual(declared);
    expect(memoryBits(stated)).toBe([...declared.values()].reduce((s, m) => s + m.words * m.width, 0));
  });

  it('bufferRamGeometry is each buffer module\'s LANES, DEPTH and row index width', () => {
    const buffers = rtl.files.filter((f) => f.path.startsWith(`rtl/${topName}_buf_`));
    expect(buffers.length).toBeGreaterThan(2);
    for (const f of buffers) {
      const lanes = Number(/localparam integer LANES = (\d+);/.exec(f.text)![1]);
      const depth = Number(/localparam integer DEPTH = (\d+);/.exec(f.text)![1]);
      const rowMsb = Number(/wire \[(\d+):0\] wbase/.exec(f.text)![1]);
      const capacity = Number(/\/\/ On-chip buffer `\w+` \(docs\/array-rtl\.md "Buffers"\): (\d+) bytes/.exec(f.text)![1]);
      const g = bufferRamGeometry(capacity, lanes);
      expect({ depth: g.depth, rowBits: g.rowBits, laneBits: 2 ** g.laneBits }, f.path).toEqual({ depth, rowBits: rowMsb + 1, laneBits: lanes });
    }
  });
});
