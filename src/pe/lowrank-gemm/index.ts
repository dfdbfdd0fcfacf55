/**
 * The `lowrank_gemm` PE kind's whole definition: the facet objects this folder's layer files export, assembled
 * for src/pe/registry.ts (the only importer). The layer registries (src/pe/facets/*.ts) hold the same
 * objects; test/pe/registry.test.ts checks both agree.
 */
import type { PeKindDefinition } from '../types.js';
import { lowRankGemmKernel } from './kernel-facet.js';
import { lowRankGemmVerify } from './cases.js';
import { lowRankGemmCompile } from './compile.js';
import { lowRankGemmCost } from './cost.js';
import { lowRankGemmGolden } from './golden-facet.js';
import { lowRankGemmRtlFacet } from './rtl-facet.js';
import { lowRankGemmSchema } from './schema.js';
import { lowRankGemmSim } from './sim.js';

export const lowRankGemm: PeKindDefinition<'lowrank_gemm'> = {
  kind: 'lowrank_gemm',
  folder: 'lowrank-gemm',
  golden: lowRankGemmGolden,
  schema: lowRankGemmSchema,
  compile: lowRankGemmCompile,
  sim: lowRankGemmSim,
  rtl: lowRankGemmRtlFacet,
  verify: lowRankGemmVerify,
  cost: lowRankGemmCost,
  kernel: lowRankGemmKernel,
};
