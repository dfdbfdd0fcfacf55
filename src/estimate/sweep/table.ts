/**
 * A sweep's results as data files: `points.json` (one point per line; every point with its settings, its full estimate —
 * the same object `qacc estimate --json` prints for that point — and the sweep's own metrics) and
 * `points.csv` (one row per point: the axes, then the estimate's totals and energy breakdown, then the metrics, the
 * error, and what the area leaves out; RFC 4180 quoting). An invalid point has `ok` false and its error in both, and
 * empty cells in the CSV. The CSV's columns are a contract: a new one goes at the end, after those before it.
 */
import type { EstimateReport } from '../types.js';
import type { SweepAxis } from './grid.js';
import type { PointMetrics, PointResult } from './point.js';

/** The CSV columns after `index`, the axes and `ok`, in order: estimate totals, then metrics. */
export const ESTIMATE_COLUMNS: readonly (readonly [name: string, value: (e: EstimateReport) => string | number])[] = [
  ['accelerator', (e) => e.accelerator],
  ['pe', (e) => e.pe],
  ['cost_model', (e) => e.cost_model],
  ['area_um2', (e) => e.area_um2],
  ['cycles', (e) => e.cycles],
  ['compute_cycles', (e) => e.compute_cycles],
  ['dram_cycles', (e) => e.dram_cycles],
  ['energy_pj', (e) => e.energy_pj],
  ['compute_pj', (e) => e.energy_breakdown.compute_pj],
  ['sram_pj', (e) => e.energy_breakdown.sram_pj],
  ['dram_pj', (e) => e.energy_breakdown.dram_pj],
  ['macs', (e) => e.macs],
  ['dram_bytes', (e) => e.dram_bytes],
  ['seconds', (e) => e.seconds],
];
export const METRIC_COLUMNS = ['bits_per_weight', 'stored_bits_per_weight', 'sqnr_db', 'weight_sqnr_db', 'macs_per_s', 'peak_macs_per_cycle', 'dram_bytes_per_cycle'] as const satisfies readonly (keyof PointMetrics)[];

/**
 * The CSV's last column (after `error`, since session 14): the components the point's area leaves out
 * (EstimateReport.unpriced, the estimate's `note: … not priced` lines), their names joined by `;`; empty when the
 * estimate prices everything, and for an invalid point. points.json holds each one's reason.
 */
export const UNPRICED_COLUMN = 'unpriced';

/** The `unpriced` cell of a valid point. */
export function unpricedCell(e: EstimateReport): string {
  return e.unpriced.map((u) => u.component).join(';');
}

/** What `points.json` holds. */
export interface SweepJson {
  readonly source: string;
  readonly workload: string | null;
  readonly axes: readonly SweepAxis[];
  readonly points: readonly SweepJsonPoint[];
}

export type SweepJsonPoint =
  | { readonly index: number; readonly settings: Readonly<Record<string, string>>; readonly ok: true; readonly estimate: EstimateReport; readonly metrics: PointMetrics }
  | { readonly index: number; readonly settings: Readonly<Record<string, string>>; readonly ok: false; readonly error: string };

/** The JSON document of a sweep. */
export function sweepJson(source: string, workload: string | null, axes: readonly SweepAxis[], results: readonly PointResult[]): SweepJson {
  return {
    source,
    workload,
    axes,
    points: results.map((r) => {
      const settings = Object.fromEntries(r.settings);
      return r.ok ? { index: r.index, settings, ok: true, estimate: r.estimate, metrics: r.metrics } : { index: r.index, settings, ok: false, error: r.error };
    }),
  };
}

/**
 * The text of points.json: indented down to the points, then one point per line (a 7B decode estimate has
 * 225 layers, so fully indented JSON would be 80 KB a point; this stays greppable and about half the size).
 */
export function sweepJsonText(json: SweepJson): string {
  const head = JSON.stringify({ source: json.source, workload: json.workload, axes: json.axes }, null, 2).replace(/\n\}$/, '');
  const points = json.points.map((p) => `    ${JSON.stringify(p)}`).join(',\n');
  return `${head},\n  "points": [${points ? `\n${points}\n  ` : ''}]\n}\n`;
}

function csvField(v: string | number | boolean | null | undefined): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The CSV text of a sweep (header line first, `\n` line ends). */
export function sweepCsv(axes: readonly SweepAxis[], results: readonly PointResult[]): string {
  const header = ['index', ...axes.map((a) => a.name), 'ok', ...ESTIMATE_COLUMNS.map(([name]) => name), ...METRIC_COLUMNS, 'error', UNPRICED_COLUMN];
  const lines = [header.map(csvField).join(',')];
  for (const r of results) {
    const values = r.settings.map(([, v]) => v);
    const cells: (string | number | boolean | null)[] = [r.index, ...values, r.ok];
    if (r.ok) cells.push(...ESTIMATE_COLUMNS.map(([, value]) => value(r.estimate)), ...METRIC_COLUMNS.map((c) => r.metrics[c]), '', unpricedCell(r.estimate));
    else cells.push(...ESTIMATE_COLUMNS.map(() => null), ...METRIC_COLUMNS.map(() => null), r.error, null);
    lines.push(cells.map(csvField).join(','));
  }
  return lines.join('\n') + '\n';
}
