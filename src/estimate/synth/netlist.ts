/**
 * Reads what Yosys wrote for one synthesis unit — its `write_json` netlist and its `stat` text — into
 * SynthStats: cells by type (sub-unit instances set apart as children), the `stat -tech cmos` transistor
 * estimate, memory bits of the $mem_v2 macros, UltraScale+ resources, and the longest combinational path
 * (levels.ts). Parameter values in the JSON are binary strings; sub-unit parameters become numbers.
 */
import type { SynthFlow, SynthStats, XilinxResources } from './types.js';
import { longestCombinationalPath, type JsonCell, type JsonModule } from './levels.js';

/** A Yosys `write_json` document (only what qacc reads). */
export interface JsonNetlist {
  readonly modules: Readonly<Record<string, JsonModule>>;
}

/** A sub-unit the netlist instantiates: module name, parameter values, how many times. */
export interface ChildInstances {
  readonly module: string;
  readonly params: Readonly<Record<string, number>>;
  readonly count: number;
}

/** The unit key of a module with parameter values: `name` or `name#(P=v,Q=w)` (parameters sorted). */
export function unitKey(module: string, params: Readonly<Record<string, number>>): string {
  const ps = Object.keys(params).sort().map((k) => `${k}=${params[k]}`);
  return ps.length ? `${module}#(${ps.join(',')})` : module;
}

/** A Yosys parameter value (binary string, or a number/string for attributes) as a number; NaN when not numeric. */
export function paramNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^[01]+$/.test(v)) return parseInt(v, 2);
  return Number.NaN;
}

/** Storage cells of Yosys's fine-grained library (flip-flops of every kind, latches). */
const STORAGE_CELL = /^\$_(\w*DFF\w*|\w*DLATCH\w*|SR_\w+)_$/;
/** The storage cells `stat -tech cmos` prices (16 transistors each); it counts every other as 0. */
const PRICED_STORAGE = new Set(['$_DFF_P_', '$_DFF_N_']);

/**
 * The storage cells of a generic netlist that `stat -tech cmos` would count as 0 transistors (the flow's
 * `dffunmap`, synthesize.ts, leaves none for the generated RTL; an asynchronous reset or a latch would be one).
 */
export function unpricedStorageCells(types: Readonly<Record<string, number>>): string[] {
  return Object.keys(types).filter((t) => STORAGE_CELL.test(t) && !PRICED_STORAGE.has(t)).sort();
}

/** Cells Yosys leaves for bookkeeping, not hardware. */
const BOOKKEEPING = new Set(['$scopeinfo']);

/** Counts UltraScale+ resources from cell types (XilinxResources documents the units). */
export function xilinxResources(types: Readonly<Record<string, number>>): XilinxResources {
  let lut = 0, ff = 0, carry = 0, dsp = 0, bram = 0, lutram = 0;
  for (const [t, n] of Object.entries(types)) {
    if (/^LUT[1-6](_2)?$/.test(t)) lut += n;
    else if (/^(FD[CPRS]E|LD[CP]E)$/.test(t)) ff += n;
    else if (/^CARRY[48]$/.test(t)) carry += n;
    else if (/^DSP48E[12]$/.test(t)) dsp += n;
    else if (/^RAMB36E[12]$/.test(t)) bram += n;
    else if (/^RAMB18E[12]$/.test(t)) bram += n / 2;
    else if (/^(RAM(32|64|128|256|512)|SRL)/.test(t)) lutram += n;
  }
  return { lut, ff, carry, dsp, bram, lutram };
}

/** The unit's stats and its direct sub-unit instances, from Yosys's JSON netlist and `stat` text. */
export function readUnitNetlist(json: JsonNetlist, stat: string, module: string, childModules: ReadonlySet<string>, flow: SynthFlow): { stats: SynthStats; children: ChildInstances[] } {
  const mod = json.modules[module];
  if (!mod) throw new Error(`yosys wrote no netlist for module ${module}`);
  const types: Record<string, number> = {};
  const children = new Map<string, ChildInstances>();
  let memoryBits = 0;
  let cells = 0;
  for (const cell of Object.values(mod.cells) as JsonCell[]) {
    if (BOOKKEEPING.has(cell.type)) continue;
    if (childModules.has(cell.type)) {
      const params: Record<string, number> = {};
      for (const [k, v] of Object.entries(cell.parameters ?? {})) params[k] = paramNumber(v);
      const key = unitKey(cell.type, params);
      const had = children.get(key);
      children.set(key, { module: cell.type, params, count: (had?.count ?? 0) + 1 });
      continue;
    }
    cells++;
    types[cell.type] = (types[cell.type] ?? 0) + 1;
    if (cell.type === '$mem_v2') memoryBits += paramNumber(cell.parameters?.WIDTH) * paramNumber(cell.parameters?.SIZE);
  }
  const unpriced = flow === 'generic' ? unpricedStorageCells(types) : [];
  if (unpriced.length) throw new Error(`the generic netlist of ${module} holds flip-flops that stat -tech cmos does not price (${unpriced.map((t) => `${types[t]} × ${t}`).join(', ')}): its transistor count would leave them out`);
  const tr = /Estimated number of transistors:\s+(\d+)/.exec(stat);
  const stats: SynthStats = {
    cells,
    cell_types: types,
    transistors: flow === 'generic' && tr ? Number(tr[1]) : 0,
    memory_bits: memoryBits,
    ...(flow === 'xilinx' ? { xilinx: xilinxResources(types) } : {}),
    levels: longestCombinationalPath(mod, childModules),
  };
  return { stats, children: [...children.values()] };
}
