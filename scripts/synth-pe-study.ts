/**
 * `npm run synth:study -- [calibrate|xr-npe|all] [--flow generic|xilinx]`: the synthesis experiments of
 * issue 15, printed as Markdown tables (docs/estimate.md "Synthesis" holds a dated run).
 * - calibrate: for each PE kind, a few parameter points (variants of the examples), the analytic PE area
 *   of the kind's cost model (src/pe/<folder>/cost.ts) against the synthesized PE (generic flow, GE →
 *   µm² at 28 nm: src/estimate/synth/area.ts); the error, and the error left once one factor per kind
 *   is fitted (least squares on the log ratio, leave-one-out: does the model scale right, apart from its anchor?).
 * - xr-npe: the reconfigurable 4-mode SIMD MAC of examples/xr-npe.qacc against four single-format MACs
 *   (the same PE with `modes` restricted to one of its modes, same operand word, accumulation and output),
 *   same flow; the ratio of areas against the paper's claim of 42% less area (ratio 0.58).
 * - compose: the whole xr-npe design at 2 × 2, composed from its units vs synthesized flat (one Yosys run).
 * Variants are the example text with one property replaced (VARIANT below), elaborated like a file.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { synthAreaUm2, synthGateEquivalents } from '../src/estimate/synth/area.js';
import { acceleratorModules, DESIGN_CUT_DEPTH, synthesizePe } from '../src/estimate/synth/design.js';
import { synthesizeModules } from '../src/estimate/synth/synthesize.js';
import type { SynthFlow, SynthReport } from '../src/estimate/synth/types.js';
import { compileFile } from '../src/ir/elaborate.js';
import type { IrAccelerator } from '../src/ir/types.js';
import { costFacet } from '../src/pe/facets/cost.js';

const ROOT = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const what = args.find((a) => !a.startsWith('--') && a !== 'generic' && a !== 'xilinx') ?? 'all';
const flow = (args.includes('--flow') ? args[args.indexOf('--flow') + 1] : 'generic') as SynthFlow;
if (!['calibrate', 'xr-npe', 'compose', 'all'].includes(what) || !['generic', 'xilinx'].includes(flow)) {
  console.error('usage: npm run synth:study -- [calibrate|xr-npe|compose|all] [--flow generic|xilinx]');
  process.exit(1);
}

/** A design point: an example, text replacements, parameter overrides, the accelerator to take. */
interface Point {
  readonly label: string;
  readonly file: string;
  readonly replace?: readonly (readonly [string | RegExp, string])[];
  readonly sets?: readonly string[];
  readonly accel: string;
}

function elaborate(p: Point): IrAccelerator {
  const path = resolve(ROOT, 'examples', p.file);
  let text = readFileSync(path, 'utf8');
  for (const [from, to] of p.replace ?? []) {
    const next = text.replace(from, to);
    if (next === text) throw new Error(`${p.label}: the replacement ${String(from)} matched nothing`);
    text = next;
  }
  const host = { readFile: (f: string) => (f === path ? text : (() => { try { return readFileSync(f, 'utf8'); } catch { return undefined; } })()) };
  const c = compileFile(path, host, { overrides: [...(p.sets ?? [])] });
  if (!c.design) throw new Error(`${p.label}: ${c.diagnostics.map((d) => d.message).join('; ')}`);
  const a = c.design.accelerators.find((x) => x.name === p.accel);
  if (!a) throw new Error(`${p.label}: no accelerator ${p.accel}`);
  return a;
}

async function synth(p: Point): Promise<{ accel: IrAccelerator; report: SynthReport }> {
  const accel = elaborate(p);
  const t0 = performance.now();
  const report = await synthesizePe(accel, { flow, onUnit: (u) => console.error(`  synthesizing ${u} (${p.label})`) });
  console.error(`  ${p.label}: ${((performance.now() - t0) / 1000).toFixed(1)} s${report.units.every((u) => u.cached) ? ' (cached)' : ''}`);
  return { accel, report };
}

