/**
 * PE-level cross-check of the generated bit-serial MoD PE against the golden model (src/golden, itself
 * pinned by hand-worked cases and an independent BigInt model in test/golden): every weight code of every
 * candidate type in every lane against a sweep of fp16 activations (zeros, subnormals, the largest
 * finite values, infinities and NaNs included), directed corner cases, and seeded random multi-group dot
 * products with short last groups and steps. Three designs cover the 8 BitMoD types, fp4_e2m1 and ints.
 */
import { describe, expect, it } from 'vitest';
import { acceleratorPe } from '../../../src/codegen/verilog/design.js';
import { bitSerialModRtl } from '../../../src/pe/bit-serial-mod/rtl-pe.js';
import { FP16 } from '../../../src/formats/float.js';
import { termSchedule, type BitSerialModConfig, type BitSerialModOperands } from '../../../src/pe/bit-serial-mod/golden.js';
import { bitSerialModVectors } from '../../../src/pe/bit-serial-mod/vectors.js';
import { buildPe, example, expectRtlMatches, ints, prng } from '../../verify/rtl-helpers.js';

/** fp16 activations: every 97th code plus the corner codes. */
const ACT_SWEEP = [0x0000, 0x8000, 0x0001, 0x8001, 0x03ff, 0x0400, 0x3c00, 0xbc00, 0x7bff, 0xfbff, 0x7c00, 0xfc00, 0x7e00, 0xfe01, ...Array.from({ length: 676 }, (_, i) => (i * 97) & 0xffff)];

/** Every code of candidate `sel` in every lane against the activation sweep (K = 4, one group). */
function typeSweep(config: BitSerialModConfig, sel: number, seed: number): BitSerialModOperands {
  const rnd = prng(seed);
  const codes = 2 ** termSchedule(config.candidates[sel]).bits;
  const step = Math.max(1, Math.floor(codes / 16));
  const rows: number[][] = [];
  for (let c = 0; c < codes; c++) rows.push([c, (c + step) % codes, (c + 2 * step) % codes, (c + 3 * step) % codes]);
  const M = codes > 16 ? 96 : Math.ceil(ACT_SWEEP.length / 4);
  const activations: number[] = [];
  for (let m = 0; m < M; m++) for (let i = 0; i < 4; i++) activations.push(ACT_SWEEP[(4 * m + i * 7) % ACT_SWEEP.length]);
  return {
    m: M,
    k: 4,
    n: rows.length,
    activations,
    weights: rows.flat(),
    selectors: rows.map(() => sel),
    groupScales: ints(rnd, rows.length, 256),
    channelScales: rows.map((_, i) => (i % 3 === 0 ? 0x3c00 : FP16.encode(0.25 + rnd()))),
  };
}

/** Gaussian-ish fp16 activations (the realistic case: no specials). */
function gaussianFp16(rnd: () => number, count: number, scale: number): number[] {
  return Array.from({ length: count }, () => FP16.encode((rnd() + rnd() + rnd() - 1.5) * scale));
}

function randomOps(config: BitSerialModConfig, seed: number, m: number, k: number, n: number): BitSerialModOperands {
  const rnd = prng(seed);
  const G = Math.ceil(k / config.groupSize);
  const selectors = ints(rnd, n * G, config.candidates.length);
  const weights: number[] = [];
  for (let r = 0; r < n; r++) for (let i = 0; i < k; i++) weights.push(Math.floor(rnd() * 2 ** termSchedule(config.candidates[selectors[r * G + Math.floor(i / config.groupSize)]]).bits));
  return { m, k, n, activations: gaussianFp16(rnd, m * k, 4), weights, selectors, groupScales: ints(rnd, n * G, 256), channelScales: Array.from({ length: n }, () => FP16.encode(0.001 + rnd() * 0.05)) };
}

