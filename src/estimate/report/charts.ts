/**
 * The sweep report's charts, rendered to SVG text in Node by Observable Plot with linkedom as its DOM (no
 * browser; Plot only needs `document.createElementNS` and friends). Each chart function takes plain rows
 * and returns one `<svg>` (or a `<figure>` when Plot adds a legend); chart.ts decides nothing about
 * layout. The four charts of issue 15:
 * - area vs throughput, the Pareto front drawn as a step line through its highlighted points;
 * - a per-layer roofline of one point: attained MACs per cycle against arithmetic intensity (MACs per
 *   DRAM byte), under the roofs min(peak, intensity × DRAM bytes per cycle), log–log;
 * - energy breakdowns: per point, its workload energy stacked by component (PEs, SRAM, DRAM) and by layer
 *   type (q_proj, …, lm_head);
 * - SQNR against bits per weight, one series per measurement.
 */
import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';

const WIDTH = 720;
const HEIGHT = 380;

/** A fresh linkedom document for Plot to build elements in. */
function plotDocument(): unknown {
  return parseHTML('<!doctype html><html><head></head><body></body></html>').document;
}

/** Renders one Plot spec to SVG (or figure) markup. */
function render(options: Record<string, unknown>): string {
  const el = Plot.plot({ width: WIDTH, height: HEIGHT, style: { fontSize: '12px' }, ...options, document: plotDocument() } as Plot.PlotOptions) as unknown as { outerHTML: string };
  return el.outerHTML;
}

/**
 * One label per distinct position: rows drawn at the same (x, y) share one text, `a, b` or `a, b +3` —
 * otherwise their labels overprint each other illegibly.
 */
export function mergedLabels<T>(rows: readonly T[], x: (r: T) => number, y: (r: T) => number, label: (r: T) => string): { x: number; y: number; text: string }[] {
  const at = new Map<string, { x: number; y: number; names: string[] }>();
  for (const r of rows) {
    const key = `${x(r)},${y(r)}`;
    const e = at.get(key) ?? { x: x(r), y: y(r), names: [] };
    if (!e.names.includes(label(r))) e.names.push(label(r));
    at.set(key, e);
  }
  return [...at.values()].map((e) => ({ x: e.x, y: e.y, text: e.names.length > 2 ? `${e.names.slice(0, 2).join(', ')} +${e.names.length - 2}` : e.names.join(', ') }));
}

/** One valid design point on the area/throughput plane. */
export interface AreaPoint {
  /** The tooltip: the point's settings. */
  readonly label: string;
  /** The short name drawn beside a Pareto point: `#index`. */
  readonly tag: string;
  readonly area_mm2: number;
  readonly throughput: number;
  readonly pareto: boolean;
}

export function areaThroughputChart(points: readonly AreaPoint[], throughputLabel: string): string {
  const front = points.filter((p) => p.pareto).sort((a, b) => a.area_mm2 - b.area_mm2);
  return render({
    grid: true,
    x: { label: 'area (mm²)', nice: true, inset: 12 },
    y: { label: throughputLabel, nice: true, zero: true },
    color: { legend: true, domain: ['design point', 'Pareto front'], range: ['#9aa5b1', '#d62728'] },
    marks: [
      Plot.line(front, { x: 'area_mm2', y: 'throughput', curve: 'step-after', stroke: '#d62728', strokeWidth: 1.5 }),
      Plot.dot(points, { x: 'area_mm2', y: 'throughput', fill: (p: AreaPoint) => (p.pareto ? 'Pareto front' : 'design point'), r: (p: AreaPoint) => (p.pareto ? 5 : 3.5), title: 'label' }),
      Plot.text(mergedLabels(front, (p) => p.area_mm2, (p) => p.throughput, (p) => p.tag), { x: 'x', y: 'y', text: 'text', dy: -10, fontSize: 11, fill: '#d62728' }),
    ],
  });
}

/** One layer of the roofline point. */
export interface RooflineLayer {
  readonly name: string;
  /** MACs per DRAM byte. */
  readonly intensity: number;
  /** MACs per cycle attained. */
  readonly attained: number;
  readonly bound: string;
}

export function rooflineChart(layers: readonly RooflineLayer[], peakMacsPerCycle: number, dramBytesPerCycle: number): string {
  const xs = layers.map((l) => l.intensity);
  const lo = Math.min(...xs, peakMacsPerCycle / dramBytesPerCycle) / 4;
  const hi = Math.max(...xs, peakMacsPerCycle / dramBytesPerCycle) * 4;
  const ridge = peakMacsPerCycle / dramBytesPerCycle;
  const roof = [
    { x: lo, y: lo * dramBytesPerCycle },
    { x: ridge, y: peakMacsPerCycle },
    { x: hi, y: peakMacsPerCycle },
  ];
  return render({
    grid: true,
    x: { type: 'log', label: 'arithmetic intensity (MACs per DRAM byte)', domain: [lo, hi] },
    y: { type: 'log', label: 'attained MACs per cycle' },
    // Layers of one decode step sit almost on one spot: colour names the layer type, the symbol its bound.
    color: { legend: true, scheme: 'tableau10' },
    symbol: { legend: true, domain: ['compute', 'memory'], range: ['circle', 'triangle'] },
    marks: [
      Plot.line(roof, { x: 'x', y: 'y', stroke: '#333', strokeWidth: 2 }),
      Plot.dot(layers, { x: 'intensity', y: 'attained', fill: 'name', symbol: 'bound', r: 5, fillOpacity: 0.8, title: (l: RooflineLayer) => `${l.name}: ${l.bound}-bound` }),
    ],
  });
}

/** Energy of one part (a component, a layer type) at one point. */
export interface EnergySlice {
  readonly point: string;
  readonly part: string;
  readonly energy_mj: number;
}

/** Stacked horizontal bars, one per point; `parts` fixes the stacking and legend order when given. */
export function energyChart(slices: readonly EnergySlice[], parts?: readonly string[]): string {
  const points = [...new Set(slices.map((s) => s.point))];
  const longest = Math.max(0, ...points.map((p) => p.length));
  return render({
    marginLeft: Math.min(400, 20 + Math.ceil(7.5 * longest)),
    width: WIDTH + Math.max(0, Math.min(400, 20 + Math.ceil(7.5 * longest)) - 140),
    height: Math.max(HEIGHT, 40 + 22 * points.length),
    x: { label: 'energy per workload run (mJ)', grid: true },
    y: { label: null, domain: points },
    color: { legend: true, scheme: 'tableau10', ...(parts ? { domain: parts } : {}) },
    marks: [Plot.barX(slices, { x: 'energy_mj', y: 'point', fill: 'part', title: (s: EnergySlice) => `${s.part}: ${s.energy_mj.toPrecision(4)} mJ` }), Plot.ruleX([0])],
  });
}

/** One SQNR measurement of one point. */
export interface SqnrPoint {
  readonly label: string;
  readonly bits_per_weight: number;
  readonly sqnr_db: number;
  readonly measure: string;
}

export function sqnrChart(points: readonly SqnrPoint[]): string {
  return render({
    grid: true,
    x: { label: 'bits per weight (element + group metadata)', nice: true },
    y: { label: 'SQNR (dB)', nice: true },
    color: { legend: true },
    marks: [Plot.dot(points, { x: 'bits_per_weight', y: 'sqnr_db', stroke: 'measure', r: 5, strokeWidth: 2, title: 'label' })],
  });
}
