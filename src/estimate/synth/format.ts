/**
 * The readable table of a synthesis (`qacc estimate --synth`): one row per distinct unit (copies, cells,
 * transistors or UltraScale+ resources, memory bits, levels, whether cached) and the composed total.
 */
import type { SynthReport, SynthStats } from './types.js';

const n = (x: number): string => x.toLocaleString('en-US', { maximumFractionDigits: 1 });

function columns(report: SynthReport): { head: string[]; row: (s: SynthStats) => string[] } {
  if (report.flow === 'xilinx') return { head: ['LUT', 'FF', 'CARRY', 'DSP', 'BRAM36', 'LUTRAM', 'unmapped memory bits'], row: (s) => [s.xilinx?.lut ?? 0, s.xilinx?.ff ?? 0, s.xilinx?.carry ?? 0, s.xilinx?.dsp ?? 0, s.xilinx?.bram ?? 0, s.xilinx?.lutram ?? 0, s.memory_bits].map(n) };
  return { head: ['transistors', 'memory bits'], row: (s) => [n(s.transistors), n(s.memory_bits)] };
}

/** Formats a synthesis report as an aligned text table. */
export function formatSynthReport(report: SynthReport): string {
  const { head, row } = columns(report);
  const table: string[][] = [['unit', 'copies', 'cells', ...head, 'levels', ''], ...report.units.map((u) => [u.unit, n(u.instances), n(u.own.cells), ...row(u.own), String(u.own.levels), u.extrapolated ? `extrapolated${u.cached ? '' : `, ${u.seconds.toFixed(1)} s`}` : u.cached ? 'cached' : `${u.seconds.toFixed(1)} s`])];
  table.push(['total', '', n(report.total.cells), ...row(report.total), String(report.total.levels), `${report.seconds.toFixed(1)} s`]);
  const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)));
  const lines = table.map((r) => '  ' + r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd());
  const notes: string[] = report.units.filter((u) => u.extrapolated).map((u) => `  ${u.unit}: EXTRAPOLATED to ${u.extrapolated!.rows}×${u.extrapolated!.cols}, not synthesized at that size: least squares on ${u.extrapolated!.model} over its syntheses at ${u.extrapolated!.points.map((p) => `${p.rows}×${p.cols}`).join(', ')} (its sub-units are synthesized at their size, their instance counts fitted likewise; error on a held-out size: docs/estimate.md)`);
  notes.push(...report.units.filter((u) => u.no_share).map((u) => `  ${u.unit}: synthesized without Yosys's SAT-based resource sharing (\`share\` left out: too many shifters and multipliers behind multiplexers for it) (docs/estimate.md: a small change of either sign)`));
  if (report.flow === 'xilinx' && report.total.memory_bits > 0) notes.push(`  ${n(report.total.memory_bits)} memory bits left unmapped: memories with more ports than a block RAM or LUT RAM offers (e.g. a buffer with two write ports and one read port, a staging read by every row), kept as memories rather than turned into flip-flops; an FPGA build would bank or replicate them (docs/estimate.md)`);
  return [`synthesis (Yosys ${report.yosys}, ${report.flow} flow, top ${report.top}; each unit once, totals = Σ copies × unit; levels = longest combinational path in cells, cut at unit ports)`, ...lines, ...notes, ''].join('\n');
}
