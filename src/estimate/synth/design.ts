/**
 * Synthesis of an elaborated accelerator (`qacc estimate --synth`): generates its Verilog
 * (src/codegen/verilog, exactly what `qacc build` writes) and synthesizes it hierarchically
 * (synthesize.ts): `synthesizeDesign` the whole accelerator top (controller, instruction queues, buffers,
 * tile engine, PEs), `synthesizePe` the PE module alone, flattened (calibration, the XR-NPE experiment).
 * Beyond 8 rows or columns the tile engine's own logic is extrapolated from smaller arrays (engine-fit.ts);
 * everything else, its PEs and sub-units included, is synthesized at the design's size.
 */
import { createHash } from 'node:crypto';
import { generateAcceleratorRtl } from '../../codegen/verilog/design.js';
import { resolveTarget } from '../../compile/target.js';
import type { TargetOf } from '../../pe/facets/compile.js';
import { costFacet, type EngineGrowth } from '../../pe/facets/cost.js';
import type { PeKind } from '../../pe/kinds.js';
import type { IrAccelerator } from '../../ir/types.js';
import { rtlTemplates } from '../../verify/rtl/templates.js';
import type { VerilogModule } from './modules.js';
import { EstimateError } from '../errors.js';
import { ENGINE_EXACT_MAX_SIDE, engineModelName, engineNeedsFit, extrapolateEngine, extrapolateInstances, GENERIC_ENGINE_GROWTH } from './engine-fit.js';
import { instantiationCount, moduleDependencies, stripVerilogComments, subtree } from './modules.js';
import { synthesizeModules, synthesizeUnit, type UnitOutcome } from './synthesize.js';
import type { ChildInstances } from './netlist.js';
import type { SynthOptions, SynthReport, SynthStats } from './types.js';

/** Units above the flattened leaves in a whole design: the top, its children, the engine's children. */
export const DESIGN_CUT_DEPTH = 2;

/** The generated Verilog modules of an accelerator (all, or those under rtl/ named in `only`), its top and its PE top. */
export function acceleratorModules(accel: IrAccelerator, only?: readonly string[]): { modules: VerilogModule[]; top: string; peTop: string } {
  const rtl = generateAcceleratorRtl(accel, rtlTemplates, { source: accel.name, version: 'synth' });
  const keep = only === undefined ? undefined : new Set(only);
  const modules = rtl.files
    .filter((f) => /^rtl\/[^/]+\.v$/.test(f.path) && (keep === undefined || keep.has(f.path)))
    .map((f) => ({ name: f.path.slice('rtl/'.length, -'.v'.length), text: f.text }));
  return { modules, top: rtl.acceleratorTop, peTop: rtl.top };
}

/** The tile engine: the top's child `<top>_engine_<kind>` (src/codegen/verilog/top.ts names it). */
export function engineModule(modules: readonly VerilogModule[], top: string): string | undefined {
  return (moduleDependencies(modules).get(top) ?? []).find((m) => m.startsWith(`${top}_engine_`));
}

/** The accelerator with its arrays resized to rows × cols (RTL generation at another size). */
export function resizedAccelerator(accel: IrAccelerator, rows: number, cols: number): IrAccelerator {
  return { ...accel, arrays: accel.arrays.map((a) => ({ ...a, rows, cols, pes: rows * cols, macsPerCycle: rows * cols * a.pe.macsPerCycle })) };
}

/** The engine module and its direct sub-modules of an accelerator's generated RTL. */
export function engineFiles(accel: IrAccelerator): { engine: VerilogModule; subs: VerilogModule[] } {
  const { modules, top } = acceleratorModules(accel);
  const name = engineModule(modules, top);
  const engine = modules.find((m) => m.name === name);
  if (!engine) throw new Error(`no tile engine under ${top}`);
  const subs = moduleDependencies(modules).get(engine.name) ?? [];
  return { engine, subs: modules.filter((m) => subs.includes(m.name)) };
}

