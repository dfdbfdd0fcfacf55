/**
 * Checks the one-way layering of src/ (CONTRIBUTING.md): formats and golden depend on nothing else in the
 * project; dsl → ir → consumers (sim, codegen, estimate) → verify → cli; no module imports backwards.
 * Also checks that the platform-neutral core (formats, golden, dsl, ir, sim, codegen) imports no `node:*`.
 *
 * Outside src/pe a file's layer is its top-level folder. Inside src/pe (src/pe/README.md): kinds.ts is the
 * `kinds` leaf, facets/<layer>.ts sits at that layer, types.ts and registry.ts at `pe` (above every layer
 * but cli), and a file in a kind folder sits at the layer its name prefix says (`golden*`, `schema*`, …).
 * Generic code reaches src/pe only through kinds.ts, facets/*.ts, types.ts and registry.ts, and never names a
 * kind (no quoted kind tag outside src/pe: a new kind then needs no edit of generic code).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(__dirname, '../src');

/** Which layers each layer may import from (besides itself). */
const BELOW_ARCH = ['kinds', 'formats', 'quant', 'golden', 'dsl', 'ir', 'isa', 'compile'];
const ALLOWED: Record<string, readonly string[]> = {
  kinds: [],
  formats: [],
  golden: ['kinds', 'formats'],
  quant: ['formats'],
  dsl: ['formats', 'quant'],
  ir: ['kinds', 'formats', 'quant', 'golden', 'dsl'],
  isa: ['formats'],
  compile: ['kinds', 'formats', 'quant', 'golden', 'dsl', 'ir', 'isa'],
  // The micro-architecture contract the simulator and the RTL generators share (src/arch).
  arch: BELOW_ARCH,
  sim: [...BELOW_ARCH, 'arch'],
  codegen: [...BELOW_ARCH, 'arch'],
  estimate: [...BELOW_ARCH, 'arch'],
  verify: [...BELOW_ARCH, 'arch', 'sim', 'codegen', 'estimate'],
  // src/estimate/synth: synthesis-backed estimates generate the RTL and run Yosys (src/verify/rtl).
  synth: [...BELOW_ARCH, 'arch', 'codegen', 'estimate', 'verify'],
  // src/pe/types.ts, registry.ts and each kind's index.ts assemble every layer's facets.
  pe: [...BELOW_ARCH, 'arch', 'sim', 'codegen', 'estimate', 'verify'],
  cli: [...BELOW_ARCH, 'arch', 'sim', 'codegen', 'estimate', 'verify', 'synth', 'pe'],
};
const PLATFORM_NEUTRAL = new Set(['kinds', 'formats', 'golden', 'quant', 'dsl', 'ir', 'isa', 'compile', 'arch', 'sim', 'codegen']);

/** The layer of src/pe/facets/<name>.ts. */
const FACET_LAYER: Readonly<Record<string, string>> = { golden: 'golden', schema: 'ir', compile: 'compile', sim: 'sim', rtl: 'codegen', kernel: 'codegen', cost: 'estimate', verify: 'verify' };

/** Layer of a file in a kind folder, by its name (src/pe/README.md). */
const KIND_FILE_LAYER: readonly (readonly [RegExp, string])[] = [
  [/^golden(-[a-z0-9-]+)?\.ts$/, 'golden'],
  [/^(schema|print)(-[a-z0-9-]+)?\.ts$/, 'ir'],
  [/^(compile|operands)(-[a-z0-9-]+)?\.ts$/, 'compile'],
  [/^microarch\.ts$/, 'arch'],
  // a kind's tile closed forms: below the simulator, so the estimator can time tiles by them too
  [/^timing(-[a-z0-9-]+)?\.ts$/, 'arch'],
  [/^sim(-[a-z0-9-]+)?\.ts$/, 'sim'],
  [/^rtl-[a-z0-9-]+\.ts$/, 'codegen'],
  [/^cost(-[a-z0-9-]+)?\.ts$/, 'estimate'],
  [/^kernel-[a-z0-9-]+\.ts$/, 'codegen'],
  [/^(cases|vectors)(-[a-z0-9-]+)?\.ts$/, 'verify'],
  [/^index\.ts$/, 'pe'],
];

