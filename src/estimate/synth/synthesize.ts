/**
 * Hierarchical synthesis of generated Verilog with Yosys (@yowasp/yosys, in a worker thread:
 * src/verify/rtl/yosys.ts). Each distinct unit (modules.ts says which modules are units) is synthesized
 * once, through the cache (cache.ts) when it holds the same RTL; the whole design's totals are each unit's
 * own cost times its number of copies, counted down from the top through the instance counts Yosys reports
 * for the blackboxed sub-units. A 32 × 32 array thus costs one PE synthesis, not 1024.
 *
 * Flows (the Yosys commands are FLOW_COMMANDS):
 * - generic: `synth -flatten -run begin:fine`, then gate mapping (`techmap; abc`) of everything but the
 *   memories, which stay `$mem_v2` macros — `memory_map` would turn each 64 KiB buffer into half a million
 *   flip-flops — and are reported as `memory_bits`, apart from the gates and from `stat -tech cmos`.
 *   Before `abc`, `dffunmap` turns every flip-flop with a synchronous reset or an enable ($_SDFF_*,
 *   $_DFFE_*, $_SDFFE_*, $_SDFFCE_*: what the generated `if (rst) … else if (en) …` registers become) into
 *   a plain $_DFF_P_ and gates (the reset an AND, the enable a MUX), which `abc` then optimizes with the rest
 *   of the logic; the later `opt` must not fold them back (`-nodffe -nosdff`). `stat -tech cmos` prices
 *   only the plain $_DFF_P_/$_DFF_N_ (16 transistors) among the flip-flop cells: the others add 0 and
 *   mark the total with `+` (probed on Yosys 0.55: 8 plain flip-flops 128 transistors, 8 with reset and
 *   enable 0+), so without this pass the registers of every unit were missing from its area.
 *   netlist.ts refuses a generic netlist that still holds an unpriced flip-flop.
 * - xilinx: `synth_xilinx -family xcup -flatten -noiopad` (UltraScale+; memories become block RAM or LUT
 *   RAM where Yosys's `memory_libmap` maps them). A memory it cannot map (more ports than a block RAM's two:
 *   the generated buffers' two write ports and one read port) is left a `$mem_v2` macro and reported as
 *   unmapped memory bits, not turned into flip-flops: the flow runs `synth_xilinx` to `map_ffram`, skips that
 *   step's `memory_map` (which made svdquant's 512 KiB activations buffer four million flip-flops and ran
 *   WebAssembly Yosys out of its 4 GiB) and resumes at `fine`.
 * A unit the options name in `noShare` is synthesized without Yosys's SAT-based resource sharing (generic
 * flow: `synth -noshare`; xilinx: `synth_xilinx`'s `coarse` step run by hand without `share`, which
 * synth_xilinx has no option for; its cache key says so): for a PE kind whose PE holds so many shifters and multipliers
 * behind multiplexers that `share`'s pairwise SAT problems outrun WebAssembly Yosys (lowrank_gemm's engine
 * PE, src/pe/lowrank-gemm/cost.ts). What it changes is small and of either sign (docs/estimate.md: −0.8% on
 * the self-bench's engine PE).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { runYosysInWorker } from '../../verify/rtl/yosys.js';
import { defaultSynthCacheDir, readCache, synthCacheKey, writeCache } from './cache.js';
import { cutSubtree, moduleDependencies, type VerilogModule } from './modules.js';
import { readUnitNetlist, unitKey, type ChildInstances, type JsonNetlist } from './netlist.js';
import type { SynthExtrapolation, SynthFlow, SynthOptions, SynthReport, SynthStats, SynthUnitReport } from './types.js';

/** Yosys commands of each flow after reading the files, for top module `top`. */
export const FLOW_COMMANDS: Readonly<Record<SynthFlow, (top: string, share?: boolean) => string[]>> = {
  generic: (top, share = true) => [`synth -top ${top} -flatten${share ? '' : ' -noshare'} -run begin:fine`, 'opt -fast -full', 'techmap', 'opt -fast', 'dffunmap', 'abc', 'opt -fast -nodffe -nosdff', 'opt_clean -purge'],
  xilinx: (top, share = true) => {
    const synth = `synth_xilinx -family xcup -top ${top} -flatten -noiopad`;
    // without share: synth_xilinx's `coarse` step (Yosys 0.55, `help synth_xilinx`, LUT_WIDTH 6 on xcup) less `share`
    const coarse = share ? [`${synth} -run begin:map_ffram`] : [`${synth} -run begin:coarse`, 'techmap -map +/cmp2lut.v -map +/cmp2lcu.v -D LUT_WIDTH=6', 'alumacc', 'opt', 'memory -nomap', 'opt_clean', `${synth} -run map_memory:map_ffram`];
    return [...coarse, 'opt -fast -full', `${synth} -run fine:`, 'opt_clean -purge'];
  },
};

