/**
 * `index.html` of a sweep: one self-contained page (inline CSS and SVG, no script, no network) with the
 * charts of charts.ts, a table of the points (its last column what each point's area leaves out, with a note line per
 * such component under it) and the errors of invalid points. Prepare, then
 * render: this module turns the sweep's JSON into the charts' rows (which point the roofline shows, which
 * points are Pareto-optimal, energy per layer type) and concatenates escaped markup.
 */
import type { SweepJson, SweepJsonPoint } from '../sweep/table.js';
import { areaThroughputChart, energyChart, rooflineChart, sqnrChart, type AreaPoint, type EnergySlice, type RooflineLayer, type SqnrPoint } from './charts.js';
import { paretoFront } from './pareto.js';

/** The most points the energy chart and the table show (the Pareto points first). */
export const MAX_CHART_ROWS = 24;
export const MAX_TABLE_ROWS = 500;

type ValidPoint = Extract<SweepJsonPoint, { ok: true }>;

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** `rows=8 cols=16`, or `design as written` for a sweep without axes. */
function pointLabel(p: SweepJsonPoint): string {
  const s = Object.entries(p.settings).map(([k, v]) => `${k}=${v}`);
  return s.length ? s.join(' ') : 'design as written';
}

/** The last part of a layer name: `model.layers.0.self_attn.q_proj` → `q_proj`. */
function layerType(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? name : name.slice(dot + 1);
}

function figure(title: string, caption: string, body: string): string {
  return `<section><h2>${escapeHtml(title)}</h2><p class="caption">${escapeHtml(caption)}</p><div class="chart">${body}</div></section>`;
}

function note(text: string): string {
  return `<p class="note">${escapeHtml(text)}</p>`;
}

function fmt(x: number | null, digits = 4): string {
  return x === null ? '∞' : Number.isInteger(x) ? String(x) : x.toPrecision(digits);
}

