/**
 * The IR layer's view of a PE kind (src/pe/README.md): its IR record type (the type map `IrTypes`) and its
 * schema — elaboration with located diagnostics, and the IR printers — and the registry `SCHEMAS` (a full
 * Record, so tsc lists a kind that lacks its entry). Each kind's record and facet live in
 * src/pe/<folder>/schema.ts (printers in print.ts).
 */
import type * as A from '../../dsl/ast.js';
import type { Evaluator } from '../../ir/evaluate.js';
import type { Dataflow } from '../../ir/types.js';
import type { Json } from '../../ir/print-parts.js';
import type { PropertyReader } from '../../ir/props.js';
import { bitSerialModSchema, type BitSerialModPe } from '../bit-serial-mod/schema.js';
import type { PeKind } from '../kinds.js';
import { lowRankGemmSchema, type LowRankGemmPe } from '../lowrank-gemm/schema.js';
import { macSchema, type MacPe } from '../mac/schema.js';
import { simdMacSchema, type SimdMacPe } from '../simd-mac/schema.js';

/** Each kind's elaborated IR record: the type map a new kind adds one line to. */
export interface IrTypes {
  bit_serial_mod: BitSerialModPe;
  simd_mac: SimdMacPe;
  lowrank_gemm: LowRankGemmPe;
  mac: MacPe;
}

/** Fails to compile when a kind lacks its line in IrTypes, or a line's record is tagged with another kind. */
type CompleteIrTypes<T extends { readonly [K in PeKind]: { readonly kind: K } }> = T;
export type CheckedIrTypes = CompleteIrTypes<IrTypes>;

export type IrPeOf<K extends PeKind> = IrTypes[K];
/** Every kind's IR record (ir/types.ts re-exports it). */
export type IrPe = IrPeOf<PeKind>;

/** One `key = value` line of the IR text form (the value printed as is). */
export type IrLine = readonly [key: string, value: string | number | boolean | null];

/** What generic code calls on a kind's schema (method syntax: see GoldenFacet). */
export interface SchemaFacet<K extends PeKind> {
  /** One line for docs/language.md's PE table and the E303 hint. */
  readonly summary: string;
  /**
   * The schema: reads every property through `r` (names, types, defaults), reports catalog diagnostics at
   * the property's span (E4xx; E413/E414 for what the generated hardware fixes), returns the full IR record
   * or undefined; never throws. Replaces the switch of `elaboratePe` (ir/pe-kinds.ts:42; caller
   * elaboratePes in ir/elaborate.ts). The generic caller does the E303 check before and `r.finish()` after.
   */
  elaborate(ev: Evaluator, decl: A.PeDecl, r: PropertyReader): IrPeOf<K> | undefined;
  /**
   * The array dataflows (`array { dataflow = … }`) the kind's compiler hooks, simulator timing and generated
   * tile engine implement; elaboration rejects any other at its span (E414, naming the kind). Absent:
   * output_stationary only.
   */
  readonly dataflows?: readonly Dataflow[];
  /** The IR JSON body, without kind/name (before) and span/paramSpans (after). Replaces the switch of peJson (ir/print.ts:74). */
  toJson(pe: IrPeOf<K>): { readonly [key: string]: Json };
  /** The IR text `key = value` lines after the `pe NAME : kind` head. Replaces the switch of peLines (ir/print.ts:233). */
  toLines(pe: IrPeOf<K>): readonly IrLine[];
}

/** Each kind's schema facet (src/pe/<folder>/schema.ts). */
export const SCHEMAS: { readonly [K in PeKind]: SchemaFacet<K> } = {
  bit_serial_mod: bitSerialModSchema,
  simd_mac: simdMacSchema,
  lowrank_gemm: lowRankGemmSchema,
  mac: macSchema,
};

/** The schema facet of a kind, widened for generic callers (method parameters are bivariant). */
export function schemaFacet(kind: PeKind): SchemaFacet<PeKind> {
  return SCHEMAS[kind] as SchemaFacet<PeKind>;
}
