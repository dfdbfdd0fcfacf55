/**
 * Case files for the bit_serial_mod launchers' host (`cpu`) mode tests: the launcher's input files (act, w, sel,
 * gscale, cscale .bin + meta.txt) and golden's y.bin, from the generator's input streams. Shared by
 * bitmod-host.test.ts and bitmod-knobs-host.test.ts so both check the same activation sets.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { codesToWords } from '../../../src/codegen/cuda/host.js';
import { inputHash } from '../../../src/codegen/cuda/inputs.js';
import { bitSerialModGemm, groupCount, type BitSerialModConfig, type BitSerialModOperands } from '../../../src/pe/bit-serial-mod/golden.js';
import { bitSerialBandActivations, bitSerialCancelActivations, bitSerialInputCode, BIT_SERIAL_STREAMS } from '../../../src/pe/bit-serial-mod/kernel-cuda.js';

/** Activations of a case: full-range, an exponent band, inf/NaN scattered in row 1, or cancelling lane sums. */
export type BitmodActs = [number, number] | 'special' | 'cancel' | undefined;

/** The host cases every bsm_gemv build is checked on: [tag, M, N, K, activations]. */
export const BITMOD_HOST_CASES: readonly [string, number, number, number, BitmodActs][] = [
  ['full', 5, 40, 200, undefined],
  ['low', 4, 48, 203, [0, 3]],
  ['unit', 4, 48, 256, [13, 16]],
  ['subnormal', 4, 48, 256, [0, 0]],
  ['special', 3, 40, 1024, 'special'],
  ['cancel', 2, 64, 512, 'cancel'],
];

/**
 * Writes one case (the launcher's input files and golden's y.bin); activations full-range, in an exponent band,
 * or full-range with every 53rd one of row 1 inf, -inf or NaN (the other rows' outputs stay finite).
 */
export function writeBitmodCase(caseDir: string, config: BitSerialModConfig, m: number, n: number, k: number, seed: number, band?: BitmodActs): void {
  const G = groupCount(k, config.groupSize);
  const gen = (s: keyof typeof BIT_SERIAL_STREAMS, count: number, sel?: (i: number) => number): Uint32Array =>
    Uint32Array.from({ length: count }, (_, i) => bitSerialInputCode(config, s, inputHash(seed, BIT_SERIAL_STREAMS[s], i), sel ? sel(i) : 0));
  const selectors = gen('sel', n * G);
  const ops = {
    m, k, n,
    activations: Array.isArray(band) ? bitSerialBandActivations(m * k, seed, band[0], band[1])
      : band === 'cancel' ? bitSerialCancelActivations(m, k, config.groupSize, seed)
      : band === 'special' ? gen('act', m * k).map((c, i) => (Math.floor(i / k) === 1 && i % 53 === 7 ? [0x7c00, 0xfc00, 0x7e01][i % 3] : c)) : gen('act', m * k),
    weights: gen('w', n * k, (i) => selectors[Math.floor(i / k) * G + Math.floor((i % k) / config.groupSize)]),
    selectors, groupScales: gen('gscale', n * G), channelScales: gen('cscale', n),
  };
  writeBitmodCaseFiles(caseDir, config, ops);
}

/** The launcher's input files (act, w, sel, gscale, cscale .bin + meta.txt) for `ops`, and golden's y.bin. */
export function writeBitmodCaseFiles(caseDir: string, config: BitSerialModConfig, ops: BitSerialModOperands): void {
  const y = bitSerialModGemm(config, ops);
  mkdirSync(caseDir, { recursive: true });
  writeFileSync(join(caseDir, 'meta.txt'), `m ${ops.m}\nn ${ops.n}\nk ${ops.k}\n`);
  const files: [string, ArrayLike<number>, 1 | 2 | 4][] = [
    ['act', ops.activations, 2], ['w', ops.weights, 1], ['sel', ops.selectors, 1], ['gscale', ops.groupScales, 1], ['cscale', ops.channelScales, 2],
    ['y', y.codes, config.output === 'fp16' ? 2 : 4],
  ];
  for (const [name, codes, bytes] of files) {
    const words = codesToWords(codes, bytes);
    writeFileSync(join(caseDir, `${name}.bin`), new Uint8Array(words.buffer, 0, codes.length * bytes));
  }
}
