/**
 * lr_down's 16-bit staging knob (src/pe/lowrank-gemm/kernel-cuda.ts DOWN_KERNEL; docs/kernels.md "16-bit staging of
 * the down projection"): `-DLR_DOWN_H16=1` stages X and D in shared memory as their 16-bit codes (D transposed to
 * [rank][k]) and decodes them in registers, `-DLR_DOWN_XF32=1` with it keeps X widened to fp32. Both are off by
 * default. Their bit-exactness needs a GPU (sims/cuda/run-lowrank-bound.sh's verify); here nvcc builds each form for
 * both branch formats of the examples (svdquant_w4a4: fp16, decoded by HADD2.F32; svdquant_nvfp4: bf16, by an
 * integer shift) and ptxas's report shows lr_down without spills; and lr_down_mma's tiling with one rank half per warp.
 */
import { describe, expect, it } from 'vitest';
import { svdquantConfig } from './svdquant-config.js';
import { lowRankCudaSource } from '../../../src/pe/lowrank-gemm/kernel-cuda.js';
import { buildCuda } from './nvcc-build.js';

describe('lr_down 16-bit staging knob (LR_DOWN_H16)', () => {
  const w4a4 = svdquantConfig('svdquant_w4a4');
  const nvfp4 = svdquantConfig('svdquant_nvfp4');

  it('is off by default in the generated source, and the examples cover both branch formats', () => {
    for (const cfg of [w4a4, nvfp4]) {
      const src = lowRankCudaSource(cfg);
      expect(src).toContain('#define LR_DOWN_H16 0\n');
      expect(src).toContain('#define LR_DOWN_XF32 0\n');
    }
    expect([w4a4.branchFormat, nvfp4.branchFormat]).toEqual(['fp16', 'bf16']);
  });

  const forms: [string, 'svdquant_w4a4' | 'svdquant_nvfp4', string[]][] = [
    ['svdquant_w4a4 (fp16 branch), LR_DOWN_H16', 'svdquant_w4a4', ['-DLR_DOWN_H16=1']],
    ['svdquant_w4a4 (fp16 branch), LR_DOWN_H16 + LR_DOWN_XF32', 'svdquant_w4a4', ['-DLR_DOWN_H16=1', '-DLR_DOWN_XF32=1']],
    ['svdquant_nvfp4 (bf16 branch), LR_DOWN_H16', 'svdquant_nvfp4', ['-DLR_DOWN_H16=1']],
    // lr_down_mma (kernel-cuda-down-mma.ts) is in every fp16-branch source; the knob only makes the launcher pick it.
    ['svdquant_w4a4 (fp16 branch), LR_DOWN_MMA with one rank half per warp', 'svdquant_w4a4', ['-DLR_DOWN_MMA=1', '-DLR_DOWN_MMA_Q=1']],
  ];
  for (const [name, accel, flags] of forms) {
    it(`${name}: builds, lr_down without spills`, async () => {
      const { result: r } = await buildCuda(lowRankCudaSource(accel === 'svdquant_w4a4' ? w4a4 : nvfp4), flags);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr.split('\n').filter((l) => /warning/i.test(l)), r.stderr).toEqual([]);
      const down = r.stderr.match(/Function properties for _Z7lr_down\w*\n\s*(\d+) bytes stack frame, (\d+) bytes spill stores, (\d+) bytes spill loads/);
      expect(down, r.stderr).not.toBeNull();
      expect([down![2], down![3]], down![0]).toEqual(['0', '0']);
      if (flags.includes('-DLR_DOWN_MMA=1')) {
        const mma = r.stderr.match(/Function properties for _Z11lr_down_mma\w*\n\s*(\d+) bytes stack frame, (\d+) bytes spill stores, (\d+) bytes spill loads/);
        expect(mma, r.stderr).not.toBeNull();
        expect([mma![2], mma![3]], mma![0]).toEqual(['0', '0']);
      }
    }, 300_000);
  }
});
