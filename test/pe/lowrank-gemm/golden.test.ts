/**
 * lowrank_gemm: hand-worked cases (fp16 vs fp32 cross-group accumulation, the 16-bit rounding of the down
 * projection, the epilogue order, nvfp4's tensor scale), fast-check properties against an in-test oracle
 * (BigInt group dot products, every later operation an exact Rational rounded once by the format library),
 * and golden-vs-ideal error bounds against the source's guidance.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BF16, FP16, FP32, FP4_E2M1, FP8_E4M3, type FloatFormat } from '../../../src/formats/float.js';
import { add, fromNumber, mul, rational, type Rational } from '../../../src/formats/rational.js';
import { compareToIdeal, GoldenError } from '../../../src/golden/index.js';
import { lowRankGemm, lowRankOutputTrace, type LowRankGemmConfig, type LowRankGemmOperands } from '../../../src/pe/lowrank-gemm/golden.js';

const FMT: Record<string, FloatFormat> = { fp16: FP16, bf16: BF16, fp32: FP32 };

/** round_X of an exact rational, as a float64 value. */
const rnd = (f: FloatFormat, x: Rational): number => f.decode(f.encode(x));
const q = (x: number): Rational => fromNumber(x);

/** The oracle: the documented algorithm on exact rationals, one rounding per operation. */
function oracle(config: LowRankGemmConfig, ops: LowRankGemmOperands): number[] {
  const P = FMT[config.accumulation];
  const R = FMT[config.branchFormat];
  const { m: M, k: K, n: N } = ops;
  const gs = config.main.groupSize;
  const G = Math.ceil(K / gs);
  const nv = config.main.kind === 'nvfp4';
  const actInt = (c: number): bigint => BigInt(config.main.kind === 'int4' && config.main.activations === 'uint4' ? c : c >= 8 ? c - 16 : c);
  const wInt = (c: number): bigint => BigInt(c >= 8 ? c - 16 : c);
  const fp4Half = (c: number): bigint => BigInt(2 * FP4_E2M1.decode(c)); // fp4 values are multiples of 1/2
  const scale = (c: number): number => (config.main.kind === 'int4' ? FMT[config.main.scaleFormat].decode(c) : FP8_E4M3.decode(c));
  const out: number[] = [];
  for (let m = 0; m < M; m++) {
    const L: number[] = [];
    for (let j = 0; j < config.rank; j++) {
      let l = 0;
      for (let k = 0; k < K; k++) l = rnd(FP32, add(q(l), q(rnd(FP32, mul(q(R.decode(ops.x![m * K + k])), q(R.decode(ops.down![k * config.rank + j])))))));
      // LoRA scales: scale ⌊j/16⌋ times the fp32 sum, rounded to fp32, then to the branch format.
      const ls = ops.loraScales ? FP32.decode(ops.loraScales[Math.floor(j / 16)]) : undefined;
      L.push(rnd(R, q(ls === undefined ? l : rnd(FP32, mul(q(l), q(ls))))));
    }
    for (let n = 0; n < N; n++) {
      let acc = 0;
      for (let g = 0; g < G; g++) {
        let d = 0n;
        for (let k = g * gs; k < Math.min(K, (g + 1) * gs); k++) {
          d += nv ? fp4Half((ops.qa ?? [])[m * K + k]) * fp4Half(ops.qw[n * K + k]) : actInt((ops.qa ?? [])[m * K + k]) * wInt(ops.qw[n * K + k]);
        }
        const dHat = rnd(P, rational(d, nv ? 4n : 1n));
        const s = rnd(P, mul(q(scale((ops.sa ?? [])[m * G + g])), q(scale(ops.sw[n * G + g]))));
        // fused: one rounding of the exact d̂·s + acc; unfused: the product rounded, then the sum.
        acc = config.fmaAccumulation ? rnd(P, add(mul(q(dHat), q(s)), q(acc))) : rnd(P, add(q(acc), q(rnd(P, mul(q(dHat), q(s))))));
      }
      let y = acc;
      if (nv) y = rnd(FP32, mul(q(y), q(FP32.decode(ops.tensorScale!))));
      const cs = ops.channelScales ? R.decode(ops.channelScales[n]) : undefined;
      const b = ops.bias ? R.decode(ops.bias[n]) : undefined;
      if ((config.epilogue ?? 'fp32') === 'fp32') {
        if (cs !== undefined) y = rnd(FP32, mul(q(y), q(cs)));
        if (b !== undefined) y = rnd(FP32, add(q(y), q(b)));
      } else {
        // Nunchaku's EpilogueBias: the main result in 16 bits, then one fused y·cs + b (or either alone).
        y = rnd(R, q(y));
        y = rnd(R, add(cs === undefined ? q(y) : mul(q(y), q(cs)), q(b ?? 0)));
      }
      for (let j = 0; j < config.rank; j++) y = rnd(FP32, add(q(y), q(rnd(FP32, mul(q(L[j]), q(R.decode(ops.up![n * config.rank + j])))))));
      out.push(R.encode(q(y)));
    }
  }
  return out;
}

