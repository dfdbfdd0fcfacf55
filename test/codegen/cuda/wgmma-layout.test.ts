/**
 * lr_wgmma (src/pe/lowrank-gemm/kernel-cuda-wgmma.ts) needs a GPU to run, but its operand layouts can be
 * checked here: the launcher's host mode `wglayout M N K` packs random codes as the device path does, widens
 * B by the unpackers' formula and reads both operands back the way PTX defines wgmma's (B as K-major core
 * matrices through the descriptor's LBO and SBO, A as the m64nNk32 register fragment), then compares every
 * group's integer dot with the one from the codes, and every scale word a lane reads with its rows' and
 * columns' codes. One compile per config: the int4 example (group 64, two groups and more than one tile) and
 * uint4 activations with groups of 128 (two 64-deep stages per group), and both activation kinds with the
 * LR_WG_FP8 knob (fp8 codes, decoded on the host). The same binary's `wgdown M R` mode
 * checks the index maps of lr_wgmma<2>'s fused down projection (which block and thread computes each L chain,
 * the staging of X and D, and the slices whose flags a tile's epilogue waits for).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { NVCC_ARGS } from '../../../src/codegen/cuda/host.js';
import { resolveTarget } from '../../../src/compile/target.js';
import { compileFile } from '../../../src/ir/elaborate.js';
import type { LowRankGemmConfig } from '../../../src/pe/lowrank-gemm/golden.js';
import { lowRankCudaSource } from '../../../src/pe/lowrank-gemm/kernel-cuda.js';
import { findExecutable, NVCC_MISSING, runProgram } from '../../../src/verify/cuda/nvcc.js';

const ROOT = resolve(__dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'qacc-cuda-wgmma-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function w4a4(): LowRankGemmConfig {
  const c = compileFile(resolve(ROOT, 'examples', 'svdquant.qacc'), { readFile: (p) => { try { return readFileSync(p, 'utf8'); } catch { return undefined; } } }, {});
  const a = c.design?.accelerators.find((x) => x.name === 'svdquant_w4a4');
  if (!a) throw new Error('svdquant_w4a4 not found');
  return resolveTarget(a).golden as LowRankGemmConfig;
}

describe('lr_wgmma operand layouts (host model, no GPU)', () => {
  const base = w4a4();
  const uint4 = (groupSize: number): LowRankGemmConfig => ({ ...base, main: { ...base.main, activations: 'uint4', groupSize } as LowRankGemmConfig['main'] });
  // [name, config, shape, extra nvcc flags]: LR_WG_FP8 = 1 widens to e4m3 (A) and e5m2 (B) codes and packs B as PRMT
  // selectors; the model decodes the codes from the OCP FP8 definition and wants each group's dot itself.
  const configs: [string, LowRankGemmConfig, [number, number, number], string[]][] = [
    ['int4 × int4, groups of 64', base, [256, 384, 128], []],
    ['uint4 × int4, groups of 128', uint4(128), [128, 256, 256], []],
    ['LR_WG_FP8 int4 × int4, groups of 64', base, [256, 384, 128], ['-DLR_WG_FP8=1']],
    ['LR_WG_FP8 uint4 × int4, groups of 64', uint4(64), [128, 256, 256], ['-DLR_WG_FP8=1']],
    // LR_WG_BWIDE = 1: B widened on the host into each stage's shared-memory image (int8, or e5m2 with LR_WG_FP8).
    ['LR_WG_BWIDE int4 × int4, groups of 64', base, [256, 384, 128], ['-DLR_WG_BWIDE=1']],
    ['LR_WG_BWIDE LR_WG_FP8 uint4 × int4, groups of 64', uint4(64), [128, 256, 256], ['-DLR_WG_BWIDE=1', '-DLR_WG_FP8=1']],
    // LR_WG_BSWZ = 1: that image in wgmma's 64-byte swizzle layout (the model reads it through PTX's swizzle definition).
    ['LR_WG_BWIDE LR_WG_BSWZ int4 × int4, groups of 64', base, [256, 384, 128], ['-DLR_WG_BWIDE=1', '-DLR_WG_BSWZ=1']],
  ];
  for (const [name, cfg, [m, n, k], flags] of configs) {
    it(`${name}: packed operands read back through wgmma's layouts give every group's dot (${m} × ${n} × ${k})`, async () => {
      const nvcc = findExecutable('nvcc');
      if (nvcc === undefined) expect.fail(NVCC_MISSING);
      const tag = name.replace(/[^a-z0-9]+/g, '-');
      const src = join(dir, `${tag}.cu`);
      writeFileSync(src, lowRankCudaSource(cfg));
      const exe = join(dir, tag);
      const c = await runProgram(nvcc, [...NVCC_ARGS, ...flags, src, '-o', exe]);
      expect(c.code, c.stderr).toBe(0);
      const r = await runProgram(exe, ['wglayout', String(m), String(n), String(k)]);
      expect(r.stdout).toContain(`wglayout ${m} x ${n} x ${k}: 0 mismatches`);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      // lr_wgmma<2>'s down warpgroup: slices, chains, staging pieces and the flags each tile waits for, for
      // whole and ragged rank chunks (rank 20: one padded chunk; 70: three, the last padded) and several row blocks.
      for (const [mm, rr] of [[m, 32], [384, 20], [512, 70]] as const) {
        const d = await runProgram(exe, ['wgdown', String(mm), String(rr)]);
        expect(d.stdout).toContain(`wgdown M=${mm} rank=${rr}: 0 violations`);
        expect(d.code, d.stdout + d.stderr).toBe(0);
      }
    }, 300_000);
  }
});
