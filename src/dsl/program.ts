/**
 * Loading a program: the root file and everything it imports, through an injected `FileHost` (the CLI
 * gives one backed by node:fs, tests an in-memory map). Algorithm: a worklist loads each path once;
 * an iterative three-colour depth-first search over the import edges reports every cycle at the import
 * that closes it. Then the symbol table: one flat namespace of top-level names over all loaded files
 * (duplicates are errors), with a visibility rule: a file sees its own names and those of the files it
 * imports, directly or transitively.
 */
import type * as A from './ast.js';
import { Diag, diagnostic, type Diagnostic } from './diagnostics.js';
import { parseSource } from './parse.js';
import { normalizePath, resolveImport } from './paths.js';
import { SourceFile } from './source.js';

/**
 * Where source text comes from. `readFile` returns undefined when the file cannot be read, or throws an
 * Error whose message says why (`not a regular file`), which becomes the diagnostic's hint.
 */
export interface FileHost {
  readFile(path: string): string | undefined;
}

/** An in-memory host (tests, fuzzing, the browser). */
export function memoryHost(files: Record<string, string>): FileHost {
  const map = new Map(Object.entries(files));
  return { readFile: (p) => map.get(p) ?? map.get(p.replace(/^\.\//, '')) };
}

/** The most files one program may load (a guard against generated import explosions). */
export const MAX_FILES = 1000;

export interface LoadedFile {
  readonly source: SourceFile;
  readonly ast: A.QaccFile;
  /** Resolved paths of the files this one imports, with the import declarations. */
  readonly imports: ReadonlyArray<{ readonly decl: A.ImportDecl; readonly target: string }>;
}

/** A named declaration and the file that declares it. */
export interface SymbolEntry {
  readonly decl: A.NamedDeclaration;
  readonly file: string;
}

export interface Program {
  readonly root: string;
  /** Every loaded file, in load order (root first). */
  readonly files: ReadonlyMap<string, LoadedFile>;
  readonly symbols: ReadonlyMap<string, SymbolEntry>;
  readonly diagnostics: readonly Diagnostic[];
  /** True when some file has lexical or syntax errors (its AST may be partial). */
  readonly hasSyntaxErrors: boolean;
  /** True when `decl` (declared in `declFile`) may be referred to from `fromFile`. */
  isVisible(fromFile: string, declFile: string): boolean;
  /** The source file for a path (for rendering diagnostics). */
  source(path: string): SourceFile | undefined;
}

/** Loads and parses `rootPath` and its imports; never throws. */
export function loadProgram(rootPathAsGiven: string, host: FileHost): Program {
  const rootPath = normalizePath(rootPathAsGiven);
  const diagnostics: Diagnostic[] = [];
  const files = new Map<string, LoadedFile>();
  let hasSyntaxErrors = false;
  const extraSources = new Map<string, SourceFile>();

  const { text: rootText, reason: rootReason } = safeRead(host, rootPath);
  if (rootText === undefined) {
    diagnostics.push(diagnostic(Diag.importNotFound, undefined, [rootPath], rootReason !== undefined ? { hint: rootReason } : {}));
  } else {
    const queue: Array<[string, string]> = [[rootPath, rootText]];
    const seen = new Set<string>([rootPath]);
    while (queue.length) {
      const [path, text] = queue.shift() as [string, string];
      const source = new SourceFile(path, text);
      const { ast, diagnostics: pd } = parseSource(source);
      diagnostics.push(...pd);
      if (pd.some((d) => d.severity === 'error')) hasSyntaxErrors = true;
      const imports: Array<{ decl: A.ImportDecl; target: string }> = [];
      for (const d of ast.declarations) {
        if (d.kind !== 'import') continue;
        const target = resolveImport(path, d.path);
        if (!seen.has(target)) {
          if (seen.size >= MAX_FILES) {
            diagnostics.push(diagnostic(Diag.importNotFound, d.pathSpan, [d.path], { hint: `a program may load at most ${MAX_FILES} files` }));
            continue;
          }
          const { text: t, reason } = safeRead(host, target);
          if (t === undefined) {
            const where = target !== d.path ? `looked for ${target}` : undefined;
            const hint = [reason, where].filter((h) => h !== undefined).join('; ');
            diagnostics.push(diagnostic(Diag.importNotFound, d.pathSpan, [d.path], hint ? { hint } : {}));
            continue;
          }
          seen.add(target);
          queue.push([target, t]);
        }
        imports.push({ decl: d, target });
      }
      files.set(path, { source, ast, imports });
    }
    diagnostics.push(...findCycles(files, rootPath));
  }

  // Symbols.
  const symbols = new Map<string, SymbolEntry>();
  for (const [path, f] of files) {
    for (const d of f.ast.declarations) {
      if (d.kind === 'import') continue;
      const prev = symbols.get(d.name.text);
      if (prev) {
        diagnostics.push(
          diagnostic(Diag.duplicateName, d.name.span, [d.name.text], { related: [{ span: prev.decl.name.span, message: `'${d.name.text}' first declared here` }] }),
        );
        continue;
      }
      symbols.set(d.name.text, { decl: d, file: path });
    }
  }

  // Visibility: transitive closure of imports, computed lazily per file with an explicit stack.
  const reach = new Map<string, Set<string>>();
  const reachable = (from: string): Set<string> => {
    let r = reach.get(from);
    if (r) return r;
    r = new Set([from]);
    const stack = [from];
    while (stack.length) {
      const p = stack.pop() as string;
      for (const imp of files.get(p)?.imports ?? []) {
        if (!r.has(imp.target)) {
          r.add(imp.target);
          stack.push(imp.target);
        }
      }
    }
    reach.set(from, r);
    return r;
  };

  return {
    root: rootPath,
    files,
    symbols,
    diagnostics,
    hasSyntaxErrors,
    isVisible: (fromFile, declFile) => reachable(fromFile).has(declFile),
    source: (p) => files.get(p)?.source ?? extraSources.get(p),
  };
}

function safeRead(host: FileHost, path: string): { text?: string; reason?: string } {
  try {
    const text = host.readFile(path);
    return text === undefined ? {} : { text };
  } catch (err) {
    return err instanceof Error ? { reason: err.message } : {};
  }
}

/** Reports each import that closes a cycle (iterative DFS: white/grey/black). */
function findCycles(files: ReadonlyMap<string, LoadedFile>, root: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const colour = new Map<string, 'grey' | 'black'>();
  const starts = [root, ...files.keys()];
  for (const start of starts) {
    if (colour.has(start)) continue;
    // Each frame: a file and the index of its next import to visit.
    const stack: Array<{ path: string; next: number }> = [{ path: start, next: 0 }];
    colour.set(start, 'grey');
    while (stack.length) {
      const top = stack[stack.length - 1];
      const imps = files.get(top.path)?.imports ?? [];
      if (top.next >= imps.length) {
        colour.set(top.path, 'black');
        stack.pop();
        continue;
      }
      const imp = imps[top.next++];
      const c = colour.get(imp.target);
      if (c === 'grey') {
        const from = stack.findIndex((f) => f.path === imp.target);
        const cycle = [...stack.slice(from).map((f) => f.path), imp.target].join(' → ');
        out.push(diagnostic(Diag.importCycle, imp.decl.pathSpan, [cycle]));
      } else if (c === undefined && files.has(imp.target)) {
        colour.set(imp.target, 'grey');
        stack.push({ path: imp.target, next: 0 });
      }
    }
  }
  return out;
}