const int4Config = (accumulation: LowRankGemmConfig['accumulation'], rank = 0): LowRankGemmConfig => ({
  kind: 'lowrank_gemm',
  main: { kind: 'int4', activations: 'int4', groupSize: 64, scaleFormat: 'fp16' },
  accumulation,
  rank,
  branchFormat: 'fp16',
});

describe('lowrank_gemm: hand-worked cases', () => {
  // Three groups of 64: group 0 = 32 × (−8)·(−8) = 2048, groups 1 and 2 = 1·1 = 1; every scale 1.0.
  const K = 192;
  const qa = Array<number>(K).fill(0);
  const qw = Array<number>(K).fill(0);
  for (let k = 0; k < 32; k++) qa[k] = qw[k] = 8; // code 8 = −8
  qa[64] = qw[64] = 1;
  qa[128] = qw[128] = 1;
  const ops: LowRankGemmOperands = { m: 1, k: K, n: 1, qa, qw, sa: [0x3c00, 0x3c00, 0x3c00], sw: [0x3c00, 0x3c00, 0x3c00] };

  it('fp16 cross-group accumulation: 2048 + 1 ties to even 2048 twice; fp32 keeps 2050', () => {
    // fp16 ulp at 2048 is 2: 2049 is a tie between 2048 (even) and 2050 → 2048, and again → Y = 2048 (0x6800).
    expect(lowRankGemm(int4Config('fp16'), ops).codes[0]).toBe(0x6800);
    // fp32: 2048 + 1 + 1 = 2050 exactly → fp16 0x6801.
    expect(lowRankGemm(int4Config('fp32'), ops).codes[0]).toBe(0x6801);
    // bf16: ulp at 2048 is 16, each +1 is lost → 2048.
    expect(lowRankGemm(int4Config('bf16'), ops).codes[0]).toBe(0x6800);
    const t = lowRankOutputTrace(int4Config('fp16'), ops, 0, 0);
    expect(t.groups.map((g) => [g.dot, g.accumulator])).toEqual([
      [2048, 2048],
      [1, 2048],
      [1, 2048],
    ]);
  });

  it('epilogue order: bias before the up projection, and the down result is rounded to 16 bits first', () => {
    // Main path 0; bias −1; X = [1, 2^-12, 0…], D[:, 0] = [1, 1, 0…] → l = 1 + 2^-12 (exact in fp32)
    // → L = round_fp16(l) = 1 (ulp 2^-10); U = 1: y = (0 + (−1)) + 1·1 = 0 → 0x0000.
    // Without the 16-bit rounding of L the result would be 2^-12 (0x0c00).
    const k = 64;
    const x = Array<number>(k).fill(0);
    x[0] = 0x3c00;
    x[1] = 0x0c00; // 2^-12
    const down = Array<number>(k).fill(0);
    down[0] = down[1] = 0x3c00;
    const o: LowRankGemmOperands = { m: 1, k, n: 1, qa: Array(k).fill(0), qw: Array(k).fill(0), sa: [0x3c00], sw: [0x3c00], bias: [0xbc00], x, down, up: [0x3c00] };
    expect(FP16.decode(0x0c00)).toBe(2 ** -12);
    const t = lowRankOutputTrace(int4Config('fp32', 1), o, 0, 0);
    expect(t.down).toEqual([1]);
    expect(t.afterBias).toBe(-1);
    expect(t.afterUp).toEqual([0]);
    expect(t.code).toBe(0x0000);
  });

  it('nvfp4: fp4 × fp4 in quarter units, e4m3 scales, fp32 tensor scale after the main loop', () => {
    // 16 × 6·6 = 576; scales 1.0 (e4m3 0x38); tensor scale 0.5 → 288 = 1.125·2^8 → fp16 0x5c80.
    const c: LowRankGemmConfig = { kind: 'lowrank_gemm', main: { kind: 'nvfp4', groupSize: 16 }, accumulation: 'fp32', rank: 0, branchFormat: 'fp16' };
    const o: LowRankGemmOperands = { m: 1, k: 16, n: 1, qa: Array(16).fill(7), qw: Array(16).fill(7), sa: [0x38], sw: [0x38], tensorScale: FP32.encode(0.5) };
    expect(FP8_E4M3.decode(0x38)).toBe(1);
    expect(lowRankGemm(c, o).codes[0]).toBe(0x5c80);
    // 0.5 · 0.5 (code 1) sixteen times = 4 → quarter units make it exact: 16 · 1 / 4.
    expect(lowRankOutputTrace(c, { ...o, qa: Array(16).fill(1), qw: Array(16).fill(1) }, 0, 0).groups[0].dot).toBe(4);
  });

  it('rejects bad configs and missing operands with GoldenError', () => {
    expect(() => lowRankGemm({ ...int4Config('fp32'), rank: -1 }, ops)).toThrow(GoldenError);
    expect(() => lowRankGemm({ ...int4Config('fp32'), rank: 2 }, ops)).toThrow(GoldenError);
    expect(() => lowRankGemm({ ...int4Config('fp32'), main: { kind: 'int4', activations: 'int4', groupSize: 0, scaleFormat: 'fp16' } }, ops)).toThrow(GoldenError);
    expect(() => lowRankGemm(int4Config('fp32'), { ...ops, sa: [0x3c00] })).toThrow(GoldenError);
    expect(() => lowRankGemm(int4Config('fp32'), { ...ops, qa: [...qa.slice(1), 16] })).toThrow(GoldenError);
    expect(() => lowRankGemm({ kind: 'lowrank_gemm', main: { kind: 'nvfp4', groupSize: 16 }, accumulation: 'fp32', rank: 0, branchFormat: 'fp16' }, ops)).toThrow(GoldenError);
    expect(() => lowRankOutputTrace(int4Config('fp32'), ops, 1, 0)).toThrow(GoldenError);
  });
});

