/**
 * A PE kind's whole definition: one facet per pipeline layer (src/pe/facets/*.ts), assembled by the kind's
 * index.ts and listed in src/pe/registry.ts as `PE_REGISTRY: { readonly [K in PeKind]: PeKindDefinition<K> }`.
 * Generic code of one layer reads that layer's registry (GOLDEN, SCHEMAS, COMPILE, SIM, RTL, VERIFY), never
 * this object: PE_REGISTRY holds the RTL generator, which src/ir or src/golden cannot import without
 * reaching backwards. Tests and the CLI may list kinds from PE_REGISTRY.
 */
import type { PeKind } from './kinds.js';
import type { CompileFacet } from './facets/compile.js';
import type { CostFacet } from './facets/cost.js';
import type { GoldenFacet } from './facets/golden.js';
import type { KernelFacet } from './facets/kernel.js';
import type { RtlFacet } from './facets/rtl.js';
import type { SchemaFacet } from './facets/schema.js';
import type { SimFacet } from './facets/sim.js';
import type { VerifyFacet } from './facets/verify.js';

export interface PeKindDefinition<K extends PeKind = PeKind> {
  readonly kind: K;
  /** Kebab-case folder: src/pe/<folder>/ (templates in templates/), test/pe/<folder>/. */
  readonly folder: string;
  readonly golden: GoldenFacet<K>;
  readonly schema: SchemaFacet<K>;
  readonly compile: CompileFacet<K>;
  readonly sim: SimFacet<K>;
  readonly rtl: RtlFacet<K>;
  readonly verify: VerifyFacet<K>;
  /** Its cost model (src/pe/facets/cost.ts), read by src/estimate. */
  readonly cost: CostFacet<K>;
  /** Reference kernels per GPU target (WGSL, CUDA), bit-exact with golden (issue 14). */
  readonly kernel: KernelFacet<K>;
}
