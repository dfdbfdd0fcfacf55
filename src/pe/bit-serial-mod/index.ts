/**
 * The `bit_serial_mod` PE kind's whole definition: the facet objects this folder's layer files export, assembled
 * for src/pe/registry.ts (the only importer). The layer registries (src/pe/facets/*.ts) hold the same
 * objects; test/pe/registry.test.ts checks both agree.
 */
import type { PeKindDefinition } from '../types.js';
import { bitSerialModKernel } from './kernel-facet.js';
import { bitSerialModVerify } from './cases.js';
import { bitSerialModCompile } from './compile.js';
import { bitSerialModCost } from './cost.js';
import { bitSerialModGolden } from './golden-facet.js';
import { bitSerialModRtlFacet } from './rtl-facet.js';
import { bitSerialModSchema } from './schema.js';
import { bitSerialModSim } from './sim.js';

export const bitSerialMod: PeKindDefinition<'bit_serial_mod'> = {
  kind: 'bit_serial_mod',
  folder: 'bit-serial-mod',
  golden: bitSerialModGolden,
  schema: bitSerialModSchema,
  compile: bitSerialModCompile,
  sim: bitSerialModSim,
  rtl: bitSerialModRtlFacet,
  verify: bitSerialModVerify,
  cost: bitSerialModCost,
  kernel: bitSerialModKernel,
};
