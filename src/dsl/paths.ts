/**
 * Minimal POSIX-style path arithmetic for import resolution (src/dsl may not use node:path, so it also
 * runs in a browser). Backslashes are treated as separators so Windows-style paths still resolve.
 */

/** Normalizes `a/./b/../c` to `a/c`, keeping a leading `/` or leading `..` segments. */
export function normalizePath(path: string): string {
  const absolute = path.startsWith('/');
  const out: string[] = [];
  for (const seg of path.replace(/\\/g, '/').split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..' && out.length && out[out.length - 1] !== '..') out.pop();
    else if (seg === '..' && absolute) continue;
    else out.push(seg);
  }
  const joined = out.join('/');
  return absolute ? '/' + joined : joined || '.';
}

/** The directory part of a path (`.` when there is none). */
export function dirnameOf(path: string): string {
  const p = path.replace(/\\/g, '/');
  const i = p.lastIndexOf('/');
  if (i < 0) return '.';
  return i === 0 ? '/' : p.slice(0, i);
}

/** Resolves an import written in `fromFile` against that file's directory (absolute imports stay). */
export function resolveImport(fromFile: string, spec: string): string {
  if (spec.startsWith('/')) return normalizePath(spec);
  return normalizePath(`${dirnameOf(fromFile)}/${spec}`);
}
