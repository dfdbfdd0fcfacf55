/**
 * PE-level cross-check of the generated baseline MACs and low-rank GEMM PEs against the golden model:
 * int8 wrap-around, fp16 FMA into fp16 and fp32 accumulators with IEEE specials (zeros of both signs,
 * subnormals, infinities, NaN), fp16 x int8 with a channel scale, and the SVDQuant example PEs (int4 with
 * fp16 scales, fused fp16 accumulation, the fp16 epilogue with channel scales and LoRA scales, Nunchaku's
 * order; NVFP4 with bf16 branch) with bias, low-rank branch and group boundaries that do not divide K.
 * Operands: seeded random codes.
 */
import { describe, expect, it } from 'vitest';
import { acceleratorPe } from '../../src/codegen/verilog/design.js';
import { declaredOptionalOperands, HARNESS_LOWRANK_LANES } from '../../src/pe/lowrank-gemm/rtl-pe.js';
import { macRtl } from '../../src/pe/mac/rtl-pe.js';
import { BF16, FP16, FP32, FP8_E4M3 } from '../../src/formats/float.js';
import { wideFormat } from '../../src/golden/index.js';
import type { LowRankGemmConfig, LowRankGemmOperands } from '../../src/pe/lowrank-gemm/golden.js';
import type { MacConfig, MacOperands } from '../../src/pe/mac/golden.js';
import { lowRankVectors } from '../../src/pe/lowrank-gemm/vectors.js';
import { macVectors } from '../../src/pe/mac/vectors.js';
import { buildPe, example, expectRtlMatches, ints, prng } from './rtl-helpers.js';

/** fp16 codes: mostly moderate values, some zeros (both signs), subnormals, infinities and NaNs. */
function fp16Codes(rnd: () => number, count: number): number[] {
  const corner = [0x0000, 0x8000, 0x0001, 0x83ff, 0x7bff, 0xfbff, 0x7c00, 0xfc00, 0x7e00];
  return Array.from({ length: count }, () => (rnd() < 0.08 ? corner[Math.floor(rnd() * corner.length)] : FP16.encode((rnd() - 0.5) * 2 ** Math.floor(rnd() * 20 - 10))));
}

function macOps(config: MacConfig, seed: number, m: number, k: number, n: number): MacOperands {
  const rnd = prng(seed);
  const int = (count: number): number[] => ints(rnd, count, 256);
  if (config.variant === 'int8') return { m, k, n, activations: int(m * k), weights: int(n * k) };
  if (config.variant === 'fp16_fma') return { m, k, n, activations: fp16Codes(rnd, m * k), weights: fp16Codes(rnd, n * k) };
  return { m, k, n, activations: fp16Codes(rnd, m * k), weights: int(n * k), channelScales: fp16Codes(rnd, n) };
}

describe('mac RTL = golden', () => {
  it('int8: exact products, 32-bit wrap-around (long dots of -128 x -128 wrap)', async () => {
    const config: MacConfig = { kind: 'mac', variant: 'int8' };
    const sim = await buildPe(macRtl(config, 'tb_mac_int8', 'mac_int8'));
    expectRtlMatches(sim, macVectors(config, macOps(config, 1, 16, 33, 16)), 'int8 random');
    const wrap: MacOperands = { m: 1, k: 140000, n: 1, activations: Array(140000).fill(0x80), weights: Array(140000).fill(0x80) };
    expectRtlMatches(sim, macVectors(config, wrap), 'int8 wrap');
  });

  it('fp16 FMA into fp32 (the bitmod example baseline) and into fp16', async () => {
    const design = acceleratorPe(example('bitmod', 'fp16_baseline'), 'tb_mac_fp16_fp32');
    expect(design.goldens).toEqual([{ kind: 'mac', variant: 'fp16_fma', accumulator: 'fp32' }]);
    expectRtlMatches(await buildPe(design.rtl), macVectors(design.goldens[0] as MacConfig, macOps(design.goldens[0] as MacConfig, 2, 24, 17, 24)), 'fp16_fma fp32');
    const c16: MacConfig = { kind: 'mac', variant: 'fp16_fma', accumulator: 'fp16' };
    expectRtlMatches(await buildPe(macRtl(c16, 'tb_mac_fp16_fp16', 'mac16')), macVectors(c16, macOps(c16, 3, 24, 17, 24)), 'fp16_fma fp16');
  });

  it('fp16 x int8 + fp16 channel scale (the ANT/OliVe baselines: per-channel scaled weights)', async () => {
    const design = acceleratorPe(example('bitmod', 'olive_baseline'), 'tb_mac_fp16_int8');
    const config = design.goldens[0] as MacConfig;
    expect(config).toEqual({ kind: 'mac', variant: 'fp16_int8', accumulator: 'fp32' });
    const sim = await buildPe(design.rtl);
    expectRtlMatches(sim, macVectors(config, macOps(config, 4, 24, 19, 24)), 'fp16_int8 with scale');
    const { channelScales: _unused, ...plain } = macOps(config, 5, 8, 7, 8);
    expectRtlMatches(sim, macVectors(config, plain), 'fp16_int8 without scale');
  });
});

