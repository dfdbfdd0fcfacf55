/**
 * lowrank_gemm in Nunchaku's order (docs/golden.md §lowrank_gemm "Nunchaku's order"): hand-worked cases
 * where the fused 16-bit cross-group step (`accumulation = fp16_fma`) and the 16-bit bias/channel-scale
 * epilogue (`epilogue = fp16`) give results that qacc's unfused / fp32 order does not. Every expected value
 * is worked out by hand in the comments (binary expansions and fp16 ulps), not computed by the code.
 */
import { describe, expect, it } from 'vitest';
import { FP16, FP32 } from '../../../src/formats/float.js';
import { lowRankDownResult, lowRankEpilogue, lowRankGemm, lowRankGroupStep, lowRankOutputTrace, type LowRankGemmConfig, type LowRankGemmOperands } from '../../../src/pe/lowrank-gemm/golden.js';

const config = (fma: boolean, epilogue: 'fp32' | 'fp16', rank = 0): LowRankGemmConfig => ({
  kind: 'lowrank_gemm',
  main: { kind: 'int4', activations: 'int4', groupSize: 2, scaleFormat: 'fp16' },
  accumulation: 'fp16',
  fmaAccumulation: fma,
  epilogue,
  rank,
  branchFormat: 'fp16',
});

describe('lowrank_gemm, Nunchaku order: the fused fp16 cross-group step', () => {
  // Groups of 2 along K = 4. Group 0: (−7)·7 + 0·0 = −49, scales 1·1 → acc = −49 in both orders.
  // Group 1: 7·7 + 0·0 = 49, sa = 1 + 2^-9 (fp16 0x3c02), sw = 1 → s = 1 + 2^-9 (exact in fp16).
  // d̂·s = 49 + 49·2^-9 = 49.095703125, not an fp16 value (ulp 2^-5 in [32, 64)).
  //   unfused: p = round16(49.095703125) = 1571·2^-5 = 49.09375; acc = −49 + 49.09375 = 0.09375 = 3/32.
  //   fused:   acc = round16(49.095703125 − 49) = 49·2^-9 = 0.095703125 (6 significant bits: exact).
  const ops: LowRankGemmOperands = { m: 1, k: 4, n: 1, qa: [9, 0, 7, 0], qw: [7, 0, 7, 0], sa: [0x3c00, 0x3c02], sw: [0x3c00, 0x3c00] };

  it('the inputs are what the comments say', () => {
    expect(FP16.decode(0x3c02)).toBe(1 + 2 ** -9);
  });

  it('group accumulators: [−49, 3/32] unfused, [−49, 49/512] fused', () => {
    expect(lowRankOutputTrace(config(false, 'fp32'), ops, 0, 0).groups.map((g) => g.accumulator)).toEqual([-49, 3 / 32]);
    expect(lowRankOutputTrace(config(true, 'fp32'), ops, 0, 0).groups.map((g) => g.accumulator)).toEqual([-49, 49 / 512]);
    // The unfused product is the rounded one; the fused step has none.
    expect(lowRankOutputTrace(config(false, 'fp32'), ops, 0, 0).groups[1].product).toBe(49.09375);
    expect(Number.isNaN(lowRankOutputTrace(config(true, 'fp32'), ops, 0, 0).groups[1].product)).toBe(true);
  });

  it('lowRankGroupStep alone: one rounding of d̂·s + acc', () => {
    expect(lowRankGroupStep(config(true, 'fp16'), -49, 49, 1 + 2 ** -9, 1).accumulator).toBe(49 / 512);
    expect(lowRankGroupStep(config(false, 'fp16'), -49, 49, 1 + 2 ** -9, 1).accumulator).toBe(3 / 32);
  });

  it('output codes: 49/512 = 1.53125·2^-4 → 0x2e20 fused, 3/32 = 1.5·2^-4 → 0x2e00 unfused', () => {
    // exponent field −4 + 15 = 11 → 11·1024 = 0x2c00; fraction .53125·1024 = 544 = 0x220, .5·1024 = 0x200.
    expect(lowRankGemm(config(true, 'fp32'), ops).codes[0]).toBe(0x2e20);
    expect(lowRankGemm(config(false, 'fp32'), ops).codes[0]).toBe(0x2e00);
  });
});

