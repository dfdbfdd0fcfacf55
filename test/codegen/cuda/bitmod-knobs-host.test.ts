/**
 * bsm_gemv's compile-time knobs (issue 14, the BitMoD decode GEMV): BSM_NSAME (chain N adds chain D's own products
 * from c·2^15 instead of sign probes), BSM_TAB32 (one 4-byte bf16-pair term entry per lane) and BSM_IPMAX (the step's
 * exponent maximum in 16-bit integers from a byte each term float carries) change the kernel's arithmetic and table
 * reads, so every config the generator accepts is built with NSAME + TAB32, with IPMAX + NSAME (IPMAX excludes TAB32),
 * with IPMAX = 2 (the per-cycle form) alone and with neither (the default is IPMAX = 2 + NSAME, bitmod-host.test.ts) and its `cpu` mode (the kernel's own group function on the host) compared with golden on the activation
 * sets of bitmod-host.test.ts. Three mutants show the cases can fail: chain N from c·2^13 (a grid below the largest
 * products), cycle 1's term taken one bit off, and IPMAX's exponent byte one too small (c one binade low).
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
import { buildCuda } from './nvcc-build.js';
import { BITMOD_HOST_CASES, writeBitmodCase } from './bitmod-case-files.js';

const ROOT = resolve(__dirname, '../../..');
const host = { readFile: (p: string) => { try { return readFileSync(p, 'utf8'); } catch { return undefined; } } };
const dir = mkdtempSync(join(tmpdir(), 'qacc-bitmod-knobs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const example = compileFile(resolve(ROOT, 'examples/bitmod.qacc'), host, {}).design!.accelerators.map((a) => resolveTarget(a).golden).find((g) => g.kind === 'bit_serial_mod' && g.datapath !== 'bitmod_rtl') as BitSerialModConfig;

const CONFIGS: [string, BitSerialModConfig][] = [
  ['example', example],
  ['fp3mix_fp32', { kind: 'bit_serial_mod', groupSize: 16, candidates: ['bitmod_fp3_er_pos', 'fp4_e2m1', 'bitmod_fp4_ea_neg'], output: 'fp32' }],
  ['int4int3_fp32', { kind: 'bit_serial_mod', groupSize: 32, candidates: ['int4', 'int3'], output: 'fp32' }],
  ['int2_fp16', { kind: 'bit_serial_mod', groupSize: 8, candidates: ['int2'], output: 'fp16' }],
];
// The default build (IPMAX = 2, NSAME = 1 since 2026-12-07) is bitmod-host.test.ts's; here the other knob sets, the
// pre-2026-12-07 default (both 0) among them.
const KNOB_SETS: readonly (readonly string[])[] = [
  ['-DBSM_IPMAX=0', '-DBSM_NSAME=1', '-DBSM_TAB32=1'], ['-DBSM_IPMAX=1', '-DBSM_NSAME=1'], ['-DBSM_IPMAX=2', '-DBSM_NSAME=0'], ['-DBSM_IPMAX=0', '-DBSM_NSAME=0'],
];

/** Builds `source` with the knobs and runs its cpu mode on every host case; returns [tag, mismatches] per case. */
async function runCases(name: string, source: string, config: BitSerialModConfig, seed: number, knobs: readonly string[]): Promise<[string, number, string][]> {
  const { exe, result: c } = await buildCuda(source, knobs, 'host-model');
  expect(c.code, c.stderr).toBe(0);
  const out: [string, number, string][] = [];
  for (const [tag, m, n, k, band] of BITMOD_HOST_CASES) {
    const caseDir = join(dir, `${name}-${tag}`);
    writeBitmodCase(caseDir, config, m, n, k, seed + k, band);
    const r = await runProgram(exe, ['cpu', caseDir]);
    const hit = /: (\d+)\/(\d+) mismatches/.exec(r.stdout);
    expect(hit, r.stdout + r.stderr).not.toBeNull();
    expect(Number(hit![2])).toBe(m * n);
    out.push([tag, Number(hit![1]), r.stdout + r.stderr]);
  }
  return out;
}

describe('bsm_gemv knobs, cpu mode', () => {
  KNOB_SETS.forEach((knobs, ki) => {
    CONFIGS.forEach(([name, config], ci) => {
      it(`${knobs.join(' ')}: ${name} equals golden on every activation set`, async () => {
        for (const [tag, bad, log] of await runCases(`${name}-k${ki}`, bitSerialCudaSource(config), config, 0x93 + 11 * ci + 5 * ki, knobs)) expect(bad, `${name} ${tag}: ${log}`).toBe(0);
      }, 240_000);
    });
  });

  const mutants: [string, string, string, readonly string[]][] = [
    ['chain N grid 2^13 g', 'const float cn = mul_rn(c, 0x1p15f);', 'const float cn = mul_rn(c, 0x1p13f);', KNOB_SETS[0]],
    ["cycle 1's term one bit off", 'u2f(e0 << 16)', 'u2f(e0 << 17)', KNOB_SETS[0]],
    ["IPMAX's exponent byte one too small", '(((u >> 23) & 0xffu) - 66u)', '(((u >> 23) & 0xffu) - 67u)', KNOB_SETS[1]],
  ];
  mutants.forEach(([what, from, to, knobs], mi) => {
    it(`mutant (${what}) is caught`, async () => {
      const source = bitSerialCudaSource(example);
      expect(source).toContain(from);
      const results = await runCases(`mutant${mi}`, source.replace(from, to), example, 0x93, knobs);
      expect(results.reduce((s, [, bad]) => s + bad, 0)).toBeGreaterThan(0);
    }, 240_000);
  });
});
