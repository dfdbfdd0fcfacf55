/**
 * The CUDA lowrank_gemm kernels of a runtime-quantizing design quantize X on the GPU (entry lr_qact). No GPU
 * here: the generated .cu is compiled by nvcc (a host-model build, nvcc-build.ts; no -ftz) and its launcher's host
 * `qact DIR` mode runs the same __host__ __device__ group function as lr_qact (binary32 `*` and `/` in
 * place of __fmul_rn / __frcp_rn, both IEEE RN), compared code by code with golden's quantizer on crafted
 * X: int4 / fp16 X, uint4 / bf16 X and scales, nvfp4 / bf16 X, each with rne, rtz and rna (one compile each). Also: the launch passes X only and starts with lr_qact.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { codesToWords } from '../../../src/codegen/cuda/host.js';
import { kernelSetFor } from '../../../src/codegen/kernels/targets.js';
import { lowRankQuantizeActivations } from '../../../src/pe/lowrank-gemm/golden-qact.js';
import type { LowRankGemmConfig, LowRankGemmOperands } from '../../../src/pe/lowrank-gemm/golden.js';
import { lowRankCudaSource } from '../../../src/pe/lowrank-gemm/kernel-cuda.js';
import { randomOperands } from '../../../src/compile/operands.js';
import { runProgram } from '../../../src/verify/cuda/nvcc.js';
import { buildCuda } from './nvcc-build.js';
import { craftedX } from '../lowrank-qact-x.js';
import { exampleText, targetsOf } from '../wgsl/lib.js';

const dir = mkdtempSync(join(tmpdir(), 'qacc-cuda-qact-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** svdquant.qacc's targets with the edits applied ([from, to], each must be present). */
function svdquant(edits: readonly (readonly [string, string])[]) {
  const text = edits.reduce((t: string, [a, b]) => {
    if (!t.includes(a)) throw new Error(`'${a}' not found`);
    return t.replace(a, b);
  }, exampleText('svdquant'));
  return targetsOf(text, ['rows=4', 'cols=4']);
}

const UINT4_BF16: readonly (readonly [string, string])[] = [
  ['activations = w4_g64;', 'activations = u4_g64;'],
  ['scheme w4_g64', 'scheme u4_g64 = per_group(uint4, group = 64, scale = bf16);\nscheme w4_g64'],
  ['scale = fp16)', 'scale = bf16)'],
  ['branch = fp16;', 'branch = bf16;'],
  ['epilogue = fp16;', 'epilogue = bf16;'],
  ['channel_scales = fp16;', 'channel_scales = bf16;'],
];

describe('lowrank_gemm CUDA runtime quantizer (lr_qact)', () => {
  it('the launch passes X only, lr_qact first; the manifest lists lr_qact with its bindings', () => {
    const vt = svdquant([])[0];
    const set = kernelSetFor(vt.target, 'cuda');
    if (!set) throw new Error('no lowrank_gemm CUDA kernel set');
    expect(set.entries[0].entryPoint).toBe('lr_qact');
    expect(set.entries[0].bindings.map((b) => `${b.name}:${b.access}`)).toEqual(['X:read', 'qa:read_write', 'sa:read_write']);
    expect(set.exactness).toMatch(/lr_qact/);
    const ops = randomOperands(vt.target, { m: 8, n: 8, k: 128 }, 3) as LowRankGemmOperands;
    const l = set.launch(ops);
    expect(Object.keys(l.inputs)).not.toContain('qa');
    expect(Object.keys(l.inputs)).not.toContain('sa');
    expect(Array.from(l.inputs.x)).toEqual(Array.from(codesToWords(ops.x!, 2)));
    expect(l.passes.map((p) => p.entryPoint)).toEqual(['lr_qact', 'lr_down', 'lr_widen', 'lr_widen', 'lr_tiled']);
  });

  const configs = [
    ['int4, fp16 X', [], 0],
    ['uint4, bf16 X and scales', UINT4_BF16, 0],
    ['nvfp4, bf16 X', [], 1],
  ] as const;
  for (const [name0, edits, which] of configs) for (const rounding of ['rne', 'rtz', 'rna'] as const) {
    const name = `${name0}, ${rounding}`;
    it(`${name}: the launcher's qact group function equals golden's quantizer code by code (host mode)`, async () => {
      const cfg = { ...(svdquant(edits)[which].target.golden as LowRankGemmConfig), activationRounding: rounding };
      const tag = name.replace(/[^a-z0-9]+/g, '-');
      const { exe, result: c } = await buildCuda(lowRankCudaSource(cfg), [], 'host-model');
      expect(c.code, c.stderr).toBe(0);
      const gs = cfg.main.groupSize;
      const [m, k] = [7, 3 * gs - 5];
      const bf = cfg.branchFormat === 'bf16';
      const x = craftedX(m, k, gs, bf ? 8 : 5, bf ? 7 : 10, 13);
      const caseDir = join(dir, `${tag}-case`);
      mkdirSync(caseDir);
      writeFileSync(join(caseDir, 'meta.txt'), `m ${m}\nk ${k}\n`);
      writeFileSync(join(caseDir, 'x.bin'), new Uint8Array(codesToWords(x, 2).buffer, 0, x.length * 2));
      const r = await runProgram(exe, ['qact', caseDir]);
      expect(r.code, r.stderr).toBe(0);
      const want = lowRankQuantizeActivations(cfg, m, k, x, rounding);
      const qa = new Uint8Array(readFileSync(join(caseDir, 'qa.out.bin')));
      const saBytes = readFileSync(join(caseDir, 'sa.out.bin'));
      const sa = Array.from({ length: saBytes.length / 2 }, (_, i) => saBytes.readUInt16LE(2 * i));
      expect(sa).toEqual(Array.from(want.sa));
      expect(Array.from(qa)).toEqual(Array.from(want.qa));
    }, 300_000);
  }
});
