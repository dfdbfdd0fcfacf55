/**
 * The Verilog code generator's view of a PE kind (src/pe/README.md): the PE module with its harness ports,
 * and the tile engine the accelerator top instantiates, in the registry `RTL` (one entry per kind, from the
 * kind's rtl-facet.ts). A kind's templates live in src/pe/<folder>/templates/ and are named
 * `'<folder>/<file>'` in RtlModule.template (src/verify/rtl/templates.ts reads them).
 */
import type { EngineContext, EngineExtras } from '../../codegen/verilog/engine.js';
import type { PeDesign } from '../../codegen/verilog/design.js';
import type { RtlModule } from '../../codegen/verilog/module-set.js';
import { bitSerialModRtlFacet } from '../bit-serial-mod/rtl-facet.js';
import type { PeKind } from '../kinds.js';
import { lowRankGemmRtlFacet } from '../lowrank-gemm/rtl-facet.js';
import { macRtlFacet } from '../mac/rtl-facet.js';
import { simdMacRtlFacet } from '../simd-mac/rtl-facet.js';
import type { TargetOf } from './compile.js';
import type { IrPeOf } from './schema.js';

/** Options of a PE-level build (the Verilator harness drives at most 64-bit ports). */
export interface PeRtlOptions {
  /** lowrank_gemm: DOT lanes of the generated PE (HARNESS_LOWRANK_LANES for the PE-level harness). */
  readonly harnessLanes?: number;
}

/** What the generic Verilog generator calls on a kind (method syntax: see GoldenFacet). */
export interface RtlFacet<K extends PeKind> {
  /**
   * The PE module, its harness ports and the golden configs it implements (one per SIMD mode). Replaces
   * bitSerialModRtl/simdMacRtl/macRtl/lowRankRtl and the switch of acceleratorPe (design.ts:45–140).
   * Never throws for a PE that passed CompileFacet.diagnose.
   */
  pe(t: TargetOf<K>, top: string, peName: string, options: PeRtlOptions): PeDesign;
  /**
   * The tile engine. Replaces `ENGINES` (engine.ts:33, a Partial record: a kind without an entry silently
   * got the trapping `none` engine) as looked up by top.ts:201; required here.
   */
  engine(t: TargetOf<K>, ctx: EngineContext): RtlModule;
  /** The engine's ports beyond the fixed list (buffer write ports, the rounding register); absent: none. */
  engineExtras?(t: TargetOf<K>): EngineExtras;
  /** What the PE-level harness builds. Replaces verify/rtl-backend.ts:45–47 harnessLanes (lowrank) and design.ts:32. */
  harnessOptions(pe: IrPeOf<K>): PeRtlOptions;
}

/** Every kind's RtlFacet (design.ts, engine.ts, top.ts and verify read it through rtlFacet). */
export const RTL: { readonly [K in PeKind]: RtlFacet<K> } = {
  bit_serial_mod: bitSerialModRtlFacet,
  simd_mac: simdMacRtlFacet,
  lowrank_gemm: lowRankGemmRtlFacet,
  mac: macRtlFacet,
};

/** A kind's RtlFacet, widened so generic code calls it with any target (each kind narrows by its kind). */
export function rtlFacet(kind: PeKind): RtlFacet<PeKind> {
  return RTL[kind] as RtlFacet<PeKind>;
}
