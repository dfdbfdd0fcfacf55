/**
 * The module graph of generated Verilog (one module per file, named after it, as src/codegen/verilog
 * emits): which modules each module instantiates, found by scanning its comment-free text for a known
 * module name followed by a parameter list `#(` or an instance name. And the synthesis units of a design:
 * the modules at instantiation depth below `cutDepth` are synthesized alone with their direct sub-modules
 * as blackboxes; a module at depth `cutDepth` is synthesized with its whole subtree flattened into it.
 * With cutDepth 2 on an accelerator: the top (controller), its children (instruction queues, buffers,
 * tile engine) and the engine's children (the PE, shared per-row/column units) are units; arithmetic
 * blocks below a PE (decoders, rounders, LZCs) flatten into the PE, so constants propagate through them
 * as they would in a flat synthesis. A module the options name an own unit (SynthOptions.ownUnit, the PE
 * kind's CostFacet.synthUnits) is cut out of a flattened subtree wherever it sits: blackboxed in its parent
 * and synthesized (flat) once as a unit of its own, for a block whose logic Yosys's `abc` cannot finish
 * together with its parent's (lowrank_gemm's qact column unit).
 */

/** A generated Verilog module and its text. */
export interface VerilogModule {
  readonly name: string;
  readonly text: string;
}

export function stripVerilogComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, ' ');
}

/**
 * How many times comment-free Verilog `body` (stripVerilogComments) instantiates `module`: its name, not part of
 * a longer identifier, followed by a parameter list `#(` or an instance name. The one reading of instance syntax
 * that the module graph (moduleDependencies) and the tile-engine extrapolation (./design.ts) share.
 */
export function instantiationCount(body: string, module: string): number {
  const name = module.replace(/[$]/g, '\\$');
  return (body.match(new RegExp(`(^|[^\\w$])${name}\\s+(#|[A-Za-z_])`, 'gm')) ?? []).length;
}

/** Direct sub-modules of each module (names of the given set only). */
export function moduleDependencies(modules: readonly VerilogModule[]): Map<string, string[]> {
  const names = modules.map((m) => m.name);
  const deps = new Map<string, string[]>();
  for (const m of modules) {
    const body = stripVerilogComments(m.text);
    deps.set(m.name, names.filter((n) => n !== m.name && instantiationCount(body, n) > 0));
  }
  return deps;
}

/** `name` and every module below it. */
export function subtree(name: string, deps: ReadonlyMap<string, readonly string[]>): string[] {
  const seen = new Set<string>();
  const visit = (n: string): void => {
    if (seen.has(n)) return;
    seen.add(n);
    for (const d of deps.get(n) ?? []) visit(d);
  };
  visit(name);
  return [...seen];
}

/**
 * The flattened part of `name`'s subtree and where it is cut: `files` are `name` and every module below it
 * reached without passing an own unit (`cut`), `cuts` the own units met below it (synthesized apart).
 */
export function cutSubtree(name: string, deps: ReadonlyMap<string, readonly string[]>, cut: (module: string) => boolean): { files: string[]; cuts: string[] } {
  const seen = new Set<string>();
  const cuts = new Set<string>();
  const visit = (n: string): void => {
    if (seen.has(n)) return;
    seen.add(n);
    for (const d of deps.get(n) ?? []) {
      if (cut(d)) cuts.add(d);
      else visit(d);
    }
  };
  visit(name);
  return { files: [...seen], cuts: [...cuts].filter((c) => !seen.has(c)) };
}
