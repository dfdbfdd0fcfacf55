/**
 * PE-level cross-check of the generated bit-serial MoD PE with 1, 2 and 8 lanes (docs/golden.md
 * §bit_serial_mod: the adder tree and group adder follow the lanes) against the golden model, whose
 * general-lanes path test/pe/bit-serial-mod/golden-lanes.test.ts pins against the independent model:
 * every weight code in every lane against a sweep of fp16 activations (specials included), the widest
 * lane sums (max fp16 × int8 −128 in every lane), and seeded random multi-group dots with short steps.
 */
import { describe, it } from 'vitest';
import { FP16 } from '../../../src/formats/float.js';
import { termSchedule, type BitSerialModConfig, type BitSerialModOperands } from '../../../src/pe/bit-serial-mod/golden.js';
import { bitSerialGeometry } from '../../../src/pe/bit-serial-mod/golden-geometry.js';
import { bitSerialModRtl } from '../../../src/pe/bit-serial-mod/rtl-pe.js';
import { bitSerialModVectors } from '../../../src/pe/bit-serial-mod/vectors.js';
import { buildPe, expectRtlMatches, ints, prng } from '../../verify/rtl-helpers.js';

const ACT_SWEEP = [0x0000, 0x8000, 0x0001, 0x8001, 0x03ff, 0x0400, 0x3c00, 0xbc00, 0x7bff, 0xfbff, 0x7c00, 0xfc00, 0x7e00, 0xfe01, ...Array.from({ length: 300 }, (_, i) => (i * 97) & 0xffff)];

/** Every code of candidate `sel` in every lane (one step of `lanes`, K = lanes) against the activation sweep. */
function typeSweep(config: BitSerialModConfig, lanes: number, sel: number, seed: number): BitSerialModOperands {
  const rnd = prng(seed);
  const codes = 2 ** termSchedule(config.candidates[sel]).bits;
  const step = Math.max(1, Math.floor(codes / 16));
  const rows = Array.from({ length: codes }, (_, c) => Array.from({ length: lanes }, (_, i) => (c + i * step) % codes));
  const M = 24;
  const activations = Array.from({ length: M * lanes }, (_, j) => ACT_SWEEP[(j * 7) % ACT_SWEEP.length]);
  return { m: M, k: lanes, n: rows.length, activations, weights: rows.flat(), selectors: rows.map(() => sel), groupScales: ints(rnd, rows.length, 256), channelScales: rows.map((_, i) => (i % 3 === 0 ? 0x3c00 : FP16.encode(0.25 + rnd()))) };
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

for (const lanes of [1, 2, 8]) {
  describe(`bit_serial_mod RTL = golden, ${lanes} lanes`, () => {
    const config: BitSerialModConfig = { kind: 'bit_serial_mod', groupSize: 16, candidates: ['bitmod_fp4_ea_pos', 'int8', 'fp4_e2m1', 'int3'], output: 'fp32', geometry: bitSerialGeometry(lanes) };
    it('every code of every candidate in every lane x the activation sweep; the widest lane sums; random groups', async () => {
      const sim = await buildPe(bitSerialModRtl(config, `tb_bsm_l${lanes}`, `l${lanes}_pe`));
      for (let sel = 0; sel < 4; sel++) expectRtlMatches(sim, bitSerialModVectors(config, typeSweep(config, lanes, sel, 40 + sel)), `${config.candidates[sel]} sweep`);
      // max fp16 × int8 −128 (code 128) in every lane, positive and negative activations: |L| = lanes · 16376
      const widest: BitSerialModOperands = { m: 2, k: 16, n: 1, activations: [...Array<number>(16).fill(0x7bff), ...Array<number>(16).fill(0xfbff)], weights: Array<number>(16).fill(128), selectors: [1], groupScales: [255], channelScales: [0x0400] };
      expectRtlMatches(sim, bitSerialModVectors(config, widest), 'widest lane sums');
      expectRtlMatches(sim, bitSerialModVectors(config, randomOps(config, 7 + lanes, 4, 53, 4)), 'random K=53');
    }, 120_000);
  });
}