/** How the accelerator's tile engine grows with the array: its kind's declared terms, else the generic model. */
export function engineGrowth(accel: IrAccelerator): EngineGrowth {
  const t = resolveTarget(accel);
  return costFacet(t.pe.kind).engineGrowth?.(t as TargetOf<PeKind>) ?? GENERIC_ENGINE_GROWTH;
}

/**
 * The accelerator an engine fit sample (or held-out check) at rows × cols is generated from: resized, its
 * PE the growth's samplePe there where the kind declares one (the declared tile scaled to keep the
 * design's passes, lowrank_gemm), else the design's own.
 */
export function engineSampleAccelerator(accel: IrAccelerator, rows: number, cols: number, growth: EngineGrowth = engineGrowth(accel)): IrAccelerator {
  const resized = resizedAccelerator(accel, rows, cols);
  const pe = growth.samplePe?.(rows, cols);
  return pe ? { ...resized, arrays: resized.arrays.map((a) => ({ ...a, pe })) } : resized;
}

/** The design's own tile engine: the modules it instantiates directly, and its Verilog. */
interface FullEngine {
  readonly children: readonly string[];
  readonly text: string;
}

/**
 * The engine's sub-units generated per array size (extrapolatedEngine): `varying`, the sample modules absent from
 * some sample; `atDesign`, the design engine's modules absent from some sample, which stand for them. `refusal`
 * names a varying module when they do not pair up: every sample must instantiate exactly one of each, as many as
 * the design's engine has, and the design's engine must name each of its own once.
 */
function perSizeUnits(samples: readonly { readonly children: readonly ChildInstances[] }[], full: FullEngine): { varying: ReadonlySet<string>; atDesign: readonly string[]; refusal?: string } {
  const bySample = samples.map((s) => new Set(s.children.map((c) => c.module)));
  const inEvery = (m: string): boolean => bySample.every((b) => b.has(m));
  const varying = new Set(samples.flatMap((s) => s.children.map((c) => c.module)).filter((m) => !inEvery(m)));
  const atDesign = full.children.filter((m) => !inEvery(m));
  if (!varying.size) return { varying, atDesign: [] };
  const body = stripVerilogComments(full.text);
  const once = (m: string): boolean => instantiationCount(body, m) === 1;
  const paired = samples.every((s) => {
    const v = s.children.filter((c) => varying.has(c.module));
    return v.length === atDesign.length && v.every((c) => c.count === 1 && Object.keys(c.params).length === 0);
  });
  return paired && atDesign.length > 0 && atDesign.every(once) ? { varying, atDesign } : { varying, atDesign, refusal: [...varying][0] };
}

/**
 * The tile engine of a large array: its own logic and its sub-unit instance counts extrapolated from
 * syntheses at the growth model's points (engine-fit.ts); the count of the PE (the sub-unit instantiated
 * rows × cols times at every sample) must come out as rows × cols.
 */
