/**
 * The tile engine's own cost at a large array size, extrapolated from syntheses at small sizes. The
 * engine (sequencer, operand staging, per-PE glue, writeback select) is one generated module whose logic
 * grows with rows × cols, and its writeback select (a rows·cols-input mux per output slot, the slots
 * growing with rows or cols) makes it cubic: a 32 × 32 engine is hours of WebAssembly Yosys, a 2 × 2 one
 * under a minute. So `--synth` synthesizes the engine at a few sizes of at most 8 rows and columns (each an
 * ordinary, cached unit) and fits every reported quantity (cells by type, transistors, memory bits,
 * UltraScale+ resources) by least squares on the terms of an EngineGrowth (memory bits on its memoryTerms
 * where it declares them: RAMs whose words are ceilings in R or C), and `levels` on 1, log2 R, log2 C (a
 * mux tree's depth). A kind whose cost facet declares its engine's growth (CostFacet.engineGrowth:
 * which RTL parts grow per row, per column, per PE, per writeback slot and PE) is fitted on those terms,
 * at its points (more points than terms: the fit averages Yosys's run-to-run scatter instead of passing
 * through it); any other on the generic GENERIC_ENGINE_GROWTH (1, R, C, R·C, R²·C, R·C² at six sizes, an
 * exact interpolation). The PEs and the engine's other sub-units are not part of this: their instance
 * counts are fitted on the same terms (exact for counts per row, column, PE or slot; design.ts checks the
 * PE count against rows × cols) and each is synthesized once at its real size. The result is marked
 * `extrapolated` in the report; docs/estimate.md gives its error on held-out sizes.
 */
import { EstimateError } from '../errors.js';
import { BILINEAR_ENGINE_TERMS, GENERIC_ENGINE_POINTS, type EngineGrowth } from '../../pe/facets/cost.js';
import type { ChildInstances } from './netlist.js';
import { unitKey } from './netlist.js';
import type { SynthStats, XilinxResources } from './types.js';

/** Arrays up to this many rows and columns have their engine synthesized at its size. */
export const ENGINE_EXACT_MAX_SIDE = 8;

/** The generic engine model: fixed, per row, per column, per PE, and the slot × PE crossbar terms R²·C and R·C². */
export const GENERIC_ENGINE_GROWTH: EngineGrowth = {
  terms: [
    ...BILINEAR_ENGINE_TERMS,
    { name: 'R²·C', at: (r, c) => r * r * c },
    { name: 'R·C²', at: (r, c) => r * c * c },
  ],
  points: GENERIC_ENGINE_POINTS,
  note: 'generic: fixed, per row, per column, per PE and two crossbar terms, interpolated exactly through six sizes',
};

/** The model's description for the report: its terms, and the levels model. */
export function engineModelName(growth: EngineGrowth): string {
  const memory = growth.memoryTerms ? `; memory bits: ${growth.memoryTerms.map((t) => t.name).join(', ')}` : '';
  return `${growth.terms.map((t) => t.name).join(', ')} (levels: 1, log2 R, log2 C${memory})`;
}

const LEVEL_TERMS: readonly ((r: number, c: number) => number)[] = [() => 1, (r) => Math.log2(r), (_, c) => Math.log2(c)];

/** Whether an array's engine is extrapolated rather than synthesized at its size (beyond `maxSide`: the growth's exactMaxSide). */
export function engineNeedsFit(rows: number, cols: number, maxSide: number = ENGINE_EXACT_MAX_SIDE): boolean {
  return rows > maxSide || cols > maxSide;
}

/** Least-squares coefficients of `terms` through (x_i, y_i) (normal equations, Gaussian elimination with pivoting). */
function leastSquares(xs: readonly (readonly number[])[], ys: readonly number[]): number[] {
  const k = xs[0].length;
  const a = Array.from({ length: k }, (_, i) => [...Array.from({ length: k }, (_, j) => xs.reduce((s, x) => s + x[i] * x[j], 0)), xs.reduce((s, x, n) => s + x[i] * ys[n], 0)]);
  for (let col = 0; col < k; col++) {
    let p = col;
    for (let r = col + 1; r < k; r++) if (Math.abs(a[r][col]) > Math.abs(a[p][col])) p = r;
    [a[col], a[p]] = [a[p], a[col]];
    if (Math.abs(a[col][col]) < 1e-12) throw new Error('engine fit: the sample sizes do not determine the model');
    for (let r = 0; r < k; r++) {
      if (r === col) continue;
      const f = a[r][col] / a[col][col];
      for (let j = col; j <= k; j++) a[r][j] -= f * a[col][j];
    }
  }
  return a.map((row, i) => row[k] / row[i]);
}

