/**
 * The readable table of an EstimateReport (what `qacc estimate` prints without --json): the design's area per
 * component, peak rates and energy rates, then the workload's totals and one row per layer kind — a model's
 * per-block layers (`model.layers.<i>.self_attn.q_proj`) fold into one row `model.layers.*.self_attn.q_proj`
 * whose count is summed when their numbers agree (they always do: every block has the same shapes).
 */
import { groupName } from './layer-names.js';
import type { EnergyRate, EstimateReport, LayerEstimate } from './types.js';

/** How the readable table writes each energy unit. */
const UNIT_LABEL: Readonly<Record<EnergyRate['per'], string>> = { multiply_accumulate: 'MAC', byte: 'byte', access: 'access' };

function int(x: number): string {
  return Math.round(x).toLocaleString('en-US');
}

function energy(pj: number): string {
  if (pj >= 1e9) return `${(pj / 1e9).toFixed(3)} mJ`;
  if (pj >= 1e6) return `${(pj / 1e6).toFixed(3)} µJ`;
  if (pj >= 1e3) return `${(pj / 1e3).toFixed(3)} nJ`;
  return `${pj.toFixed(3)} pJ`;
}

/** Layers folded by block (see the file header), in first-appearance order. */
export function foldLayers(layers: readonly LayerEstimate[]): LayerEstimate[] {
  const out = new Map<string, LayerEstimate>();
  for (const l of layers) {
    const key = `${groupName(l.name)}|${l.out}|${l.in}|${l.tokens}|${l.compute_cycles}|${l.dram_cycles}|${l.cycles}`;
    const seen = out.get(key);
    out.set(key, seen ? { ...seen, count: seen.count + l.count } : { ...l, name: groupName(l.name) });
  }
  return [...out.values()];
}

/** Columns padded to their widest cell; `right[c]` right-aligns column c (numbers). */
function table(rows: readonly (readonly string[])[], right: readonly boolean[]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (right[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd());
}

/** The readable report. */
export function formatEstimate(r: EstimateReport): string {
  const lines = [`accelerator ${r.accelerator} (${r.pe}), cost model ${r.cost_model}, ${r.technology_nm} nm, ${r.clock_mhz} MHz`];
  lines.push(`area ${(r.area_um2 / 1e6).toFixed(3)} mm²`);
  lines.push(...table([['  component', 'µm²', 'GE', 'source'], ...r.components.map((c) => [`  ${c.name}`, int(c.area_um2), int(c.gate_equivalents), c.source])], [false, true, true, false]));
  for (const u of r.unpriced) lines.push(`  note: ${u.component} not priced: ${u.reason}`);
  lines.push('peak');
  for (const p of r.peak) lines.push(`  ${p.mode}: ${p.macs_per_cycle.toLocaleString('en-US')} MACs/cycle`);
  lines.push('energy rates');
  for (const e of r.energy_rates) lines.push(`  ${e.name}: ${e.pj.toPrecision(4)} pJ/${UNIT_LABEL[e.per]} (${e.source})`);
  if (r.workload === null) return lines.join('\n') + '\n';
  const seconds = r.cycles / (r.clock_mhz * 1e6);
  lines.push(`workload ${r.workload}: ${int(r.cycles)} cycles (${(seconds * 1e3).toFixed(3)} ms), compute ${int(r.compute_cycles)}, DRAM ${int(r.dram_cycles)}${r.overlap_cycles > 0 ? `; layer chains save ${int(r.overlap_cycles)}` : ''}`);
  const b = r.energy_breakdown;
  lines.push(`energy ${energy(r.energy_pj)}: PEs ${energy(b.compute_pj)}, SRAM ${energy(b.sram_pj)}, DRAM ${energy(b.dram_pj)}; ${int(r.macs)} MACs, ${int(r.dram_bytes)} DRAM bytes`);
  const rows = foldLayers(r.layers).map((l) => [`  ${l.name}`, int(l.count), `${l.out}×${l.in}×${l.tokens}`, int(l.compute_cycles), int(l.dram_cycles), int(l.cycles), l.bound, energy(l.energy_pj)]);
  lines.push(...table([['  layer (each)', 'count', 'out×in×tokens', 'compute', 'DRAM', 'cycles', 'bound', 'energy'], ...rows], [false, true, false, true, true, true, false, true]));
  return lines.join('\n') + '\n';
}
