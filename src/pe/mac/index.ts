/**
 * The `mac` PE kind's whole definition: the facet objects this folder's layer files export, assembled
 * for src/pe/registry.ts (the only importer). The layer registries (src/pe/facets/*.ts) hold the same
 * objects; test/pe/registry.test.ts checks both agree.
 */
import type { PeKindDefinition } from '../types.js';
import { macKernel } from './kernel-facet.js';
import { macVerify } from './cases.js';
import { macCompile } from './compile.js';
import { macCost } from './cost.js';
import { macGolden } from './golden-facet.js';
import { macRtlFacet } from './rtl-facet.js';
import { macSchema } from './schema.js';
import { macSim } from './sim.js';

export const mac: PeKindDefinition<'mac'> = {
  kind: 'mac',
  folder: 'mac',
  golden: macGolden,
  schema: macSchema,
  compile: macCompile,
  sim: macSim,
  rtl: macRtlFacet,
  verify: macVerify,
  cost: macCost,
  kernel: macKernel,
};
