/**
 * The tile-engine contract of the program-level RTL (docs/array-rtl.md "Engine interface"): one engine
 * generator per PE kind (RtlFacet.engine, src/pe/<folder>/rtl-engine.ts) turns a resolved target into the
 * engine module (plus whatever it instantiates). The top generator (top.ts) takes the generator from the
 * kind's RtlFacet and instantiates the module with exactly the ports the doc lists; the top's `engine:
 * 'none'` option instead builds the trapping `none` engine (docs/array-rtl.md "Restrictions").
 */
import type { Target } from '../../compile/target.js';
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

/**
 * Ports an engine has beyond docs/array-rtl.md's fixed list (RtlFacet.engineExtras; none by default):
 * write ports into buffers other than out (`<space>_wr_en/addr/data/mask`, the buffer then has a second
 * write port beside the load DMA's), and `cfg_round`, the setfmt rounding register (2 bits, ISA codes).
 */
export interface EngineExtras {
  readonly writes: readonly ('act' | 'meta')[];
  readonly rounding: boolean;
}
