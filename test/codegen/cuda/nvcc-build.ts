/**
 * nvcc builds of generated CUDA sources, shared by the CUDA test files through a content-hash cache (as
 * the Verilator builds are, src/verify/rtl/verilator.ts): kernels.test.ts builds every example's kernel
 * and the host-mode tests (simd-host, bitmod-host, bitmod-int-host, wgmma-layout) build some of the very
 * same sources with the same flags, so whichever file comes first pays for the build and the other reads
 * its executable and nvcc's output. Every build is qacc's (NVCC_ARGS, sm_90a) plus `-Xptxas -v` (ptxas's
 * resource report, read by wgmma-layout.test.ts; it changes no code) and the caller's flags. Key: nvcc's
 * path and version, the flags and the source text. A build runs in a fresh directory of the cache and is
 * renamed into place, so a concurrent build of the same key never sees a partial one; a failed build is
 * returned, not cached.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { NVCC_ARGS } from '../../../src/codegen/cuda/host.js';
import { findExecutable, NVCC_MISSING, runProgram, type ProcessResult } from '../../../src/verify/cuda/nvcc.js';

/** A built executable and what nvcc printed building it. */
export interface CudaBuild {
  readonly exe: string;
  readonly result: ProcessResult;
}

let version: Promise<string> | undefined;

function cacheRoot(): string {
  const base = process.env.QACC_CACHE_DIR && process.env.QACC_CACHE_DIR.length > 0 ? process.env.QACC_CACHE_DIR : join(tmpdir(), 'qacc-cache');
  return join(base, 'nvcc');
}

/** Builds (or takes from the cache) the executable of `source` with `flags`; fails the test when nvcc is missing. */
export async function buildCuda(source: string, flags: readonly string[] = []): Promise<CudaBuild> {
  const nvcc = findExecutable('nvcc');
  if (nvcc === undefined) expect.fail(NVCC_MISSING);
  version ??= runProgram(nvcc, ['--version']).then((r) => r.stdout);
  const args = [...NVCC_ARGS, '-Xptxas', '-v', ...flags];
  const key = createHash('sha256').update(JSON.stringify([nvcc, await version, args, source])).digest('hex').slice(0, 32);
  const root = cacheRoot();
  const final = join(root, key);
  const exe = join(final, 'kernel');
  const log = join(final, 'nvcc.json');
  if (existsSync(exe) && existsSync(log)) return { exe, result: JSON.parse(readFileSync(log, 'utf8')) as ProcessResult };
  const work = join(root, `.build-${key}-${randomBytes(4).toString('hex')}`);
  mkdirSync(work, { recursive: true });
  try {
    writeFileSync(join(work, 'kernel.cu'), source);
    const result = await runProgram(nvcc, [...args, join(work, 'kernel.cu'), '-o', join(work, 'kernel')]);
    if (result.code !== 0) return { exe: join(work, 'kernel'), result };
    writeFileSync(join(work, 'nvcc.json'), JSON.stringify(result));
    try {
      renameSync(work, final);
    } catch (err) {
      // another file finished the same build first: use its copy
      if (!existsSync(exe)) throw err;
    }
    return { exe, result };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
