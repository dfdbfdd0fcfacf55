/**
 * The kind-specific compute opcodes: array work a PE kind's engine executes (the simulator's `tile` class,
 * the RTL top's `pe_busy`, the SimFacet's opcodes). Stated once here so that the simulator, the top and
 * the facets cannot disagree on which instructions count as PE-array work.
 */
import type { Mnemonic } from './generated-types.js';

export const TILE_OPCODES = ['mod_tile', 'simd_tile', 'qgemm_tile', 'mac_tile', 'lr_down', 'lr_up', 'qact'] as const satisfies readonly Mnemonic[];

export type TileOpcode = (typeof TILE_OPCODES)[number];

const TILE_SET: ReadonlySet<string> = new Set(TILE_OPCODES);

/** Is `kind` one of the kind-specific compute opcodes? */
export function isTileOpcode(kind: string): kind is TileOpcode {
  return TILE_SET.has(kind);
}