/** The layer of a source path (file or module specifier resolved under src/), undefined when it has none. */
function layerOf(file: string): string | undefined {
  const parts = relative(SRC, file).replace(/\.js$/, '.ts').split('/');
  if (parts[0] === 'estimate' && parts[1] === 'synth') return 'synth';
  if (parts[0] !== 'pe') return parts[0].endsWith('.ts') ? undefined : parts[0];
  if (parts.length === 2) return parts[1] === 'kinds.ts' ? 'kinds' : parts[1] === 'types.ts' || parts[1] === 'registry.ts' ? 'pe' : undefined;
  if (parts[1] === 'facets') return parts.length === 3 ? FACET_LAYER[parts[2].replace(/\.ts$/, '')] : undefined;
  const name = parts[parts.length - 1];
  if (parts.length > 3) return undefined; // a kind folder is flat (templates/ holds no .ts)
  return KIND_FILE_LAYER.find(([re]) => re.test(name))?.[1];
}

/** The kind folder (src/pe/<folder>/…) of a path, undefined outside one. */
function kindFolderOf(file: string): string | undefined {
  const parts = relative(SRC, file).split('/');
  return parts[0] === 'pe' && parts.length > 2 && parts[1] !== 'facets' ? parts[1] : undefined;
}

/** src/pe/<folder>/index.ts (or .js as a specifier resolves): a kind's PeKindDefinition. */
function isKindIndex(file: string): boolean {
  return kindFolderOf(file) !== undefined && /^pe\/[^/]+\/index\.[jt]s$/.test(relative(SRC, file));
}

