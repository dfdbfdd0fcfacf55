/**
 * The CUDA toolchain as qacc uses it (issue 14): find nvcc, compile a generated .cu for sm_90a without
 * blocking the caller (child process, async), and tell whether this machine has an NVIDIA GPU at all
 * (`qacc verify --backends cuda` runs kernels only where one is present and says so otherwise).
 */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { NVCC_ARGS } from '../../codegen/cuda/host.js';

/** Path of an executable on PATH ($NVCC first for nvcc), or undefined. */
export function findExecutable(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (name === 'nvcc' && env.NVCC) return env.NVCC;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

export interface ProcessResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a program asynchronously (never throws for a non-zero exit; `code` is -1 when it could not start). */
export function runProgram(file: string, args: readonly string[], timeoutMs = 600_000): Promise<ProcessResult> {
  return new Promise((resolve) => {
    execFile(file, [...args], { timeout: timeoutMs, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) || (err && code === -1 ? err.message : '') });
    });
  });
}

/** One line naming what is missing when nvcc cannot be found. */
export const NVCC_MISSING = 'nvcc not found (set $NVCC or put the CUDA toolkit, 12.8 or later for sm_90a, on PATH): the generated CUDA kernels cannot be compiled';

/** Compiles one .cu file to an object file with qacc's flags (sm_90a). */
export async function compileCuda(source: string, object: string, extra: readonly string[] = []): Promise<ProcessResult> {
  const nvcc = findExecutable('nvcc');
  if (nvcc === undefined) return { code: -1, stdout: '', stderr: NVCC_MISSING };
  return runProgram(nvcc, [...NVCC_ARGS, ...extra, '-c', source, '-o', object]);
}

/** Names of the NVIDIA GPUs nvidia-smi lists here; empty when there is none (or no driver). */
export async function nvidiaGpus(): Promise<string[]> {
  const smi = findExecutable('nvidia-smi');
  if (smi === undefined) return [];
  const r = await runProgram(smi, ['-L'], 20_000);
  return r.code === 0 ? r.stdout.split('\n').filter((l) => l.startsWith('GPU ')) : [];
}
