/**
 * The tile engine extrapolation of `qacc estimate --synth` (src/estimate/synth/engine-fit.ts), without
 * Yosys: samples made from a known cost polynomial in the model's terms are extrapolated to exactly that
 * polynomial's value at 32 × 32 and 64 × 16 (the oracle is the polynomial, evaluated here); every quantity
 * is fitted on its own (cell types, transistors, memory bits, xilinx resources); levels follow log2 of
 * the sides; sub-unit instance counts per PE, row and slot come out exact; and the sizes that switch the
 * extrapolation on are those beyond 8 rows or columns.
 */
import { describe, expect, it } from 'vitest';
import { engineNeedsFit, extrapolateEngine, extrapolateInstances, GENERIC_ENGINE_GROWTH } from '../../../src/estimate/synth/engine-fit.js';
import type { ChildInstances } from '../../../src/estimate/synth/netlist.js';
import type { SynthStats } from '../../../src/estimate/synth/types.js';

/** A cost polynomial a + b·R + c·C + d·R·C + e·R²·C + f·R·C² (the crossbar terms included). */
const poly = (k: readonly number[]) => (r: number, c: number): number => k[0] + k[1] * r + k[2] * c + k[3] * r * c + k[4] * r * r * c + k[5] * r * c * c;
const transistors = poly([40_000, 900, 700, 350, 12, 0]);
const gates = poly([5_000, 100, 80, 40, 2, 1]);
const memoryBits = poly([0, 0, 16_384, 0, 0, 0]);
const luts = poly([3_000, 50, 60, 20, 0, 1]);

function stats(r: number, c: number): SynthStats {
  return {
    cells: gates(r, c) + r * c,
    cell_types: { $_AND_: gates(r, c), $_SDFF_PP0_: r * c },
    transistors: transistors(r, c),
    memory_bits: memoryBits(r, c),
    xilinx: { lut: luts(r, c), ff: r * c, carry: 0, dsp: 0, bram: 0, lutram: 0 },
    levels: 30 + 3 * Math.log2(r) + 4 * Math.log2(c),
  };
}

describe('tile engine extrapolation', () => {
  const ENGINE_FIT_POINTS = GENERIC_ENGINE_GROWTH.points;
  const samples = ENGINE_FIT_POINTS.map((p) => ({ ...p, own: stats(p.rows, p.cols) }));

  for (const [rows, cols] of [[32, 32], [64, 16], [8, 8]] as const) {
    it(`recovers a polynomial in its terms exactly at ${rows} × ${cols}`, () => {
      const got = extrapolateEngine(samples, rows, cols);
      expect(got.transistors).toBe(transistors(rows, cols));
      expect(got.memory_bits).toBe(memoryBits(rows, cols));
      expect(got.cell_types).toEqual({ $_AND_: gates(rows, cols), $_SDFF_PP0_: rows * cols });
      expect(got.cells).toBe(gates(rows, cols) + rows * cols);
      expect(got.xilinx).toEqual({ lut: luts(rows, cols), ff: rows * cols, carry: 0, dsp: 0, bram: 0, lutram: 0 });
      expect(got.levels).toBe(30 + 3 * Math.log2(rows) + 4 * Math.log2(cols));
    });
  }

  it('samples six distinct sizes no larger than 8 (each one a fast synthesis)', () => {
    expect(new Set(ENGINE_FIT_POINTS.map((p) => `${p.rows}x${p.cols}`)).size).toBe(6);
    for (const p of ENGINE_FIT_POINTS) expect(Math.max(p.rows, p.cols)).toBeLessThanOrEqual(8);
  });

  it('is used beyond 8 rows or columns only', () => {
    expect(engineNeedsFit(8, 8)).toBe(false);
    expect(engineNeedsFit(2, 8)).toBe(false);
    expect(engineNeedsFit(16, 8)).toBe(true);
    expect(engineNeedsFit(64, 16)).toBe(true);
    expect(engineNeedsFit(32, 32)).toBe(true);
    // a kind's growth may synthesize larger engines at their size (EngineGrowth.exactMaxSide)
    expect(engineNeedsFit(16, 16, 32)).toBe(false);
    expect(engineNeedsFit(64, 16, 32)).toBe(true);
  });

  it('fits sub-unit instance counts per PE, row and slot exactly (a bit_serial_mod-like engine)', () => {
    const children = (r: number, c: number): ChildInstances[] => [
      { module: 'pe', params: {}, count: r * c },
      { module: 'terms', params: {}, count: 4 * r },
      { module: 'q', params: { W: 8 }, count: r },
      { module: 'q', params: { W: 16 }, count: 2 },
    ];
    const got = extrapolateInstances(ENGINE_FIT_POINTS.map((p) => ({ ...p, children: children(p.rows, p.cols) })), 32, 32);
    expect(got).toEqual(children(32, 32));
  });

  it('fits memory bits on the growth\'s memoryTerms: a RAM of ceil(R·40 / 256) words of 2,048 bits, exact at 32 × 32', () => {
    // the words of a staging that holds 40 bytes per row in 256-byte port words: a ceiling in R
    const staging = (r: number): number => Math.ceil((40 * r) / 256) * 2_048;
    const ram = (r: number, c: number): number => 16_384 * c + 8 * r + staging(r);
    const growth = { ...GENERIC_ENGINE_GROWTH, memoryTerms: [...GENERIC_ENGINE_GROWTH.terms.slice(0, 4), { name: 'staging bits', at: (r: number) => staging(r) }] };
    const ramSamples = ENGINE_FIT_POINTS.map((p) => ({ ...p, own: { ...stats(p.rows, p.cols), memory_bits: ram(p.rows, p.cols) } }));
    const got = extrapolateEngine(ramSamples, 32, 32, growth);
    expect(got.memory_bits).toBe(ram(32, 32));
    expect(got.transistors).toBe(transistors(32, 32)); // the other quantities keep the growth's terms
    // on the growth's own terms the same samples miss it
    expect(() => extrapolateEngine(ramSamples, 32, 32)).not.toThrow();
    expect(extrapolateEngine(ramSamples, 32, 32).memory_bits).not.toBe(ram(32, 32));
  });

  it('refuses a fit that predicts less than a sample holds (instead of reporting a clamped or shrunken area)', () => {
    const shrinking = ENGINE_FIT_POINTS.map((p) => ({ ...p, own: { ...stats(p.rows, p.cols), transistors: 1_000_000 - 2_000 * p.rows * p.rows * p.cols } }));
    expect(() => extrapolateEngine(shrinking, 32, 32)).toThrow(/cannot be extrapolated to 32 × 32: .* predicts 0 transistors, fewer than the 984000 synthesized at 2 × 2/);
    // The same samples at a size the fit still grows to are reported.
    const growing = ENGINE_FIT_POINTS.map((p) => ({ ...p, own: { ...stats(p.rows, p.cols), transistors: 1_000 + 2_000 * p.rows * p.rows * p.cols } }));
    expect(extrapolateEngine(growing, 32, 32).transistors).toBe(1_000 + 2_000 * 32 * 32 * 32);
  });
});
