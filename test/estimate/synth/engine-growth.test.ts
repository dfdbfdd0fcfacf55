/**
 * The per-kind tile engine growth models of `qacc estimate --synth` (CostFacet.engineGrowth, fitted by
 * src/estimate/synth/engine-fit.ts), without Yosys: the bit_serial_mod model is its own, its sample sizes
 * determine its terms with a size to spare (a cost function in them is recovered exactly at 32 × 32 and
 * 64 × 16 from the samples alone), its sub-unit counts per PE, row and slot come out as the generated RTL has them;
 * the lowrank_gemm model samples engines with the design's passes per tile (the one at the design's size is the
 * design's engine), its sub-unit counts likewise; the mac engines (both dataflows) have their own.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { engineFiles, engineGrowth, engineSampleAccelerator, resizedAccelerator } from '../../../src/estimate/synth/design.js';
import { engineNeedsFit, extrapolateEngine, extrapolateInstances, GENERIC_ENGINE_GROWTH } from '../../../src/estimate/synth/engine-fit.js';
import type { ChildInstances } from '../../../src/estimate/synth/netlist.js';
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

/**
 * The engine's sub-unit instances at rows × cols, counted in its generated Verilog (an instance is a
 * sub-module name followed by an instance name; generate loops unrolled by their bounds is what Yosys would
 * do — here the loops' bodies are counted times their localparam bounds).
 */
function engineChildren(accel: IrAccelerator, rows: number, cols: number): ChildInstances[] {
  const { engine, subs } = engineFiles(engineSampleAccelerator(accel, rows, cols));
  const q = Number(/localparam integer Q = (\d+);/.exec(engine.text)![1]);
  const perLoop: Record<string, number> = { row: rows, pe: rows * cols, slot: q };
  const out: ChildInstances[] = [];
  for (const s of subs) {
    // each instance line of the sub-module, attributed to the innermost generate loop it sits in
    let n = 0;
    let loop = '';
    for (const line of engine.text.split('\n')) {
      const l = /for \(\w+ = 0; \w+ < \w+; \w+ = \w+ \+ 1\) begin : (\w+)/.exec(line);
      if (l) loop = l[1];
      if (new RegExp(`^\\s*${s.name}\\s+u_`).test(line)) n += perLoop[loop] ?? 1;
    }
    if (n > 0) out.push({ module: s.name, params: {}, count: n });
  }
  return out;
}

const byModule = (a: ChildInstances, b: ChildInstances): number => (a.module < b.module ? -1 : 1);

describe('bit_serial_mod engine growth', () => {
  const bitmod = accelerator('bitmod.qacc', 'bitmod');
  const growth = engineGrowth(bitmod);
  const cost = (r: number, c: number): number => 8_000 + 62_000 * r + 26_000 * c + 300 * r * c + 74_000 * Math.log2(r);
  const own = (r: number, c: number): SynthStats => ({ cells: Math.round(cost(r, c) / 7), cell_types: {}, transistors: cost(r, c), memory_bits: 16_384 * c + 8_192 * r, levels: 80 });

  it('has its own terms, more sample sizes than terms, each at most 8 rows and columns', () => {
    expect(growth).not.toBe(GENERIC_ENGINE_GROWTH);
    expect(growth.points.length).toBeGreaterThan(growth.terms.length);
    for (const p of growth.points) expect(Math.max(p.rows, p.cols)).toBeLessThanOrEqual(8);
  });

  it('recovers a cost function in its terms exactly far beyond its samples', () => {
    const samples = growth.points.map((p) => ({ ...p, own: own(p.rows, p.cols) }));
    for (const [r, c] of [[32, 32], [64, 16]] as const) {
      const got = extrapolateEngine(samples, r, c, growth);
      expect(got.transistors).toBe(Math.round(cost(r, c)));
      expect(got.memory_bits).toBe(16_384 * c + 8_192 * r);
    }
  });

  it('counts the sub-units the generated engine instantiates at 16 × 8 from those at its sample sizes', () => {
    const count = (r: number, c: number) => engineChildren(bitmod, r, c);
    const samples = growth.points.map((p) => ({ ...p, children: count(p.rows, p.cols) }));
    expect(extrapolateInstances(samples, 16, 8, growth).sort(byModule)).toEqual(count(16, 8).sort(byModule));
  });
});

