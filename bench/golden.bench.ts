/**
 * Golden-model throughput per PE kind, in MACs per second, on a 64 × 1024 × 1024 GEMM (the workload the
 * simulator's speed target compares against) where the model is fast enough, smaller shapes otherwise
 * (the case name says which). Operands are random codes prepared outside the timed region.
 */
import { FP16, FP32, FP4_E2M1, FP8_E4M3 } from '../src/formats/float.js';
import { POSIT16_1, POSIT8_0 } from '../src/formats/posit.js';
import { goldenGemm, type GoldenConfig, type GoldenOperands } from '../src/golden/index.js';
import type { BenchCase } from './harness.js';

/** A deterministic generator (LCG) so every run times the same operands. */
function generator(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0), s / 2 ** 32);
}

function codes(length: number, f: () => number): Uint16Array {
  const out = new Uint16Array(length);
  for (let i = 0; i < length; i++) out[i] = f();
  return out;
}

function gemmCase<C extends GoldenConfig>(name: string, m: number, k: number, n: number, config: C, make: (m: number, k: number, n: number, r: () => number) => GoldenOperands<C>): BenchCase {
  return {
    group: 'golden: GEMM',
    name: `${name} ${m}×${k}×${n}`,
    unit: 'MACs',
    minMs: 200,
    setup() {
      const ops = make(m, k, n, generator(1));
      return () => {
        goldenGemm(config, ops);
        return m * k * n;
      };
    },
  };
}

const fp16Act = (r: () => number) => () => FP16.encode((r() - 0.5) * 8);

export const cases: BenchCase[] = [
  gemmCase('bit_serial_mod fp4 mix g128', 64, 1024, 1024, { kind: 'bit_serial_mod', groupSize: 128, candidates: ['bitmod_fp4_er_pos', 'bitmod_fp4_er_neg', 'bitmod_fp4_ea_pos', 'bitmod_fp4_ea_neg'], output: 'fp16' }, (m, k, n, r) => ({
    m,
    k,
    n,
    activations: codes(m * k, fp16Act(r)),
    weights: codes(n * k, () => Math.floor(r() * 16)),
    selectors: codes((n * k) / 128, () => Math.floor(r() * 4)),
    groupScales: codes((n * k) / 128, () => 1 + Math.floor(r() * 255)),
    channelScales: codes(n, () => FP16.encode(0.001)),
  })),
  gemmCase('bit_serial_mod int8 g128', 16, 1024, 1024, { kind: 'bit_serial_mod', groupSize: 128, candidates: ['int8'], output: 'fp16' }, (m, k, n, r) => ({
    m,
    k,
    n,
    activations: codes(m * k, fp16Act(r)),
    weights: codes(n * k, () => Math.floor(r() * 256)),
    selectors: codes((n * k) / 128, () => 0),
    groupScales: codes((n * k) / 128, () => 1 + Math.floor(r() * 255)),
    channelScales: codes(n, () => FP16.encode(0.001)),
  })),
  ...([FP4_E2M1, POSIT8_0] as const).map((element) =>
    gemmCase(`simd_mac ${element.name} exact→fp32`, 64, 1024, 1024, { kind: 'simd_mac', element, lanes: 16 / element.bits, wordBits: 16, output: FP32, accumulation: 'exact', maxDotLength: 4096 }, (m, k, n, r) => ({
      m,
      k,
      n,
      activations: codes(m * k, () => Math.floor(r() * (element === FP4_E2M1 ? 16 : 127))),
      weights: codes(n * k, () => Math.floor(r() * (element === FP4_E2M1 ? 16 : 127))),
    })),
  ),
  gemmCase('simd_mac posit16_1 exact→posit16_1 (BigInt quire)', 4, 1024, 64, { kind: 'simd_mac', element: POSIT16_1, lanes: 1, wordBits: 16, output: POSIT16_1, accumulation: 'exact', maxDotLength: 4096 }, (m, k, n, r) => ({
    m,
    k,
    n,
    activations: codes(m * k, () => Math.floor(r() * 32767)),
    weights: codes(n * k, () => Math.floor(r() * 32767)),
  })),
  gemmCase('simd_mac fp4_e2m1 round-each-step→fp16', 8, 1024, 256, { kind: 'simd_mac', element: FP4_E2M1, lanes: 4, wordBits: 16, output: FP16, accumulation: 'round-each-step', maxDotLength: 4096 }, (m, k, n, r) => ({
    m,
    k,
    n,
    activations: codes(m * k, () => Math.floor(r() * 16)),
    weights: codes(n * k, () => Math.floor(r() * 16)),
  })),
  ...(['fp32', 'fp16'] as const).map((accumulation) =>
    gemmCase(`lowrank_gemm int4 g64 ${accumulation} acc, r32`, 64, 1024, 1024, { kind: 'lowrank_gemm', main: { kind: 'int4', activations: 'int4', groupSize: 64, scaleFormat: 'fp16' }, accumulation, rank: 32, branchFormat: 'fp16' }, (m, k, n, r) => ({
      m,
      k,
      n,
      qa: codes(m * k, () => Math.floor(r() * 16)),
      qw: codes(n * k, () => Math.floor(r() * 16)),
      sa: codes((m * k) / 64, () => FP16.encode(0.01 + r() * 0.05)),
      sw: codes((n * k) / 64, () => FP16.encode(0.01 + r() * 0.05)),
      bias: codes(n, () => FP16.encode(r() - 0.5)),
      x: codes(m * k, fp16Act(r)),
      down: codes(k * 32, () => FP16.encode((r() - 0.5) / 16)),
      up: codes(n * 32, () => FP16.encode(r() - 0.5)),
    })),
  ),
  gemmCase('lowrank_gemm nvfp4 g16 fp32 acc', 64, 1024, 1024, { kind: 'lowrank_gemm', main: { kind: 'nvfp4', groupSize: 16 }, accumulation: 'fp32', rank: 0, branchFormat: 'fp16' }, (m, k, n, r) => ({
    m,
    k,
    n,
    qa: codes(m * k, () => Math.floor(r() * 16)),
    qw: codes(n * k, () => Math.floor(r() * 16)),
    sa: codes((m * k) / 16, () => FP8_E4M3.encode(0.5 + r())),
    sw: codes((n * k) / 16, () => FP8_E4M3.encode(0.5 + r())),
    tensorScale: FP32.encode(0.01),
  })),
  gemmCase('mac int8', 64, 1024, 1024, { kind: 'mac', variant: 'int8' }, (m, k, n, r) => ({ m, k, n, activations: codes(m * k, () => Math.floor(r() * 256)), weights: codes(n * k, () => Math.floor(r() * 256)) })),
  gemmCase('mac fp16_fma fp32 acc', 16, 1024, 1024, { kind: 'mac', variant: 'fp16_fma', accumulator: 'fp32' }, (m, k, n, r) => ({ m, k, n, activations: codes(m * k, fp16Act(r)), weights: codes(n * k, fp16Act(r)) })),
  gemmCase('mac fp16_fma fp16 acc', 4, 1024, 256, { kind: 'mac', variant: 'fp16_fma', accumulator: 'fp16' }, (m, k, n, r) => ({ m, k, n, activations: codes(m * k, fp16Act(r)), weights: codes(n * k, fp16Act(r)) })),
];
