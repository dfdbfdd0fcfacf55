/**
 * The generated simd_mac launcher's `cpu` mode runs the kernel's own per-output function (simd_output:
 * element tables, 128-bit quire, encoder) on the host, so its arithmetic is checked against the golden
 * model without a GPU: every xr-npe mode, built with nvcc (async), on a ragged case the verifier's random
 * operands fill.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acceleratorTargets, kernelSetFor } from '../../../src/codegen/kernels/targets.js';
import { randomOperands } from '../../../src/compile/operands.js';
import { goldenGemm } from '../../../src/golden/gemm.js';
import { compileFile } from '../../../src/ir/elaborate.js';
import { runProgram } from '../../../src/verify/cuda/nvcc.js';
import { buildCuda } from './nvcc-build.js';

const ROOT = resolve(__dirname, '../../..');
const host = { readFile: (p: string) => { try { return readFileSync(p, 'utf8'); } catch { return undefined; } } };
const dir = mkdtempSync(join(tmpdir(), 'qacc-simd-host-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const accel = compileFile(resolve(ROOT, 'examples/xr-npe.qacc'), host, {}).design!.accelerators[0];

describe('simd_mac CUDA launcher, cpu mode', () => {
  for (const { mode, target } of acceleratorTargets(accel)) {
    it(`mode ${mode}: the kernel's per-output function equals golden on 37×45×200`, async () => {
      const set = kernelSetFor(target, 'cuda')!;
      const { exe, result: c } = await buildCuda(set.files[0].text); // kernels.test.ts builds the same source
      expect(c.code, c.stderr).toBe(0);
      const ops = randomOperands(target, { m: 37, n: 45, k: 200 }, 77 + (mode ?? 0));
      const launch = set.launch(ops);
      const caseDir = join(dir, `case${mode}`);
      mkdirSync(caseDir);
      writeFileSync(join(caseDir, 'meta.txt'), Object.entries(launch.params).map(([k, v]) => `${k} ${v}`).join('\n') + '\n');
      for (const [name, words] of Object.entries(launch.inputs)) writeFileSync(join(caseDir, `${name}.bin`), new Uint8Array(words.buffer, words.byteOffset, words.byteLength));
      const y = goldenGemm(target.golden, ops as never);
      writeFileSync(join(caseDir, 'y.bin'), new Uint8Array(Uint16Array.from(y.codes).buffer));
      const r = await runProgram(exe, ['cpu', caseDir]);
      expect(r.stdout + r.stderr).toMatch(/0\/1665 mismatches -> BIT-EXACT/);
      expect(r.code).toBe(0);
    }, 180_000);
  }
});