describe('lowrank_gemm engine growth', () => {
  const svdquant = accelerator('svdquant.qacc', 'svdquant_w4a4');
  const growth = engineGrowth(svdquant);
  const passes = (a: IrAccelerator): string => /localparam integer PMX = (\d+), PNX = (\d+);/.exec(engineFiles(a).engine.text)!.slice(1).join(' × ');

  it('has its own terms, more sample sizes than terms, each at most 8 rows and columns', () => {
    expect(growth).not.toBe(GENERIC_ENGINE_GROWTH);
    expect(growth.points.length).toBeGreaterThan(growth.terms.length);
    for (const p of growth.points) expect(Math.max(p.rows, p.cols)).toBeLessThanOrEqual(8);
    const samples = growth.points.map((p) => ({ ...p, own: { cells: 1, cell_types: {}, transistors: 1_000 + 7 * p.rows + 11 * p.cols + 13 * p.rows * p.cols, memory_bits: 0, levels: 1 } }));
    expect(extrapolateEngine(samples, 16, 16, growth).transistors).toBe(1_000 + 7 * 16 + 11 * 16 + 13 * 256);
  });

  it('synthesizes the engine at 16 × 16 (its rows, columns and PEs are sub-units), fits it beyond', () => {
    expect(engineNeedsFit(16, 16, growth.exactMaxSide)).toBe(false);
    expect(engineNeedsFit(32, 32, growth.exactMaxSide)).toBe(true);
    const { subs } = engineFiles(svdquant);
    for (const m of ['_lowrank_pe', '_lowrank_col', '_lowrank_row', '_lowrank_qact', '_lowrank_qact_slice']) expect(subs.some((s) => s.name.endsWith(m)), m).toBe(true);
  });

  it("samples engines with the design's passes per tile (256 × 128 over 16 × 16: 16 × 8), not the declared tile's at the sample size", () => {
    expect(passes(svdquant)).toBe('16 × 8');
    for (const p of [...growth.points, { rows: 8, cols: 8 }]) expect(passes(engineSampleAccelerator(svdquant, p.rows, p.cols)), `${p.rows} × ${p.cols}`).toBe('16 × 8');
    expect(passes(resizedAccelerator(svdquant, 2, 2))).toBe('128 × 64');
    expect(engineFiles(engineSampleAccelerator(svdquant, 16, 16)).engine.text).toBe(engineFiles(svdquant).engine.text);
  });

  it('counts the sub-units the generated engine instantiates at 16 × 16 from those at its sample sizes', () => {
    // PEs in g_pe (rows × cols), the column and row slices in g_col / g_row, the column's fp32 LoRA-scale and
    // narrowing multipliers in g_lr16 (cols × B), the qact slices in g_qcol (cols), one qact control
    const count = (r: number, c: number): ChildInstances[] => {
      const { engine, subs } = engineFiles(engineSampleAccelerator(svdquant, r, c));
      const b = Number(/localparam integer B = (\d+);/.exec(engine.text)![1]);
      const perLoop: Record<string, number> = { g_col: c, g_qcol: c, g_pe_col: c, g_row: r, g_pe: r, g_cpe: r, g_lr16: b };
      return subs
        .map((s) => {
          let n = 0;
          const loops: { indent: number; copies: number }[] = []; // the generate loops around the line
          for (const line of engine.text.split('\n')) {
            const indent = line.length - line.trimStart().length;
            const l = /for \(\w+ = 0; \w+ < \w+; \w+ = \w+ \+ 1\) begin : (\w+)/.exec(line);
            if (l) loops.push({ indent, copies: perLoop[l[1]] ?? 1 });
            else if (/^\s*end(\s|$)/.test(line) && loops.length && loops[loops.length - 1].indent === indent) loops.pop();
            if (new RegExp(`^\\s*${s.name}\\s+u_`).test(line)) n += loops.reduce((k, x) => k * x.copies, 1);
          }
          return { module: s.name, params: {}, count: n };
        })
        .filter((x) => x.count > 0);
    };
    const samples = growth.points.map((p) => ({ ...p, children: count(p.rows, p.cols) }));
    const got = extrapolateInstances(samples, 16, 16, growth).sort(byModule);
    expect(got).toEqual(count(16, 16).sort(byModule));
    expect(got.find((c) => c.module.endsWith('_lowrank_pe'))?.count).toBe(256);
  });
});

