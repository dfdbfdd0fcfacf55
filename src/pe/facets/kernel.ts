/**
 * The reference-kernel generators' view of a PE kind (issue 14; src/pe/README.md): for each GPU target a
 * kind supports, a function from the resolved target (one SIMD mode) to its KernelSet — the generated
 * kernel files, their bindings and packings (src/codegen/kernels/manifest.ts), and the host side of one
 * GEMM. Bit-exact with the kind's golden model. Lives at the codegen layer (kind files `kernel-<target>.ts`).
 *
 * Adding a target: a member here (optional: a kind may lack it, and `qacc build`/`verify` then say so),
 * the per-kind `kernel-<target>.ts` files, and one entry in src/codegen/kernels/targets.ts.
 */
import type { KernelSet } from '../../codegen/kernels/manifest.js';
import { bitSerialModKernel } from '../bit-serial-mod/kernel-facet.js';
import type { PeKind } from '../kinds.js';
import { lowRankGemmKernel } from '../lowrank-gemm/kernel-facet.js';
import { macKernel } from '../mac/kernel-facet.js';
import { simdMacKernel } from '../simd-mac/kernel-facet.js';
import type { TargetOf } from './compile.js';
import type { OperandsOf } from './golden.js';

/**
 * What the kernel targets call on a kind (absent member: the kind has no kernel for that target yet).
 * Method syntax, as GoldenFacet: a kind implements the narrowed signature.
 */
export interface KernelFacet<K extends PeKind> {
  wgsl?(t: TargetOf<K>): KernelSet<OperandsOf<K>>;
  cuda?(t: TargetOf<K>): KernelSet<OperandsOf<K>>;
}

/** The targets a KernelFacet may serve. */
export type KernelTargetName = keyof KernelFacet<PeKind>;

/** Every kind's KernelFacet (src/pe/<folder>/kernel-facet.ts, assembling its kernel-<target>.ts). */
export const KERNELS: { readonly [K in PeKind]: KernelFacet<K> } = {
  bit_serial_mod: bitSerialModKernel,
  simd_mac: simdMacKernel,
  lowrank_gemm: lowRankGemmKernel,
  mac: macKernel,
};

/** A kind's kernel generator for a target, widened for generic callers; undefined when the kind lacks one. */
export function kernelGenerator(kind: PeKind, target: KernelTargetName): ((t: TargetOf<PeKind>) => KernelSet<OperandsOf<PeKind>>) | undefined {
  const facet = KERNELS[kind] as KernelFacet<PeKind>;
  const gen = facet[target];
  return gen ? (t) => gen.call(facet, t) : undefined;
}