/** Each flow's name in the cache key: changed with the flow's commands, so old entries stop matching (cache.ts). */
const FLOW_KEY: Readonly<Record<SynthFlow, string>> = { generic: 'generic', xilinx: 'xilinx, unmapped memories kept' };

let yosysVersionCache: string | undefined;

/** The @yowasp/yosys package version (part of every cache key). */
export function yosysVersion(): string {
  if (yosysVersionCache === undefined) {
    const main = createRequire(import.meta.url).resolve('@yowasp/yosys');
    const pkg = JSON.parse(readFileSync(join(dirname(main), '..', 'package.json'), 'utf8')) as { version: string };
    yosysVersionCache = pkg.version;
  }
  return yosysVersionCache;
}

/** What one unit's synthesis yields (the cached value). */
export interface UnitResult {
  readonly own: SynthStats;
  readonly children: readonly ChildInstances[];
}

/** Runs Yosys on one unit: `files` read normally (flattened), `libFiles` read as blackboxes. */
async function runUnit(module: string, params: Readonly<Record<string, number>>, files: readonly VerilogModule[], libFiles: readonly VerilogModule[], flow: SynthFlow, share: boolean): Promise<UnitResult> {
  const tree: Record<string, string> = {};
  for (const f of [...files, ...libFiles]) tree[`${f.name}.v`] = f.text;
  const script = [
    ...(libFiles.length ? [`read_verilog -lib ${libFiles.map((f) => `${f.name}.v`).join(' ')}`] : []),
    `read_verilog ${files.map((f) => `${f.name}.v`).join(' ')}`,
    ...Object.entries(params).map(([k, v]) => `chparam -set ${k} ${v} ${module}`),
    ...FLOW_COMMANDS[flow](module, share),
    'delete t:$scopeinfo',
    `tee -q -o stat.txt stat${flow === 'generic' ? ' -tech cmos' : ''} ${module}`,
    `select ${module}`,
    'write_json -selected net.json',
  ].join('; ');
  const reply = await runYosysInWorker(['-q', '-p', script], tree, ['stat.txt', 'net.json']);
  const tail = reply.log.trim().split('\n').slice(-8).join('\n');
  // WebAssembly Yosys has a 32-bit address space: a unit that needs more aborts with bad_alloc ("unreachable")
  const oom = /bad_alloc/.test(reply.log) ? 'out of memory (WebAssembly Yosys can address at most 4 GiB)' : undefined;
  if (!reply.ok || !reply.files?.['net.json']) throw new Error(`yosys could not synthesize ${unitKey(module, params)} (${flow}): ${oom ?? reply.message ?? 'no netlist'}\n${tail}`);
  const json = JSON.parse(reply.files['net.json']) as JsonNetlist;
  const { stats, children } = readUnitNetlist(json, reply.files['stat.txt'] ?? '', module, new Set(libFiles.map((f) => f.name)), flow);
  return { own: stats, children };
}

/** Adds `n` copies of `s` to the running total `t`. */
function addStats(t: SynthStats, s: SynthStats, n: number): SynthStats {
  const types: Record<string, number> = { ...t.cell_types };
  for (const [k, v] of Object.entries(s.cell_types)) types[k] = (types[k] ?? 0) + n * v;
  const x = t.xilinx, y = s.xilinx;
  return {
    cells: t.cells + n * s.cells,
    cell_types: types,
    transistors: t.transistors + n * s.transistors,
    memory_bits: t.memory_bits + n * s.memory_bits,
    ...(x || y ? { xilinx: { lut: (x?.lut ?? 0) + n * (y?.lut ?? 0), ff: (x?.ff ?? 0) + n * (y?.ff ?? 0), carry: (x?.carry ?? 0) + n * (y?.carry ?? 0), dsp: (x?.dsp ?? 0) + n * (y?.dsp ?? 0), bram: (x?.bram ?? 0) + n * (y?.bram ?? 0), lutram: (x?.lutram ?? 0) + n * (y?.lutram ?? 0) } } : {}),
    levels: Math.max(t.levels, s.levels),
  };
}

const EMPTY: SynthStats = { cells: 0, cell_types: {}, transistors: 0, memory_bits: 0, levels: 0 };

/** One unit's result and where it came from. */
export interface UnitOutcome {
  readonly result: UnitResult;
  readonly cached: boolean;
  readonly seconds: number;
  /** Set when the unit's own cost was not synthesized at its size but extrapolated (engine-fit.ts). */
  readonly extrapolated?: SynthExtrapolation;
}

