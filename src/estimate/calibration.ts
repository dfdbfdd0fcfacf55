/**
 * Calibration of the PE kinds' analytic area models against synthesis (issue 15; docs/estimate.md
 * "Calibration"). Each kind declares its terms, committed coefficients and calibration points
 * (src/pe/<folder>/cost-area.ts, reached through the cost facet's `areaModel`); given the synthesized area
 * of every point (scripts/calibrate.ts runs Yosys, or reads the recorded results), this module
 *  - fits each kind's coefficients by least squares on the relative error of the µm² over its `fit` points
 *    (the library terms and RAM bits held fixed; the relative error is linear in the coefficients, so the
 *    normal equations solve it exactly; with as many fit points as coefficients the fit passes through them),
 *  - tabulates every point (synthesized vs analytic GE and µm², the error of the committed coefficients),
 *  - and lists what `--check` fails on: a point beyond CALIBRATION_ERROR_LIMIT, a committed coefficient that
 *    differs from the fit by more than its written rounding, a cost facet that does not price with its model.
 */
import { peAreaUm2 } from '../arch/gate-area.js';
import type { IrPe } from '../ir/types.js';
import { costFacet } from '../pe/facets/cost.js';
import type { PeKind } from '../pe/kinds.js';
import { linearAreaGe, type ArrayShape, type CalibrationPoint } from './area-model.js';

/** The target: every calibration point's analytic area within 15% of its synthesis. */
export const CALIBRATION_ERROR_LIMIT = 0.15;

/** One point with its elaborated PE and its synthesized area (generic flow, the PE alone). */
export interface CalibrationSample {
  readonly point: CalibrationPoint;
  readonly pe: IrPe;
  /** The array it sits in (rows × cols). */
  readonly array: ArrayShape;
  /** Gate equivalents of the synthesized PE (transistors / 4), its `$mem_v2` RAM bits apart. */
  readonly synthGe: number;
  readonly synthMemoryBits: number;
}

/** One row of the calibration table. */
export interface CalibrationRow {
  readonly label: string;
  readonly fit: boolean;
  readonly synthGe: number;
  readonly synthMemoryBits: number;
  readonly synthUm2: number;
  /** The model's RAM bits (priced as SRAM). */
  readonly ramBits: number;
  /** With the committed coefficients. */
  readonly analyticGe: number;
  readonly analyticUm2: number;
  /** analytic / synthesized µm² − 1, committed coefficients. */
  readonly error: number;
  /** The same with the fitted coefficients. */
  readonly fittedError: number;
  /** What the kind's cost facet prices the PE at (must equal analyticUm2). */
  readonly peCostUm2: number;
}

/** One kind's calibration. */
export interface KindCalibration {
  readonly kind: PeKind;
  readonly committed: Readonly<Record<string, number>>;
  readonly fitted: Readonly<Record<string, number>>;
  readonly rows: readonly CalibrationRow[];
}

/** Solves the square system `a x = b` by Gaussian elimination with partial pivoting; undefined if singular. */
function solve(a: number[][], b: number[]): number[] | undefined {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    if (Math.abs(m[p][c]) < 1e-12 * Math.max(1, ...m.map((row) => Math.abs(row[c])))) return undefined;
    [m[c], m[p]] = [m[p], m[c]];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r][c] / m[c][c];
      for (let k = c; k <= n; k++) m[r][k] -= f * m[c][k];
    }
  }
  return m.map((row, i) => row[n] / row[i]);
}

/**
 * The kind's coefficients fitted on the samples marked `fit`: minimizes Σ ((analytic − synth) / synth)² over
 * the µm², i.e. the least squares of rows (units_j · GE_UM2 / synth) against (synth − fixed µm²) / synth.
 */
export function fitCoefficients(kind: PeKind, samples: readonly CalibrationSample[]): Record<string, number> {
  const model = costFacet(kind).areaModel;
  const names = Object.keys(model.coefficients);
  const rows: number[][] = [];
  const rhs: number[] = [];
  for (const s of samples.filter((x) => x.point.fit)) {
    const t = model.terms(s.pe, s.array);
    const synth = peAreaUm2(s.synthGe, s.synthMemoryBits);
    rows.push(names.map((n) => peAreaUm2(t.units[n] ?? 0) / synth));
    rhs.push((synth - peAreaUm2(t.fixedGe, t.ramBits)) / synth);
  }
  const normal = names.map((_, i) => names.map((__, j) => rows.reduce((sum, r) => sum + r[i] * r[j], 0)));
  const target = names.map((_, i) => rows.reduce((sum, r, k) => sum + r[i] * rhs[k], 0));
  const x = rows.length >= names.length ? solve(normal, target) : undefined;
  if (!x) throw new Error(`${kind}: its ${rows.length} fit point(s) do not determine the coefficients ${names.join(', ')}`);
  return Object.fromEntries(names.map((n, i) => [n, x[i]]));
}

