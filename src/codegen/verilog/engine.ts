/**
 * The tile-engine contract of the program-level RTL (docs/array-rtl.md "Engine interface"): one engine
 * generator per PE kind turns a resolved target into the engine module (plus whatever it instantiates).
 * The top generator (top.ts) looks the generator up in `ENGINES` by the PE kind and instantiates the
 * module with exactly the ports the doc lists; a kind without a generator gets no tile engine, and the
 * top then traps on any tile or epilogue instruction (docs/array-rtl.md "Restrictions").
 */
import type { Target } from '../../compile/target.js';
import type { IrPe } from '../../ir/types.js';
import { bitSerialModEngine } from './engine-bit-serial-mod.js';
import { lowRankEngine } from './engine-lowrank.js';
import { macEngine } from './engine-mac.js';
import { simdMacEngine } from './engine-simd-mac.js';
import type { RtlModule } from './module-set.js';

/** What an engine generator needs besides the target. */
export interface EngineContext {
  /** The engine module's name (legal, unique; chosen by the top generator). */
  readonly moduleName: string;
  /** Prefix for the names of the modules the engine instantiates (e.g. `<top>_`), for uniqueness. */
  readonly prefix: string;
  /**
   * The name of the PE module as the PE-level design generates it (peTopName): an engine that
   * instantiates the PE module itself uses this name, so one build holds one copy of it.
   */
  readonly peModuleName: string;
}

/** Generates the tile engine of one PE kind. */
export type EngineGenerator = (t: Target, ctx: EngineContext) => RtlModule;

/** Engine generators by PE kind: each engine-<kind>.ts adds its import above and one entry here. */
export const ENGINES: Partial<Record<IrPe['kind'], EngineGenerator>> = {
  simd_mac: simdMacEngine,
  lowrank_gemm: lowRankEngine,
  bit_serial_mod: bitSerialModEngine,
  mac: macEngine,
};