/** Random lowrank operands with moderate magnitudes (no overflow in fp16). */
function randomOps(config: LowRankGemmConfig, m: number, k: number, n: number, seed: number, withBias: boolean, withChannelScales = false, withLoraScales = false): LowRankGemmOperands {
  let s = seed >>> 0;
  const r = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0), s / 2 ** 32);
  const G = Math.ceil(k / config.main.groupSize);
  const R = FMT[config.branchFormat];
  const nv = config.main.kind === 'nvfp4';
  const scaleCode = (): number => (nv ? FP8_E4M3.encode(0.05 + r()) : FMT[config.main.kind === 'int4' ? config.main.scaleFormat : 'fp16'].encode(0.001 + r() * 0.05));
  const rank = config.rank;
  return {
    m,
    k,
    n,
    qa: Array.from({ length: m * k }, () => Math.floor(r() * 16)),
    qw: Array.from({ length: n * k }, () => Math.floor(r() * 16)),
    sa: Array.from({ length: m * G }, scaleCode),
    sw: Array.from({ length: n * G }, scaleCode),
    tensorScale: nv ? FP32.encode(0.25 + r()) : undefined,
    bias: withBias ? Array.from({ length: n }, () => R.encode(r() - 0.5)) : undefined,
    channelScales: withChannelScales ? Array.from({ length: n }, () => R.encode(0.5 + r())) : undefined,
    x: rank ? Array.from({ length: m * k }, () => R.encode(4 * (r() - 0.5))) : undefined,
    down: rank ? Array.from({ length: k * rank }, () => R.encode((r() - 0.5) / 8)) : undefined,
    up: rank ? Array.from({ length: n * rank }, () => R.encode(r() - 0.5)) : undefined,
    loraScales: withLoraScales ? Array.from({ length: Math.ceil(rank / 16) }, () => FP32.encode(0.25 + 2 * r())) : undefined,
  };
}

