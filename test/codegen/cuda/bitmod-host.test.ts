/**
 * The generated bit_serial_mod launcher's `cpu` mode runs the kernel's own group function (bsm_group: the
 * float formulation of golden's stages 1-4 with directed roundings) and output function on the host, so the
 * table-driven GEMV's arithmetic is checked against the golden model without a GPU (the host twin sets the
 * rounding mode per addition). Configs: the bitmod example, and variants the generator accepts (fp32 output,
 * small groups, 3-bit BitMoD and fp4 candidates mixed, Booth-recoded int4/int3, single-cycle int2), each on
 * full-range activations (bitSerialInputCode) and on narrow exponent bands (low exponents with a ragged K; around
 * 1.0; and subnormals only, where the step's largest exponent comes from a subnormal lane and decides the
 * accumulator's alignment), with steps whose lane sums cancel to zero over a finer accumulator (golden skips them:
 * bitSerialCancelActivations), and with inf/NaN activations scattered (their groups give NaN through the arithmetic).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveTarget } from '../../../src/compile/target.js';
import { compileFile } from '../../../src/ir/elaborate.js';
import type { BitSerialModConfig } from '../../../src/pe/bit-serial-mod/golden.js';
import { bitSerialCudaSource } from '../../../src/pe/bit-serial-mod/kernel-cuda.js';
import { runProgram } from '../../../src/verify/cuda/nvcc.js';
import { BITMOD_HOST_CASES, writeBitmodCase } from './bitmod-case-files.js';
import { buildCuda } from './nvcc-build.js';

const ROOT = resolve(__dirname, '../../..');
const host = { readFile: (p: string) => { try { return readFileSync(p, 'utf8'); } catch { return undefined; } } };
const dir = mkdtempSync(join(tmpdir(), 'qacc-bitmod-host-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const example = compileFile(resolve(ROOT, 'examples/bitmod.qacc'), host, {}).design!.accelerators.map((a) => resolveTarget(a).golden).find((g) => g.kind === 'bit_serial_mod' && g.datapath !== 'bitmod_rtl') as BitSerialModConfig;

const CONFIGS: [string, BitSerialModConfig][] = [
  ['example', example],
  ['fp3mix_fp32', { kind: 'bit_serial_mod', groupSize: 16, candidates: ['bitmod_fp3_er_pos', 'fp4_e2m1', 'bitmod_fp4_ea_neg'], output: 'fp32' }],
  ['int4int3_fp32', { kind: 'bit_serial_mod', groupSize: 32, candidates: ['int4', 'int3'], output: 'fp32' }],
  ['int2_fp16', { kind: 'bit_serial_mod', groupSize: 8, candidates: ['int2'], output: 'fp16' }],
];

describe('bit_serial_mod CUDA launcher, cpu mode', () => {
  CONFIGS.forEach(([name, config], ci) => {
    it(`${name}: the kernel's group function equals golden (full-range, low-exponent, unit-band, subnormal, cancelling and inf/NaN activations)`, async () => {
      const { exe, result: c } = await buildCuda(bitSerialCudaSource(config)); // shared cache: kernels.test.ts builds the example's too
      expect(c.code, c.stderr).toBe(0);
      for (const [tag, m, n, k, band] of BITMOD_HOST_CASES) {
        const caseDir = join(dir, `${name}-${tag}`);
        writeBitmodCase(caseDir, config, m, n, k, 0x51 + 7 * ci + k, band);
        const r = await runProgram(exe, ['cpu', caseDir]);
        expect(r.stdout + r.stderr, `${name} ${tag}`).toMatch(new RegExp(`: 0/${m * n} mismatches -> BIT-EXACT`));
        expect(r.code).toBe(0);
      }
    }, 240_000);
  });
});