function lowRankOps(config: LowRankGemmConfig, seed: number, m: number, k: number, n: number, bias: boolean, scales = false): LowRankGemmOperands {
  const rnd = prng(seed);
  const G = Math.ceil(k / config.main.groupSize);
  const nv = config.main.kind === 'nvfp4';
  const r16 = wideFormat(config.branchFormat);
  const gauss = (): number => rnd() + rnd() + rnd() - 1.5;
  const scaleFormat = nv ? FP8_E4M3 : wideFormat(config.main.kind === 'int4' ? config.main.scaleFormat : 'fp16');
  const scale = (): number => scaleFormat.encode(nv ? 0.05 + rnd() * 4 : (0.001 + rnd() * 0.02) * (rnd() < 0.1 ? -1 : 1));
  const r = config.rank;
  return {
    m,
    k,
    n,
    qa: ints(rnd, m * k, 16),
    qw: ints(rnd, n * k, 16),
    sa: Array.from({ length: m * G }, scale),
    sw: Array.from({ length: n * G }, scale),
    ...(nv ? { tensorScale: FP32.encode(0.3 + rnd()) } : {}),
    ...(bias ? { bias: Array.from({ length: n }, () => r16.encode(gauss())) } : {}),
    x: Array.from({ length: m * k }, () => r16.encode(gauss() * 3)),
    down: Array.from({ length: k * r }, () => r16.encode(gauss() * 0.2)),
    up: Array.from({ length: n * r }, () => r16.encode(gauss() * 0.2)),
    // Nunchaku's wcscales (branch format) and lora_scales (fp32, one per 16 ranks), near 1
    ...(scales ? { channelScales: Array.from({ length: n }, () => r16.encode(0.5 + rnd())), loraScales: Array.from({ length: Math.ceil(r / 16) }, () => FP32.encode(0.5 + rnd())) } : {}),
  };
}

/**
 * The PE's datapath multiplies the codes and scales it is given: the example quantizes activations at
 * runtime (qact, the engine's part: test/pe/lowrank-gemm/rtl-engine-qact.test.ts), so its golden config is
 * compared here with given codes (activationQuant offline; nothing else differs).
 */
function peDatapath(config: LowRankGemmConfig): LowRankGemmConfig {
  return { ...config, activationQuant: 'offline' };
}

describe('lowrank_gemm RTL = golden', () => {
  it('SVDQuant int4 example (fp16 scales, fused fp16 accumulation, fp16 epilogue, channel and LoRA scales, rank 32)', async () => {
    const accel = example('svdquant', 'svdquant_w4a4');
    const design = acceleratorPe(accel, 'tb_lr_int4', { harnessLanes: HARNESS_LOWRANK_LANES });
    const config = peDatapath(design.goldens[0] as LowRankGemmConfig);
    expect(config.main).toEqual({ kind: 'int4', activations: 'int4', groupSize: 64, scaleFormat: 'fp16' });
    const opt = declaredOptionalOperands(accel.arrays[0].pe);
    expect(opt).toEqual({ channelScales: true, loraScales: true });
    const sim = await buildPe(design.rtl);
    expectRtlMatches(sim, lowRankVectors(config, HARNESS_LOWRANK_LANES, lowRankOps(config, 7, 2, 150, 3, true, true), opt), 'int4 K=150 with bias, channel and LoRA scales');
    expectRtlMatches(sim, lowRankVectors(config, HARNESS_LOWRANK_LANES, lowRankOps(config, 10, 2, 70, 3, false, true), opt), 'int4 K=70 with channel and LoRA scales, no bias');
    expectRtlMatches(sim, lowRankVectors(config, HARNESS_LOWRANK_LANES, lowRankOps(config, 8, 2, 64, 2, false), opt), 'int4 K=64 without bias or scales');
  });

  it('SVDQuant NVFP4 example (fp8 block scales, fp32 tensor scale, bf16 branch)', async () => {
    const design = acceleratorPe(example('svdquant', 'svdquant_nvfp4'), 'tb_lr_nvfp4', { harnessLanes: HARNESS_LOWRANK_LANES });
    const config = peDatapath(design.goldens[0] as LowRankGemmConfig);
    expect(config.main.kind).toBe('nvfp4');
    expect(config.branchFormat).toBe('bf16');
    expect(BF16.bits).toBe(16);
    expectRtlMatches(await buildPe(design.rtl), lowRankVectors(config, HARNESS_LOWRANK_LANES, lowRankOps(config, 9, 2, 70, 3, true), { channelScales: false, loraScales: false }), 'nvfp4 K=70');
  });

  it('NVFP4 with channel and LoRA scales declared (the fp32 epilogue: round32(y * cs), then + bias; a bf16 branch)', async () => {
    const accel = example('svdquant', 'svdquant_nvfp4');
    const pe = accel.arrays[0].pe;
    if (pe.kind !== 'lowrank_gemm') throw new Error('not lowrank');
    const declared = { ...accel, arrays: [{ ...accel.arrays[0], pe: { ...pe, channelScales: true, loraScales: true } }] };
    const design = acceleratorPe(declared, 'tb_lr_nvfp4_scales', { harnessLanes: HARNESS_LOWRANK_LANES });
    const config = peDatapath(design.goldens[0] as LowRankGemmConfig);
    expect(config.epilogue).toBe('fp32');
    const opt = declaredOptionalOperands(declared.arrays[0].pe);
    const sim = await buildPe(design.rtl);
    expectRtlMatches(sim, lowRankVectors(config, HARNESS_LOWRANK_LANES, lowRankOps(config, 11, 2, 70, 3, true, true), opt), 'nvfp4 K=70 with bias, channel and LoRA scales');
    expectRtlMatches(sim, lowRankVectors(config, HARNESS_LOWRANK_LANES, lowRankOps(config, 12, 2, 40, 2, false, true), opt), 'nvfp4 K=40 with channel and LoRA scales, no bias');
  });
});
