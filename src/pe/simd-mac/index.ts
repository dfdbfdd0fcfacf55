/**
 * The `simd_mac` PE kind's whole definition: the facet objects this folder's layer files export, assembled
 * for src/pe/registry.ts (the only importer). The layer registries (src/pe/facets/*.ts) hold the same
 * objects; test/pe/registry.test.ts checks both agree.
 */
import type { PeKindDefinition } from '../types.js';
import { simdMacKernel } from './kernel-facet.js';
import { simdMacVerify } from './cases.js';
import { simdMacCompile } from './compile.js';
import { simdMacCost } from './cost.js';
import { simdMacGolden } from './golden-facet.js';
import { simdMacRtlFacet } from './rtl-facet.js';
import { simdMacSchema } from './schema.js';
import { simdMacSim } from './sim.js';

export const simdMac: PeKindDefinition<'simd_mac'> = {
  kind: 'simd_mac',
  folder: 'simd-mac',
  golden: simdMacGolden,
  schema: simdMacSchema,
  compile: simdMacCompile,
  sim: simdMacSim,
  rtl: simdMacRtlFacet,
  verify: simdMacVerify,
  cost: simdMacCost,
  kernel: simdMacKernel,
};
