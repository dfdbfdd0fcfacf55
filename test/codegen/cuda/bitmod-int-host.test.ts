/**
 * The any-config bit_serial_mod CUDA kernel (src/pe/bit-serial-mod/kernel-cuda-int.ts) on the host: its
 * launcher's `cpu` mode runs the kernel's own `__host__ __device__` group, cross-group and output functions
 * compiled by nvcc, against golden's y.bin. Configs the table-driven GEMV declines: the bitmod_authors example
 * (datapath bitmod_rtl), bitmod_rtl with Booth and BitMoD candidates mixed and a ragged group, a 512-weight
 * group (its exponent wraps modulo 64), and the qacc datapath at 1, 2, 8 and 16 lanes, int5-int8 weights (3-4
 * Booth cycles), mixed term schedules and groups that are not a multiple of 8. Each on full-range activations,
 * narrow exponent bands (low with a ragged K, around 1.0, subnormal only), many zeros (bitmod_rtl's exponent
 * max counts zero lanes), inf/NaN scattered over one row, and pairs of large activations that cancel among
 * small ones (weights k and k + 1 equal, activations negated: a zero lane sum whose Pmax lies far above the
 * accumulator's LSB, a step qacc's accumulator must skip and bitmod_rtl's must not).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inputHash } from '../../../src/codegen/cuda/inputs.js';
import { kernelSetFor } from '../../../src/codegen/kernels/targets.js';
import { resolveTarget } from '../../../src/compile/target.js';
import { compileFile } from '../../../src/ir/elaborate.js';
import { groupCount, termSchedule, type BitSerialModConfig } from '../../../src/pe/bit-serial-mod/golden.js';
import { bitSerialCudaUnsupported } from '../../../src/pe/bit-serial-mod/kernel-cuda.js';
import { bitSerialIntCudaSource } from '../../../src/pe/bit-serial-mod/kernel-cuda-int.js';
import { runProgram } from '../../../src/verify/cuda/nvcc.js';
import { BIT_SERIAL_VARIANTS } from '../../../sims/cuda/bitmod-variants.js';
import { writeBitmodCaseFiles } from './bitmod-case-files.js';
import { buildCuda } from './nvcc-build.js';

const ROOT = resolve(__dirname, '../../..');
const host = { readFile: (p: string) => { try { return readFileSync(p, 'utf8'); } catch { return undefined; } } };
const dir = mkdtempSync(join(tmpdir(), 'qacc-bitmod-int-host-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const accelerators = compileFile(resolve(ROOT, 'examples/bitmod.qacc'), host, {}).design!.accelerators;
const authors = accelerators.find((a) => a.name === 'bitmod_authors')!;
const authorsConfig = resolveTarget(authors).golden as BitSerialModConfig;

// The GPU run's variants (sims/cuda/bitmod-variants.ts), one list for both, beside the authors' example.
const CONFIGS: [string, BitSerialModConfig][] = [['authors', authorsConfig], ...BIT_SERIAL_VARIANTS.map(([name, config]): [string, BitSerialModConfig] => [name.replace(/^bsm_/, ''), config])];

type Acts = 'full' | 'zeros' | 'special' | 'cancel' | [number, number];

/** An activation code from hash h: full-range finite fp16 (subnormals included), or biased exponent in [lo, hi]. */
function activation(h: number, band?: [number, number]): number {
  const e = band ? band[0] + (((h >>> 10) & 31) % (band[1] - band[0] + 1)) : ((h >>> 10) & 31) % 31;
  return ((h & 0x83ff) | (e << 10)) >>> 0;
}

/** Writes one case: the launcher's input files and golden's y.bin. */
function writeCase(caseDir: string, config: BitSerialModConfig, m: number, n: number, k: number, seed: number, acts: Acts): void {
  const G = groupCount(k, config.groupSize);
  const selectors = Uint32Array.from({ length: n * G }, (_, i) => inputHash(seed, 3, i) % config.candidates.length);
  const activations = Uint32Array.from({ length: m * k }, (_, i) => {
    const h = inputHash(seed, 1, i);
    if (acts === 'zeros') return h % 4 === 0 ? (h & 0x8000) : activation(h);
    if (acts === 'cancel') return i % 8 === 0 ? activation(h, [22, 30]) : i % 8 === 1 ? activation(inputHash(seed, 1, i - 1), [22, 30]) ^ 0x8000 : activation(h, [1, 8]);
    if (acts === 'special') return Math.floor(i / k) === 1 && i % 53 === 7 ? [0x7c00, 0xfc00, 0x7e01][i % 3] : activation(h);
    return activation(h, acts === 'full' ? undefined : acts);
  });
  const weights = Uint32Array.from({ length: n * k }, (_, i) => {
    const type = config.candidates[selectors[Math.floor(i / k) * G + Math.floor((i % k) / config.groupSize)]];
    return inputHash(seed, 2, acts === 'cancel' && i % 8 === 1 ? i - 1 : i) & ((1 << termSchedule(type).bits) - 1);
  });
  const ops = {
    m, k, n, activations, weights, selectors,
    groupScales: Uint32Array.from({ length: n * G }, (_, i) => inputHash(seed, 4, i) & 255),
    channelScales: Uint32Array.from({ length: n }, (_, i) => ((inputHash(seed, 5, i) & 0x07ff) | 0x3800) >>> 0),
  };
  writeBitmodCaseFiles(caseDir, config, ops);
}

describe('bit_serial_mod any-config CUDA kernel, cpu mode', () => {
  it('is what the KERNELS facet gives exactly for the configs the table-driven GEMV declines', () => {
    for (const [name, config] of CONFIGS) expect(bitSerialCudaUnsupported(config), name).toBeDefined();
    const set = kernelSetFor(resolveTarget(authors), 'cuda')!;
    expect(set.files.map((f) => f.path)).toEqual(['bit_serial_mod_int.cu']);
    const bitmod = accelerators.find((a) => a.name === 'bitmod')!;
    expect(kernelSetFor(resolveTarget(bitmod), 'cuda')!.files.map((f) => f.path)).toEqual(['bit_serial_mod.cu']);
  });

  CONFIGS.forEach(([name, config], ci) => {
    it(`${name}: the kernel's functions equal golden (full-range, low/unit/high/subnormal bands, zeros, inf/NaN, cancelling pairs)`, async () => {
      const { exe, result: c } = await buildCuda(bitSerialIntCudaSource(config)); // shared cache: kernels.test.ts builds the authors' too
      expect(c.code, c.stderr).toBe(0);
      const cases: [string, number, number, number, Acts][] = [
        ['full', 5, 40, 200, 'full'],
        ['low', 4, 48, 203, [0, 3]],
        ['unit', 4, 48, 256, [13, 16]],
        ['high', 3, 32, 600, [26, 30]],
        ['subnormal', 4, 48, 256, [0, 0]],
        ['zeros', 4, 40, 300, 'zeros'],
        ['special', 3, 40, 1024, 'special'],
        ['cancel', 4, 40, 256, 'cancel'],
      ];
      for (const [tag, m, n, k, acts] of cases) {
        const caseDir = join(dir, `${name}-${tag}`);
        writeCase(caseDir, config, m, n, k, 0x1e1 + 11 * ci + k, acts);
        const r = await runProgram(exe, ['cpu', caseDir]);
        expect(r.stdout + r.stderr, `${name} ${tag}`).toMatch(new RegExp(`: 0/${m * n} mismatches -> BIT-EXACT`));
        expect(r.code).toBe(0);
      }
    }, 300_000);
  });
});