/** Synthesizes one unit (`files` flattened, `libFiles` as blackboxes) through the cache. */
export async function synthesizeUnit(module: string, params: Readonly<Record<string, number>>, files: readonly VerilogModule[], libFiles: readonly VerilogModule[], options: SynthOptions, progress?: { readonly index: number; readonly count: number }): Promise<UnitOutcome> {
  const cacheDir = options.cacheDir === undefined ? defaultSynthCacheDir() : options.cacheDir;
  const share = !(options.noShare?.(module) ?? false);
  const key = synthCacheKey({ flow: share ? FLOW_KEY[options.flow] : `${FLOW_KEY[options.flow]} -noshare`, yosys: yosysVersion(), module, params, files, libFiles });
  const hit = cacheDir === null ? undefined : readCache<UnitResult>(cacheDir, key);
  if (hit) return { result: hit, cached: true, seconds: 0 };
  const u0 = performance.now();
  options.onUnit?.(unitKey(module, params), progress?.index ?? 0, progress?.count ?? 1);
  const result = await runUnit(module, params, files, libFiles, options.flow, share);
  if (cacheDir !== null) writeCache(cacheDir, key, result);
  return { result, cached: false, seconds: (performance.now() - u0) / 1000 };
}

/** Supplies a unit's outcome in place of a synthesis at its size (undefined: synthesize it as usual). */
export type UnitSubstitute = (module: string, params: Readonly<Record<string, number>>, depth: number) => Promise<UnitOutcome | undefined>;

/**
 * Synthesizes the design below `top` hierarchically (units: modules.ts, `cutDepth` levels of them above
 * the flattened leaves; 0 synthesizes `top` flat) and composes its totals. `substitute` may supply some
 * units' outcomes (the extrapolated tile engine of a large array, design.ts).
 */
export async function synthesizeModules(modules: readonly VerilogModule[], top: string, cutDepth: number, options: SynthOptions, substitute?: UnitSubstitute): Promise<SynthReport> {
  const t0 = performance.now();
  const flow = options.flow;
  const yosys = yosysVersion();
  const byName = new Map(modules.map((m) => [m.name, m]));
  if (!byName.has(top)) throw new Error(`no module ${top} among the generated files`);
  const deps = moduleDependencies(modules);
  interface Job { readonly module: string; readonly params: Readonly<Record<string, number>>; readonly depth: number }
  // A unit is synthesized differently above and at the cut depth: both are part of its identity.
  const idOf = (j: Job): string => `${unitKey(j.module, j.params)}${j.depth < cutDepth ? '' : ' flat'}`;
  const results = new Map<string, { job: Job; outcome: UnitOutcome; childIds: [string, number][] }>();
  const queue: Job[] = [{ module: top, params: {}, depth: 0 }];
  let ran = 0;
  while (queue.length) {
    const job = queue.shift()!;
    const id = idOf(job);
    if (results.has(id)) continue;
    const own = byName.get(job.module);
    if (!own) throw new Error(`no module ${job.module} among the generated files`);
    const flat = job.depth >= cutDepth;
    // flattened below the cut depth, except the own units met on the way (blackboxes, synthesized apart)
    const cut = flat ? cutSubtree(job.module, deps, (m) => options.ownUnit?.(m) ?? false) : undefined;
    const files = cut ? cut.files.map((n) => byName.get(n)!) : [own];
    const libFiles = (cut ? cut.cuts : (deps.get(job.module) ?? [])).map((n) => byName.get(n)!);
    const progress = { index: ran, count: results.size + queue.length + 1 };
    const outcome = (await substitute?.(job.module, job.params, job.depth)) ?? (await synthesizeUnit(job.module, job.params, files, libFiles, options, progress));
    if (!outcome.cached) ran++;
    const childIds: [string, number][] = [];
    for (const c of outcome.result.children) {
      const child: Job = { module: c.module, params: c.params, depth: job.depth + 1 };
      childIds.push([idOf(child), c.count]);
      queue.push(child);
    }
    results.set(id, { job, outcome, childIds });
  }
  // copies of each unit: multiply the instance counts down from the top (the unit graph is a shallow DAG)
  const copies = new Map<string, number>();
  const count = (id: string, n: number): void => {
    copies.set(id, (copies.get(id) ?? 0) + n);
    for (const [c, k] of results.get(id)!.childIds) count(c, n * k);
  };
  count(idOf({ module: top, params: {}, depth: 0 }), 1);
  let total = EMPTY;
  const units: SynthUnitReport[] = [];
  for (const [id, r] of results) {
    const n = copies.get(id) ?? 0;
    const { result, cached, seconds, extrapolated } = r.outcome;
    total = addStats(total, result.own, n);
    const children: Record<string, number> = {};
    for (const c of result.children) children[unitKey(c.module, c.params)] = (children[unitKey(c.module, c.params)] ?? 0) + c.count;
    const noShare = options.noShare?.(r.job.module) ?? false;
    units.push({ unit: unitKey(r.job.module, r.job.params), module: r.job.module, params: r.job.params, instances: n, depth: r.job.depth, own: result.own, children, cached, seconds, ...(extrapolated ? { extrapolated } : {}), ...(noShare ? { no_share: true as const } : {}) });
  }
  return { flow, yosys, top, units, total, seconds: (performance.now() - t0) / 1000 };
}