function isRegistry(file: string): boolean {
  return relative(SRC, file) === 'pe/registry.ts';
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });
}
/** A clause holds no `;`, `=` or parentheses: an earlier `export type X = …;` must not swallow the next import. */
const IMPORT = /(?:import|export)\s([^'";=()]*?)from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

interface Import {
  /** The specifier as written. */
  readonly spec: string;
  /** The resolved path of a relative specifier (with its .js ending), undefined for a package. */
  readonly target: string | undefined;
  /** `import type …`, `export type …`, or braces holding only `type` names: erased at run time. */
  readonly typeOnly: boolean;
}

function importsOf(file: string): Import[] {
  // Comments first: a sentence such as "makes it import them" must not read as an import clause.
  const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  return [...text.matchAll(IMPORT)].map((m) => {
    const spec = m[2] ?? m[3];
    const clause = (m[1] ?? '').trim();
    const braces = /^\{([^}]*)\}$/.exec(clause);
    const typeOnly = /^type\s/.test(clause) || (braces !== null && braces[1].split(',').every((n) => n.trim() === '' || /^type\s/.test(n.trim())));
    return { spec, target: spec.startsWith('.') ? resolve(dirname(file), spec) : undefined, typeOnly };
  });
}

describe('architecture', () => {
  const files = walk(SRC);
  const imports = new Map(files.map((f) => [f, importsOf(f)]));

  it('gives every source file a layer with a layering rule (a file in a kind folder by its name prefix)', () => {
    const missing = files
      .filter((f) => {
        const layer = layerOf(f);
        return layer === undefined || !(layer in ALLOWED);
      })
      .map((f) => `${relative(SRC, f)}: no layer; in a kind folder name it golden*.ts, schema*.ts, print*.ts, compile*.ts, operands*.ts, microarch.ts, timing*.ts, sim*.ts, rtl-*.ts, cost*.ts, cases*.ts, vectors*.ts or index.ts`);
    expect(missing).toEqual([]);
  });

  it('imports only along the pipeline, and keeps node:* out of the core', () => {
    const violations: string[] = [];
    for (const file of files) {
      const layer = layerOf(file);
      if (layer === undefined) continue; // reported above
      for (const { spec, target } of imports.get(file) ?? []) {
        if (spec.startsWith('node:') && PLATFORM_NEUTRAL.has(layer)) violations.push(`${relative(SRC, file)} imports ${spec}`);
        if (target === undefined) continue;
        const to = layerOf(target);
        if (to === layer) continue;
        if (to === undefined || !(ALLOWED[layer] ?? []).includes(to)) violations.push(`${relative(SRC, file)} (${layer}) imports ${spec} (${to ?? 'no layer'})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('keeps each kind folder to itself: no kind folder imports another', () => {
    const violations: string[] = [];
    for (const file of files) {
      const own = kindFolderOf(file);
      if (own === undefined) continue;
      for (const { spec, target } of imports.get(file) ?? []) {
        const other = target && kindFolderOf(target);
        if (other && other !== own) violations.push(`${relative(SRC, file)} imports ${spec} (kind folder ${other})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('keeps src/pe free of run-time cycles: no value import of a dispatching module or of a barrel', () => {
    // A dispatching module reads a facet registry; a kind file that value-imports it would close a cycle
    // registry → kind → dispatcher → registry. `import type` is erased and fine.
    const dispatching = new Set(files.filter((f) => !relative(SRC, f).startsWith('pe/') && (imports.get(f) ?? []).some((i) => !i.typeOnly && i.target !== undefined && relative(SRC, i.target).startsWith('pe/facets/'))));
    const violations: string[] = [];
    for (const file of files.filter((f) => relative(SRC, f).startsWith('pe/'))) {
      for (const { spec, target, typeOnly } of imports.get(file) ?? []) {
        if (target === undefined || typeOnly) continue;
        const ts = target.replace(/\.js$/, '.ts');
        if (dispatching.has(ts)) violations.push(`${relative(SRC, file)} value-imports ${spec}, which reads a facet registry`);
        if (/(^|\/)index\.js$/.test(spec) && !(isRegistry(file) && isKindIndex(target))) violations.push(`${relative(SRC, file)} imports the barrel ${spec}; import the file that defines the name`);
      }
    }
    expect(violations).toEqual([]);
  });

  it("lets only src/pe/registry.ts import a kind's index.ts, and an index.ts only its own folder and types.ts", () => {
    const violations: string[] = [];
    for (const file of files) {
      for (const { spec, target } of imports.get(file) ?? []) {
        if (target === undefined) continue;
        if (isKindIndex(target) && !isRegistry(file)) violations.push(`${relative(SRC, file)} imports the kind definition ${spec}; only src/pe/registry.ts assembles kinds`);
        if (isKindIndex(file) && kindFolderOf(target) !== kindFolderOf(file) && relative(SRC, target) !== 'pe/types.js') violations.push(`${relative(SRC, file)} imports ${spec}; a kind's index.ts assembles its own folder's facets`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('reaches src/pe from outside only through kinds.ts, facets/*.ts, types.ts and registry.ts', () => {
    const gates = /^pe\/(kinds|types|registry)\.js$|^pe\/facets\/[a-z]+\.js$/;
    const violations: string[] = [];
    for (const file of files.filter((f) => !relative(SRC, f).startsWith('pe/'))) {
      for (const { spec, target } of imports.get(file) ?? []) {
        if (target === undefined || !relative(SRC, target).startsWith('pe/')) continue;
        if (!gates.test(relative(SRC, target))) violations.push(`${relative(SRC, file)} imports ${spec}; reach a kind through its facet registry (src/pe/facets/*.ts)`);
      }
    }
    expect(violations).toEqual([]);
  });

  it("names a kind (a quoted 'bit_serial_mod', …) outside src/pe in at most NAME_BUDGET files", () => {
    // Generic code reaches a kind through the registries, never by its name: a quoted kind tag (a string
    // literal, a `kind === '…'` comparison, a `case '…':`) outside src/pe is a dispatch a new kind would
    // silently fall through. Comments count too (they go stale the same way). Target: none.
    const NAME_BUDGET = 0;
    const kinds = /export const PE_KINDS = \[([^\]]*)\]/.exec(readFileSync(join(SRC, 'pe/kinds.ts'), 'utf8'))?.[1].match(/[a-z_]+/g) ?? [];
    expect(kinds.length).toBeGreaterThan(0);
    const outside = files.filter((f) => !relative(SRC, f).startsWith('pe/'));
    const over: string[] = [];
    for (const kind of kinds) {
      const tag = new RegExp(`['"\`]${kind}['"\`]`);
      const naming = outside.filter((f) => tag.test(readFileSync(f, 'utf8'))).map((f) => relative(SRC, f));
      if (naming.length > NAME_BUDGET) over.push(`'${kind}' in ${naming.join(', ')}`);
    }
    expect(over).toEqual([]);
  });
});
