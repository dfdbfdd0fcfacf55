/**
 * The golden layer's view of a PE kind (src/pe/README.md): its config and operand types (the type map
 * `GoldenTypes`, one line per kind, pointing at the kind's golden.ts), the three entry points generic code
 * calls, and the registry `GOLDEN` (a full Record, so tsc lists a kind that lacks its entry).
 *
 * The per-group / per-step functions a simulator or an RTL generator needs (simdMacAccumulate,
 * lowRankGroupDot, bitSerialModGroupValue, macStep, …) are exported by the kind's own golden.ts and are no
 * facet members: only that kind's sim.ts, rtl-*.ts and vectors.ts import them.
 */
import type { PeKind } from '../kinds.js';
import type { GemmResult } from '../../golden/types.js';
import type { BitSerialModConfig, BitSerialModOperands } from '../bit-serial-mod/golden.js';
import { bitSerialModGolden } from '../bit-serial-mod/golden-facet.js';
import type { LowRankGemmConfig, LowRankGemmOperands } from '../lowrank-gemm/golden.js';
import { lowRankGemmGolden } from '../lowrank-gemm/golden-facet.js';
import type { MacConfig, MacOperands } from '../mac/golden.js';
import { macGolden } from '../mac/golden-facet.js';
import type { SimdMacConfig, SimdMacOperands } from '../simd-mac/golden.js';
import { simdMacGolden } from '../simd-mac/golden-facet.js';

/** Each kind's golden config and operand types: the type map a new kind adds one line to. */
export interface GoldenTypes {
  bit_serial_mod: { config: BitSerialModConfig; operands: BitSerialModOperands };
  simd_mac: { config: SimdMacConfig; operands: SimdMacOperands };
  lowrank_gemm: { config: LowRankGemmConfig; operands: LowRankGemmOperands };
  mac: { config: MacConfig; operands: MacOperands };
}

/** Fails to compile when a kind lacks its line in GoldenTypes, or a line's config is tagged with another kind. */
type CompleteGoldenTypes<T extends { readonly [K in PeKind]: { readonly config: { readonly kind: K }; readonly operands: object } }> = T;
export type CheckedGoldenTypes = CompleteGoldenTypes<GoldenTypes>;

export type ConfigOf<K extends PeKind> = GoldenTypes[K]['config'];
export type OperandsOf<K extends PeKind> = GoldenTypes[K]['operands'];
/** Every kind's config (golden/types.ts re-exports it). */
export type GoldenConfig = ConfigOf<PeKind>;
/** Every kind's operands (golden/types.ts re-exports it; compile/operands.ts `AnyOperands` is the same union). */
export type AnyOperands = OperandsOf<PeKind>;

/**
 * What generic code calls on a kind's golden model. Members use method syntax so that `GoldenFacet<'mac'>`
 * is assignable to `GoldenFacet<PeKind>` (method parameters are bivariant): generic code writes
 * `GOLDEN[c.kind].gemm(c, ops)` and each kind implements the narrowed signature.
 */
export interface GoldenFacet<K extends PeKind> {
  /**
   * Throws GoldenError('bad-config') on a config the datapath cannot run. Replaces the per-kind
   * `checkBitSerialModConfig` / `checkSimdMacConfig` / … calls at the top of each kind's GEMM.
   */
  checkConfig(config: ConfigOf<K>): void;
  /**
   * The bit-exact GEMM. Replaces the switch of `goldenGemm` (golden/gemm.ts:25); callers: sim/run.ts,
   * the verify golden backend, verify/rtl/pe-vectors.ts.
   */
  gemm(config: ConfigOf<K>, ops: OperandsOf<K>): GemmResult;
  /** The float64 reference of the same GEMM. Replaces the switch of `idealGemm` (golden/ideal.ts:47; caller compareToIdeal). */
  ideal(config: ConfigOf<K>, ops: OperandsOf<K>): Float64Array;
}

/** Each kind's golden facet (src/pe/<folder>/golden-facet.ts). */
export const GOLDEN: { readonly [K in PeKind]: GoldenFacet<K> } = {
  bit_serial_mod: bitSerialModGolden,
  simd_mac: simdMacGolden,
  lowrank_gemm: lowRankGemmGolden,
  mac: macGolden,
};

/** The golden facet of a kind, widened for generic callers (method parameters are bivariant). */
export function goldenFacet(kind: PeKind): GoldenFacet<PeKind> {
  return GOLDEN[kind] as GoldenFacet<PeKind>;
}