const XR_MODES = 'modes = 4 x fp4_e2m1 | 4 x posit(4, 1) | 2 x posit8_0 | 1 x posit16_1;';
const XR_SINGLE: readonly (readonly [string, string])[] = [
  ['4 x fp4_e2m1', 'modes = 4 x fp4_e2m1;'],
  ['4 x posit(4,1)', 'modes = 4 x posit(4, 1);'],
  ['2 x posit8_0', 'modes = 2 x posit8_0;'],
  ['1 x posit16_1', 'modes = 1 x posit16_1;'],
];
const xrPoint = (label: string, modes: string): Point => ({ label, file: 'xr-npe.qacc', replace: modes === XR_MODES ? [] : [[XR_MODES, modes]], sets: ['size=2'], accel: 'xr_npe' });

const CALIBRATION: readonly Point[] = [
  { label: 'mac fp16 × fp16, fp32 acc', file: 'bitmod.qacc', accel: 'fp16_baseline', sets: ['fp16_rows=2', 'fp16_cols=2'] },
  { label: 'mac fp16 × flint4 (ANT)', file: 'bitmod.qacc', accel: 'ant_baseline', sets: ['ant_rows=2', 'ant_cols=2'] },
  { label: 'mac fp16 × int4 (OliVe)', file: 'bitmod.qacc', accel: 'olive_baseline', sets: ['olive_rows=2', 'olive_cols=2'] },
  { label: 'bit_serial_mod 4 lanes (qacc)', file: 'bitmod.qacc', accel: 'bitmod', sets: ['rows=2', 'cols=2'] },
  { label: 'bit_serial_mod 4 lanes (bitmod_rtl)', file: 'bitmod.qacc', accel: 'bitmod_authors', sets: ['rows=2', 'cols=2'] },
  { label: 'bit_serial_mod 2 lanes', file: 'bitmod.qacc', accel: 'bitmod', sets: ['rows=2', 'cols=2'], replace: [[/lanes = 4;\s+weights = bitmod_weights;/, 'lanes = 2;\n  weights = bitmod_weights;'], [/lane_sum_bits = 17;(.*)\n\s+group_acc_bits = 23;/, 'lane_sum_bits = 16;\n  group_acc_bits = 22;']] },
  xrPoint('simd_mac 4 modes (XR-NPE)', XR_MODES),
  ...XR_SINGLE.map(([l, m]) => xrPoint(`simd_mac ${l}`, m)),
  { label: 'lowrank_gemm int4, 8 lanes', file: 'svdquant.qacc', accel: 'svdquant_w4a4', sets: ['rows=2', 'cols=2', 'lanes=8'] },
  { label: 'lowrank_gemm int4, 16 lanes', file: 'svdquant.qacc', accel: 'svdquant_w4a4', sets: ['rows=2', 'cols=2', 'lanes=16'] },
  { label: 'lowrank_gemm nvfp4, 8 lanes', file: 'svdquant.qacc', accel: 'svdquant_nvfp4', sets: ['rows=2', 'cols=2', 'lanes=8'] },
];

