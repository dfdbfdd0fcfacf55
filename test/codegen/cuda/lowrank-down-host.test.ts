/**
 * The generated lr_down (the down projection, src/pe/lowrank-gemm/kernel-cuda.ts DOWN_KERNEL) run on the host:
 * lowrank-down-host.cpp emulates a block's threads with std::threads and a barrier and includes the generated
 * kernel text verbatim, so its staging, register pipeline and index maps run as written; only the fp32 operations
 * are the host's (RNE, never contracted) and the decode/encode helpers the host versions of cuda_fp16 / cuda_bf16.
 * Oracle: golden's step functions in golden's order (lowRankDownStep over k ascending, lowRankDownResult), not the
 * kernel. Every form: the default fp32 staging, LR_DOWN_H16 (16-bit codes, D transposed) and LR_DOWN_H16 +
 * LR_DOWN_XF32, for both branch formats, and lr_down_mma (-DLR_DOWN_MMA=1, fp16 only: its warp MMAs emulated from PTX's
 * m16n8k8 fragment definition, so the test checks the kernel's fragment packing and index maps), (svdquant_w4a4: fp16, svdquant_nvfp4: bf16), on shapes with ragged M, K
 * not a multiple of 8 or of the 256-step chunk, ranks not a multiple of 8 or of the block's 32, LoRA scales,
 * zeros and subnormal codes. Bit-exactness on the GPU is still the H100 run's to show (sims/cuda/run-lowrank-bound.sh).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FP32 } from '../../../src/formats/float.js';
import { wideFormat } from '../../../src/golden/common.js';
import { lowRankDownResult, lowRankDownStep, type LowRankGemmConfig } from '../../../src/pe/lowrank-gemm/golden.js';
import { lowRankCudaSource, lowRankInputMasks } from '../../../src/pe/lowrank-gemm/kernel-cuda.js';
import { findExecutable, NVCC_MISSING, runProgram } from '../../../src/verify/cuda/nvcc.js';
import { svdquantConfig } from './svdquant-config.js';

const HARNESS = resolve(__dirname, 'lowrank-down-host.cpp');

/** The generated source's lr_down section with the four config helpers it calls, as the harness includes it. */
function downSection(source: string): string {
  const helpers = ['float r16_val(', 'float branch_step(', 'uint32_t r16_code(', 'uint16_t down_code('].map((sig) => {
    const line = source.split('\n').find((l) => l.startsWith(`__device__ __forceinline__ ${sig}`));
    if (line === undefined) throw new Error(`generated source has no ${sig}`);
    return line;
  });
  const start = source.indexOf('// ---- down projection');
  const end = source.indexOf('// ---- any config: one thread per output');
  if (start < 0 || end < start) throw new Error('generated source: down projection section not found');
  return `${helpers.join('\n')}\n${source.slice(start, end)}`;
}

