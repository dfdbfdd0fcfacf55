/**
 * simd_mac configs the xr-npe example does not use, for sims/cuda/make-cases.ts (issue 14): the configs the
 * 128-bit quire kernel declines, whose CUDA kernel is the multi-limb quire kernel of
 * src/pe/simd-mac/kernel-cuda-limbs.ts — round-each-step with IEEE (fp16 overflowing to inf and underflowing to
 * ±0, bf16, fp32) and posit outputs (posit16_1, posit8_0, posit32_2), exact quires wider than 127 bits (bf16,
 * posit16_2 elements). Cases in the launchers' input contract (act.bin / w.bin element codes + meta.txt) with
 * golden's y.bin: random codes (NaN/NaR/inf included where the element has them), specials injected into one
 * row, small magnitudes, single-step dot products (a -0 result), more than 128 outputs per row (two blocks), and
 * for bf16 a tie decided only by a sticky bit 200 bits below the rounding point.
 */
import { join } from 'node:path';
import { codesToWords } from '../../src/codegen/cuda/host.js';
import { inputHash } from '../../src/codegen/cuda/inputs.js';
import { lookupFormat } from '../../src/formats/registry.js';
import { asSimdElement, asSimdOutput, simdMacGemm, type SimdMacConfig } from '../../src/pe/simd-mac/golden.js';
import { simdLimbsCudaSource } from '../../src/pe/simd-mac/kernel-cuda-limbs.js';

function config(element: string, lanes: number, output: string, accumulation: SimdMacConfig['accumulation']): SimdMacConfig {
  const el = asSimdElement(lookupFormat(element) as never);
  return { kind: 'simd_mac', element: el, lanes, wordBits: 16 * Math.ceil((lanes * el.bits) / 16), output: asSimdOutput(lookupFormat(output) as never), accumulation, maxDotLength: 4096 };
}

/** The variants by name (the .cu file and cases folder name). */
export const SIMD_VARIANTS: readonly [string, SimdMacConfig][] = [
  ['simd_fp4x4_fp16_res', config('fp4_e2m1', 4, 'fp16', 'round-each-step')],
  ['simd_e4m3x2_fp16_res', config('fp8_e4m3', 2, 'fp16', 'round-each-step')],
  ['simd_posit16x1_fp16_res', config('posit16_1', 1, 'fp16', 'round-each-step')],
  ['simd_posit8x2_bf16_res', config('posit8_0', 2, 'bf16', 'round-each-step')],
  ['simd_int8x2_fp32_res', config('int8', 2, 'fp32', 'round-each-step')],
  ['simd_posit4x4_posit16_res', config('posit4_1', 4, 'posit16_1', 'round-each-step')],
  ['simd_e4m3x2_posit8_res', config('fp8_e4m3', 2, 'posit8_0', 'round-each-step')],
  ['simd_posit16x1_posit32_res', config('posit16_1', 1, 'posit32_2', 'round-each-step')],
  ['simd_bf16x1_fp32_exact', config('bf16', 1, 'fp32', 'exact')],
  ['simd_bf16x2_fp32_res', config('bf16', 2, 'fp32', 'round-each-step')],
  ['simd_posit16_2x1_exact', config('posit16_2', 1, 'posit16_2', 'exact')],
];

type CaseKind = 'random' | 'special' | 'small' | 'tie';

/** One case's files (name → little-endian bytes), golden's y.bin included. */
function caseFiles(cfg: SimdMacConfig, m: number, n: number, k: number, seed: number, kind: CaseKind): Map<string, Uint8Array> {
  const bits = cfg.element.bits;
  const special = Array.from({ length: 2 ** bits }, (_, c) => c).find((c) => !Number.isFinite(cfg.element.decode(c)));
  const code = (s: number, i: number): number => {
    const h = inputHash(seed, s, i) & (2 ** bits - 1);
    return kind === 'small' ? h & ~(2 ** (bits - 2)) & (2 ** bits - 1) : h;
  };
  const row = [2 ** 100, 0, 2 ** 76, 2 ** -100];
  const activations = kind === 'tie' ? [...row, ...row.map((v) => -v)].map((v) => cfg.element.encode(v))
    : Array.from({ length: m * k }, (_, i) => (kind === 'special' && special !== undefined && Math.floor(i / k) === 1 && i % 37 === 5 ? special : code(1, i)));
  const weights = kind === 'tie' ? row.map(() => cfg.element.encode(1)) : Array.from({ length: n * k }, (_, i) => code(2, i));
  const y = simdMacGemm(cfg, { m, n, k, activations, weights });
  const elBytes = bits <= 8 ? 1 : 2;
  const files = new Map<string, Uint8Array>([['meta.txt', new TextEncoder().encode(`m ${m}\nn ${n}\nk ${k}\n`)]]);
  const bins: [string, ArrayLike<number>, 1 | 2 | 4][] = [['act', activations, elBytes], ['w', weights, elBytes], ['y', y.codes, cfg.output.bits <= 16 ? 2 : 4]];
  for (const [name, codes, bytes] of bins) files.set(`${name}.bin`, new Uint8Array(codesToWords(codes, bytes).buffer, 0, codes.length * bytes));
  return files;
}

/**
 * Writes every variant's .cu (OUT/<name>.cu) and cases (OUT/cases/<name>/<case>/) through `write`, returning
 * the runs.txt lines (`verify <name> cases/<name>/<case>`).
 */
export function writeSimdVariants(out: string, write: (path: string, data: string | Uint8Array) => void): string[] {
  const runs: string[] = [];
  SIMD_VARIANTS.forEach(([name, cfg], vi) => {
    write(join(out, `${name}.cu`), simdLimbsCudaSource(cfg));
    const cases: [string, number, number, number, CaseKind][] = [
      ['random', 37, 45, 200, 'random'],
      ['special', 3, 16, 130, 'special'],
      ['small', 16, 24, 257, 'small'],
      ['onestep', 40, 40, cfg.lanes, 'random'],
      ['wide', 2, 300, 64, 'random'],
      ...(cfg.element.name === 'bf16' ? [['tie', 2, 1, 4, 'tie'] as [string, number, number, number, CaseKind]] : []),
    ];
    cases.forEach(([c, m, n, k, kind], ci) => {
      for (const [file, data] of caseFiles(cfg, m, n, k, 0x51d0 + 16 * vi + ci, kind)) write(join(out, 'cases', name, c, file), data);
      runs.push(`verify ${name} cases/${name}/${c}`);
    });
  });
  return runs;
}
