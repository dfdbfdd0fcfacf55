/**
 * Every generated CUDA kernel compiles with nvcc for sm_90a (issue 14): the examples' lowrank_gemm and
 * bit_serial_mod accelerators. nvcc runs as an async child process, so the worker is never blocked; when
 * nvcc is absent the first test fails with one line naming what is missing (never a silent skip).
 * Running the kernels needs a GPU: sims/cuda/run-gpu.sh (docs/kernels.md).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveTarget } from '../../../src/compile/target.js';
import { compileFile } from '../../../src/ir/elaborate.js';
import { acceleratorTargets, kernelSetFor } from '../../../src/codegen/kernels/targets.js';
import { bitSerialCudaSource, bitSerialCudaUnsupported } from '../../../src/pe/bit-serial-mod/kernel-cuda.js';
import type { MacConfig } from '../../../src/pe/mac/golden.js';
import { macCudaSource } from '../../../src/pe/mac/kernel-cuda.js';
import type { BitSerialModConfig } from '../../../src/pe/bit-serial-mod/golden.js';
import type { LowRankGemmConfig } from '../../../src/pe/lowrank-gemm/golden.js';
import { lowRankCudaSource, lowRankFastEligible } from '../../../src/pe/lowrank-gemm/kernel-cuda.js';
import { compileCuda, findExecutable, NVCC_MISSING } from '../../../src/verify/cuda/nvcc.js';

const ROOT = resolve(__dirname, '../../..');
const host = { readFile: (p: string) => { try { return readFileSync(p, 'utf8'); } catch { return undefined; } } };
const dir = mkdtempSync(join(tmpdir(), 'qacc-cuda-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

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
      const src = join(dir, `${k.name}.cu`);
      writeFileSync(src, k.text);
      const r = await compileCuda(src, join(dir, `${k.name}.o`));
      expect(r.stderr.split('\n').filter((l) => /error/i.test(l)), r.stderr).toEqual([]);
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

  // The default build, the LR_WG_FP8 knob's (fp8 wgmma into f32 accumulators) and LR_WG_BWIDE's (B widened on the
  // host, no unpacker warps) with fp8 and 12 stages (docs/kernels.md).
  for (const flags of [[], ['-DLR_WG_FP8=1'], ['-DLR_WG_BWIDE=1', '-DLR_WG_FP8=1', '-DLR_WG_STAGES=12']]) it(`builds lr_wgmma (svdquant_w4a4${flags.length ? ', ' + flags.join(' ') : ''}) with asynchronous wgmmas, its setmaxnreg honoured and no spills`, async () => {
    const w4 = goldenConfigs('svdquant').find((c) => c.name === 'svdquant_w4a4')!.golden as LowRankGemmConfig;
    const src = join(dir, `wgmma-ptxas${flags.length}.cu`);
    writeFileSync(src, lowRankCudaSource(w4));
    const r = await compileCuda(src, join(dir, `wgmma-ptxas${flags.length}.o`), ['-Xptxas', '-v', ...flags]);
    expect(r.code, r.stderr).toBe(0);
    // ptxas serializes every wgmma of a function when ordinary instructions touch in-flight registers (C7513,
    // C7514) and ignores setmaxnreg without a register cap at entry (C7508): each would cost the overlap.
    expect(r.stderr).not.toMatch(/C751[34]|C7508/);
    const props = [...r.stderr.matchAll(/Function properties for (\w+)\n\s*(\d+) bytes stack frame, (\d+) bytes spill stores/g)];
    const wg = props.filter((m) => m[1].includes('lr_wgmma'));
    expect(wg.length).toBe(3);   // lr_wgmma<0> (no branch), <1> (L from lr_down), <2> (down projection fused)
    for (const m of wg) expect(m[3], m[0]).toBe('0');
  }, 300_000);

  it('states what the table-driven bit_serial_mod GEMV cannot generate instead of generating something else (the any-config kernel takes those)', () => {
    const authors = goldenConfigs('bitmod').find((c) => c.name === 'bitmod_authors')!.golden as BitSerialModConfig;
    expect(bitSerialCudaUnsupported(authors)).toMatch(/bitmod_rtl/);
    expect(() => bitSerialCudaSource(authors)).toThrow(/bitmod_rtl/);
  });
});
