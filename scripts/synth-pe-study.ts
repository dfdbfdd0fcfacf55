/**
 * `npm run synth:study -- [xr-npe|compose|engine|all] [--flow generic|xilinx]`: the synthesis experiments of
 * issue 15, printed as Markdown tables (docs/estimate.md "Synthesis" holds a dated run). The PE area
 * calibration moved to `npm run calibrate` (scripts/calibrate.ts).
 * - xr-npe: the reconfigurable 4-mode SIMD MAC of examples/xr-npe.qacc against four single-format MACs
 *   (the same PE with `modes` restricted to one of its modes, same operand word, accumulation and output),
 *   same flow; the ratio of areas against the paper's claim of 42% less area (ratio 0.58).
 * - compose [bitmod|svdquant|xr-npe|mac-ws]: the whole design at 2 × 2 (default xr-npe), composed from its units vs
 *   synthesized flat (one Yosys run).
 * - engine [bitmod|svdquant|xr-npe|xr-npe-16|mac-ws|mac-ws-fp16|mac-ws-w4|fp16-baseline|ant-baseline …]: the tile engine extrapolation `--synth` uses beyond 8 rows or
 *   columns (src/estimate/synth/engine-fit.ts): the engine alone (sub-units blackboxed) synthesized at the
 *   fit's sample sizes, the fit checked against the engine synthesized at 8 × 8 (held out), and its
 *   predictions at the example's own size (when beyond 8), 32 × 32 and 64 × 16.
 * - engine-units [point …]: the tile engine's own logic (its sub-units blackboxed) and its sub-units (rows, columns, qact parts, fp units; the array PE
 *   apart), each synthesized as `--synth` does, at the design points of ENGINE_UNIT_POINTS (all, or those
 *   named), recorded in engine-unit-samples.json: the samples a kind's analytic engine model is fitted on
 *   (lowrank_gemm: src/pe/lowrank-gemm/cost-engine.ts) and held out against.
 * - outside [point …]: what every design holds outside its PE array and tile engine — the accelerator top's own
 *   logic (its sub-units blackboxed), its instruction queues and each buffer space — each synthesized as
 *   `--synth` does (same cache keys), at the examples' declared sizes (OUTSIDE_POINTS), recorded in
 *   outside-engine-samples.json: the samples src/estimate/outside-engine.ts is fitted on and held out against.
 * Variants are the example text with one property replaced (VARIANT below), elaborated like a file.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { synthAreaUm2, synthGateEquivalents } from '../src/estimate/synth/area.js';
import { acceleratorModules, DESIGN_CUT_DEPTH, engineFiles, engineGrowth, engineRtlDigest, engineSampleAccelerator, synthesizeEngineUnits, synthesizePe } from '../src/estimate/synth/design.js';
import { engineModelName, extrapolateEngine } from '../src/estimate/synth/engine-fit.js';
import { synthCacheKey } from '../src/estimate/synth/cache.js';
import { synthesizeModules, synthesizeUnit, yosysVersion } from '../src/estimate/synth/synthesize.js';
import type { SynthFlow, SynthReport, SynthStats } from '../src/estimate/synth/types.js';
import { compileFile } from '../src/ir/elaborate.js';
import type { IrAccelerator } from '../src/ir/types.js';
import { QUEUE_ENTRY_BITS } from '../src/arch/top-geometry.js';
import { moduleDependencies } from '../src/estimate/synth/modules.js';

const ROOT = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const what = args.find((a) => !a.startsWith('--') && a !== 'generic' && a !== 'xilinx') ?? 'all';
// `engine` takes example names after it
const flow = (args.includes('--flow') ? args[args.indexOf('--flow') + 1] : 'generic') as SynthFlow;
if (what === 'calibrate') {
  console.error('the PE area calibration is `npm run calibrate` (scripts/calibrate.ts)');
  process.exit(1);
}
if (!['xr-npe', 'compose', 'engine', 'engine-units', 'outside', 'all'].includes(what) || !['generic', 'xilinx'].includes(flow)) {
  console.error('usage: npm run synth:study -- [xr-npe|compose|engine [bitmod|svdquant|xr-npe|xr-npe-16|mac-ws|mac-ws-fp16|mac-ws-w4|fp16-baseline|ant-baseline …]|engine-units [point …]|outside [point …]|all] [--flow generic|xilinx]');
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

/** Flip-flops of a generic netlist (every one a plain $_DFF_P_/$_DFF_N_ since the flow's dffunmap). */
const flipFlops = (s: SynthStats): number => Object.entries(s.cell_types).filter(([t]) => /DFF/.test(t)).reduce((n, [, k]) => n + k, 0);
const fmt = (x: number, d = 0): string => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const pct = (x: number): string => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}%`;

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
    const extra = x ? `${r.total.xilinx?.ff} | ${r.total.xilinx?.carry} | ${r.total.xilinx?.dsp}` : `${fmt(synthAreaUm2(r.total))} | ${flipFlops(r.total)}`;
    console.log(`| ${label} | ${fmt(cost(r))} | ${extra} | ${r.total.levels} |`);
  };
  for (const s of singles) line(`single-format ${s.label}`, s.report);
  const sum = singles.reduce((s, r) => s + cost(r.report), 0);
  console.log(`| **Σ four single-format MACs** | **${fmt(sum)}** |${' |'.repeat(x ? 4 : 3)}`);
  line('**reconfigurable 4-mode SIMD MAC**', reconf.report);
  const ratio = cost(reconf.report) / sum;
  console.log(`\nreconfigurable / separate = ${ratio.toFixed(3)} in ${unit} (${pct(ratio - 1)} area; the paper claims −42%, ratio 0.58)`);
}

/** The examples at 2 × 2 (compose). */
const SMALL_EXAMPLES: Readonly<Record<string, Point>> = {
  bitmod: { label: 'bitmod 2 × 2', file: 'bitmod.qacc', accel: 'bitmod', sets: ['rows=2', 'cols=2'] },
  svdquant: { label: 'svdquant 2 × 2', file: 'svdquant.qacc', accel: 'svdquant_w4a4', sets: ['rows=2', 'cols=2'] },
  'xr-npe': { label: 'xr-npe 2 × 2', file: 'xr-npe.qacc', accel: 'xr_npe', sets: ['size=2'] },
  'mac-ws': { label: 'mac-ws int8 2 × 2', file: 'mac-ws.qacc', accel: 'mac_int8', sets: ['rows=2', 'cols=2'] },
};

async function compose(): Promise<void> {
  const point = SMALL_EXAMPLES[args.find((a) => a in SMALL_EXAMPLES) ?? 'xr-npe'];
  const accel = elaborate(point);
  const { modules, top } = acceleratorModules(accel);
  console.log(`\n| ${point.label}, whole design (${flow} flow) | units | cells | ${flow === 'xilinx' ? 'LUT | FF' : 'transistors | memory bits'} | levels | seconds |`);
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const [label, depth] of [['composed from units', DESIGN_CUT_DEPTH], ['flat', 0]] as const) {
    const r = await synthesizeModules(modules, top, depth, { flow, onUnit: (u) => console.error(`  synthesizing ${u} (${label})`) });
    const cols = flow === 'xilinx' ? `${fmt(r.total.xilinx?.lut ?? 0)} | ${fmt(r.total.xilinx?.ff ?? 0)}` : `${fmt(r.total.transistors)} | ${fmt(r.total.memory_bits)}`;
    console.log(`| ${label} | ${r.units.length} | ${fmt(r.total.cells)} | ${cols} | ${r.total.levels} | ${r.seconds.toFixed(1)}${r.units.every((u) => u.cached) ? ' (cached)' : ''} |`);
  }
}

/**
 * The examples' accelerators whose tile engines the engine study checks (the engine is resized; the rest, e.g.
 * xr-npe's buffers, stays): bitmod and xr-npe at 32 × 32, svdquant at its own 16 × 16 (its engine samples keep
 * the design's passes per tile, 16 × 8 there: src/pe/lowrank-gemm/cost-engine.ts), mac-ws (mac_int8, the
 * weight-stationary mac engine) at its own 16 × 16, xr-npe-16 (xr-npe at its default size = 16, half the ports),
 * mac-ws-fp16 and mac-ws-w4 (mac-ws's other two accelerators).
 */
const ENGINE_EXAMPLES: Readonly<Record<string, Point>> = {
  bitmod: { label: 'bitmod', file: 'bitmod.qacc', accel: 'bitmod' },
  svdquant: { label: 'svdquant', file: 'svdquant.qacc', accel: 'svdquant_w4a4' },
  'xr-npe': { label: 'xr-npe', file: 'xr-npe.qacc', accel: 'xr_npe', sets: ['size=32'] },
  'mac-ws': { label: 'mac-ws', file: 'mac-ws.qacc', accel: 'mac_int8' },
  // mac-ws's other datapaths: fp16 × fp16 into fp32, fp16 × int4 (8-bit stored) into fp16 (the mac model's register-width terms)
  'mac-ws-fp16': { label: 'mac-ws-fp16', file: 'mac-ws.qacc', accel: 'mac_fp16' },
  'mac-ws-w4': { label: 'mac-ws-w4', file: 'mac-ws.qacc', accel: 'mac_w4' },
  // the output-stationary mac engine (./src/pe/mac/rtl-engine.ts): bitmod.qacc's fp16 baseline (fp16 × fp16 into fp32, 32 × 32)
  'fp16-baseline': { label: 'fp16-baseline', file: 'bitmod.qacc', accel: 'fp16_baseline' },
  // ANT's baseline: 8-bit stored flint4 weights (the output-stationary model's other datapath, not fitted)
  'ant-baseline': { label: 'ant-baseline', file: 'bitmod.qacc', accel: 'ant_baseline' },
  // xr-npe at its default size = 16: 64-byte operand ports, half those of size = 32 (the simd_mac model's port terms)
  'xr-npe-16': { label: 'xr-npe-16', file: 'xr-npe.qacc', accel: 'xr_npe', sets: ['size=16'] },
};

/** The engine's own cost (its sub-units blackboxed) of `accel` resized to rows × cols, as `--synth` synthesizes it. */
async function engineAt(accel: IrAccelerator, rows: number, cols: number): Promise<{ own: SynthStats; seconds: number; cached: boolean; key: string }> {
  const { engine, subs } = engineFiles(engineSampleAccelerator(accel, rows, cols));
  const o = await synthesizeUnit(engine.name, {}, [engine], subs, { flow, onUnit: (u) => console.error(`  synthesizing ${u} at ${rows} × ${cols}`) });
  const key = synthCacheKey({ flow, yosys: yosysVersion(), module: engine.name, params: {}, files: [engine], libFiles: subs });
  return { own: o.result.own, seconds: o.seconds, cached: o.cached, key };
}

/** The engine syntheses the suite's held-out check reads (test/estimate/synth/engine-holdout.test.ts). */
const ENGINE_FIXTURE = resolve(ROOT, 'test/estimate/engine-synth-samples.json');

/**
 * The tile engine extrapolation of `--synth` (src/estimate/synth/engine-fit.ts) checked: fitted on its
 * sample sizes (the kind's CostFacet.engineGrowth, else the generic model), compared with the engine
 * synthesized at held-out sizes (QACC_ENGINE_CHECK=8x8,16x4 … ; default 8x8; 0 skips them), and its
 * predictions at the example's own size (beyond 8), 32 × 32 and 64 × 16 (extrapolated, not synthesized).
 */
async function engineFit(): Promise<void> {
  const names = args.filter((a) => a in ENGINE_EXAMPLES);
  const checks = (process.env.QACC_ENGINE_CHECK ?? '8x8').split(',').filter((c) => c !== '0').map((c) => c.split('x').map(Number));
  console.log(`\n| tile engine (${flow} flow, sub-units blackboxed) | rows × cols | role | cells | transistors | memory bits | levels | fit: transistors | error | seconds |`);
  console.log('|---|---|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const name of names.length ? names : Object.keys(ENGINE_EXAMPLES)) {
    const accel = elaborate(ENGINE_EXAMPLES[name]);
    const growth = engineGrowth(accel);
    console.error(`${name}: model ${engineModelName(growth)} — ${growth.note}`);
    const samples = [];
    for (const p of growth.points) samples.push({ ...p, ...(await engineAt(accel, p.rows, p.cols)) });
    const row = (rows: number, cols: number, role: string, f?: { own: SynthStats; seconds: number; cached: boolean }): void => {
      const pred = extrapolateEngine(samples, rows, cols, growth);
      const got = f?.own;
      const err = got ? pct(pred.transistors / got.transistors - 1) : 'extrapolated';
      console.log(`| ${name} | ${rows} × ${cols} | ${role} | ${fmt(got?.cells ?? pred.cells)} | ${got ? fmt(got.transistors) : '—'} | ${fmt(got?.memory_bits ?? pred.memory_bits)} | ${got?.levels ?? pred.levels} | ${fmt(pred.transistors)} | ${err} | ${f ? `${f.seconds.toFixed(1)}${f.cached ? ' (cached)' : ''}` : '—'} |`);
    };
    for (const s of samples) row(s.rows, s.cols, 'fit', s);
    const held = [];
    for (const [r, c] of checks) {
      const h = { rows: r, cols: c, ...(await engineAt(accel, r, c)) };
      held.push(h);
      row(r, c, 'held out', h);
    }
    const own = accel.arrays[0];
    const predicted = [[own.rows, own.cols], [32, 32], [64, 16]].filter(([r, c], i, all) => (r > 8 || c > 8) && all.findIndex(([r2, c2]) => r2 === r && c2 === c) === i);
    for (const [r, c] of predicted) row(r, c, 'predicted');
    if (flow === 'generic') writeEngineFixture(name, [...samples.map((s) => ({ ...s, role: 'fit' })), ...held.map((h) => ({ ...h, role: 'held out' }))]);
  }
}

/** Records one example's engine syntheses in ENGINE_FIXTURE (other examples' entries kept). */
function writeEngineFixture(name: string, points: readonly { rows: number; cols: number; role: string; key: string; own: SynthStats }[]): void {
  let doc: { yosys: string; flow: string; examples: Record<string, unknown> } = { yosys: yosysVersion(), flow, examples: {} };
  try {
    doc = JSON.parse(readFileSync(ENGINE_FIXTURE, 'utf8')) as typeof doc;
  } catch {
    // first run: a new file
  }
  doc.yosys = yosysVersion();
  doc.examples[name] = {
    example: ENGINE_EXAMPLES[name],
    rtl: `the engine RTL generated at recording (${new Date().toISOString()}); keys: synthesis cache keys`,
    points: points.map((p) => ({ rows: p.rows, cols: p.cols, role: p.role, key: p.key, transistors: p.own.transistors, cells: p.own.cells, memory_bits: p.own.memory_bits, levels: p.own.levels })),
  };
  writeFileSync(`${ENGINE_FIXTURE}.tmp`, `${JSON.stringify(doc, null, 2)}\n`);
  renameSync(`${ENGINE_FIXTURE}.tmp`, ENGINE_FIXTURE);
  console.error(`  wrote ${ENGINE_FIXTURE}`);
}

/**
 * Design points of the engine-units study: an example's accelerator with parameter overrides, resized to
 * rows × cols as an engine sample (engineSampleAccelerator: lowrank_gemm keeps the design's passes per tile).
 */
interface UnitPoint extends Point {
  readonly rows: number;
  readonly cols: number;
  /** Whether the model is fitted on the point or checked against it. */
  readonly role: 'fit' | 'held out';
}
const ENGINE_UNIT_POINTS: Readonly<Record<string, UnitPoint>> = Object.fromEntries(
  (
    [
      ['w4a4-l16-4x4', 'fit', 'svdquant_w4a4', 16, 4, 4, 4],
      ['w4a4-l32-4x4-b1', 'fit', 'svdquant_w4a4', 32, 4, 4, 1],
      ['w4a4-l16-8x8-b2', 'fit', 'svdquant_w4a4', 16, 8, 8, 2],
      ['w4a4-l32-8x8-b1', 'fit', 'svdquant_w4a4', 32, 8, 8, 1],
      ['w4a4-l64-16x16', 'held out', 'svdquant_w4a4', 64, 16, 16, 4],
      ['nvfp4-l16-4x4-b1', 'fit', 'svdquant_nvfp4', 16, 4, 4, 1],
      ['nvfp4-l32-4x4-b2', 'fit', 'svdquant_nvfp4', 32, 4, 4, 2],
      ['nvfp4-l64-16x16', 'held out', 'svdquant_nvfp4', 64, 16, 16, 4],
    ] as const
  ).map(([label, role, accel, lanes, rows, cols, banks]) => [label, { label, role, file: 'svdquant.qacc', accel, sets: [`lanes=${lanes}`, `banks=${banks}`], rows, cols }]),
);

/** The engine-units study's record (test/estimate/engine-unit-samples.json). */
const UNIT_FIXTURE = resolve(ROOT, 'test/estimate/engine-unit-samples.json');

async function engineUnits(): Promise<void> {
  const names = args.filter((a) => a in ENGINE_UNIT_POINTS);
  let doc: { yosys: string; flow: string; points: Record<string, unknown> } = { yosys: yosysVersion(), flow, points: {} };
  try {
    doc = JSON.parse(readFileSync(UNIT_FIXTURE, 'utf8')) as typeof doc;
  } catch {
    // first run: a new file
  }
  if (doc.yosys !== yosysVersion() || doc.flow !== flow) throw new Error(`${UNIT_FIXTURE} holds Yosys ${doc.yosys} ${doc.flow} samples; this is ${yosysVersion()} ${flow}`);
  console.log(`\n| point (${flow} flow) | unit | cells | transistors | memory bits | levels | seconds |`);
  console.log('|---|---|---:|---:|---:|---:|---:|');
  for (const name of names.length ? names : Object.keys(ENGINE_UNIT_POINTS)) {
    const p = ENGINE_UNIT_POINTS[name];
    const accel = engineSampleAccelerator(elaborate(p), p.rows, p.cols);
    const prefix = `${accel.name}_top`;
    const units: Record<string, unknown>[] = [];
    const { engine, subs } = engineFiles(accel);
    // the engine's own logic is the slowest of them (minutes at any size) and a small part: QACC_UNITS_ENGINE=0 skips it
    const e = process.env.QACC_UNITS_ENGINE === '0' ? undefined : await synthesizeUnit(engine.name, {}, [engine], subs, { flow, onUnit: (u) => console.error(`  synthesizing ${u} (${name})`) });
    const eName = engine.name.slice(prefix.length);
    if (e) {
      console.log(`| ${name} | ${eName} | ${fmt(e.result.own.cells)} | ${fmt(e.result.own.transistors)} | ${fmt(e.result.own.memory_bits)} | ${e.result.own.levels} | ${e.cached ? 'cached' : e.seconds.toFixed(1)} |`);
      units.push({ unit: eName, module: engine.name, transistors: e.result.own.transistors, cells: e.result.own.cells, memory_bits: e.result.own.memory_bits, levels: e.result.own.levels });
    }
    // QACC_UNITS_SKIP=<ending>,…: sub-units left out (too slow for the time at hand; the record then lacks them)
    const skip = (process.env.QACC_UNITS_SKIP ?? '').split(',').filter((e) => e !== '');
    for (const r of await synthesizeEngineUnits(accel, { flow, onUnit: (u) => console.error(`  synthesizing ${u} (${name})`) }, (m) => skip.some((e) => m.endsWith(e)))) {
      for (const u of r.units) {
        const unit = u.module.startsWith(prefix) ? u.module.slice(prefix.length) : u.module;
        if (units.some((x) => x.unit === unit)) continue;
        console.log(`| ${name} | ${unit} | ${fmt(u.own.cells)} | ${fmt(u.own.transistors)} | ${fmt(u.own.memory_bits)} | ${u.own.levels} | ${u.cached ? 'cached' : u.seconds.toFixed(1)} |`);
        units.push({ unit, module: u.module, transistors: u.own.transistors, cells: u.own.cells, memory_bits: u.own.memory_bits, levels: u.own.levels, ...(u.no_share ? { no_share: true } : {}) });
      }
    }
    doc.points[name] = { role: p.role, example: { file: p.file, accel: p.accel, sets: p.sets }, rows: p.rows, cols: p.cols, recorded: new Date().toISOString(), rtl: engineRtlDigest(accel), units };
    writeFileSync(`${UNIT_FIXTURE}.tmp`, `${JSON.stringify(doc, null, 2)}\n`);
    renameSync(`${UNIT_FIXTURE}.tmp`, UNIT_FIXTURE);
  }
}

/**
 * Design points of the outside study (the examples at their declared sizes): the model of the buffers' port
 * logic is fitted on the buffers of the points whose `buffers` role is `fit` and checked against the others;
 * the controller's on the tops whose `top` role is `fit` (the queues are the same at every point).
 */
type Role = 'fit' | 'held out';
const OUTSIDE_POINTS: Readonly<Record<string, Point & { readonly buffers: Role; readonly top: Role }>> = {
  mac_int8: { label: 'mac_int8', buffers: 'fit', top: 'fit', file: 'mac-ws.qacc', accel: 'mac_int8' },
  xr_npe: { label: 'xr_npe', buffers: 'fit', top: 'fit', file: 'xr-npe.qacc', accel: 'xr_npe' },
  bitmod: { label: 'bitmod', buffers: 'held out', top: 'fit', file: 'bitmod.qacc', accel: 'bitmod' },
  svdquant_w4a4: { label: 'svdquant_w4a4', buffers: 'held out', top: 'held out', file: 'svdquant.qacc', accel: 'svdquant_w4a4' },
};

/** The outside study's record (test/estimate/outside-engine-samples.json). */
const OUTSIDE_FIXTURE = resolve(ROOT, 'test/estimate/outside-engine-samples.json');

async function outsideUnits(): Promise<void> {
  const names = args.filter((a) => a in OUTSIDE_POINTS);
  if (flow !== 'generic') throw new Error('the outside study records the generic flow (the analytic model is in transistors)');
  let doc: { yosys: string; flow: string; points: Record<string, unknown> } = { yosys: yosysVersion(), flow, points: {} };
  try {
    doc = JSON.parse(readFileSync(OUTSIDE_FIXTURE, 'utf8')) as typeof doc;
  } catch {
    // first run: a new file
  }
  if (doc.yosys !== yosysVersion() || doc.flow !== flow) throw new Error(`${OUTSIDE_FIXTURE} holds Yosys ${doc.yosys} ${doc.flow} samples; this is ${yosysVersion()} ${flow}`);
  console.log(`\n| point (${flow} flow) | unit | cells | transistors | memory bits | levels | seconds |`);
  console.log('|---|---|---:|---:|---:|---:|---:|');
  for (const name of names.length ? names : Object.keys(OUTSIDE_POINTS)) {
    const p = OUTSIDE_POINTS[name];
    const { modules, top } = acceleratorModules(elaborate(p));
    const byName = new Map(modules.map((m) => [m.name, m]));
    const children = moduleDependencies(modules);
    // the top (its sub-units blackboxed), then its queues (at the two entry widths it instantiates) and buffers, as --synth cuts them
    const jobs: [string, Record<string, number>][] = [[top, {}]];
    for (const c of children.get(top) ?? []) {
      if (c.endsWith('_iq')) for (const w of new Set(Object.values(QUEUE_ENTRY_BITS))) jobs.push([c, { W: w }]);
      else if (/_buf_[a-z]+$/.test(c)) jobs.push([c, {}]);
    }
    const units: Record<string, unknown>[] = [];
    for (const [module, params] of jobs) {
      const files = [byName.get(module)!];
      const libFiles = (children.get(module) ?? []).map((n) => byName.get(n)!);
      const r = await synthesizeUnit(module, params, files, libFiles, { flow, onUnit: (u) => console.error(`  synthesizing ${u} (${name})`) });
      const unit = `${module.slice(top.length) || '_top'}${Object.entries(params).map(([k, v]) => `#${k}=${v}`).join('')}`;
      const o = r.result.own;
      console.log(`| ${name} | ${unit} | ${fmt(o.cells)} | ${fmt(o.transistors)} | ${fmt(o.memory_bits)} | ${o.levels} | ${r.cached ? 'cached' : r.seconds.toFixed(1)} |`);
      const key = synthCacheKey({ flow: 'generic', yosys: yosysVersion(), module, params, files, libFiles });
      const role = module === top ? p.top : /_buf_[a-z]+$/.test(module) ? p.buffers : 'fit';
      units.push({ unit, module, params, role, key, transistors: o.transistors, cells: o.cells, memory_bits: o.memory_bits, levels: o.levels });
    }
    doc.points[name] = { example: { file: p.file, accel: p.accel, sets: p.sets ?? [] }, recorded: new Date().toISOString(), units };
    writeFileSync(`${OUTSIDE_FIXTURE}.tmp`, `${JSON.stringify(doc, null, 2)}\n`);
    renameSync(`${OUTSIDE_FIXTURE}.tmp`, OUTSIDE_FIXTURE);
  }
}

if (what === 'engine-units') await engineUnits();
if (what === 'outside') await outsideUnits();
if (what === 'engine') await engineFit();
if (what === 'compose') await compose();
if (what === 'xr-npe' || what === 'all') await xrNpe();
