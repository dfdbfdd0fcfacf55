/**
 * The unit of Verilog generation: an `RtlModule` is a module name, the template that renders it and its
 * plain view model, plus the modules it instantiates. A `ModuleSet` collects the modules of a design
 * depth-first (dependencies before users), keeping one copy per name — two requests for the same
 * parameterized block (same name = same parameters) share one file. Order is deterministic: the order in
 * which modules are first requested.
 */

/** One generated Verilog module (one file, named after the module, as Verilator's DECLFILENAME wants). */
export interface RtlModule {
  readonly name: string;
  /** Template file name: under rtl-templates/, or `<folder>/<file>` for a PE kind's src/pe/<folder>/templates/<file>. */
  readonly template: string;
  /** View model: numbers and prepared strings only (the template interpolates, never decides). */
  readonly view: Readonly<Record<string, unknown>>;
  /** Modules this one instantiates. */
  readonly deps: readonly RtlModule[];
  /**
   * Sub-templates rendered first and handed to the main template as text under their key (used where
   * a module's body comes in variants, e.g. exact vs round-each-step accumulation; TypeScript picks).
   */
  readonly parts?: Readonly<Record<string, { readonly template: string; readonly view: Readonly<Record<string, unknown>> }>>;
}

/** Collects modules by name, dependencies first. */
export class ModuleSet {
  private readonly byName = new Map<string, RtlModule>();

  add(mod: RtlModule): RtlModule {
    const known = this.byName.get(mod.name);
    if (known) return known;
    for (const d of mod.deps) this.add(d);
    this.byName.set(mod.name, mod);
    return mod;
  }

  /** Modules in dependency order. */
  modules(): RtlModule[] {
    return [...this.byName.values()];
  }
}

/** Smallest width in bits that holds the unsigned values 0..n (stated once, at the arch layer: the estimate sizes the RTL's RAMs by it too). */
export { bitsFor } from '../../arch/top-geometry.js';

/** A sized decimal Verilog constant of `width` bits for an integer value (negative → signed literal). */
export function sconst(width: number, value: number): string {
  return value < 0 ? `-${width}'sd${-value}` : `${width}'sd${value}`;
}