/** Calibrates one kind on its samples (every one a PE of that kind). */
export function calibrateKind(kind: PeKind, samples: readonly CalibrationSample[]): KindCalibration {
  const facet = costFacet(kind);
  const model = facet.areaModel;
  const fitted = fitCoefficients(kind, samples);
  const rows = samples.map((s): CalibrationRow => {
    const t = model.terms(s.pe, s.array);
    const synthUm2 = peAreaUm2(s.synthGe, s.synthMemoryBits);
    const analyticGe = linearAreaGe(model.coefficients, t);
    const analyticUm2 = peAreaUm2(analyticGe, t.ramBits);
    const fittedUm2 = peAreaUm2(linearAreaGe(fitted, t), t.ramBits);
    return {
      label: s.point.label,
      fit: s.point.fit,
      synthGe: s.synthGe,
      synthMemoryBits: s.synthMemoryBits,
      synthUm2,
      ramBits: t.ramBits,
      analyticGe,
      analyticUm2,
      error: analyticUm2 / synthUm2 - 1,
      fittedError: fittedUm2 / synthUm2 - 1,
      peCostUm2: facet.peCost(s.pe, s.array).areaUm2,
    };
  });
  return { kind, committed: model.coefficients, fitted, rows };
}

/**
 * How far a committed coefficient may be from the fit: half a unit in its last written digit, never coarser
 * than 3 significant digits (10100 = 10,100 ± 50; 9.892 ± 0.0005), with a hair of slack for a fit that lands
 * on a rounding boundary (bit_serial_mod's 701.5 → 702).
 */
export function roundingTolerance(committed: number): number {
  const text = String(Math.abs(committed));
  const dot = text.indexOf('.');
  const written = dot >= 0 ? 10 ** -(text.length - dot - 1) : 10 ** (text.length - text.replace(/0+$/, '').length);
  const threeSignificant = committed === 0 ? written : 10 ** (Math.floor(Math.log10(Math.abs(committed))) - 2);
  return 0.5 * Math.min(written, threeSignificant) * (1 + 1e-9);
}

/** What `npm run calibrate -- --check` fails on, one line each (empty: the calibration holds). */
export function calibrationProblems(results: readonly KindCalibration[]): string[] {
  const problems: string[] = [];
  for (const r of results) {
    for (const [name, c] of Object.entries(r.committed)) {
      const f = r.fitted[name];
      if (Math.abs(c - f) > roundingTolerance(c)) problems.push(`${r.kind}: coefficient ${name} is ${c}, the fit gives ${formatCoefficient(f)} (beyond ±${roundingTolerance(c).toPrecision(2)})`);
    }
    for (const row of r.rows) {
      if (Math.abs(row.error) > CALIBRATION_ERROR_LIMIT) problems.push(`${r.kind}: ${row.label} is off by ${percent(row.error)} (limit ±${100 * CALIBRATION_ERROR_LIMIT}%)`);
      if (Math.abs(row.peCostUm2 / row.analyticUm2 - 1) > 1e-9) problems.push(`${r.kind}: ${row.label}: the cost facet prices ${row.peCostUm2.toFixed(2)} µm², its area model ${row.analyticUm2.toFixed(2)}`);
    }
  }
  return problems;
}

const grouped = (x: number, digits = 0): string => x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const percent = (x: number): string => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}%`;
/** A fitted coefficient with 6 significant digits (enough to see how it rounds). */
const formatCoefficient = (x: number): string => String(Number(x.toPrecision(6)));

/** The calibration as Markdown: one table of every point, then each kind's coefficients, committed vs fitted. */
export function formatCalibrationTable(results: readonly KindCalibration[]): string {
  const lines = [
    '| PE (generic flow) | kind | role | synth GE | analytic GE | RAM bits synth / analytic | synth µm² (28 nm) | analytic µm² | **error** | error, fitted |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    for (const row of r.rows) {
      const ram = `${grouped(row.synthMemoryBits)} / ${grouped(row.ramBits)}`;
      lines.push(`| ${row.label} | ${r.kind} | ${row.fit ? 'fit' : 'held out'} | ${grouped(row.synthGe)} | ${grouped(row.analyticGe)} | ${ram} | ${grouped(row.synthUm2)} | ${grouped(row.analyticUm2)} | **${percent(row.error)}** | ${percent(row.fittedError)} |`);
    }
  }
  lines.push('', '| kind | coefficient (GE per unit) | committed | least-squares fit |', '|---|---|---:|---:|');
  for (const r of results) {
    for (const [name, c] of Object.entries(r.committed)) lines.push(`| ${r.kind} | ${name} | ${c} | ${formatCoefficient(r.fitted[name])} |`);
  }
  const all = results.flatMap((r) => r.rows);
  const worst = (rows: readonly CalibrationRow[]): number => Math.max(0, ...rows.map((x) => Math.abs(x.error)));
  lines.push('', `largest error ${(100 * worst(all)).toFixed(1)}% (held out ${(100 * worst(all.filter((x) => !x.fit))).toFixed(1)}%; limit ${100 * CALIBRATION_ERROR_LIMIT}%)`);
  return lines.join('\n');
}
