/**
 * goldenGemm dispatch and compareToIdeal across kinds: where the datapath is exact for the operands
 * (fp4 quire into fp32, int8 into int32), golden equals the float64 ideal; where it rounds, the metrics
 * say by how much.
 */
import { describe, expect, it } from 'vitest';
import { FP16, FP32, FP4_E2M1 } from '../../src/formats/float.js';
import { POSIT16_1, POSIT4_1 } from '../../src/formats/posit.js';
import { compareToIdeal, goldenGemm } from '../../src/golden/index.js';
import { bitSerialModGemm } from '../../src/pe/bit-serial-mod/golden.js';
import { lowRankGemm, type LowRankGemmConfig } from '../../src/pe/lowrank-gemm/golden.js';
import { macGemm } from '../../src/pe/mac/golden.js';
import { simdMacGemm } from '../../src/pe/simd-mac/golden.js';

let seed = 77;
const rnd = (): number => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0), seed / 2 ** 32);
const ints = (n: number, mod: number): number[] => Array.from({ length: n }, () => Math.floor(rnd() * mod));

describe('goldenGemm', () => {
  const M = 3;
  const K = 40;
  const N = 5;

  it('dispatches every kind to its model', () => {
    const bsm = { kind: 'bit_serial_mod', groupSize: 16, candidates: ['bitmod_fp4_er_neg'], output: 'fp16' } as const;
    const bsmOps = { m: M, k: K, n: N, activations: ints(M * K, 0x7c00), weights: ints(N * K, 16), selectors: Array(N * 3).fill(0), groupScales: ints(N * 3, 256), channelScales: Array(N).fill(0x3c00) };
    expect(goldenGemm(bsm, bsmOps)).toEqual(bitSerialModGemm(bsm, bsmOps));
    const simd = { kind: 'simd_mac', element: POSIT4_1, lanes: 4, wordBits: 16, output: POSIT16_1, accumulation: 'exact', maxDotLength: 64 } as const;
    const simdOps = { m: M, k: K, n: N, activations: ints(M * K, 16).map((c) => (c === 8 ? 0 : c)), weights: ints(N * K, 16).map((c) => (c === 8 ? 0 : c)) };
    expect(goldenGemm(simd, simdOps)).toEqual(simdMacGemm(simd, simdOps));
    const lr: LowRankGemmConfig = { kind: 'lowrank_gemm', main: { kind: 'int4', activations: 'uint4', groupSize: 8, scaleFormat: 'bf16' }, accumulation: 'bf16', rank: 0, branchFormat: 'bf16' };
    const lrOps = { m: M, k: K, n: N, qa: ints(M * K, 16), qw: ints(N * K, 16), sa: Array(M * 5).fill(0x3c00), sw: Array(N * 5).fill(0x3f80) };
    expect(goldenGemm(lr, lrOps)).toEqual(lowRankGemm(lr, lrOps));
    const mac = { kind: 'mac', variant: 'fp16_int8', accumulator: 'fp16' } as const;
    const macOps = { m: M, k: K, n: N, activations: ints(M * K, 0x7c00), weights: ints(N * K, 256) };
    expect(goldenGemm(mac, macOps)).toEqual(macGemm(mac, macOps));
  });

  it('exact datapaths equal the ideal: fp4 quire → fp32, int8 → int32', () => {
    const simd = compareToIdeal({ kind: 'simd_mac', element: FP4_E2M1, lanes: 4, wordBits: 16, output: FP32, accumulation: 'exact', maxDotLength: 4096 }, { m: M, k: K, n: N, activations: ints(M * K, 16), weights: ints(N * K, 16) });
    expect(simd.metrics).toMatchObject({ count: M * N, maxAbs: 0, sqnrDb: Infinity });
    const mac = compareToIdeal({ kind: 'mac', variant: 'int8' }, { m: M, k: K, n: N, activations: ints(M * K, 256), weights: ints(N * K, 256) });
    expect(mac.metrics).toMatchObject({ count: M * N, maxAbs: 0 });
  });

  it('rounding datapaths show their cost: fp16 accumulation of fp16 products vs fp32', () => {
    const acts = Array.from({ length: 4 * 512 }, () => FP16.encode(rnd() * 2 - 1));
    const wts = Array.from({ length: 4 * 512 }, () => FP16.encode(rnd() * 2 - 1));
    const r16 = compareToIdeal({ kind: 'mac', variant: 'fp16_fma', accumulator: 'fp16' }, { m: 4, k: 512, n: 4, activations: acts, weights: wts });
    const r32 = compareToIdeal({ kind: 'mac', variant: 'fp16_fma', accumulator: 'fp32' }, { m: 4, k: 512, n: 4, activations: acts, weights: wts });
    // fp32 accumulation: only the final fp16 rounding (≤ 2^-11 relative per output).
    expect(r32.metrics.relFrobenius).toBeLessThan(2 ** -11);
    expect(r16.metrics.relFrobenius).toBeGreaterThan(r32.metrics.relFrobenius);
    expect(r16.metrics.relFrobenius).toBeLessThan(0.05);
  });
});
