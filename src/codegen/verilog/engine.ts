/**
 * The tile-engine contract of the program-level RTL (docs/array-rtl.md "Engine interface"): one engine
 * generator per PE kind (RtlFacet.engine, src/pe/<folder>/rtl-engine.ts) turns a resolved target into the
 * engine module (plus whatever it instantiates). The top generator (top.ts) takes the generator from the
 * kind's RtlFacet and instantiates the module with exactly the ports the doc lists; the top's `engine:
 * 'none'` option instead builds the trapping `none` engine (docs/array-rtl.md "Restrictions").
 */
import { bufferAddressBits, bufferLanes } from '../../arch/microarch.js';
import type { Target } from '../../compile/target.js';
import type { IsaBuffer } from '../../isa/generated-types.js';
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

/** Per buffer space: its RAM's byte lanes and its byte-address width (AW_X), as the top wires them. */
export interface EngineBufferPorts {
  readonly lanes: Readonly<Record<IsaBuffer, number>>;
  readonly aw: Readonly<Record<IsaBuffer, number>>;
  /**
   * The template fields every engine's buffer-port declarations use (docs/array-rtl.md "Engine
   * interface"): capacities `capX`, byte lanes `lanesX`, read/write data and mask MSBs `xDataMsb`,
   * `outMaskMsb`, `outDataW`, `outMaskW`, address widths `awX` and MSBs `awXMsb`. One builder, so the
   * engines of every kind declare the same ports from the same rule.
   */
  readonly fields: Readonly<Record<string, number>>;
}

const SPACES: readonly IsaBuffer[] = ['act', 'wgt', 'meta', 'lrw', 'out'];

function capitalized(x: IsaBuffer): string {
  return x.charAt(0).toUpperCase() + x.slice(1);
}

/** The buffer ports of an engine on target `t`. */
export function engineBufferPorts(t: Target): EngineBufferPorts {
  const lanes = bufferLanes(t);
  const aw = Object.fromEntries(SPACES.map((x) => [x, bufferAddressBits(t.capacity[x])])) as Record<IsaBuffer, number>;
  const fields: Record<string, number> = { outMaskMsb: lanes.out - 1, outDataW: 8 * lanes.out, outMaskW: lanes.out };
  for (const x of SPACES) {
    const X = capitalized(x);
    fields[`cap${X}`] = t.capacity[x];
    fields[`lanes${X}`] = lanes[x];
    fields[`${x}DataMsb`] = 8 * lanes[x] - 1;
    fields[`aw${X}`] = aw[x];
    fields[`aw${X}Msb`] = aw[x] - 1;
  }
  return { lanes, aw, fields };
}
