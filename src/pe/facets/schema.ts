/**
 * The IR layer's view of a PE kind (src/pe/README.md): its IR record type (the type map `IrTypes`) and its
 * schema — elaboration with located diagnostics, and the IR printers. The registry
 * `SCHEMAS: { readonly [K in PeKind]: SchemaFacet<K> }` is added here in step 0b of issue 12 by the
 * golden/schema owner; until then the type map points at today's records in src/ir/types.ts.
 */
import type * as A from '../../dsl/ast.js';
import type { Evaluator } from '../../ir/evaluate.js';
import type { Json } from '../../ir/print.js';
import type { PropertyReader } from '../../ir/props.js';
import type { BitSerialModPe, LowRankGemmPe, MacPe, SimdMacPe } from '../../ir/types.js';
import type { PeKind } from '../kinds.js';

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
/** Every kind's IR record; ir/types.ts `IrPe` (:171) becomes a re-export of it in step 0b. */
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
  /** The IR JSON body, without kind/name (before) and span/paramSpans (after). Replaces the switch of peJson (ir/print.ts:74). */
  toJson(pe: IrPeOf<K>): { readonly [key: string]: Json };
  /** The IR text `key = value` lines after the `pe NAME : kind` head. Replaces the switch of peLines (ir/print.ts:233). */
  toLines(pe: IrPeOf<K>): readonly IrLine[];
}