describe('lowrank_gemm, Nunchaku order: the 16-bit bias epilogue before the fp32 branch', () => {
  // Main result 49/512 (fused, as above); bias 1024 (fp16 0x6400); rank 16 with only L[0] nonzero:
  // X[0, ·] = [1, 0, 0, 0], D[0, 0] = −1024 (0xe400), every other D 0 → L = [−1024, 0, …]; U[0, 0] = 1.
  //   fp16 epilogue: round16(49/512 + 1024) = 1024 (ulp 1 at 1024); fp32(1024) − 1024·1 = 0 → +0 (0x0000).
  //   fp32 epilogue: 1024 + 49/512 is exact in fp32 (bits 2^10 … 2^-9, 20 bits); − 1024 → 49/512 → 0x2e20.
  const r = 16;
  const down = Array<number>(4 * r).fill(0);
  down[0] = 0xe400; // D[k = 0, j = 0]
  const up = Array<number>(r).fill(0);
  up[0] = 0x3c00;
  const ops: LowRankGemmOperands = { m: 1, k: 4, n: 1, qa: [9, 0, 7, 0], qw: [7, 0, 7, 0], sa: [0x3c00, 0x3c02], sw: [0x3c00, 0x3c00], bias: [0x6400], x: [0x3c00, 0, 0, 0], down, up };

  it('Nunchaku-exact (fused fp16 accumulation, fp16 epilogue) gives +0', () => {
    const t = lowRankOutputTrace(config(true, 'fp16', r), ops, 0, 0);
    expect(t.down[0]).toBe(-1024);
    expect(t.afterBias).toBe(1024);
    expect(t.afterUp[0]).toBe(0);
    expect(t.code).toBe(0x0000);
  });

  it('the fp32 epilogue keeps the 49/512 that the 16-bit bias add loses', () => {
    const t = lowRankOutputTrace(config(true, 'fp32', r), ops, 0, 0);
    expect(t.afterBias).toBe(1024 + 49 / 512);
    expect(t.code).toBe(0x2e20);
  });
});

describe('lowrank_gemm, Nunchaku order: channel scales (wcscales) and bias in one fused 16-bit step', () => {
  // y = 1 + 3·2^-10, cs = 1 + 2^-10, b = −1. Exact y·cs = 1 + 4·2^-10 + 3·2^-20 = 1 + 2^-8 + 3·2^-20.
  //   fp16, fused (y·cs + b in one rounding): 2^-8 + 3·2^-20; ulp at 2^-8 is 2^-18 and 3·2^-20 = 0.75 ulp
  //     → rounds up to 2^-8 + 2^-18.
  //   fp32 (y·cs rounded to fp32, exact here: 21 bits; then + b exact) → 2^-8 + 3·2^-20.
  //   Unfused in fp16 would give round16(y·cs) = 1 + 2^-8 (ulp 2^-10), − 1 → 2^-8: the fusion matters.
  const y = 1 + 3 * 2 ** -10;
  const cs = 1 + 2 ** -10;
  it('fp16 epilogue: round16(y·cs + b) once', () => {
    expect(lowRankEpilogue(config(true, 'fp16'), y, undefined, cs, -1)).toBe(2 ** -8 + 2 ** -18);
  });
  it('fp32 epilogue: round32(y·cs), then round32(· + b)', () => {
    expect(lowRankEpilogue(config(true, 'fp32'), y, undefined, cs, -1)).toBe(2 ** -8 + 3 * 2 ** -20);
  });
  it('scale only and bias only are single 16-bit operations', () => {
    // round16(y·cs) = 1 + 2^-8 (the 3·2^-20 is below half an ulp of 2^-10); round16(y + (−1)) = 3·2^-10 (exact).
    expect(lowRankEpilogue(config(true, 'fp16'), y, undefined, cs, undefined)).toBe(1 + 2 ** -8);
    expect(lowRankEpilogue(config(true, 'fp16'), y, undefined, undefined, -1)).toBe(3 * 2 ** -10);
  });
  it('the main result is rounded to 16 bits before the epilogue (an fp32 accumulator, e.g. NVFP4)', () => {
    // acc = 1 + 2^-12 (an fp32 value) → round16 = 1 (ulp 2^-10) → + 0 bias → 1; the fp32 epilogue keeps it.
    expect(lowRankEpilogue(config(false, 'fp16'), 1 + 2 ** -12, undefined, undefined, 0)).toBe(1);
    expect(lowRankEpilogue(config(false, 'fp32'), 1 + 2 ** -12, undefined, undefined, 0)).toBe(1 + 2 ** -12);
  });
  it('channel scales flow through the GEMM (operand channelScales, branch-format codes)', () => {
    // Main 49/512 (fused), cs = 2 (0x4000), b = 0: round16(49/512 · 2 + 0) = 49/256 → 1.53125·2^-3 → 0x3220.
    const o: LowRankGemmOperands = { m: 1, k: 4, n: 1, qa: [9, 0, 7, 0], qw: [7, 0, 7, 0], sa: [0x3c00, 0x3c02], sw: [0x3c00, 0x3c00], bias: [0], channelScales: [0x4000] };
    expect(lowRankGemm(config(true, 'fp16'), o).codes[0]).toBe(0x3220);
  });
});

