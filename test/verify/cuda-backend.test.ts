/**
 * `qacc verify --backends cuda` on a machine without a GPU (issue 14): the backend's check fails with one
 * line saying that none is present, and the CLI exits 1 with that line (never a silent pass or a skip).
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createCudaBackend, NO_GPU } from '../../src/verify/cuda/backend.js';
import { defaultBackends } from '../../src/verify/backends.js';
import { nvidiaGpus, runProgram } from '../../src/verify/cuda/nvcc.js';

const ROOT = resolve(__dirname, '../..');

describe('cuda verify backend', () => {
  it('is registered as "cuda"', () => {
    expect(defaultBackends().get('cuda')?.name).toBe('cuda');
  });

  it('refuses with one line when no GPU is present', async () => {
    const b = createCudaBackend({ gpus: async () => [] });
    await expect(b.check([], { trace: false })).rejects.toThrow(NO_GPU);
    expect(NO_GPU).not.toContain('\n');
  });

  it('exits 1 from the CLI with that line on this machine when it has no GPU', async () => {
    if ((await nvidiaGpus()).length > 0) return; // a GPU machine runs the kernels instead (sims/cuda/run-gpu.sh)
    const mainUrl = pathToFileURL(resolve(ROOT, 'src/cli/main.ts')).href;
    const args = ['verify', resolve(ROOT, 'examples/svdquant.qacc'), '--backends', 'golden,cuda'];
    const script = `const m = await import(${JSON.stringify(mainUrl)}); process.exitCode = await m.main(${JSON.stringify(args)});`;
    const r = await runProgram(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], 60_000);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr.trim()).toBe(`qacc: error: ${NO_GPU}`);
  }, 90_000);
});