const fmt = (x: number, d = 0): string => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const pct = (x: number): string => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}%`;

async function calibrate(): Promise<void> {
  const rows: { label: string; kind: string; analytic: number; synth: number; ge: number; levels: number }[] = [];
  for (const p of CALIBRATION) {
    try {
      const { accel, report } = await synth(p);
      const pe = accel.arrays[0].pe;
      rows.push({ label: p.label, kind: pe.kind, analytic: costFacet(pe.kind).peCost(pe).areaUm2, synth: synthAreaUm2(report.total), ge: synthGateEquivalents(report.total), levels: report.total.levels });
    } catch (err) {
      console.error(`  ${p.label}: FAILED ${(err as Error).message.split('\n')[0]}`);
    }
  }
  // one factor per kind: exp(mean log(synth / analytic)), leave-one-out where the kind has ≥ 2 points
  const logRatio = (r: (typeof rows)[number]): number => Math.log(r.synth / r.analytic);
  console.log(`\n| PE (generic flow) | kind | synth GE | synth µm² (28 nm) | analytic µm² | error | error, one fitted factor per kind (leave-one-out) | levels |`);
  console.log('|---|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const others = rows.filter((o) => o.kind === r.kind && o !== r);
    const loo = others.length ? r.analytic * Math.exp(others.reduce((s, o) => s + logRatio(o), 0) / others.length) : Number.NaN;
    console.log(`| ${r.label} | ${r.kind} | ${fmt(r.ge)} | ${fmt(r.synth)} | ${fmt(r.analytic)} | ${pct(r.analytic / r.synth - 1)} | ${Number.isNaN(loo) ? '—' : pct(loo / r.synth - 1)} | ${r.levels} |`);
  }
}

async function xrNpe(): Promise<void> {
  const reconf = await synth(xrPoint('4 modes', XR_MODES));
  const singles = [];
  for (const [label, modes] of XR_SINGLE) singles.push({ label, ...(await synth(xrPoint(label, modes))) });
  const x = flow === 'xilinx';
  const cost = (r: SynthReport): number => (x ? r.total.xilinx?.lut ?? 0 : synthGateEquivalents(r.total));
  const unit = x ? 'LUTs' : 'GE';
  console.log(`\n| MAC (${flow} flow) | ${unit} | ${x ? 'FFs | CARRY8 | DSP' : 'µm² (28 nm) | flip-flops'} | levels |`);
  console.log(`|---|---:|---:|${x ? '---:|---:|' : '---:|'}---:|`);
  const line = (label: string, r: SynthReport): void => {
    const ffs = Object.entries(r.total.cell_types).filter(([t]) => /DFF/.test(t)).reduce((s, [, n]) => s + n, 0);
    const extra = x ? `${r.total.xilinx?.ff} | ${r.total.xilinx?.carry} | ${r.total.xilinx?.dsp}` : `${fmt(synthAreaUm2(r.total))} | ${ffs}`;
    console.log(`| ${label} | ${fmt(cost(r))} | ${extra} | ${r.total.levels} |`);
  };
  for (const s of singles) line(`single-format ${s.label}`, s.report);
  const sum = singles.reduce((s, r) => s + cost(r.report), 0);
  console.log(`| **Σ four single-format MACs** | **${fmt(sum)}** |${' |'.repeat(x ? 4 : 3)}`);
  line('**reconfigurable 4-mode SIMD MAC**', reconf.report);
  const ratio = cost(reconf.report) / sum;
  console.log(`\nreconfigurable / separate = ${ratio.toFixed(3)} in ${unit} (${pct(ratio - 1)} area; the paper claims −42%, ratio 0.58)`);
}

async function compose(): Promise<void> {
  const accel = elaborate({ label: 'xr-npe 2 × 2', file: 'xr-npe.qacc', sets: ['size=2'], accel: 'xr_npe' });
  const { modules, top } = acceleratorModules(accel);
  console.log(`\n| xr-npe 2 × 2, whole design (${flow} flow) | units | cells | ${flow === 'xilinx' ? 'LUT | FF' : 'transistors | memory bits'} | levels | seconds |`);
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const [label, depth] of [['composed from units', DESIGN_CUT_DEPTH], ['flat', 0]] as const) {
    const r = await synthesizeModules(modules, top, depth, { flow, onUnit: (u) => console.error(`  synthesizing ${u} (${label})`) });
    const cols = flow === 'xilinx' ? `${fmt(r.total.xilinx?.lut ?? 0)} | ${fmt(r.total.xilinx?.ff ?? 0)}` : `${fmt(r.total.transistors)} | ${fmt(r.total.memory_bits)}`;
    console.log(`| ${label} | ${r.units.length} | ${fmt(r.total.cells)} | ${cols} | ${r.total.levels} | ${r.seconds.toFixed(1)}${r.units.every((u) => u.cached) ? ' (cached)' : ''} |`);
  }
}

if (what === 'compose') await compose();
if (what === 'calibrate' || what === 'all') await calibrate();
if (what === 'xr-npe' || what === 'all') await xrNpe();
