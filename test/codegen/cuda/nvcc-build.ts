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
 *
 * Tests that run only the launcher's host modes (cpu, qact, wglayout, wgdown) build a `host-model` instead: the device
 * code still goes through nvcc's front end and cicc to PTX, so it must compile, but it is embedded as PTX (ptxas, a
 * third of a lowrank_gemm build, is skipped; the PTX is never loaded without a GPU) and the host side is compiled at -O1
 * (x86-64 has no FMA to contract into, so its IEEE results are those of -O3): about two thirds of a full build's time.
 * The suite's budget is 15 minutes on two cores, and nvcc builds are a large part of it (CONTRIBUTING.md).
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

/** `device`: qacc's own flags (sm_90a machine code) and ptxas's report; `host-model`: only the host modes run. */
export type CudaBuildPurpose = 'device' | 'host-model';

/** nvcc's flags for a host-model build (see above): NVCC_ARGS with PTX for compute_90a instead of sm_90a code, -O1, no -lineinfo. */
export const HOST_MODEL_NVCC_ARGS = ['-gencode=arch=compute_90a,code=compute_90a', '-O1', '-std=c++17'] as const;

let version: Promise<string> | undefined;

function cacheRoot(): string {
  const base = process.env.QACC_CACHE_DIR && process.env.QACC_CACHE_DIR.length > 0 ? process.env.QACC_CACHE_DIR : join(tmpdir(), 'qacc-cache');
  return join(base, 'nvcc');
}

/** Builds (or takes from the cache) the executable of `source` with `flags`; fails the test when nvcc is missing. */
export async function buildCuda(source: string, flags: readonly string[] = [], purpose: CudaBuildPurpose = 'device'): Promise<CudaBuild> {
  const nvcc = findExecutable('nvcc');
  if (nvcc === undefined) expect.fail(NVCC_MISSING);
  version ??= runProgram(nvcc, ['--version']).then((r) => r.stdout);
  const args = purpose === 'device' ? [...NVCC_ARGS, '-Xptxas', '-v', ...flags] : [...HOST_MODEL_NVCC_ARGS, ...flags];
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
