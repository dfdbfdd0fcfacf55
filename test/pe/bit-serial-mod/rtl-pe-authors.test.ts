/**
 * PE-level cross-check of the generated bit-serial MoD PE with `datapath = bitmod_rtl` (the authors'
 * modules) against the golden model (itself pinned by hand-worked cases and an independent bit-pattern
 * model in test/pe/bit-serial-mod/golden-authors.test.ts): the example's bitmod_authors PE on every fp4 type's
 * codes against an activation sweep and on random groups; a mixed-type fp32-output PE (fp4, Booth int8,
 * int2, fp3) on the hand-worked cases of each difference, short steps and groups, and random dot products
 * (fp32 output keeps most results finite, so the comparison is not one of infinities).
 */
import { describe, expect, it } from 'vitest';
import { acceleratorPe } from '../../../src/codegen/verilog/design.js';
import { bitSerialModRtl } from '../../../src/pe/bit-serial-mod/rtl-pe.js';
import { FP16, FP32 } from '../../../src/formats/float.js';
import { termSchedule, type BitSerialModConfig, type BitSerialModOperands } from '../../../src/pe/bit-serial-mod/golden.js';
import { bitSerialModVectors } from '../../../src/pe/bit-serial-mod/vectors.js';
import { buildPe, example, expectRtlMatches, ints, prng } from '../../verify/rtl-helpers.js';

const ACT_SWEEP = [0x0000, 0x8000, 0x0001, 0x8001, 0x03ff, 0x0400, 0x3c00, 0xbc00, 0x7bff, 0xfbff, 0x7c00, 0xfe01, ...Array.from({ length: 244 }, (_, i) => (i * 269) & 0xffff)];

/** Every code of candidate `sel` in lane 0 with three other codes, against the activation sweep (K = 4). */
function typeSweep(config: BitSerialModConfig, sel: number, seed: number): BitSerialModOperands {
  const rnd = prng(seed);
  const codes = 2 ** termSchedule(config.candidates[sel]).bits;
  const rows: number[][] = [];
  for (let c = 0; c < codes; c++) rows.push([c, (c * 5 + 3) % codes, (c + 7) % codes, (c * 3 + 1) % codes]);
  const M = Math.ceil(ACT_SWEEP.length / 4);
  const activations: number[] = [];
  for (let m = 0; m < M; m++) for (let i = 0; i < 4; i++) activations.push(ACT_SWEEP[(4 * m + i * 7) % ACT_SWEEP.length]);
  return { m: M, k: 4, n: rows.length, activations, weights: rows.flat(), selectors: rows.map(() => sel), groupScales: ints(rnd, rows.length, 256), channelScales: rows.map(() => 0x3c00) };
}

function randomOps(config: BitSerialModConfig, seed: number, m: number, k: number, n: number): BitSerialModOperands {
  const rnd = prng(seed);
  const G = Math.ceil(k / config.groupSize);
  const selectors = ints(rnd, n * G, config.candidates.length);
  const weights: number[] = [];
  for (let r = 0; r < n; r++) for (let i = 0; i < k; i++) weights.push(Math.floor(rnd() * 2 ** termSchedule(config.candidates[selectors[r * G + Math.floor(i / config.groupSize)]]).bits));
  const activations = Array.from({ length: m * k }, () => FP16.encode((rnd() + rnd() + rnd() - 1.5) * 4));
  return { m, k, n, activations, weights, selectors, groupScales: ints(rnd, n * G, 256), channelScales: Array.from({ length: n }, () => FP16.encode(0.001 + rnd() * 0.05)) };
}

describe('bit_serial_mod datapath = bitmod_rtl: RTL = golden', () => {
  const design = acceleratorPe(example('bitmod', 'bitmod_authors'), 'tb_bsm_authors');
  const fp4 = design.goldens[0] as BitSerialModConfig;
  const mixed: BitSerialModConfig = { kind: 'bit_serial_mod', datapath: 'bitmod_rtl', groupSize: 16, candidates: ['bitmod_fp4_er_pos', 'int8', 'int2', 'bitmod_fp3_ea_neg'], output: 'fp32' };

  it('the example bitmod_authors PE implements the bitmod_rtl config', () => {
    expect(fp4).toEqual({ kind: 'bit_serial_mod', datapath: 'bitmod_rtl', groupSize: 128, candidates: ['bitmod_fp4_er_pos', 'bitmod_fp4_er_neg', 'bitmod_fp4_ea_pos', 'bitmod_fp4_ea_neg'], output: 'fp16' });
  });

  it('every BitMoD fp4 type: all codes x the activation sweep, plus random groups (K = 301)', async () => {
    const sim = await buildPe(design.rtl);
    for (let sel = 0; sel < 4; sel++) expectRtlMatches(sim, bitSerialModVectors(fp4, typeSweep(fp4, sel, 10 + sel)), `${fp4.candidates[sel]} sweep`);
    expectRtlMatches(sim, bitSerialModVectors(fp4, randomOps(fp4, 99, 4, 301, 4)), 'random K=301');
  });

  it('mixed fp4 / int8 / int2 / fp3 (fp32 output): the hand-worked cases, all codes x the sweep, random groups', async () => {
    const sim = await buildPe(bitSerialModRtl(mixed, 'tb_bsm_authors_mixed', 'authors_mixed_pe'));
    const one = 0x3c00;
    // test/pe/bit-serial-mod/golden-authors.test.ts: the three differences and the missing L != 0 gate (int2, selector 2)
    const hand = [
      { acts: [0x3c01, 0x5c00, 0, 0], w: [1, 0, 0, 0], value: 1 },
      { acts: [0x7800, 0, 0, 0, 0x3c00, 0, 0, 0], w: [1, 0, 0, 0, 1, 0, 0, 0], value: 65536 },
      { acts: [0x3fff, 0x33ff, 0x3fff, 0], w: [1, 1, 1, 0], value: 8699 / 2048 },
      { acts: [0x3c00, 0, 0, 0, 0x7800, 0, 0, 0], w: [1, 0, 0, 0, 0, 0, 0, 0], value: 0 },
    ];
    hand.forEach((h, i) => {
      const v = bitSerialModVectors(mixed, { m: 1, k: h.acts.length, n: 1, activations: h.acts, weights: h.w, selectors: [2], groupScales: [1], channelScales: [one] });
      expect(FP32.decode(Number(v.expected[0][0])), `hand case ${i}`).toBe(h.value);
      expectRtlMatches(sim, v, `hand case ${i}`);
    });
    for (let sel = 0; sel < 4; sel++) expectRtlMatches(sim, bitSerialModVectors(mixed, typeSweep(mixed, sel, 30 + sel)), `${mixed.candidates[sel]} sweep`);
    for (const [seed, k] of [[5, 5], [6, 37], [7, 70]]) {
      const v = bitSerialModVectors(mixed, randomOps(mixed, seed, 4, k, 4));
      // not a comparison of infinities: most random results are finite
      expect(v.expected.filter((e) => Number.isFinite(FP32.decode(Number(e[0])))).length, `K=${k} finite results`).toBeGreaterThan(v.expected.length / 2);
      expectRtlMatches(sim, v, `random K=${k}`);
    }
  });
});
