/**
 * Legal, unique Verilog identifiers for user-chosen (DSL) names: the shared legalizer of
 * src/codegen/names.ts (characters, length with a hash of the full name, keywords, reserved prefixes)
 * for the Verilog target, and scopes in which a name already taken gets the smallest free suffix `_2`,
 * `_3`, … in the order names are requested — so the mapping is deterministic.
 */

import { isKeyword, legalIdentifier, RESERVED_PREFIX } from '../names.js';

export { RESERVED_PREFIX };

/** True when `name` is a Verilog/SystemVerilog keyword. */
export function isVerilogKeyword(name: string): boolean {
  return isKeyword(name, 'verilog');
}

/** The legal Verilog form of one name, before uniqueness is applied (src/codegen/names.ts). */
export function legalizeIdentifier(name: string): string {
  return legalIdentifier(name, 'verilog');
}

/**
 * A scope of identifiers: `claim(name)` returns the legal unique identifier for a DSL name (the same one
 * when the same name is claimed again). Identifiers compare case-insensitively for uniqueness because
 * generated file names carry them and some file systems fold case.
 */
export class NameScope {
  private readonly byName = new Map<string, string>();
  private readonly taken = new Set<string>();

  /** Reserves identifiers that user names must not take (e.g. port names of the generated modules). */
  constructor(reserved: readonly string[] = []) {
    for (const r of reserved) this.taken.add(r.toLowerCase());
  }

  claim(name: string): string {
    const known = this.byName.get(name);
    if (known !== undefined) return known;
    const base = legalizeIdentifier(name);
    let id = base;
    for (let i = 2; this.taken.has(id.toLowerCase()); i++) id = `${base}_${i}`;
    this.taken.add(id.toLowerCase());
    this.byName.set(name, id);
    return id;
  }
}

/** The top module name of an accelerator: `<accelerator>_top`, legalized. */
export function acceleratorTopName(accelName: string): string {
  return new NameScope().claim(`${accelName}_top`);
}

/**
 * The PE module name of an accelerator: `<accelerator>_<pe>`, legalized (what `qacc build` and the tile
 * engines use). It never equals the accelerator's top module nor starts like the modules named after
 * the top (`<top>_iq`, `<top>_engine_…`, `<top>_buf_…`): a PE named `top` or `top_iq` gets `<accelerator>_pe_<pe>`.
 */
export function peTopName(accel: { readonly name: string; readonly arrays: readonly { readonly pe: { readonly name: string } }[] }): string {
  const pe = accel.arrays[0]?.pe;
  const top = acceleratorTopName(accel.name);
  const scope = new NameScope([top]);
  const id = scope.claim(`${accel.name}_${pe ? pe.name : 'pe'}`);
  return id.toLowerCase().startsWith(`${top}_`.toLowerCase()) ? scope.claim(`${accel.name}_pe_${pe ? pe.name : 'pe'}`) : id;
}