/** Deterministic 32-bit hash (operands only; the oracle does not use it). */
function hash(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

interface DownCase { readonly m: number; readonly k: number; readonly r: number; readonly ls: boolean }

/** X, D and LoRA scale codes of a case: the benchmark's masks, a quarter (X) / eighth (D) zeros, some subnormals. */
function operands(config: LowRankGemmConfig, c: DownCase, seed: number): { x: Uint16Array; d: Uint16Array; ls: Uint32Array } {
  const masks = lowRankInputMasks(config);
  const code = (h: number, [and, or]: readonly [number, number]): number => ((h >>> 8) & and) | or;
  const x = new Uint16Array(c.m * c.k);
  const d = new Uint16Array(c.k * c.r);
  const ls = new Uint32Array(Math.ceil(c.r / 16));
  for (let i = 0; i < x.length; i++) {
    const h = hash(seed + i);
    x[i] = (h & 3) === 0 ? 0 : (h & 63) === 5 ? (h >>> 8) & 0x807f : code(h, masks.x);   // 0x807f: ± subnormal in fp16 and bf16
  }
  for (let i = 0; i < d.length; i++) {
    const h = hash(seed + 0x100000 + i);
    d[i] = (h & 7) === 0 ? 0 : code(h, masks.down);
  }
  for (let i = 0; i < ls.length; i++) ls[i] = code(hash(seed + 0x200000 + i), masks.ls) >>> 0;
  return { x, d, ls };
}

/** L codes [M × R] from golden's steps: l over k ascending, then round_R16 (× the rank's LoRA scale). */
function goldenDown(config: LowRankGemmConfig, c: DownCase, x: Uint16Array, d: Uint16Array, ls: Uint32Array): Uint16Array {
  const r16 = wideFormat(config.branchFormat);
  const out = new Uint16Array(c.m * c.r);
  const cfg = { ...config, rank: c.r };
  for (let m = 0; m < c.m; m++)
    for (let j = 0; j < c.r; j++) {
      let l = 0;
      for (let k = 0; k < c.k; k++) l = lowRankDownStep(l, r16.decode(x[m * c.k + k]), r16.decode(d[k * c.r + j]));
      out[m * c.r + j] = r16.encode(lowRankDownResult(cfg, l, c.ls ? FP32.decode(ls[j >> 4]) : undefined));
    }
  return out;
}

describe('lr_down on the host (the generated kernel text, emulated threads) against golden', () => {
  const cases: DownCase[] = [
    { m: 37, k: 203, r: 20, ls: false },   // ragged M, K odd (scalar loads), one padded rank block
    { m: 64, k: 512, r: 32, ls: true },    // two whole chunks, vector loads
    { m: 65, k: 300, r: 32, ls: true },    // a 33rd row alone in its block, K a multiple of 4 but not 8
    { m: 96, k: 1280, r: 70, ls: true },   // 5 chunks, 3 rank blocks (the last 6 of 32)
    { m: 5, k: 1, r: 3, ls: true },        // one step
    { m: 40, k: 264, r: 33, ls: false },   // a chunk and 8 steps; 33 ranks
  ];
  const forms: [string, string[]][] = [
    ['fp32 staging (default)', []],
    ['LR_DOWN_H16', ['-DLR_DOWN_H16=1']],
    ['LR_DOWN_H16 + LR_DOWN_XF32', ['-DLR_DOWN_H16=1', '-DLR_DOWN_XF32=1']],
    // lr_down_mma (fp16 branches only): the products from emulated m16n8k8 MMAs, the harness's from PTX's fragments.
    ['LR_DOWN_MMA (lr_down_mma, tensor-core products)', ['-DLR_DOWN_MMA=1']],
    ['LR_DOWN_MMA, one rank half per warp, operands two superchunks ahead', ['-DLR_DOWN_MMA=1', '-DLR_DOWN_MMA_Q=1', '-DLR_DOWN_MMA_NP=3']],
  ];
  for (const accel of ['svdquant_w4a4', 'svdquant_nvfp4'] as const) {
    for (const [name, flags] of forms.filter(([, f]) => accel === 'svdquant_w4a4' || !f.includes('-DLR_DOWN_MMA=1'))) {
      it(`${accel} (${accel === 'svdquant_w4a4' ? 'fp16' : 'bf16'} branch), ${name}: every L code equals golden's`, async () => {
        const nvcc = findExecutable('nvcc');
        if (nvcc === undefined) expect.fail(NVCC_MISSING);
        const config = svdquantConfig(accel);
        const dir = mkdtempSync(join(tmpdir(), 'qacc-lrdown-'));
        writeFileSync(join(dir, 'down.inc'), downSection(lowRankCudaSource(config)));
        const exe = join(dir, 'down');
        // nvcc compiles the harness as host C++ (-x c++): its host compiler with the CUDA headers on the include path.
        const cc = await runProgram(nvcc, ['-x', 'c++', '-std=c++17', '-O1', '-w', '-Xcompiler', '-ffp-contract=off', '-Xcompiler', '-pthread',
          `-DDOWN_INC="${join(dir, 'down.inc')}"`, ...flags, HARNESS, '-o', exe]);
        expect(cc.code, cc.stderr).toBe(0);
        // The emulated MMAs cost two block-wide barriers each (threads on the host): lr_down_mma skips the largest case.
        const mma = flags.includes('-DLR_DOWN_MMA=1');
        for (const [i, c] of cases.entries()) {
          if (mma && c.m * c.k * c.r > 1_000_000) continue;
          const { x, d, ls } = operands(config, c, 0x1000 * (i + 1));
          const input = Buffer.concat([Buffer.from(new Int32Array([c.m, c.k, c.r, c.ls ? 1 : 0]).buffer), Buffer.from(x.buffer), Buffer.from(d.buffer), Buffer.from(ls.buffer)]);
          writeFileSync(join(dir, 'in.bin'), input);
          const r = await runProgram(exe, [join(dir, 'in.bin'), join(dir, 'out.bin')]);
          expect(r.code, r.stdout + r.stderr).toBe(0);
          const raw = readFileSync(join(dir, 'out.bin'));
          const got = new Uint16Array(raw.buffer, raw.byteOffset, raw.length / 2);
          const want = goldenDown(config, c, x, d, ls);
          const bad = want.findIndex((w, idx) => got[idx] !== w);
          expect(bad, bad < 0 ? '' : `${c.m}×${c.k}, rank ${c.r}: L[${Math.floor(bad / c.r)}, ${bad % c.r}] = ${got[bad].toString(16)}, golden ${want[bad].toString(16)}`).toBe(-1);
        }
        rmSync(dir, { recursive: true, force: true });
      }, 120_000);
    }
  }
});
