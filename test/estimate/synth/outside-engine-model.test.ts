/**
 * The analytic model of what every design holds outside its PE array and tile engine (src/estimate/outside-engine.ts)
 * against real syntheses: `npm run synth:study -- outside` recorded the accelerator top (its sub-units
 * blackboxed), its instruction queues and each buffer space of the examples at their declared sizes,
 * synthesized exactly as `--synth generic` does (test/estimate/outside-engine-samples.json). No Yosys runs here.
 * - Each recorded unit is of the RTL generated today (its synthesis cache key).
 * - RAM bits: the top's and the queues' recorded memory bits are those of src/arch/top-geometry.ts topMemories
 *   (which test/arch/top-geometry.test.ts checks against the Verilog declarations).
 * - Buffers' port logic: BUFFER_PORT_FIT is the least-squares fit of a + b · mux bits + c · row bits over the
 *   buffers recorded with role `fit`, each measure computed here from the buffer's generated Verilog (its
 *   LANES, its row index width, and whether it has the engine's write port `ewr_en`); the held-out buffers
 *   (svdquant's and bitmod's, 64 and 256 lanes, two with an engine write port) are within the stated error.
 * - Controller: CONTROLLER_FIT.top is the fit a + b · out-port bits of the tops with role `fit`, re-fitted here; the held-out top
 *   is within the stated error; every queue's logic is CONTROLLER_FIT.queue.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { topMemories } from '../../../src/arch/top-geometry.js';
import { IMEM_WORDS } from '../../../src/compile/compact.js';
import { synthCacheKey } from '../../../src/estimate/synth/cache.js';
import { acceleratorModules } from '../../../src/estimate/synth/design.js';
import { moduleDependencies } from '../../../src/estimate/synth/modules.js';
import { yosysVersion } from '../../../src/estimate/synth/synthesize.js';
import { BUFFER_PORT_FIT, CONTROLLER_FIT, outsideEngineArea } from '../../../src/estimate/outside-engine.js';
import { compileFile } from '../../../src/ir/elaborate.js';

interface RecordedUnit {
  readonly unit: string;
  readonly module: string;
  readonly params: Readonly<Record<string, number>>;
  readonly role: 'fit' | 'held out';
  readonly key: string;
  readonly transistors: number;
  readonly memory_bits: number;
}
interface RecordedPoint {
  readonly example: { readonly file: string; readonly accel: string; readonly sets: readonly string[] };
  readonly units: readonly RecordedUnit[];
}
const fixture = JSON.parse(readFileSync(resolve(import.meta.dirname, '../outside-engine-samples.json'), 'utf8')) as {
  readonly yosys: string;
  readonly flow: string;
  readonly points: Readonly<Record<string, RecordedPoint>>;
};

/** |model / synthesized − 1| at the held-out units, as docs/estimate.md states them. */
const STATED_BUFFER_ERROR = 0.01;
const STATED_TOP_ERROR = 0.03;

const points = Object.entries(fixture.points).map(([name, p]) => {
  const c = compileFile(resolve(import.meta.dirname, '../../../examples', p.example.file), { readFile: (f) => readFileSync(f, 'utf8') }, { overrides: [...p.example.sets] });
  const accel = c.design!.accelerators.find((a) => a.name === p.example.accel)!;
  return { name, p, accel, ...acceleratorModules(accel) };
});

/** A buffer's measures read off its Verilog: mux bits of its rotators, row bits of its per-lane row carries. */
function bufferMeasures(text: string): { mux: number; rows: number } {
  const lanes = Number(/localparam integer LANES = (\d+);/.exec(text)![1]);
  const rowBits = Number(/wire \[(\d+):0\] wbase/.exec(text)![1]) + 1;
  const writes = /\bewr_en\b/.test(text) ? 2 : 1;
  const lb = Math.log2(lanes);
  return { mux: (writes + 1) * 8 * lanes * lb + writes * lanes * lb, rows: (writes + 1) * lanes * rowBits };
}

/** The out buffer's port bits the top selects between the load DMA and the engine (data and mask), from its Verilog. */
function outPortBits(text: string): number {
  return 9 * Number(/localparam integer LANES = (\d+);/.exec(text)![1]);
}

/** Least squares of y on the columns of `x` (normal equations, Gaussian elimination). */
function leastSquares(x: readonly (readonly number[])[], y: readonly number[]): number[] {
  const k = x[0].length;
  const m = Array.from({ length: k }, (_, i) => [...Array.from({ length: k }, (_, j) => x.reduce((s, r) => s + r[i] * r[j], 0)), x.reduce((s, r, n) => s + r[i] * y[n], 0)]);
  for (let i = 0; i < k; i++) {
    const p = m.slice(i).reduce((best, r, j) => (Math.abs(r[i]) > Math.abs(m[best][i]) ? i + j : best), i);
    [m[i], m[p]] = [m[p], m[i]];
    for (let r = 0; r < k; r++) if (r !== i) { const f = m[r][i] / m[i][i]; for (let c = i; c <= k; c++) m[r][c] -= f * m[i][c]; }
  }
  return m.map((r, i) => r[k] / r[i]);
}

