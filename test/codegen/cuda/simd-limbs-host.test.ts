/**
 * The multi-limb-quire simd_mac CUDA kernel (src/pe/simd-mac/kernel-cuda-limbs.ts) on the host: its launcher's
 * `cpu` mode runs the kernel's own `__host__ __device__` per-output function (element table, limb quire,
 * rounding with the sticky cut, the output decoder for round-each-step) compiled by nvcc (a host-model build,
 * nvcc-build.ts), against golden's
 * y.bin. Configs the 128-bit kernel declines: round-each-step with IEEE outputs (fp16 with overflow to inf and
 * underflow to ±0, bf16, fp32) and posit outputs (posit16_1, posit8_0, posit32_2) over fp4, fp8, posit and int8
 * elements with 1, 2 and 4 lanes and ragged last steps; exact accumulation with quires wider than 127 bits
 * (bf16 and posit16_2 elements). Operands: random codes (NaN/NaR/inf codes included where the element has them),
 * a case with specials injected into one row, one of small-magnitude codes (the cancellation and underflow
 * region), single-step dot products (a result rounded to -0 stays -0), and for bf16 a crafted tie decided
 * only by a sticky bit 200 bits below the rounding point.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { codesToWords } from '../../../src/codegen/cuda/host.js';
import { inputHash } from '../../../src/codegen/cuda/inputs.js';
import { lookupFormat } from '../../../src/formats/registry.js';
import { asSimdElement, asSimdOutput, simdMacGemm, type SimdMacConfig } from '../../../src/pe/simd-mac/golden.js';
import { simdCudaUnsupported } from '../../../src/pe/simd-mac/kernel-cuda.js';
import { simdLimbsCudaSource } from '../../../src/pe/simd-mac/kernel-cuda-limbs.js';
import { runProgram } from '../../../src/verify/cuda/nvcc.js';
import { buildCuda } from './nvcc-build.js';

const dir = mkdtempSync(join(tmpdir(), 'qacc-simd-limbs-host-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function config(element: string, lanes: number, output: string, accumulation: SimdMacConfig['accumulation'], maxDotLength = 4096): SimdMacConfig {
  const el = asSimdElement(lookupFormat(element) as never);
  return { kind: 'simd_mac', element: el, lanes, wordBits: 16 * Math.ceil((lanes * el.bits) / 16), output: asSimdOutput(lookupFormat(output) as never), accumulation, maxDotLength };
}

const CONFIGS: [string, SimdMacConfig][] = [
  ['fp4x4_fp16_res', config('fp4_e2m1', 4, 'fp16', 'round-each-step')],
  ['e4m3x2_fp16_res', config('fp8_e4m3', 2, 'fp16', 'round-each-step')],
  ['posit16x1_fp16_res', config('posit16_1', 1, 'fp16', 'round-each-step')],
  ['posit8x2_bf16_res', config('posit8_0', 2, 'bf16', 'round-each-step')],
  ['int8x2_fp32_res', config('int8', 2, 'fp32', 'round-each-step')],
  ['posit4x4_posit16_res', config('posit4_1', 4, 'posit16_1', 'round-each-step')],
  ['e4m3x2_posit8_res', config('fp8_e4m3', 2, 'posit8_0', 'round-each-step')],
  ['posit16x1_posit32_res', config('posit16_1', 1, 'posit32_2', 'round-each-step')],
  ['bf16x1_fp32_exact', config('bf16', 1, 'fp32', 'exact')],
  ['bf16x2_fp32_res', config('bf16', 2, 'fp32', 'round-each-step')],
  ['posit16_2x1_exact', config('posit16_2', 1, 'posit16_2', 'exact')],
];

/** Writes one case's launcher files and golden's y.bin; `small`: codes of small magnitude (low exponent bits). */
type CaseKind = 'random' | 'special' | 'small' | 'tie';

/**
 * The `tie` operands (bf16 elements): rows [2^100, 0, 2^76, 2^-100] and their negation times ones: the exact
 * sum (and, at 2 lanes, the second step's acc + sum) is an fp32 tie 2^100·(1 + 2^-24) plus 2^-100, so it
 * rounds away from the even neighbour only through the sticky bit 200 bits below: the quire's cut to 120 bits.
 */