/** Instances of each sub-module in the generated engine at rows × cols, with generate loops over `perLoop` (name: copies) unrolled. */
function countInstances(accel: IrAccelerator, rows: number, cols: number, perLoop: Readonly<Record<string, number>>): ChildInstances[] {
  const { engine, subs } = engineFiles(engineSampleAccelerator(accel, rows, cols));
  return subs
    .map((s) => {
      let n = 0;
      const loops: { indent: number; copies: number }[] = [];
      for (const line of engine.text.split('\n')) {
        const indent = line.length - line.trimStart().length;
        const l = /for \(\w+ = 0; \w+ < [\w{}]+; \w+ = \w+ \+ 1\) begin : (\w+)/.exec(line);
        if (l) loops.push({ indent, copies: perLoop[l[1]] ?? 1 });
        else if (/^\s*end(\s|$)/.test(line) && loops.length && loops[loops.length - 1].indent === indent) loops.pop();
        if (new RegExp(`^\\s*${s.name}\\s+u_`).test(line)) n += loops.reduce((k, x) => k * x.copies, 1);
      }
      return { module: s.name, params: {}, count: n };
    })
    .filter((x) => x.count > 0);
}

describe('simd_mac engine growth', () => {
  const xr = accelerator('xr-npe.qacc', 'xr_npe', ['size=32']);
  const growth = engineGrowth(xr);
  // Q = writeback slots: one per column up to the out port's 64 bytes / 2-byte posit16 results = 32
  const q = (c: number): number => Math.min(c, 32);
  const cost = (r: number, c: number): number => 64_000 + 22_600 * r + 24_300 * c + 200 * q(c) * r * c;
  const staging = (r: number, c: number): number => 16_384 * (r + c); // 2,048-byte rows in 128-byte chunks: 16 × 1,024 bits per RAM

  it('has its own terms, more sample sizes than terms, each at most 8 rows and columns', () => {
    expect(growth).not.toBe(GENERIC_ENGINE_GROWTH);
    expect(growth.points.length).toBeGreaterThan(growth.terms.length);
    for (const p of growth.points) expect(Math.max(p.rows, p.cols)).toBeLessThanOrEqual(8);
  });

  it('recovers a cost function in its terms exactly beyond its samples, the slots capped by the out port', () => {
    const samples = growth.points.map((p) => ({ ...p, own: { cells: 1, cell_types: {}, transistors: cost(p.rows, p.cols), memory_bits: staging(p.rows, p.cols), levels: 1 } }));
    for (const [r, c] of [[16, 16], [32, 32], [64, 64], [64, 16]] as const) {
      const got = extrapolateEngine(samples, r, c, growth);
      expect(got.transistors, `${r} × ${c}`).toBe(Math.round(cost(r, c)));
      expect(got.memory_bits, `${r} × ${c}`).toBe(staging(r, c));
    }
  });

  it("names the staging RAMs' bits as the generated engine declares them", () => {
    for (const [r, c] of [[2, 2], [8, 4], [32, 32]] as const) {
      const text = engineFiles(engineSampleAccelerator(xr, r, c)).engine.text;
      const ram = (stage: string): number => {
        const m = new RegExp(`begin : ${stage}[\\s\\S]*?reg \\[(\\d+):0\\] mem \\[0:(\\d+)-1\\];`).exec(text)!;
        return (Number(m[1]) + 1) * Number(m[2]);
      };
      expect(growth.memoryTerms![0].at(r, c), `${r} × ${c}`).toBe(c * ram('g_stage_a') + r * ram('g_stage_w'));
    }
  });

  it('counts the PEs the generated engine instantiates at 16 × 16 from those at its sample sizes', () => {
    const count = (r: number, c: number) => countInstances(xr, r, c, { g_row: r, g_col: c });
    const samples = growth.points.map((p) => ({ ...p, children: count(p.rows, p.cols) }));
    expect(extrapolateInstances(samples, 16, 16, growth).sort(byModule)).toEqual(count(16, 16).sort(byModule));
    expect(count(16, 16).reduce((n, c) => n + c.count, 0)).toBe(256);
  });
});

