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
 * - engine: the xr-npe tile engine alone (PEs blackboxed) at N × N for N = 2, 4, 8, a fit
 *   transistors = a + b·N + c·N² (and memory bits likewise) on them, checked against N = 16 synthesized,
 *   and its extrapolation to 32 × 32 (marked extrapolated).
 * Variants are the example text with one property replaced (VARIANT below), elaborated like a file.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { synthAreaUm2, synthGateEquivalents } from '../src/estimate/synth/area.js';
import { acceleratorModules, DESIGN_CUT_DEPTH, synthesizePe } from '../src/estimate/synth/design.js';
import { moduleDependencies } from '../src/estimate/synth/modules.js';
import { synthesizeModules, yosysVersion } from '../src/estimate/synth/synthesize.js';
import type { SynthFlow, SynthReport } from '../src/estimate/synth/types.js';
import { compileFile } from '../src/ir/elaborate.js';
import type { IrAccelerator } from '../src/ir/types.js';
import { costFacet } from '../src/pe/facets/cost.js';

const ROOT = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const what = args.find((a) => !a.startsWith('--') && a !== 'generic' && a !== 'xilinx') ?? 'all';
const flow = (args.includes('--flow') ? args[args.indexOf('--flow') + 1] : 'generic') as SynthFlow;
if (!['calibrate', 'xr-npe', 'compose', 'engine', 'all'].includes(what) || !['generic', 'xilinx'].includes(flow)) {
  console.error('usage: npm run synth:study -- [calibrate|xr-npe|compose|engine|all] [--flow generic|xilinx]');
  process.exit(1);
}

