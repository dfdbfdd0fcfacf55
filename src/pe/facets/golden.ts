/**
 * The golden layer's view of a PE kind (src/pe/README.md): its config and operand types (the type map
 * `GoldenTypes`, one line per kind) and the three entry points generic code calls. The registry
 * `GOLDEN: { readonly [K in PeKind]: GoldenFacet<K> }` is added here in step 0b of issue 12 by the golden
 * owner; until then the type maps point at today's types in src/golden/types.ts.
 *
 * The per-group / per-step functions a simulator or an RTL generator needs (simdMacAccumulate,
 * lowRankGroupDot, bitSerialModGroupValue, macStep, …) are exported by the kind's own golden.ts and are no
 * facet members: only that kind's sim.ts, rtl-*.ts and vectors.ts import them.
 */
import type { PeKind } from '../kinds.js';
import type {
  BitSerialModConfig,
  BitSerialModOperands,
  GemmResult,
  LowRankGemmConfig,
  LowRankGemmOperands,
  MacConfig,
  MacOperands,
  SimdMacConfig,
  SimdMacOperands,
} from '../../golden/types.js';

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
/** Every kind's config; golden/types.ts `GoldenConfig` (:234) becomes a re-export of it in step 0b. */
export type GoldenConfig = ConfigOf<PeKind>;
/** Every kind's operands; compile/operands.ts `AnyOperands` (:19) becomes a re-export of it in step 0b. */
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
