/**
 * The `cuda` backend of `qacc verify` (issue 14): each target's generated CUDA kernels (the KERNELS facet's
 * `cuda` member) built once with nvcc for sm_90a, then for every case the launcher's `run DIR` on the case's
 * operands (written as DIR/<name>.bin + meta.txt, the launcher's input contract) and its DIR/out.bin read
 * back as output codes. It needs an NVIDIA GPU: on a machine without one, `check` fails with one line saying
 * that none is present (exit 1), never a silent skip; likewise for a missing nvcc or a kind without kernels.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kernelSetFor, NoKernelError } from '../../codegen/kernels/targets.js';
import type { Target } from '../../compile/target.js';
import type { Backend } from '../backends.js';
import { VerifyError } from '../errors.js';
import { findExecutable, NVCC_MISSING, nvidiaGpus, runProgram } from './nvcc.js';
import { NVCC_ARGS } from '../../codegen/cuda/host.js';

/** The line `qacc verify --backends cuda` prints on a machine without a GPU. */
export const NO_GPU = 'cuda backend: no NVIDIA GPU is present on this machine (nvidia-smi lists none); run it where one is (sims/cuda/run-gpu.sh runs the CUDA kernels on a GPU machine)';

export function createCudaBackend(options: { readonly gpus?: () => Promise<string[]> } = {}): Backend {
  const executables = new Map<Target, string>();
  const cacheDir = join(tmpdir(), 'qacc-cuda-cache');
  return {
    name: 'cuda',
    description: 'CUDA kernels on the GPU',
    level: 'model',
    async check(targets) {
      const gpus = await (options.gpus ?? nvidiaGpus)();
      if (gpus.length === 0) throw new VerifyError('backend-unavailable', NO_GPU);
      const nvcc = findExecutable('nvcc');
      if (nvcc === undefined) throw new VerifyError('backend-unavailable', `cuda backend: ${NVCC_MISSING}`);
      for (const t of targets) {
        let set;
        try {
          set = kernelSetFor(t.target, 'cuda');
        } catch (err) {
          if (err instanceof NoKernelError) throw new VerifyError('backend-unavailable', `cuda backend: ${t.label}: ${err.message}`);
          throw err;
        }
        if (!set) throw new VerifyError('backend-unavailable', `cuda backend: no CUDA kernel for PE kind ${t.target.golden.kind} (${t.label}) yet`);
        const source = set.files.find((f) => f.path.endsWith('.cu'));
        if (!source) throw new VerifyError('backend-unavailable', `cuda backend: ${t.label}: the kernel set has no .cu file`);
        const key = createHash('sha256').update(NVCC_ARGS.join(' ')).update(source.text).digest('hex').slice(0, 16);
        const exe = join(cacheDir, key, 'launcher');
        if (!existsSync(exe)) {
          try {
            mkdirSync(join(cacheDir, key), { recursive: true });
            writeFileSync(join(cacheDir, key, 'kernel.cu'), source.text);
          } catch (err) {
            throw new VerifyError('backend-unavailable', `cuda backend: cannot write ${cacheDir}: ${(err as Error).message}`);
          }
          const r = await runProgram(nvcc, [...NVCC_ARGS, join(cacheDir, key, 'kernel.cu'), '-o', exe + '.tmp']);
          if (r.code !== 0) throw new VerifyError('backend-unavailable', `cuda backend: nvcc failed for ${t.label}: ${r.stderr.split('\n').find((l) => /error/i.test(l)) ?? r.stderr.trim()}`);
          renameSync(exe + '.tmp', exe);
        }
        executables.set(t.target, exe);
      }
    },
    run(c) {
      const exe = executables.get(c.target);
      const set = kernelSetFor(c.target, 'cuda');
      if (!exe || !set) throw new Error('cuda backend: run before check');
      const launch = set.launch(c.operands);
      const dir = mkdtempSync(join(tmpdir(), 'qacc-cuda-case-'));
      try {
        writeFileSync(join(dir, 'meta.txt'), Object.entries(launch.params).map(([k, v]) => `${k} ${v}`).join('\n') + '\n');
        for (const [name, words] of Object.entries(launch.inputs)) writeFileSync(join(dir, `${name}.bin`), new Uint8Array(words.buffer, words.byteOffset, words.byteLength));
        execFileSync(exe, ['run', dir], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 600_000 });
        const bytes = readFileSync(join(dir, 'out.bin'));
        const words = new Uint32Array(launch.output.words);
        new Uint8Array(words.buffer).set(bytes.subarray(0, Math.min(bytes.length, words.byteLength)));
        return { outputs: set.outputCodes(words, c.operands) };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