const unitsOf = (filter: (u: RecordedUnit, pt: (typeof points)[number]) => boolean) => points.flatMap((pt) => pt.p.units.filter((u) => filter(u, pt)).map((u) => ({ u, pt, text: pt.modules.find((m) => m.name === u.module)!.text })));
const buffers = unitsOf((u) => /_buf_[a-z]+$/.test(u.module));
const tops = unitsOf((u, pt) => u.module === pt.top);
const outText = (pt: (typeof points)[number]): string => pt.modules.find((m) => m.name === `${pt.top}_buf_out`)!.text;

describe('the analytic model outside the tile engine against recorded syntheses', () => {
  it('records the Yosys generic flow of today\'s RTL: every unit\'s cache key', () => {
    expect(fixture.flow).toBe('generic');
    expect(fixture.yosys).toBe(yosysVersion());
    for (const pt of points) {
      const deps = moduleDependencies(pt.modules);
      const byName = new Map(pt.modules.map((m) => [m.name, m]));
      for (const u of pt.p.units) {
        const key = synthCacheKey({ flow: 'generic', yosys: fixture.yosys, module: u.module, params: u.params, files: [byName.get(u.module)!], libFiles: (deps.get(u.module) ?? []).map((n) => byName.get(n)!) });
        expect(key, `${pt.name} ${u.unit}: re-run npm run synth:study -- outside ${pt.name}`).toBe(u.key);
      }
    }
    expect(buffers.filter((b) => b.u.role === 'held out').length).toBeGreaterThan(0);
  });

  it('RAM bits: the top\'s and each queue\'s synthesized memory bits are topMemories\' (exact)', () => {
    for (const pt of points) {
      const stated = topMemories({ imemWords: IMEM_WORDS, outstanding: pt.accel.dramOutstanding });
      const top = pt.p.units.find((u) => u.module === pt.top)!;
      expect(top.memory_bits, pt.name).toBe(stated.filter((m) => !m.name.startsWith('u_')).reduce((s, m) => s + m.words * m.width, 0));
      for (const q of pt.p.units.filter((u) => u.module.endsWith('_iq'))) expect(q.memory_bits).toBe(16 * q.params.W);
      // the estimate's RAM bits are the synthesized top plus its three queues (one queue entry width used twice)
      const bits = (w: number): number => pt.p.units.find((u) => u.module.endsWith('_iq') && u.params.W === w)!.memory_bits;
      const widths = [...pt.modules.find((m) => m.name === pt.top)!.text.matchAll(/_iq #\(\.W\((\d+)\)\)/g)].map((m) => Number(m[1]));
      expect(outsideEngineArea(pt.accel).memoryBits, pt.name).toBe(top.memory_bits + widths.reduce((s, w) => s + bits(w), 0));
    }
  });

  it('buffers\' port logic: BUFFER_PORT_FIT is the least-squares fit on the recorded fit buffers', () => {
    const fit = buffers.filter((b) => b.u.role === 'fit');
    const [a, b, c] = leastSquares(fit.map((f) => { const m = bufferMeasures(f.text); return [1, m.mux, m.rows]; }), fit.map((f) => f.u.transistors));
    expect(BUFFER_PORT_FIT.constant).toBeCloseTo(a, 1);
    expect(BUFFER_PORT_FIT.perMuxBit).toBeCloseTo(b, 4);
    expect(BUFFER_PORT_FIT.perRowBit).toBeCloseTo(c, 4);
  });

  it.each(buffers.filter((b) => b.u.role === 'held out').map((b) => [`${b.pt.name} ${b.u.unit}`, b] as const))('held out: %s within the stated error', (_, b) => {
    const model = outsideEngineArea(b.pt.accel).buffers.find((x) => b.u.module.endsWith(`_buf_${x.space}`))!;
    const m = bufferMeasures(b.text);
    expect({ mux: model.muxBits, rows: model.carryBits }).toEqual({ mux: m.mux, rows: m.rows });
    expect(Math.abs(model.transistors / b.u.transistors - 1)).toBeLessThan(STATED_BUFFER_ERROR);
  });

  it('controller: CONTROLLER_FIT.top is the fit a + b · out-port bits of the fit tops; the held-out top within the stated error; queues as synthesized', () => {
    const fit = tops.filter((t) => t.u.role === 'fit');
    const [a, b] = leastSquares(fit.map((t) => [1, outPortBits(outText(t.pt))]), fit.map((t) => t.u.transistors));
    expect(CONTROLLER_FIT.top).toBeCloseTo(a, 1);
    expect(CONTROLLER_FIT.perOutPortBit).toBeCloseTo(b, 4);
    for (const t of tops.filter((x) => x.u.role === 'held out')) {
      const model = outsideEngineArea(t.pt.accel).controllerTransistors - 3 * CONTROLLER_FIT.queue;
      expect(Math.abs(model / t.u.transistors - 1), t.pt.name).toBeLessThan(STATED_TOP_ERROR);
    }
    for (const q of points.flatMap((pt) => pt.p.units.filter((u) => u.module.endsWith('_iq')))) expect(q.transistors).toBe(CONTROLLER_FIT.queue);
  });
});