async function extrapolatedEngine(accel: IrAccelerator, rows: number, cols: number, full: FullEngine, options: SynthOptions): Promise<UnitOutcome> {
  const growth = engineGrowth(accel);
  const points = growth.points;
  const samples: { rows: number; cols: number; own: SynthStats; children: readonly ChildInstances[] }[] = [];
  let seconds = 0;
  let cached = true;
  for (const [i, p] of points.entries()) {
    const { engine, subs } = engineFiles(engineSampleAccelerator(accel, p.rows, p.cols, growth));
    const o = await synthesizeUnit(engine.name, {}, [engine], subs, { ...options, onUnit: options.onUnit && ((u) => options.onUnit!(`${u} at ${p.rows}×${p.cols} (engine fit)`, i, points.length)) }, { index: i, count: points.length }).catch((err: unknown) => {
      const [first, ...rest] = (err as Error).message.split('\n');
      throw new Error([`${first} (the tile engine at ${p.rows} × ${p.cols}, a sample of its growth fit for ${rows} × ${cols})`, ...rest].join('\n'));
    });
    samples.push({ ...p, own: o.result.own, children: o.result.children });
    seconds += o.seconds;
    cached &&= o.cached;
  }
  // A sub-unit generated per size (its module differs between the samples, e.g. the mac output-stationary engine's
  // operand stagings, named by their banks) has no count to fit: the design's own is another module. Where every
  // sample instantiates each such sub-unit once, with as many of them as the design's engine has modules of its own
  // (absent from some sample), those modules are the design's counterparts: each is synthesized at the design's size
  // and counted once. Anything else is refused.
  const perSize = perSizeUnits(samples, full);
  if (perSize.refusal !== undefined) {
    throw new EstimateError(`--synth: the tile engine cannot be extrapolated to ${rows} × ${cols}: its sub-unit ${perSize.refusal} is generated per array size (its module differs between the fit's sample sizes, and not as one instance per sample matching the design's own), so its count does not extrapolate; synthesize an array of at most ${growth.exactMaxSide ?? ENGINE_EXACT_MAX_SIDE} × ${growth.exactMaxSide ?? ENGINE_EXACT_MAX_SIDE}, or use the analytic estimate (without --synth)`);
  }
  const fitted = perSize.varying.size ? samples.map((s) => ({ ...s, children: s.children.filter((c) => !perSize.varying.has(c.module)) })) : samples;
  const children = [...extrapolateInstances(fitted, rows, cols, growth), ...perSize.atDesign.map((module) => ({ module, params: {}, count: 1 }))];
  const perPe = (module: string): boolean => samples.every((s) => s.children.filter((c) => c.module === module).reduce((n, c) => n + c.count, 0) === s.rows * s.cols);
  const pe = children.find((c) => perPe(c.module));
  if (!pe || pe.count !== rows * cols) throw new Error(`engine extrapolation: ${pe?.count ?? 0} PE instances predicted for a ${rows} × ${cols} array`);
  return { result: { own: extrapolateEngine(samples, rows, cols, growth), children }, cached, seconds, extrapolated: { rows, cols, points, model: engineModelName(growth) } };
}

/**
 * The options with the modules the accelerator's PE kind synthesizes without resource sharing
 * (CostFacet.synthNoShare) and as units of their own (CostFacet.synthUnits).
 */
function kindOptions(accel: IrAccelerator, options: SynthOptions): SynthOptions {
  const cost = costFacet(resolveTarget(accel).pe.kind);
  const noShare = cost.synthNoShare ?? [];
  const own = cost.synthUnits ?? [];
  return {
    ...options,
    ...(noShare.length ? { noShare: (m: string) => noShare.some((e) => m.endsWith(e)) || (options.noShare?.(m) ?? false) } : {}),
    ...(own.length ? { ownUnit: (m: string) => own.some((e) => m.endsWith(e)) || (options.ownUnit?.(m) ?? false) } : {}),
  };
}

/** Synthesizes an accelerator's whole design (its top and everything below), hierarchically. */
export function synthesizeDesign(accel: IrAccelerator, given: SynthOptions): Promise<SynthReport> {
  const options = kindOptions(accel, given);
  const { modules, top } = acceleratorModules(accel);
  const array = accel.arrays[0];
  const engine = engineModule(modules, top);
  if (!array || !engine || !engineNeedsFit(array.rows, array.cols, engineGrowth(accel).exactMaxSide)) return synthesizeModules(modules, top, DESIGN_CUT_DEPTH, options);
  return synthesizeModules(modules, top, DESIGN_CUT_DEPTH, options, async (module, _params, depth) => (module === engine && depth === 1 ? extrapolatedEngine(accel, array.rows, array.cols, { children: moduleDependencies(modules).get(engine) ?? [], text: modules.find((m) => m.name === engine)?.text ?? '' }, options) : undefined));
}

/**
 * The module an accelerator's PE array is made of, among its generated modules: the one whose name ends with
 * its kind's `CostFacet.arrayPeModule` (or matches it, a RegExp: the tile engine's own PE), else the PE top.
 * Throws when it names no module or several.
 */
