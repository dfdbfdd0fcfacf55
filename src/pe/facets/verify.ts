/**
 * The verifier's view of a PE kind (src/pe/README.md): which operand tensors the case generators may
 * overwrite, the directed cases only this kind has, the PE-level harness vectors, and how a report names a
 * variant, in the registry `VERIFY` (one entry per kind, from the kind's cases.ts).
 */
import type { CaseContent } from '../../verify/cases.js';
import type { Roles } from '../../verify/roles.js';
import type { PeVectors } from '../../verify/rtl/pe-vectors.js';
import { bitSerialModVerify } from '../bit-serial-mod/cases.js';
import type { PeKind } from '../kinds.js';
import { lowRankGemmVerify } from '../lowrank-gemm/cases.js';
import { macVerify } from '../mac/cases.js';
import { simdMacVerify } from '../simd-mac/cases.js';
import type { TargetOf } from './compile.js';
import type { OperandsOf } from './golden.js';
import type { PeRtlOptions } from './rtl.js';
import type { IrPeOf } from './schema.js';

/** A directed case content only one kind has, with the purpose the case list prints. */
export interface KindContent {
  readonly content: CaseContent;
  readonly purpose: string;
}

/** What generic verify code calls on a kind (method syntax: see GoldenFacet). */
export interface VerifyFacet<K extends PeKind> {
  /** Operand tensors by role for the content generators (zeros, extremes, scales, …). Replaces the switch of roles (verify/cases.ts:199–246). */
  roles(t: TargetOf<K>, ops: OperandsOf<K>): Roles;
  /** Directed contents only this kind has (bsm `dtype<i>`). Replaces contentApplies :298 and planCases :503 (dtype cases). */
  extraContents(t: TargetOf<K>): readonly KindContent[];
  /** Applies such a content to `ops` in place; false when it does not apply. Replaces caseOperands :385–394 (dtype). */
  applyContent(t: TargetOf<K>, ops: OperandsOf<K>, content: CaseContent, seed: number): boolean;
  /**
   * PE-level beats and expected rows, and which output element each expected row is. Replaces the switch of
   * caseVectors and rowOutputs (verify/rtl-backend.ts:81–116) and the four builders of verify/rtl/pe-vectors.ts.
   */
  vectors(t: TargetOf<K>, ops: OperandsOf<K>, options: PeRtlOptions): PeVectors & { readonly rowOutputs: Int32Array };
  /** Report text of a variant, e.g. ", SIMD mode 1 (4 × posit4_1)"; '' when the kind has one variant. Replaces report.ts:79. */
  describeVariant(pe: IrPeOf<K>, variant: number | undefined): string;
}

/** Every kind's VerifyFacet (verify/cases.ts, rtl-backend.ts and report.ts read it through verifyFacet). */
export const VERIFY: { readonly [K in PeKind]: VerifyFacet<K> } = {
  bit_serial_mod: bitSerialModVerify,
  simd_mac: simdMacVerify,
  lowrank_gemm: lowRankGemmVerify,
  mac: macVerify,
};

/** A kind's VerifyFacet, widened so generic code calls it with any target (each kind narrows by its kind). */
export function verifyFacet(kind: PeKind): VerifyFacet<PeKind> {
  return VERIFY[kind] as VerifyFacet<PeKind>;
}