function tieOperands(cfg: SimdMacConfig): { activations: number[]; weights: number[] } {
  const row = [2 ** 100, 0, 2 ** 76, 2 ** -100];
  return { activations: [...row, ...row.map((v) => -v)].map((v) => cfg.element.encode(v)), weights: row.map(() => cfg.element.encode(1)) };
}

function writeCase(caseDir: string, cfg: SimdMacConfig, m: number, n: number, k: number, seed: number, kind: CaseKind): void {
  const bits = cfg.element.bits;
  // A NaN/NaR/inf code of the element (none for fp4_e2m1 and int8: the case is then random only).
  const nar = Array.from({ length: 2 ** bits }, (_, c) => c).find((c) => !Number.isFinite(cfg.element.decode(c)));
  const code = (s: number, i: number): number => {
    const h = inputHash(seed, s, i) & (2 ** bits - 1);
    if (kind === 'small') return h & ~(2 ** (bits - 2)) & (2 ** bits - 1); // clears the bit below the sign: small exponents / regimes
    return h;
  };
  const tie = kind === 'tie' ? tieOperands(cfg) : undefined;
  const activations = tie?.activations ?? Uint32Array.from({ length: m * k }, (_, i) => (kind === 'special' && nar !== undefined && Math.floor(i / k) === 1 && i % 37 === 5 ? nar : code(1, i)));
  const weights = tie?.weights ?? Uint32Array.from({ length: n * k }, (_, i) => code(2, i));
  const y = simdMacGemm(cfg, { m, n, k, activations, weights });
  mkdirSync(caseDir, { recursive: true });
  writeFileSync(join(caseDir, 'meta.txt'), `m ${m}\nn ${n}\nk ${k}\n`);
  const elBytes = bits <= 8 ? 1 : 2;
  const write = (name: string, codes: ArrayLike<number>, bytes: 1 | 2 | 4): void => {
    writeFileSync(join(caseDir, `${name}.bin`), new Uint8Array(codesToWords(codes, bytes).buffer, 0, codes.length * bytes));
  };
  write('act', activations, elBytes);
  write('w', weights, elBytes);
  write('y', y.codes, cfg.output.bits <= 16 ? 2 : 4);
}

describe('simd_mac multi-limb CUDA kernel, cpu mode', () => {
  it('takes exactly configs the 128-bit kernel declines', () => {
    for (const [name, cfg] of CONFIGS) expect(simdCudaUnsupported(cfg), name).toBeDefined();
  });

  CONFIGS.forEach(([name, cfg], ci) => {
    it(`${name}: the kernel's per-output function equals golden (random, specials in one row, small magnitudes)`, async () => {
      const { exe, result: c } = await buildCuda(simdLimbsCudaSource(cfg), [], 'host-model');
      expect(c.code, c.stderr).toBe(0);
      // onestep: K = one operand word, so a step that rounds to -0 is the result (fp16 outputs of small products).
      const cases: [string, number, number, number, CaseKind][] = [
        ['random', 9, 23, 203, 'random'],
        ['special', 3, 16, 130, 'special'],
        ['small', 7, 19, 257, 'small'],
        ['onestep', 40, 40, cfg.lanes, 'random'],
        ...(cfg.element.name === 'bf16' ? [['tie', 2, 1, 4, 'tie'] as [string, number, number, number, CaseKind]] : []),
      ];
      for (const [tag, m, n, k, kind] of cases) {
        const caseDir = join(dir, `${name}-${tag}`);
        writeCase(caseDir, cfg, m, n, k, 0x5e0 + 13 * ci + k, kind);
        const r = await runProgram(exe, ['cpu', caseDir]);
        expect(r.stdout + r.stderr, `${name} ${tag}`).toMatch(new RegExp(`: 0/${m * n} mismatches -> BIT-EXACT`));
        expect(r.code).toBe(0);
      }
    }, 300_000);
  });
});
