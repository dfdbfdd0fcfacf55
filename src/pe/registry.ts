/**
 * The one typed registry of PE kinds: each kind's PeKindDefinition (src/pe/types.ts), assembled by its
 * folder's index.ts. Typed `{ [K in PeKind]: … }`, so a kind added to kinds.ts without a folder is a tsc
 * error here. Generic code of one layer reads that layer's registry (src/pe/facets/*.ts) instead: this one
 * holds every layer, so only the CLI and tests (which sit above all layers) may import it.
 */
import type { PeKind } from './kinds.js';
import type { PeKindDefinition } from './types.js';
import { bitSerialMod } from './bit-serial-mod/index.js';
import { lowRankGemm } from './lowrank-gemm/index.js';
import { mac } from './mac/index.js';
import { simdMac } from './simd-mac/index.js';

export const PE_REGISTRY: { readonly [K in PeKind]: PeKindDefinition<K> } = {
  bit_serial_mod: bitSerialMod,
  simd_mac: simdMac,
  lowrank_gemm: lowRankGemm,
  mac,
};