/** A design point: an example, text replacements, parameter overrides, the accelerator to take. */
interface Point {
  readonly label: string;
  readonly file: string;
  readonly replace?: readonly (readonly [string, string])[];
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

/**
 * The calibration points. `fit`: the kind's coefficients (src/pe/<folder>/area-model.ts) were fitted on it;
 * the others are held out (never used to fit; their error is the model's honest error).
 */
const BSM_LANES = 'lanes = 4;\n  weights = bitmod_weights;';
const BSM_WIDTHS = 'lane_sum_bits = 17;          // 2-level adder tree over 4 lanes\n  group_acc_bits = 23;';
const bsmLanes = (lanes: number, laneSum: number): readonly (readonly [string, string])[] => [
  [BSM_LANES, `lanes = ${lanes};\n  weights = bitmod_weights;`],
  [BSM_WIDTHS, `lane_sum_bits = ${laneSum};\n  group_acc_bits = ${laneSum + 6};`],
];
const CALIBRATION: readonly (Point & { readonly fit: boolean })[] = [
  { label: 'mac fp16 × fp16, fp32 acc', file: 'bitmod.qacc', accel: 'fp16_baseline', sets: ['fp16_rows=2', 'fp16_cols=2'], fit: true },
  { label: 'mac fp16 × flint4 (ANT)', file: 'bitmod.qacc', accel: 'ant_baseline', sets: ['ant_rows=2', 'ant_cols=2'], fit: false },
  { label: 'mac fp16 × int4 (OliVe)', file: 'bitmod.qacc', accel: 'olive_baseline', sets: ['olive_rows=2', 'olive_cols=2'], fit: true },
  { label: 'mac fp16 × int8', file: 'bitmod.qacc', accel: 'olive_baseline', sets: ['olive_rows=2', 'olive_cols=2'], replace: [['weights = per_channel(int4, scale = fp16);', 'weights = per_channel(int8, scale = fp16);']], fit: false },
  { label: 'mac fp16 × fp16, fp16 acc', file: 'bitmod.qacc', accel: 'fp16_baseline', sets: ['fp16_rows=2', 'fp16_cols=2'], replace: [['weights = fp16;\n  activations = fp16;\n  accumulator = fp32;', 'weights = fp16;\n  activations = fp16;\n  accumulator = fp16;']], fit: false },
  { label: 'mac int8 × int8, int32 acc', file: 'bitmod.qacc', accel: 'olive_baseline', sets: ['olive_rows=2', 'olive_cols=2'], replace: [['weights = per_channel(int4, scale = fp16);\n  activations = fp16;\n  accumulator = fp32;', 'weights = int8;\n  activations = int8;\n  accumulator = int32;']], fit: false },
  { label: 'bit_serial_mod 4 lanes (qacc)', file: 'bitmod.qacc', accel: 'bitmod', sets: ['rows=2', 'cols=2'], fit: true },
  { label: 'bit_serial_mod 4 lanes (bitmod_rtl)', file: 'bitmod.qacc', accel: 'bitmod_authors', sets: ['rows=2', 'cols=2'], fit: false },
  { label: 'bit_serial_mod 2 lanes', file: 'bitmod.qacc', accel: 'bitmod', sets: ['rows=2', 'cols=2'], replace: bsmLanes(2, 16), fit: true },
  { label: 'bit_serial_mod 8 lanes', file: 'bitmod.qacc', accel: 'bitmod', sets: ['rows=2', 'cols=2'], replace: bsmLanes(8, 18), fit: false },
  { ...xrPoint('simd_mac 4 modes (XR-NPE)', XR_MODES), fit: false },
  ...XR_SINGLE.map(([l, m]) => ({ ...xrPoint(`simd_mac ${l}`, m), fit: l !== '4 x posit(4,1)' })),
  { ...xrPoint('simd_mac 4 x fp4_e2m1 + 2 x posit8_0', 'modes = 4 x fp4_e2m1 | 2 x posit8_0;'), fit: false },
  { label: 'lowrank_gemm int4, 8 lanes', file: 'svdquant.qacc', accel: 'svdquant_w4a4', sets: ['rows=2', 'cols=2', 'lanes=8'], fit: true },
  { label: 'lowrank_gemm int4, 16 lanes', file: 'svdquant.qacc', accel: 'svdquant_w4a4', sets: ['rows=2', 'cols=2', 'lanes=16'], fit: true },
  { label: 'lowrank_gemm int4, 32 lanes', file: 'svdquant.qacc', accel: 'svdquant_w4a4', sets: ['rows=2', 'cols=2', 'lanes=32'], fit: false },
  { label: 'lowrank_gemm nvfp4, 8 lanes', file: 'svdquant.qacc', accel: 'svdquant_nvfp4', sets: ['rows=2', 'cols=2', 'lanes=8'], fit: true },
  { label: 'lowrank_gemm nvfp4, 16 lanes', file: 'svdquant.qacc', accel: 'svdquant_nvfp4', sets: ['rows=2', 'cols=2', 'lanes=16'], fit: false },
];

const fmt = (x: number, d = 0): string => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const pct = (x: number): string => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}%`;

/** The fixture test/estimate/pe-area-calibration.test.ts checks the analytic PE areas against (no Yosys in the suite). */
const FIXTURE = resolve(ROOT, 'test/estimate/pe-synth-calibration.json');

async function calibrate(): Promise<void> {
  const rows: { point: (typeof CALIBRATION)[number]; kind: string; analytic: number; synth: number; ge: number; memoryBits: number; levels: number }[] = [];
  for (const p of CALIBRATION) {
    try {
      const { accel, report } = await synth(p);
      const pe = accel.arrays[0].pe;
      rows.push({ point: p, kind: pe.kind, analytic: costFacet(pe.kind).peCost(pe).areaUm2, synth: synthAreaUm2(report.total), ge: synthGateEquivalents(report.total), memoryBits: report.total.memory_bits, levels: report.total.levels });
    } catch (err) {
      console.error(`  ${p.label}: FAILED ${(err as Error).message.split('\n')[0]}`);
    }
  }
  console.log(`\n| PE (generic flow) | kind | role | synth GE | synth µm² (28 nm) | analytic µm² | error | levels |`);
  console.log('|---|---|---|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(`| ${r.point.label} | ${r.kind} | ${r.point.fit ? 'fit' : 'held out'} | ${fmt(r.ge)} | ${fmt(r.synth)} | ${fmt(r.analytic)} | ${pct(r.analytic / r.synth - 1)} | ${r.levels} |`);
  }
  if (flow !== 'generic' || rows.length !== CALIBRATION.length) return;
  const fixture = {
    comment: 'Written by `npm run synth:study -- calibrate` (scripts/synth-pe-study.ts): synthesized PE areas, generic flow, µm² at 28 nm (GE / 3.9 + RAM bits as SRAM). Read by test/estimate/pe-area-calibration.test.ts.',
    date: new Date().toISOString().slice(0, 10),
    yosys: `@yowasp/yosys ${yosysVersion()}`,
    flow,
    points: rows.map((r) => ({ ...r.point, kind: r.kind, ge: Math.round(r.ge * 100) / 100, memoryBits: r.memoryBits, synthUm2: Math.round(r.synth * 100) / 100 })),
  };
  writeFileSync(`${FIXTURE}.tmp`, `${JSON.stringify(fixture, null, 2)}\n`);
  renameSync(`${FIXTURE}.tmp`, FIXTURE);
  console.error(`  wrote ${FIXTURE}`);
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

/** The engine's own cost (PEs and other sub-units blackboxed) of xr-npe at size × size. */
async function engineAt(size: number): Promise<{ transistors: number; memoryBits: number; seconds: number; cached: boolean }> {
  const accel = elaborate({ label: `xr-npe ${size} × ${size}`, file: 'xr-npe.qacc', sets: [`size=${size}`], accel: 'xr_npe' });
  const { modules, top, peTop } = acceleratorModules(accel);
  const deps = moduleDependencies(modules);
  const engine = (deps.get(top) ?? []).find((m) => (deps.get(m) ?? []).includes(peTop));
  if (!engine) throw new Error(`no tile engine under ${top}`);
  const r = await synthesizeModules(modules, engine, 1, { flow, onUnit: (u) => console.error(`  synthesizing ${u} (engine ${size} × ${size})`) });
  const own = r.units.find((u) => u.depth === 0)!.own;
  return { transistors: own.transistors, memoryBits: own.memory_bits, seconds: r.seconds, cached: r.units.every((u) => u.cached) };
}

/** Least squares a + b·N + c·N² through the points (exact through three). */
function quadraticFit(ns: readonly number[], ys: readonly number[]): (n: number) => number {
  // normal equations of the 3-parameter fit, solved by Cramer's rule
  const s = (f: (n: number) => number): number => ns.reduce((acc, n) => acc + f(n), 0);
  const t = (f: (n: number) => number): number => ns.reduce((acc, n, i) => acc + f(n) * ys[i], 0);
  const m = [[ns.length, s((n) => n), s((n) => n * n)], [s((n) => n), s((n) => n * n), s((n) => n ** 3)], [s((n) => n * n), s((n) => n ** 3), s((n) => n ** 4)]];
  const v = [t(() => 1), t((n) => n), t((n) => n * n)];
  const det = (a: number[][]): number => a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0]) + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
  const d = det(m);
  const coef = [0, 1, 2].map((k) => det(m.map((row, i) => row.map((x, j) => (j === k ? v[i] : x)))) / d);
  return (n) => coef[0] + coef[1] * n + coef[2] * n * n;
}

async function engineFit(): Promise<void> {
  const fitSizes = [2, 4, 8];
  const fit = [];
  for (const n of fitSizes) fit.push(await engineAt(n));
  const tr = quadraticFit(fitSizes, fit.map((f) => f.transistors));
  const mem = quadraticFit(fitSizes, fit.map((f) => f.memoryBits));
  console.log(`\n| xr-npe tile engine (${flow} flow, PEs blackboxed) | transistors | fit | error | memory bits | fit | seconds |`);
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  const row = (label: string, n: number, f?: Awaited<ReturnType<typeof engineAt>>): void => {
    const err = (a: number, b: number): string => (f ? (b === 0 ? (a === 0 ? '0' : '—') : pct(a / b - 1)) : 'extrapolated');
    console.log(`| ${label} | ${f ? fmt(f.transistors) : '—'} | ${fmt(tr(n))} | ${err(tr(n), f?.transistors ?? 0)} | ${f ? fmt(f.memoryBits) : '—'} | ${fmt(mem(n))} | ${f ? `${f.seconds.toFixed(1)}${f.cached ? ' (cached)' : ''}` : '—'} |`);
  };
  fitSizes.forEach((n, i) => row(`${n} × ${n} (fit)`, n, fit[i]));
  const check = Number(process.env.QACC_ENGINE_CHECK ?? 16);
  if (check > 0) row(`${check} × ${check} (held out)`, check, await engineAt(check));
  row('32 × 32', 32);
}

if (what === 'engine') await engineFit();
if (what === 'compose') await compose();
if (what === 'calibrate' || what === 'all') await calibrate();
if (what === 'xr-npe' || what === 'all') await xrNpe();
