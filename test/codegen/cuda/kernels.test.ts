/**
 * Every generated CUDA kernel compiles with nvcc for sm_90a (issue 14): the examples' lowrank_gemm and
 * bit_serial_mod accelerators, each built to an executable (its launcher) through the build cache that the
 * host-mode tests share (nvcc-build.ts: they run several of these very sources). nvcc runs as an async
 * child process, so the worker is never blocked; when nvcc is absent the first test fails with one line
 * naming what is missing (never a silent skip). Running the kernels needs a GPU: sims/cuda/run-gpu.sh
 * (docs/kernels.md). lr_wgmma's ptxas report (asynchronous wgmmas, setmaxnreg, no spills) is checked on
 * the builds of wgmma-layout.test.ts.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveTarget } from '../../../src/compile/target.js';
import { compileFile } from '../../../src/ir/elaborate.js';
import { acceleratorTargets, kernelSetFor } from '../../../src/codegen/kernels/targets.js';
import { bitSerialCudaSource, bitSerialCudaUnsupported } from '../../../src/pe/bit-serial-mod/kernel-cuda.js';
import type { MacConfig } from '../../../src/pe/mac/golden.js';
import { macCudaSource } from '../../../src/pe/mac/kernel-cuda.js';
import type { BitSerialModConfig } from '../../../src/pe/bit-serial-mod/golden.js';
import type { LowRankGemmConfig } from '../../../src/pe/lowrank-gemm/golden.js';
import { lowRankCudaSource, lowRankFastEligible } from '../../../src/pe/lowrank-gemm/kernel-cuda.js';
import { findExecutable, NVCC_MISSING } from '../../../src/verify/cuda/nvcc.js';
import { buildCuda } from './nvcc-build.js';

const ROOT = resolve(__dirname, '../../..');
const host = { readFile: (p: string) => { try { return readFileSync(p, 'utf8'); } catch { return undefined; } } };

function goldenConfigs(example: string) {
  const c = compileFile(resolve(ROOT, 'examples', `${example}.qacc`), host, {});
  if (!c.design) throw new Error(`${example}: ${c.diagnostics.map((d) => d.message).join('; ')}`);
  return c.design.accelerators.map((a) => ({ name: a.name, golden: resolveTarget(a).golden }));
}

/** The generated CUDA sources: every example accelerator (and SIMD mode) whose kind has a CUDA kernel set, plus the mac variants no example uses. */
function kernels(): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  for (const example of ['svdquant', 'bitmod', 'xr-npe']) {
    const c = compileFile(resolve(ROOT, 'examples', `${example}.qacc`), host, {});
    for (const accel of c.design?.accelerators ?? []) {
      for (const { mode, target } of acceleratorTargets(accel)) {
        const set = kernelSetFor(target, 'cuda');
        if (set) out.push({ name: mode === undefined ? accel.name : `${accel.name}_mode${mode}`, text: set.files[0].text });
      }
    }
  }
  const variants: MacConfig[] = [{ kind: 'mac', variant: 'int8' }, { kind: 'mac', variant: 'fp16_fma', accumulator: 'fp16' }, { kind: 'mac', variant: 'fp16_int8', accumulator: 'fp16' }];
  for (const v of variants) out.push({ name: `mac_${v.variant}_${v.variant === 'int8' ? 'int32' : v.accumulator}`, text: macCudaSource(v) });
  return out;
}

describe('generated CUDA kernels', () => {
  const all = kernels();

  it('covers every example accelerator with a CUDA kernel (all four kinds, every xr-npe mode) and every mac variant', () => {
    expect(all.map((k) => k.name).sort()).toEqual(
      ['ant_baseline', 'bitmod', 'bitmod_authors', 'fp16_baseline', 'mac_fp16_fma_fp16', 'mac_fp16_int8_fp16', 'mac_int8_int32', 'olive_baseline', 'svdquant_nvfp4', 'svdquant_w4a4',
       'xr_npe_mode0', 'xr_npe_mode1', 'xr_npe_mode2', 'xr_npe_mode3'],
    );
  });

  it('finds nvcc', () => {
    if (findExecutable('nvcc') === undefined) expect.fail(NVCC_MISSING);
  });

  for (const k of all) {
    it(`${k.name}.cu compiles with nvcc for sm_90a`, async () => {
      const { result: r } = await buildCuda(k.text);
      expect(r.stderr.split('\n').filter((l) => /error/i.test(l) && !l.startsWith('ptxas info')), r.stderr).toEqual([]);
      expect(r.code).toBe(0);
    }, 300_000);
  }

  it('uses the tensor-core kernel for the int4 example and the tiled and generic kernels for nvfp4', () => {
    const cfgs = goldenConfigs('svdquant').filter((c) => c.golden.kind === 'lowrank_gemm');
    const w4 = cfgs.find((c) => c.name === 'svdquant_w4a4')!.golden as LowRankGemmConfig;
    const nv = cfgs.find((c) => c.name === 'svdquant_nvfp4')!.golden as LowRankGemmConfig;
    expect(lowRankFastEligible(w4)).toBe(true);
    expect(lowRankFastEligible(nv)).toBe(false);
    expect(lowRankCudaSource(w4)).toContain('mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32');
    expect(lowRankCudaSource(nv)).not.toContain('mma.sync');
    // Every config also gets the tiled dp4a kernel (kernel-cuda-tiled.ts), which `run` uses without lr_fast.
    for (const cfg of [w4, nv]) expect(lowRankCudaSource(cfg)).toMatch(/void lr_tiled\([\s\S]*__dp4a[\s\S]*dev\.tiled\(\)/);
    expect(lowRankCudaSource(w4)).toContain('wgmma.mma_async.sync.aligned.m64n128k32.s32.s8.s8');
    expect(lowRankCudaSource({ ...w4, main: { ...w4.main, activations: 'uint4' } as LowRankGemmConfig['main'] })).toContain('m64n128k32.s32.u8.s8');
    // The 49152 magic reads |256·d| ≤ 2^22 exactly: groups up to 256 (int4 × int4) or 128 (uint4 × int4).
    expect(lowRankFastEligible({ ...w4, main: { ...w4.main, groupSize: 256 } as LowRankGemmConfig['main'] })).toBe(true);
    expect(lowRankFastEligible({ ...w4, main: { ...w4.main, groupSize: 320 } as LowRankGemmConfig['main'] })).toBe(false);
    expect(lowRankFastEligible({ ...w4, main: { ...w4.main, activations: 'uint4', groupSize: 192 } as LowRankGemmConfig['main'] })).toBe(false);
  });

  it('states what the table-driven bit_serial_mod GEMV cannot generate instead of generating something else (the any-config kernel takes those)', () => {
    const authors = goldenConfigs('bitmod').find((c) => c.name === 'bitmod_authors')!.golden as BitSerialModConfig;
    expect(bitSerialCudaUnsupported(authors)).toMatch(/bitmod_rtl/);
    expect(() => bitSerialCudaSource(authors)).toThrow(/bitmod_rtl/);
  });
});