describe('mac engine growth (weight stationary)', () => {
  const ws = accelerator('mac-ws.qacc', 'mac_int8');
  const w4 = accelerator('mac-ws.qacc', 'mac_w4');
  const growth = engineGrowth(ws);
  const cost = (r: number, c: number): number => 30_000 + 2_000 * r + 9_000 * c + 1_500 * r * c + 300 * r * (r - 1);

  it('has its own terms, more sample sizes than terms, each at most 8 rows and columns', () => {
    expect(growth).not.toBe(GENERIC_ENGINE_GROWTH);
    expect(growth.points.length).toBeGreaterThan(growth.terms.length);
    for (const p of growth.points) expect(Math.max(p.rows, p.cols)).toBeLessThanOrEqual(8);
  });

  it('recovers a cost function in its terms exactly beyond its samples; RAM bits are the columns\' accumulator memories', () => {
    const samples = growth.points.map((p) => ({ ...p, own: { cells: 1, cell_types: {}, transistors: cost(p.rows, p.cols), memory_bits: 256 * 32 * p.cols, levels: 1 } }));
    for (const [r, c] of [[16, 16], [32, 32], [64, 16]] as const) {
      const got = extrapolateEngine(samples, r, c, growth);
      expect(got.transistors, `${r} × ${c}`).toBe(Math.round(cost(r, c)));
      expect(got.memory_bits, `${r} × ${c}`).toBe(256 * 32 * c);
    }
    // fp16 accumulators (mac_w4): 16-bit words
    expect(engineGrowth(w4).memoryTerms![0].at(16, 16)).toBe(256 * 16 * 16);
  });

  it('counts the cells and output multipliers the generated engine instantiates at 16 × 16 from those at its sample sizes', () => {
    for (const a of [ws, w4]) {
      const count = (r: number, c: number) => countInstances(a, r, c, { row: r, col: c, ocol: c });
      const samples = growth.points.map((p) => ({ ...p, children: count(p.rows, p.cols) }));
      expect(extrapolateInstances(samples, 16, 16, engineGrowth(a)).sort(byModule), a.name).toEqual(count(16, 16).sort(byModule));
    }
  });
});

describe('mac engine growth (output stationary)', () => {
  const os = accelerator('bitmod.qacc', 'fp16_baseline');
  const growth = engineGrowth(os);
  // fp32 accumulators: W = 32 bits per PE in the writeback's token select
  const cost = (r: number, c: number): number => 15_000 + 900 * r + 200 * c + 13 * 32 * r * c;

  it('has its own terms (1, R, C, R·C·W), more sample sizes than terms, each at most 8 rows and columns', () => {
    expect(growth).not.toBe(GENERIC_ENGINE_GROWTH);
    expect(growth.terms.map((t) => t.name)).toEqual(['1', 'R', 'C', 'R·C·W']);
    expect(growth.terms[3].at(3, 5)).toBe(3 * 5 * 32);
    expect(growth.points.length).toBeGreaterThan(growth.terms.length);
    for (const p of growth.points) expect(Math.max(p.rows, p.cols)).toBeLessThanOrEqual(8);
  });

  it('recovers a cost function in its terms exactly beyond its samples; no RAM bits in its own logic', () => {
    const samples = growth.points.map((p) => ({ ...p, own: { cells: 1, cell_types: {}, transistors: cost(p.rows, p.cols), memory_bits: 0, levels: 1 } }));
    for (const [r, c] of [[16, 16], [32, 24], [64, 16]] as const) {
      const got = extrapolateEngine(samples, r, c, growth);
      expect(got.transistors, `${r} × ${c}`).toBe(Math.round(cost(r, c)));
      expect(got.memory_bits, `${r} × ${c}`).toBe(0);
    }
  });

  it('counts the cells and the per-row output multipliers the generated engine instantiates at 16 × 16 from those at its sample sizes', () => {
    // the operand stagings (one instance each, their module named by their banks: the array's columns and rows) are left out here
    const perSize = (m: string): boolean => !/_mac_operand_/.test(m);
    const count = (r: number, c: number) => countInstances(os, r, c, { row: r, col: c, orow: r }).filter((x) => perSize(x.module));
    const samples = growth.points.map((p) => ({ ...p, children: count(p.rows, p.cols) }));
    const got = extrapolateInstances(samples, 16, 16, growth).sort(byModule);
    expect(got).toEqual(count(16, 16).sort(byModule));
    expect(got.map((c) => c.count).sort((a, b) => a - b)).toEqual([16, 256]); // 16 fp output multipliers (one per row), 256 cells; pipeline_stages = 1: no control delay line
  });
});