describe('lowrank_gemm, Nunchaku order: LoRA scales on the fp32 down-projection sums', () => {
  // One fp32 scale per 16 ranks multiplies rank j's fp32 sum l (rounded to fp32), then L = round16(·).
  const cfg = (rank: number): LowRankGemmConfig => config(true, 'fp16', rank);

  it('the scale is applied before the 16-bit rounding (one fp16 rounding of the scaled value)', () => {
    // l = 1 + 2^-10, s = 1 + 2^-11: l·s = 1 + 2^-10 + 2^-11 + 2^-21 (22 significant bits: exact in fp32).
    // fp16 ulp at 1 is 2^-10: 1.5 ulps + 2^-21 is above the midpoint → 1 + 2·2^-10 = 1 + 2^-9.
    // Scaling after the rounding would give round16(1 + 2^-10)·s, not even an fp16 value; no scale: 1 + 2^-10.
    expect(lowRankDownResult(cfg(16), 1 + 2 ** -10, 1 + 2 ** -11)).toBe(1 + 2 ** -9);
    expect(lowRankDownResult(cfg(16), 1 + 2 ** -10)).toBe(1 + 2 ** -10);
  });

  it('the product is rounded to fp32 first (a double rounding that a direct fp16 rounding would not make)', () => {
    // l = s = 1 + 2^-12: l·s = 1 + 2^-11 + 2^-24. fp32 ulp at 1 is 2^-23: 2^-24 is exactly half an ulp, a tie,
    // and 1 + 2^-11 has an even last bit → round32 = 1 + 2^-11, exactly halfway between the fp16 values 1
    // and 1 + 2^-10 → ties to even → 1. Rounding the exact product straight to fp16 would give 1 + 2^-10.
    expect(lowRankDownResult(cfg(16), 1 + 2 ** -12, 1 + 2 ** -12)).toBe(1);
  });

  it('ranks 16..31 use the second scale; the scaled L flow through the up projection', () => {
    // rank 32, K = 2, X[0, ·] = [1, 2^-12] (0x3c00, 0x0c00: 2^-12 = 2^(3-15), exponent field 3 → 0x0c00).
    // D[·, 0] = [1 + 2^-10, 0] (0x3c01) → l_0 = 1 + 2^-10; D[·, 16] = [1, 1] → l_16 = 1 + 2^-12; other D 0.
    // loraScales = [1 + 2^-11 (fp32 0x3f801000: fraction bit 2^-11 is bit 23 − 11 = 12), 2 (0x40000000)].
    //   L_0 = 1 + 2^-9 (the first case); L_16 = round16(2 + 2^-11) = 2 (fp16 ulp at 2 is 2^-9).
    // Main path: all codes 0 → acc = +0, no bias. U[0, 0] = U[0, 16] = 1, other U 0.
    //   y = 0 + (1 + 2^-9)·1 = 1 + 2^-9; + 2·1 = 3 + 2^-9 (fp32 exact); round16: ulp at [2, 4) is 2^-9 → exact;
    //   code: exponent 1 → field 16 → 0x4000; fraction (3 + 2^-9)/2 − 1 = 0.5 + 2^-10 → 512 + 1 = 0x201 → 0x4201.
    const r = 32;
    const down = Array<number>(2 * r).fill(0);
    down[0 * r + 0] = 0x3c01;
    down[0 * r + 16] = 0x3c00;
    down[1 * r + 16] = 0x3c00;
    const up = Array<number>(r).fill(0);
    up[0] = 0x3c00;
    up[16] = 0x3c00;
    const ops: LowRankGemmOperands = { m: 1, k: 2, n: 1, qa: [0, 0], qw: [0, 0], sa: [0x3c00], sw: [0x3c00], x: [0x3c00, 0x0c00], down, up, loraScales: [0x3f801000, 0x40000000] };
    expect(FP16.decode(0x0c00)).toBe(2 ** -12);
    expect(FP32.decode(0x3f801000)).toBe(1 + 2 ** -11);
    const t = lowRankOutputTrace(cfg(r), ops, 0, 0);
    expect(t.down[0]).toBe(1 + 2 ** -9);
    expect(t.down[16]).toBe(2);
    expect(t.code).toBe(0x4201);
    // Without the scales: L_0 = 1 + 2^-10, L_16 = round16(1 + 2^-12) = 1 → y = 2 + 2^-10 → round16 (ulp 2^-9,
    // a tie) → 2 (even) → 0x4000.
    const { loraScales: _unused, ...plain } = ops;
    expect(lowRankGemm(cfg(r), plain).codes[0]).toBe(0x4000);
  });

  it('refuses a wrong number of LoRA scales', () => {
    const ops: LowRankGemmOperands = { m: 1, k: 2, n: 1, qa: [0, 0], qw: [0, 0], sa: [0x3c00], sw: [0x3c00], x: [0, 0], down: Array<number>(32).fill(0), up: Array<number>(16).fill(0), loraScales: [0x3f800000, 0x3f800000] };
    expect(() => lowRankGemm(cfg(16), ops)).toThrow(/loraScales/);
  });
});
