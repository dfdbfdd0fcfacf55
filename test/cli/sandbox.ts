/**
 * Helpers for CLI tests that run qacc inside a temporary sandbox directory: a small design (2×2 int8 MACs,
 * cheap to simulate and build), running with a given working directory, and a snapshot of a directory
 * tree (type, mode, content hash, link target per entry) to prove that nothing outside a command's named
 * output changed.
 */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

/** A 2×2 int8 MAC accelerator with 4 KiB buffers: every command finishes in milliseconds on it. */
export const SMALL_QACC = [
  'pe p : mac { weights = int8; activations = int8; accumulator = int(32); }',
  'array arr { pe = p; rows = 2; cols = 2; }',
  'buffer wb { size = 4 KiB; width = 64; banks = 2; role = weights; }',
  'buffer ab { size = 4 KiB; width = 64; banks = 2; role = activations; }',
  'accelerator small { arrays = arr; buffers = [wb, ab]; clock = 1 GHz; dram = 64 b/cycle; }',
  '',
].join('\n');

/** Runs `f` with `dir` as the working directory, restoring the old one afterwards (also on failure). */
export function withCwd<T>(dir: string, f: () => T): T {
  const old = process.cwd();
  process.chdir(dir);
  let restoreNow = true;
  try {
    const r = f();
    if (r instanceof Promise) {
      restoreNow = false;
      return r.finally(() => process.chdir(old)) as T;
    }
    return r;
  } finally {
    if (restoreNow) process.chdir(old);
  }
}

/** Every entry under `root` (relative path → type, mode and content hash or link target). */
export function snapshotTree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(root, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const p = join(root, r);
      const st = lstatSync(p);
      const mode = (st.mode & 0o7777).toString(8);
      if (st.isSymbolicLink()) out[r] = `link ${readlinkSync(p)}`;
      else if (st.isDirectory()) {
        out[r] = `dir ${mode}`;
        walk(r);
      } else if (st.isFile()) out[r] = `file ${mode} ${createHash('sha256').update(readFileSync(p)).digest('hex')}`;
      else out[r] = `special ${mode}`;
    }
  };
  walk('');
  return out;
}