/** The whole page. */
export function sweepReportHtml(sweep: SweepJson): string {
  const valid = sweep.points.filter((p): p is ValidPoint => p.ok);
  const invalid = sweep.points.filter((p): p is Extract<SweepJsonPoint, { ok: false }> => !p.ok);
  const sections: string[] = [];
  const hasWorkload = sweep.workload !== null;
  const throughputLabel = hasWorkload ? `GMAC/s on ${sweep.workload}` : 'peak GMAC/s';

  const front = new Set(paretoFront(valid.map((p) => ({ area: p.estimate.area_um2, throughput: p.metrics.macs_per_s }))));
  const areaPoints: AreaPoint[] = valid.map((p, i) => ({ label: `#${p.index} ${pointLabel(p)}`, tag: `#${p.index}`, area_mm2: p.estimate.area_um2 / 1e6, throughput: p.metrics.macs_per_s / 1e9, pareto: front.has(i) }));
  sections.push(
    figure('Area vs throughput', `Each valid design point; the Pareto front (no other point is both smaller and faster) in red, labelled by its number (#) in the table below. Throughput: ${throughputLabel}.`, valid.length ? areaThroughputChart(areaPoints, throughputLabel) : note('No valid design point.')),
  );

  // The roofline shows the fastest point (the first of equals).
  const best = valid.reduce<ValidPoint | undefined>((b, p) => (b === undefined || p.metrics.macs_per_s > b.metrics.macs_per_s ? p : b), undefined);
  const roofLayers: RooflineLayer[] = (best?.estimate.layers ?? [])
    .filter((l) => l.dram_cycles > 0 && l.cycles > 0)
    .map((l) => {
      const macs = l.tokens * l.in * l.out;
      return { name: layerType(l.name), intensity: macs / (l.dram_cycles * (best as ValidPoint).metrics.dram_bytes_per_cycle), attained: macs / l.cycles, bound: l.bound };
    });
  sections.push(
    figure(
      'Per-layer roofline',
      best ? `Point ${pointLabel(best)} (the highest throughput): each layer's attained MACs per cycle against its MACs per DRAM byte; roofs at ${best.metrics.peak_macs_per_cycle} MACs/cycle and ${best.metrics.dram_bytes_per_cycle} DRAM bytes/cycle.` : '',
      roofLayers.length && best ? rooflineChart(roofLayers, best.metrics.peak_macs_per_cycle, best.metrics.dram_bytes_per_cycle) : note(hasWorkload ? 'No layer moves DRAM data at the chosen point.' : 'Give --workload to see layers.'),
    ),
  );

  const shown = [...valid.filter((_, i) => front.has(i)), ...valid.filter((_, i) => !front.has(i))].slice(0, MAX_CHART_ROWS);
  const which = valid.length > shown.length ? `, for ${shown.length} of the ${valid.length} points (Pareto points first)` : '';
  const parts = ['compute (PEs)', 'SRAM buffers', 'DRAM'];
  const byPart: EnergySlice[] = shown.flatMap((p) => {
    const b = p.estimate.energy_breakdown;
    return [b.compute_pj, b.sram_pj, b.dram_pj].map((pj, i) => ({ point: `#${p.index} ${pointLabel(p)}`, part: parts[i], energy_mj: pj / 1e9 }));
  });
  sections.push(
    figure(
      'Energy breakdown',
      `Energy of one run of the workload by where it is spent: the PEs' arithmetic, the on-chip buffers, DRAM${which}.`,
      byPart.some((s) => s.energy_mj > 0) ? energyChart(byPart, parts) : note(hasWorkload ? 'The estimate reports no energy for these points.' : 'Give --workload to see the energy breakdown.'),
    ),
  );
  const byLayer: EnergySlice[] = [];
  for (const p of shown) {
    const byType = new Map<string, number>();
    for (const l of p.estimate.layers) byType.set(layerType(l.name), (byType.get(layerType(l.name)) ?? 0) + l.energy_pj * l.count);
    for (const [part, pj] of byType) byLayer.push({ point: `#${p.index} ${pointLabel(p)}`, part, energy_mj: pj / 1e9 });
  }
  sections.push(
    figure(
      'Energy by layer type',
      `Energy of one run of the workload by layer type${which}.`,
      byLayer.some((s) => s.energy_mj > 0) ? energyChart(byLayer) : note(hasWorkload ? 'The estimate reports no energy for these points.' : 'Give --workload to see energy per layer.'),
    ),
  );

  const sqnr: SqnrPoint[] = [];
  for (const p of valid) {
    if (p.metrics.sqnr_db !== null) sqnr.push({ label: pointLabel(p), bits_per_weight: p.metrics.bits_per_weight, sqnr_db: p.metrics.sqnr_db, measure: 'golden datapath vs float64 ideal' });
    if (p.metrics.weight_sqnr_db !== null) sqnr.push({ label: pointLabel(p), bits_per_weight: p.metrics.bits_per_weight, sqnr_db: p.metrics.weight_sqnr_db, measure: 'seeded normal weights in the weight format' });
  }
  sections.push(
    figure(
      'Quantization error vs bits per weight',
      'SQNR of the golden model against its float64 ideal on the same seeded random operands (what the arithmetic loses), and of seeded normal weights stored in the PE’s weight format or scheme (what the format loses).',
      sqnr.length ? sqnrChart(sqnr) : note('Every point is exact on the measured operands (infinite SQNR).'),
    ),
  );

  const axes = sweep.axes.map((a) => a.name);
  const head = ['#', ...axes, 'area (mm²)', 'cycles', 'energy (mJ)', 'GMAC/s', 'bits/weight', 'SQNR (dB)', 'weight SQNR (dB)', 'not priced'];
  const rows = valid.slice(0, MAX_TABLE_ROWS).map((p, i) =>
    [String(p.index), ...axes.map((a) => p.settings[a] ?? ''), fmt(p.estimate.area_um2 / 1e6), String(p.estimate.cycles), fmt(p.estimate.energy_pj / 1e9), fmt(p.metrics.macs_per_s / 1e9), fmt(p.metrics.bits_per_weight), fmt(p.metrics.sqnr_db), fmt(p.metrics.weight_sqnr_db), p.estimate.unpriced.map((u) => u.component).join('; ')].map((c, j) => (j === 0 && front.has(i) ? `<td class="pareto">${escapeHtml(c)}</td>` : `<td>${escapeHtml(c)}</td>`)).join(''),
  );
  // What the areas leave out (EstimateReport.unpriced): one line per component, with how many points lack it and
  // the first such point's reason, so that a chart of areas is never read as complete when it is not.
  const left = new Map<string, { count: number; index: number; reason: string }>();
  for (const p of valid) {
    for (const u of p.estimate.unpriced) {
      const seen = left.get(u.component);
      left.set(u.component, seen ? { ...seen, count: seen.count + 1 } : { count: 1, index: p.index, reason: u.reason });
    }
  }
  const unpricedNotes = [...left].map(([component, u]) => note(`Not priced: ${component} (${u.count} of ${valid.length} valid points; the areas leave it out). At #${u.index}: ${u.reason}.`)).join('');
  const table = `<table><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r}</tr>`).join('')}</tbody></table>${valid.length > MAX_TABLE_ROWS ? note(`First ${MAX_TABLE_ROWS} of ${valid.length} valid points; points.csv has all.`) : ''}${unpricedNotes}`;
  sections.push(`<section><h2>Points</h2>${table}</section>`);
  if (invalid.length) sections.push(`<section><h2>Invalid points (${invalid.length})</h2>${invalid.map((p) => `<h3>#${p.index} ${escapeHtml(pointLabel(p))}</h3><pre>${escapeHtml(p.error)}</pre>`).join('')}</section>`);

  const summary = `${sweep.points.length} points (${valid.length} valid, ${invalid.length} invalid) of ${sweep.source}${hasWorkload ? `, workload ${sweep.workload}` : ''}; axes ${axes.length ? sweep.axes.map((a) => `${a.name} ∈ {${a.values.join(', ')}}`).join(', ') : 'none'}.`;
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><title>qacc sweep report</title>',
    '<style>body{font-family:system-ui,sans-serif;margin:24px;color:#222;background:#fff;max-width:1000px}h1{font-size:22px}h2{font-size:17px;margin-top:28px}.caption{color:#555;font-size:13px}.note{color:#a33}table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}td.pareto{background:#fdd}pre{background:#f6f6f6;padding:8px;overflow:auto;font-size:12px}</style>',
    '</head><body>',
    `<h1>qacc sweep report</h1><p>${escapeHtml(summary)}</p>`,
    ...sections,
    '</body></html>',
    '',
  ].join('\n');
}