describe('bit_serial_mod RTL = golden', () => {
  const accel = example('bitmod');
  const design = acceleratorPe(accel, 'tb_bsm_bitmod');
  const fp4 = design.goldens[0] as BitSerialModConfig;
  const fp3: BitSerialModConfig = { kind: 'bit_serial_mod', groupSize: 32, candidates: ['bitmod_fp3_er_pos', 'bitmod_fp3_er_neg', 'bitmod_fp3_ea_pos', 'bitmod_fp3_ea_neg'], output: 'fp16' };
  const mixed: BitSerialModConfig = { kind: 'bit_serial_mod', groupSize: 16, candidates: ['fp4_e2m1', 'int8', 'int5', 'int2'], output: 'fp32' };

  it('the example PE implements the example config (BitMoD fp4 types, group 128, fp16 output)', async () => {
    expect(fp4).toEqual({ kind: 'bit_serial_mod', groupSize: 128, candidates: ['bitmod_fp4_er_pos', 'bitmod_fp4_er_neg', 'bitmod_fp4_ea_pos', 'bitmod_fp4_ea_neg'], output: 'fp16' });
  });

  it('every BitMoD fp4 type: all weight codes in all lanes x the activation sweep', async () => {
    const sim = await buildPe(design.rtl);
    for (let sel = 0; sel < 4; sel++) expectRtlMatches(sim, bitSerialModVectors(fp4, typeSweep(fp4, sel, 10 + sel)), `${fp4.candidates[sel]} sweep`);
  });

  it('directed corner cases: zeros, cancellation, NaN/inf activations, overflow to inf, short groups', async () => {
    const sim = await buildPe(design.rtl);
    const one = 0x3c00;
    const cases: BitSerialModOperands[] = [
      // all zeros (+0 and -0 activations, zero weights): +0
      { m: 1, k: 8, n: 1, activations: [0, 0x8000, 0, 0x8000, 0, 0, 0, 0], weights: [0, 0, 0, 0, 0, 0, 0, 0], selectors: [0], groupScales: [255], channelScales: [one] },
      // exact cancellation inside a step: a*w + (-a)*w = 0 leaves the accumulator untouched / zero
      { m: 1, k: 4, n: 1, activations: [0x4200, 0xc200, 0x3c00, 0xbc00], weights: [5, 5, 7, 7], selectors: [2], groupScales: [1], channelScales: [one] },
      // an inf and a NaN activation poison the output even with zero weights
      { m: 2, k: 4, n: 1, activations: [0x7c00, 0, 0, 0, 0, 0, 0x7e00, 0], weights: [0, 0, 0, 0], selectors: [0], groupScales: [3], channelScales: [one] },
      // the largest products: max fp16 x EA 8 x scale 255 x channel 65504 overflows to inf
      { m: 1, k: 4, n: 1, activations: [0x7bff, 0x7bff, 0x7bff, 0x7bff], weights: [7, 7, 7, 7], selectors: [2], groupScales: [255], channelScales: [0x7bff] },
      // K = 5 and K = 131: a short last step and a short last group
      randomOps(fp4, 3, 2, 5, 2),
      randomOps(fp4, 4, 2, 131, 2),
    ];
    cases.forEach((ops, i) => expectRtlMatches(sim, bitSerialModVectors(fp4, ops), `directed case ${i}`));
  });

  it('seeded random dot products over several groups with mixed selectors', async () => {
    const sim = await buildPe(design.rtl);
    expectRtlMatches(sim, bitSerialModVectors(fp4, randomOps(fp4, 99, 6, 301, 6)), 'random K=301');
  });

  it('every BitMoD fp3 type: all codes in all lanes x the activation sweep, plus random groups', async () => {
    const sim = await buildPe(bitSerialModRtl(fp3, 'tb_bsm_fp3', 'fp3_pe'));
    for (let sel = 0; sel < 4; sel++) expectRtlMatches(sim, bitSerialModVectors(fp3, typeSweep(fp3, sel, 20 + sel)), `${fp3.candidates[sel]} sweep`);
    expectRtlMatches(sim, bitSerialModVectors(fp3, randomOps(fp3, 5, 4, 70, 4)), 'fp3 random');
  });

  it('fp4_e2m1 and Booth-coded int8/int5/int2 (fp32 output): all codes x the sweep, plus random groups', async () => {
    const sim = await buildPe(bitSerialModRtl(mixed, 'tb_bsm_mixed', 'mixed_pe'));
    for (let sel = 0; sel < 4; sel++) expectRtlMatches(sim, bitSerialModVectors(mixed, typeSweep(mixed, sel, 30 + sel)), `${mixed.candidates[sel]} sweep`);
    expectRtlMatches(sim, bitSerialModVectors(mixed, randomOps(mixed, 6, 4, 50, 4)), 'mixed random');
  });
});