describe('lowrank_gemm: properties against the rational oracle', () => {
  it('random configs and operands: output codes agree', () => {
    fc.assert(
      fc.property(
        fc.record({
          main: fc.oneof(
            fc.record({ kind: fc.constant('int4' as const), activations: fc.constantFrom('int4' as const, 'uint4' as const), groupSize: fc.constantFrom(8, 16, 64), scaleFormat: fc.constantFrom('fp16' as const, 'bf16' as const) }),
            fc.record({ kind: fc.constant('nvfp4' as const), groupSize: fc.constantFrom(8, 16) }),
          ),
          accumulation: fc.constantFrom('fp32' as const, 'fp16' as const, 'bf16' as const),
          fmaAccumulation: fc.boolean(),
          epilogue16: fc.boolean(),
          rank: fc.constantFrom(0, 1, 3, 17),
          branchFormat: fc.constantFrom('fp16' as const, 'bf16' as const),
        }),
        fc.integer({ min: 1, max: 2 }),
        fc.integer({ min: 1, max: 80 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer(),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        ({ epilogue16, ...partial }, m, k, n, seed, withBias, withChannelScales, withLoraScales) => {
          const config: LowRankGemmConfig = { kind: 'lowrank_gemm', ...partial, epilogue: epilogue16 ? partial.branchFormat : 'fp32' };
          const ops = randomOps(config, m, k, n, seed, withBias, withChannelScales, withLoraScales);
          expect([...lowRankGemm(config, ops).codes]).toEqual(oracle(config, ops));
        },
      ),
      { numRuns: 300, seed: 11 },
    );
  });
});

describe('lowrank_gemm: golden vs ideal', () => {
  it('accumulation precision costs what the source reports (fp32 < fp16 < bf16, all < 1e-2)', () => {
    const rel: Record<string, number> = {};
    for (const accumulation of ['fp32', 'fp16', 'bf16'] as const) {
      const config = { ...int4Config(accumulation, 8) };
      const ops = randomOps(config, 8, 512, 8, 99, true);
      const r = compareToIdeal(config, ops);
      expect(r.metrics.count).toBe(64);
      rel[accumulation] = r.metrics.relFrobenius;
    }
    // The fp16 output rounding alone is ~2^-12 relative; fp16/bf16 accumulation adds to it.
    expect(rel.fp32).toBeGreaterThan(0);
    expect(rel.fp32).toBeLessThan(1e-3);
    expect(rel.fp16).toBeGreaterThan(rel.fp32);
    expect(rel.fp16).toBeLessThan(3e-3);
    expect(rel.bf16).toBeGreaterThan(rel.fp16);
    expect(rel.bf16).toBeLessThan(1e-2);
  });
});
