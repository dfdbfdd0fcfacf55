/**
 * The per-kind tile engine growth models of `qacc estimate --synth` (CostFacet.engineGrowth, fitted by
 * src/estimate/synth/engine-fit.ts), without Yosys: the bit_serial_mod model's writeback slot count is the
 * one the generated engine RTL declares (`localparam integer Q`, read from the Verilog here) at every size,
 * its sample sizes determine its terms (a cost polynomial in them is recovered exactly at 32 × 32 and
 * 64 × 16, with more samples than terms), and kinds without a model get the generic one.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { engineFiles, engineGrowth, resizedAccelerator } from '../../../src/estimate/synth/design.js';
import { extrapolateEngine, GENERIC_ENGINE_GROWTH } from '../../../src/estimate/synth/engine-fit.js';
import type { SynthStats } from '../../../src/estimate/synth/types.js';
import { compileFile } from '../../../src/ir/elaborate.js';
import type { IrAccelerator } from '../../../src/ir/types.js';

const EXAMPLES = resolve(import.meta.dirname, '../../../examples');

function accelerator(file: string, name: string, sets: readonly string[] = []): IrAccelerator {
  const c = compileFile(resolve(EXAMPLES, file), { readFile: (p) => readFileSync(p, 'utf8') }, { overrides: [...sets] });
  const a = c.design?.accelerators.find((x) => x.name === name);
  if (!a) throw new Error(`${file}: no accelerator ${name}`);
  return a;
}

/** The writeback slots the generated bit_serial_mod engine declares at rows × cols. */
function rtlSlots(accel: IrAccelerator, rows: number, cols: number): number {
  const m = /localparam integer Q = (\d+);/.exec(engineFiles(resizedAccelerator(accel, rows, cols)).engine.text);
  if (!m) throw new Error('the engine declares no Q');
  return Number(m[1]);
}

describe('bit_serial_mod engine growth', () => {
  const bitmod = accelerator('bitmod.qacc', 'bitmod');
  // one bank per buffer: a 32-byte out port holds 16 fp16 outputs, so the slots stop growing at 16 rows
  const narrow = accelerator('bitmod.qacc', 'bitmod', ['banks=1']);
  const growth = engineGrowth(bitmod);
  const term = (g: typeof growth, name: string) => g.terms.find((t) => t.name === name)!;

  it('has its own terms, the writeback crossbar among them, sampled at sizes of at most 8', () => {
    expect(growth).not.toBe(GENERIC_ENGINE_GROWTH);
    expect(growth.terms.map((t) => t.name)).toContain('Q·R·C');
    expect(growth.points.length).toBeGreaterThan(growth.terms.length);
    for (const p of growth.points) expect(Math.max(p.rows, p.cols)).toBeLessThanOrEqual(8);
  });

  for (const [label, accel, sizes] of [
    ['256-byte out port', bitmod, [[2, 2], [8, 4], [32, 32], [64, 16]]],
    ['32-byte out port', narrow, [[8, 2], [16, 4], [32, 32], [64, 16]]],
  ] as const) {
    it(`counts the writeback slots the RTL declares (${label})`, () => {
      const g = engineGrowth(accel);
      for (const [r, c] of sizes) expect(term(g, 'Q·R').at(r, c) / r).toBe(rtlSlots(accel, r, c));
    });
  }

  it('recovers a cost polynomial in its terms exactly far beyond its samples', () => {
    const slots = (r: number): number => rtlSlots(narrow, r, 2);
    const g = engineGrowth(narrow);
    const cost = (r: number, c: number): number => 250_000 + 30_000 * r + 24_000 * c + 40 * r * c + 330 * slots(r) * r * c + 180 * slots(r) * r;
    const own = (r: number, c: number): SynthStats => ({ cells: Math.round(cost(r, c) / 7), cell_types: {}, transistors: cost(r, c), memory_bits: 16_384 * c + 8_192 * r, levels: 80 });
    const samples = g.points.map((p) => ({ ...p, own: own(p.rows, p.cols) }));
    for (const [r, c] of [[32, 32], [64, 16]] as const) {
      const got = extrapolateEngine(samples, r, c, g);
      expect(got.transistors).toBe(cost(r, c));
      expect(got.memory_bits).toBe(16_384 * c + 8_192 * r);
    }
  });
});

describe('kinds without an engine growth model', () => {
  it('use the generic one (xr-npe: simd_mac)', () => {
    expect(engineGrowth(accelerator('xr-npe.qacc', 'xr_npe', ['size=4']))).toBe(GENERIC_ENGINE_GROWTH);
  });
});
