/**
 * The one list of PE kind names (src/pe/README.md). Every kind has a folder src/pe/<folder>/ and one entry
 * in each layer's facet registry (src/pe/facets/*.ts, typed `{ [K in PeKind]: … }`), so adding a name here
 * makes tsc list every facet the new kind still lacks. Imports nothing: every layer may import it.
 */

/** The PE kinds, as the language spells them (`pe NAME : <kind> { … }`). */
export const PE_KINDS = ['bit_serial_mod', 'simd_mac', 'lowrank_gemm', 'mac'] as const;

export type PeKind = (typeof PE_KINDS)[number];

/** Narrows a name read from a .qacc file to a kind. */
export function isPeKind(name: string): name is PeKind {
  return (PE_KINDS as readonly string[]).includes(name);
}