/** A fitted predictor of one quantity: the terms at each sample, the quantity's values, evaluated at (rows, cols). */
function predictor(terms: readonly ((r: number, c: number) => number)[], samples: readonly { rows: number; cols: number }[]): (ys: readonly number[], rows: number, cols: number) => number {
  const xs = samples.map((s) => terms.map((t) => t(s.rows, s.cols)));
  return (ys, rows, cols) => {
    if (ys.every((y) => y === 0)) return 0;
    const coef = leastSquares(xs, ys);
    return Math.max(0, Math.round(terms.reduce((s, t, i) => s + coef[i] * t(rows, cols), 0)));
  };
}

/** The engine's own cost at rows × cols from its own cost at the sample sizes (the growth's terms, per quantity). */
export function extrapolateEngine(samples: readonly { readonly rows: number; readonly cols: number; readonly own: SynthStats }[], rows: number, cols: number, growth: EngineGrowth = GENERIC_ENGINE_GROWTH): SynthStats {
  const at = predictor(growth.terms.map((t) => t.at), samples);
  const fit = (get: (s: SynthStats) => number): number => at(samples.map((s) => get(s.own)), rows, cols);
  const types: Record<string, number> = {};
  for (const t of new Set(samples.flatMap((s) => Object.keys(s.own.cell_types)))) {
    const v = fit((s) => s.cell_types[t] ?? 0);
    if (v > 0) types[t] = v;
  }
  const xilinx = samples.some((s) => s.own.xilinx)
    ? (Object.fromEntries((['lut', 'ff', 'carry', 'dsp', 'bram', 'lutram'] as const).map((k) => [k, fit((s) => s.xilinx?.[k] ?? 0)])) as unknown as XilinxResources)
    : undefined;
  const levels = predictor(LEVEL_TERMS, samples)(samples.map((s) => s.own.levels), rows, cols);
  const memoryAt = growth.memoryTerms ? predictor(growth.memoryTerms.map((t) => t.at), samples) : at;
  const memory_bits = memoryAt(samples.map((s) => s.own.memory_bits), rows, cols);
  const own = { cells: fit((s) => s.cells), cell_types: types, transistors: fit((s) => s.transistors), memory_bits, ...(xilinx ? { xilinx } : {}), levels };
  // An engine holds at least what it holds at every smaller sample size. A fit that predicts less
  // (e.g. an engine whose memory is not polynomial in R and C on these terms) would report a wrong area,
  // possibly 0, so it is refused rather than clamped.
  // Only the samples the size strictly contains (no more rows and columns, and not the same size) bound it.
  const within = samples.filter((s) => s.rows <= rows && s.cols <= cols && (s.rows < rows || s.cols < cols));
  for (const q of ['cells', 'transistors', 'memory_bits'] as const) {
    if (!within.length) break;
    const largest = within.reduce((a, b) => (b.own[q] > a.own[q] ? b : a));
    if (own[q] < largest.own[q]) {
      throw new EstimateError(`--synth: the tile engine cannot be extrapolated to ${rows} × ${cols}: its fit (${engineModelName(growth)}) predicts ${own[q]} ${q.replace('_', ' ')}, fewer than the ${largest.own[q]} synthesized at ${largest.rows} × ${largest.cols}; synthesize an array of at most ${growth.exactMaxSide ?? ENGINE_EXACT_MAX_SIDE} × ${growth.exactMaxSide ?? ENGINE_EXACT_MAX_SIDE}, or use the analytic estimate (without --synth)`);
    }
  }
  return own;
}

/**
 * The engine's sub-unit instances at rows × cols, fitted like its cost on the instance counts of the sample
 * syntheses (the generators instantiate PEs per row × column and other units per row, column or slot, so the
 * counts lie in the model's span and the fit returns them exactly). Elaborating the full-size engine instead
 * unrolls its writeback loops (rows · cols per slot) in Yosys's frontend: tens of minutes at 32 × 32.
 */
export function extrapolateInstances(samples: readonly { readonly rows: number; readonly cols: number; readonly children: readonly ChildInstances[] }[], rows: number, cols: number, growth: EngineGrowth = GENERIC_ENGINE_GROWTH): ChildInstances[] {
  const at = predictor(growth.terms.map((t) => t.at), samples);
  const kinds = new Map<string, ChildInstances>();
  for (const s of samples) for (const c of s.children) kinds.set(unitKey(c.module, c.params), c);
  const count = (s: (typeof samples)[number], key: string): number => s.children.filter((c) => unitKey(c.module, c.params) === key).reduce((n, c) => n + c.count, 0);
  return [...kinds].map(([key, c]) => ({ module: c.module, params: c.params, count: at(samples.map((s) => count(s, key)), rows, cols) })).filter((c) => c.count > 0);
}
