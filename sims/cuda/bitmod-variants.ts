/**
 * bit_serial_mod configs no example uses, for sims/cuda/make-cases.ts (issue 14): each one's generated CUDA
 * kernel (all are configs the table-driven GEMV declines, so the facet gives the any-config integer kernel of
 * src/pe/bit-serial-mod/kernel-cuda-int.ts) and verification cases in the launchers' input contract
 * (act/w/sel/gscale/cscale .bin + meta.txt) with golden's y.bin. Lanes 1, 2, 8, 16; int5-int8 weights (3-4
 * Booth cycles); mixed term schedules; groups that are not a multiple of 8; bitmod_rtl with Booth candidates,
 * a ragged group and 512-weight groups. Activations: full range, narrow exponent bands, many zeros, inf/NaN in
 * one row, and cancelling pairs of large activations among small ones (zero lane sums with a large Pmax).
 */
import { join } from 'node:path';
import { codesToWords } from '../../src/codegen/cuda/host.js';
import { inputHash } from '../../src/codegen/cuda/inputs.js';
import { bitSerialModGemm, groupCount, termSchedule, type BitSerialModConfig } from '../../src/pe/bit-serial-mod/golden.js';
import { bitSerialGeometry } from '../../src/pe/bit-serial-mod/golden-geometry.js';
import { bitSerialIntCudaSource } from '../../src/pe/bit-serial-mod/kernel-cuda-int.js';

const lanes = (n: number): { geometry: ReturnType<typeof bitSerialGeometry> } => ({ geometry: bitSerialGeometry(n) });

/** The variants by name (the .cu file and cases folder name). */
export const BIT_SERIAL_VARIANTS: readonly [string, BitSerialModConfig][] = [
  ['bsm_rtl_mixed_g12_fp32', { kind: 'bit_serial_mod', datapath: 'bitmod_rtl', groupSize: 12, candidates: ['int8', 'int3', 'bitmod_fp3_ea_pos', 'fp4_e2m1'], output: 'fp32' }],
  ['bsm_rtl_int6_g512', { kind: 'bit_serial_mod', datapath: 'bitmod_rtl', groupSize: 512, candidates: ['int6', 'bitmod_fp4_er_pos'], output: 'fp16' }],
  ['bsm_l1_int8_int5_g20', { kind: 'bit_serial_mod', groupSize: 20, candidates: ['int8', 'int5'], output: 'fp16', ...lanes(1) }],
  ['bsm_l2_fp4_int6_fp32', { kind: 'bit_serial_mod', groupSize: 64, candidates: ['bitmod_fp4_ea_neg', 'int6'], output: 'fp32', ...lanes(2) }],
  ['bsm_l8_int7_fp4_g24', { kind: 'bit_serial_mod', groupSize: 24, candidates: ['int7', 'bitmod_fp4_er_neg', 'int2'], output: 'fp16', ...lanes(8) }],
  ['bsm_l16_int4_g48_fp32', { kind: 'bit_serial_mod', groupSize: 48, candidates: ['int4'], output: 'fp32', ...lanes(16) }],
  ['bsm_l4_w6_g128', { kind: 'bit_serial_mod', groupSize: 128, candidates: ['int6'], output: 'fp16' }],
  ['bsm_l4_fp4_g12', { kind: 'bit_serial_mod', groupSize: 12, candidates: ['bitmod_fp4_er_pos', 'bitmod_fp4_ea_pos'], output: 'fp16' }],
];

type Acts = 'full' | 'zeros' | 'special' | 'cancel' | [number, number];

/** A finite fp16 activation code from hash h (subnormals included), or one with biased exponent in [lo, hi]. */
function activation(h: number, band?: [number, number]): number {
  const e = band ? band[0] + (((h >>> 10) & 31) % (band[1] - band[0] + 1)) : ((h >>> 10) & 31) % 31;
  return ((h & 0x83ff) | (e << 10)) >>> 0;
}

/** One case's files (name → little-endian bytes), golden's y.bin included. */
function caseFiles(config: BitSerialModConfig, m: number, n: number, k: number, seed: number, acts: Acts): Map<string, Uint8Array> {
  const G = groupCount(k, config.groupSize);
  const selectors = Uint32Array.from({ length: n * G }, (_, i) => inputHash(seed, 3, i) % config.candidates.length);
  const activations = Uint32Array.from({ length: m * k }, (_, i) => {
    const h = inputHash(seed, 1, i);
    if (acts === 'zeros') return h % 4 === 0 ? h & 0x8000 : activation(h);
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
  const y = bitSerialModGemm(config, ops);
  const files = new Map<string, Uint8Array>([['meta.txt', new TextEncoder().encode(`m ${m}\nn ${n}\nk ${k}\n`)]]);
  const bins: [string, ArrayLike<number>, 1 | 2 | 4][] = [
    ['act', activations, 2], ['w', weights, 1], ['sel', selectors, 1], ['gscale', ops.groupScales, 1], ['cscale', ops.channelScales, 2],
    ['y', y.codes, config.output === 'fp16' ? 2 : 4],
  ];
  for (const [name, codes, bytes] of bins) files.set(`${name}.bin`, new Uint8Array(codesToWords(codes, bytes).buffer, 0, codes.length * bytes));
  return files;
}

const CASES: readonly [string, number, number, number, Acts][] = [
  ['full', 37, 300, 200, 'full'],
  ['gemv', 1, 260, 1030, 'full'],
  ['low', 8, 96, 203, [0, 3]],
  ['unit', 8, 96, 256, [13, 16]],
  ['subnormal', 4, 64, 256, [0, 0]],
  ['zeros', 8, 96, 300, 'zeros'],
  ['special', 3, 64, 1024, 'special'],
  ['cancel', 8, 96, 256, 'cancel'],
];

/**
 * Writes every variant's .cu (OUT/<name>.cu) and cases (OUT/cases/<name>/<case>/) through `write`, returning
 * the runs.txt lines (`verify <name> cases/<name>/<case>`).
 */
export function writeBitSerialVariants(out: string, write: (path: string, data: string | Uint8Array) => void): string[] {
  const runs: string[] = [];
  BIT_SERIAL_VARIANTS.forEach(([name, config], vi) => {
    write(join(out, `${name}.cu`), bitSerialIntCudaSource(config));
    CASES.forEach(([c, m, n, k, acts], ci) => {
      for (const [file, data] of caseFiles(config, m, n, k, 0xb5e0 + 16 * vi + ci, acts)) write(join(out, 'cases', name, c, file), data);
      runs.push(`verify ${name} cases/${name}/${c}`);
    });
  });
  return runs;
}