export function arrayPeModule(accel: IrAccelerator, modules: readonly VerilogModule[], peTop: string): string {
  const ending = costFacet(resolveTarget(accel).pe.kind).arrayPeModule;
  if (ending === undefined) return peTop;
  const matches = (name: string): boolean => (typeof ending === 'string' ? name.endsWith(ending) : ending.test(name));
  const named = modules.filter((m) => matches(m.name)).map((m) => m.name);
  if (named.length !== 1) throw new Error(`the array's PE module (name ${typeof ending === 'string' ? `ending ${ending}` : `matching ${ending.source}`}) is ${named.length === 0 ? 'not among' : `ambiguous among`} the generated modules of ${accel.name}${named.length ? `: ${named.join(', ')}` : ''}`);
  return named[0];
}

/**
 * Synthesizes the PE the accelerator's array is made of (arrayPeModule: the PE top, or the tile engine's own
 * PE where the kind declares one), alone and flattened: what `npm run calibrate` fits the area models on.
 */
export function synthesizeArrayPe(accel: IrAccelerator, given: SynthOptions): Promise<SynthReport> {
  const options = kindOptions(accel, given);
  const { modules, peTop } = acceleratorModules(accel);
  return synthesizeModules(modules, arrayPeModule(accel, modules, peTop), 0, options);
}

/**
 * A digest of the generated Verilog of an accelerator's tile engine and every module below it (names and text,
 * sorted by name): what a record of engine syntheses is checked against, to see that it is of today's RTL.
 */
export function engineRtlDigest(accel: IrAccelerator): string {
  const { modules, top } = acceleratorModules(accel);
  const engine = engineModule(modules, top);
  if (!engine) throw new Error(`no tile engine under ${top}`);
  const names = new Set(subtree(engine, moduleDependencies(modules)));
  const h = createHash('sha256');
  for (const m of modules.filter((x) => names.has(x.name)).sort((a, b) => a.name.localeCompare(b.name))) h.update(`${m.name}\n${m.text}\n`);
  return h.digest('hex');
}

/**
 * Synthesizes the tile engine's sub-units of an accelerator (the engine's children but its array PE, and the
 * kind's own units below them), each exactly as `--synth` synthesizes it inside the whole design (flattened,
 * own units cut out: the same cache keys): what `npm run synth:study -- engine-units` records for a kind's
 * analytic engine model (CostFacet.engineArea). Modules `skip` names are neither synthesized nor reported.
 */
export async function synthesizeEngineUnits(accel: IrAccelerator, given: SynthOptions, skip: (module: string) => boolean = () => false): Promise<SynthReport[]> {
  const options = kindOptions(accel, given);
  const { modules, top, peTop } = acceleratorModules(accel);
  const engine = engineModule(modules, top);
  if (!engine) throw new Error(`no tile engine under ${top}`);
  const pe = arrayPeModule(accel, modules, peTop);
  const reports: SynthReport[] = [];
  const own = options.ownUnit;
  // `skip`: sub-units (or own units below them) left out, e.g. one too slow for the time at hand
  const opts = { ...options, ownUnit: (m: string) => skip(m) || (own?.(m) ?? false) };
  for (const m of moduleDependencies(modules).get(engine) ?? []) if (m !== pe && !skip(m)) reports.push(await synthesizeModules(modules, m, 0, opts, async (u) => (skip(u) ? { result: { own: { cells: 0, cell_types: {}, transistors: 0, memory_bits: 0, levels: 0 }, children: [] }, cached: true, seconds: 0 } : undefined)));
  // the skipped units stand in as empty: leave them out of the reports
  return reports.map((r) => ({ ...r, units: r.units.filter((u) => !skip(u.module)) }));
}

/** Synthesizes an accelerator's PE module alone, flattened. */
export function synthesizePe(accel: IrAccelerator, given: SynthOptions): Promise<SynthReport> {
  const options = kindOptions(accel, given);
  const rtl = generateAcceleratorRtl(accel, rtlTemplates, { source: accel.name, version: 'synth' });
  const { modules } = acceleratorModules(accel, rtl.peFiles);
  return synthesizeModules(modules, rtl.top, 0, options);
}
