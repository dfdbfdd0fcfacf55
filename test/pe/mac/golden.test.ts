/**
 * mac: int8 wrap-around by hand, the fused fp16 step by hand (fused ≠ unfused), and fast-check properties
 * against an in-test oracle (BigInt int32 sums; exact rationals rounded once per step by the format library).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FP16, FP32 } from '../../../src/formats/float.js';
import { add, fromNumber, mul, type Rational } from '../../../src/formats/rational.js';
import { GoldenError } from '../../../src/golden/errors.js';
import { macFmaStep, macGemm, type MacConfig } from '../../../src/pe/mac/golden.js';

const int8 = (c: number): number => (c >= 128 ? c - 256 : c);

function oracle(config: MacConfig, m: number, k: number, n: number, A: number[], W: number[], S?: number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      if (config.variant === 'int8') {
        let acc = 0n;
        for (let x = 0; x < k; x++) acc = BigInt.asIntN(32, acc + BigInt(int8(A[i * k + x]) * int8(W[j * k + x])));
        out.push(Number(BigInt.asUintN(32, acc)));
        continue;
      }
      const accFmt = config.accumulator === 'fp16' ? FP16 : FP32;
      const w = (c: number): number => (config.variant === 'fp16_fma' ? FP16.decode(c) : int8(c));
      let acc = 0;
      for (let x = 0; x < k; x++) {
        const exact: Rational = add(mul(fromNumber(FP16.decode(A[i * k + x])), fromNumber(w(W[j * k + x]))), fromNumber(acc));
        acc = accFmt.decode(accFmt.encode(exact));
      }
      out.push(FP16.encode(S ? mul(fromNumber(acc), fromNumber(FP16.decode(S[j]))) : fromNumber(acc)));
    }
  }
  return out;
}

describe('mac: hand-worked cases', () => {
  it('int8: the 32-bit accumulator wraps (2^17 products of (−128)·(−128) = 2^31 → −2^31)', () => {
    const k = 2 ** 17;
    const r = macGemm({ kind: 'mac', variant: 'int8' }, { m: 1, k, n: 1, activations: new Uint8Array(k).fill(0x80), weights: new Uint8Array(k).fill(0x80) });
    expect(r.codes[0]).toBe(0x80000000);
    expect(r.format).toBe('int32');
  });

  it('fp16 FMA is fused: −1 + (1 + 2^-10)(1 + 3·2^-10) keeps the 3·2^-20 that an unfused multiply drops', () => {
    // Exact: 2^-8 + 3·2^-20 = 2^-8 · (1 + 0.75·2^-10): the fp16 ulp at 2^-8 is 2^-18, so 3·2^-20 = 0.75 ulp
    // rounds up → 2^-8 + 2^-18 = 0x1c01. Unfused: round(1 + 2^-8 + 3·2^-20) = 1 + 2^-8, minus 1 → 0x1c00.
    const a = [0xbc00, 0x3c01];
    const b = [0x3c00, 0x3c03];
    expect(macGemm({ kind: 'mac', variant: 'fp16_fma', accumulator: 'fp16' }, { m: 1, k: 2, n: 1, activations: a, weights: b }).codes[0]).toBe(0x1c01);
    expect(macFmaStep('fp16', FP16.decode(0x3c01), FP16.decode(0x3c03), -1)).toBe(2 ** -8 + 2 ** -18);
    expect(macGemm({ kind: 'mac', variant: 'fp16_fma', accumulator: 'fp32' }, { m: 1, k: 2, n: 1, activations: a, weights: b }).codes[0]).toBe(0x1c01);
  });

  it('fp16 accumulator stalls where fp32 does not: 2048 + 1 + 1', () => {
    const a = [0x6800, 0x3c00, 0x3c00]; // 2048, 1, 1
    const w = [0x3c00, 0x3c00, 0x3c00];
    expect(FP16.decode(macGemm({ kind: 'mac', variant: 'fp16_fma', accumulator: 'fp16' }, { m: 1, k: 3, n: 1, activations: a, weights: w }).codes[0])).toBe(2048);
    expect(FP16.decode(macGemm({ kind: 'mac', variant: 'fp16_fma', accumulator: 'fp32' }, { m: 1, k: 3, n: 1, activations: a, weights: w }).codes[0])).toBe(2050);
  });

  it('fp16 × int8 with a channel scale rounds once at the end', () => {
    // 1.5 · 100 = 150; · 0.333251953125 = 49.98779296875 → fp16 (ulp 2^-5 = 0.03125) → 49.96875 or 50.0:
    // 49.98779296875 − 49.96875 = 0.01904296875 > half ulp 0.015625 → 50.0 (0x5240).
    const r = macGemm({ kind: 'mac', variant: 'fp16_int8', accumulator: 'fp32' }, { m: 1, k: 1, n: 1, activations: [0x3e00], weights: [100], channelScales: [0x3555] });
    expect(r.codes[0]).toBe(0x5240);
  });

  it('rejects bad configs and operands', () => {
    expect(() => macGemm({ kind: 'mac', variant: 'fp16_fma', accumulator: 'bf16' as 'fp16' }, { m: 1, k: 1, n: 1, activations: [0], weights: [0] })).toThrow(GoldenError);
    expect(() => macGemm({ kind: 'mac', variant: 'int8' }, { m: 1, k: 1, n: 1, activations: [256], weights: [0] })).toThrow(GoldenError);
    expect(() => macGemm({ kind: 'mac', variant: 'fp16_fma', accumulator: 'fp16' }, { m: 1, k: 1, n: 1, activations: [0], weights: [0], channelScales: [0] })).toThrow(GoldenError);
  });
});

describe('mac: properties against the oracle', () => {
  const configs: MacConfig[] = [
    { kind: 'mac', variant: 'int8' },
    { kind: 'mac', variant: 'fp16_fma', accumulator: 'fp16' },
    { kind: 'mac', variant: 'fp16_fma', accumulator: 'fp32' },
    { kind: 'mac', variant: 'fp16_int8', accumulator: 'fp16' },
    { kind: 'mac', variant: 'fp16_int8', accumulator: 'fp32' },
  ];
  it('random GEMMs: output codes agree', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...configs),
        fc.integer({ min: 1, max: 2 }),
        fc.integer({ min: 1, max: 2 }),
        fc.integer({ min: 1, max: 30 }),
        fc.boolean(),
        fc.infiniteStream(fc.integer({ min: 0, max: 0xffff })),
        (config, m, n, k, scaled, stream) => {
          const fpAct = config.variant !== 'int8';
          // Finite fp16 codes of moderate size (exponent field 5..20) so sums stay finite.
          const fp = (x: number): number => (x & 0x83ff) | ((5 + (x % 16)) << 10);
          const A = [...stream.take(m * k)].map((x) => (fpAct ? fp(x) : x & 0xff));
          const W = [...stream.take(n * k)].map((x) => (config.variant === 'fp16_fma' ? fp(x) : x & 0xff));
          const S = config.variant === 'fp16_int8' && scaled ? [...stream.take(n)].map(fp) : undefined;
          const got = macGemm(config, { m, k, n, activations: A, weights: W, channelScales: S });
          expect([...got.codes]).toEqual(oracle(config, m, k, n, A, W, S));
        },
      ),
      { numRuns: 300, seed: 5 },
    );
  });
});
