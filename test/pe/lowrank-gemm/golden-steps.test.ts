/**
 * The golden step functions the simulator and the RTL generator read (issue 12, one golden truth):
 * lowRankGroupDot, lowRankElementValues and lowRankScaleValue, against values written from the standards —
 * int4 two's complement, uint4, OCP fp4_e2m1 (E2M1: ±{0, 0.5, 1, 1.5, 2, 3, 4, 6}), IEEE fp16/bf16 and OCP
 * fp8_e4m3 codes — exhaustively over every element code pair.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lowRankElementValues, lowRankGroupDot, lowRankScaleValue, type LowRankGemmConfig } from '../../../src/pe/lowrank-gemm/golden.js';

const INT4_VALUES = [0, 1, 2, 3, 4, 5, 6, 7, -8, -7, -6, -5, -4, -3, -2, -1];
const UINT4_VALUES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
// OCP MX spec v1.0, table of FP4 E2M1: sign bit 3, exponent bits 2..1 (bias 1), mantissa bit 0
const FP4_VALUES = [0, 0.5, 1, 1.5, 2, 3, 4, 6, -0, -0.5, -1, -1.5, -2, -3, -4, -6];

const base = { kind: 'lowrank_gemm', accumulation: 'fp32', rank: 0, branchFormat: 'fp16' } as const;
const INT4: LowRankGemmConfig = { ...base, main: { kind: 'int4', activations: 'int4', groupSize: 64, scaleFormat: 'fp16' } };
const UINT4: LowRankGemmConfig = { ...base, main: { kind: 'int4', activations: 'uint4', groupSize: 64, scaleFormat: 'bf16' } };
const NVFP4: LowRankGemmConfig = { ...base, main: { kind: 'nvfp4', groupSize: 16 } };

const CASES: readonly { name: string; config: LowRankGemmConfig; act: readonly number[]; wgt: readonly number[] }[] = [
  { name: 'int4 × int4', config: INT4, act: INT4_VALUES, wgt: INT4_VALUES },
  { name: 'uint4 × int4', config: UINT4, act: UINT4_VALUES, wgt: INT4_VALUES },
  { name: 'fp4_e2m1 × fp4_e2m1', config: NVFP4, act: FP4_VALUES, wgt: FP4_VALUES },
];

describe('lowrank_gemm golden steps', () => {
  for (const c of CASES) {
    it(`${c.name}: every code pair's product, and the element tables / unit`, () => {
      for (let a = 0; a < 16; a++) for (let w = 0; w < 16; w++) expect(lowRankGroupDot(c.config, [a], 0, [w], 0, 1) + 0).toBe(c.act[a] * c.wgt[w] + 0);
      const v = lowRankElementValues(c.config);
      for (let code = 0; code < 16; code++) {
        expect(v.act[code] / Math.sqrt(v.unit)).toBe(c.act[code] + 0);
        expect(v.wgt[code] / Math.sqrt(v.unit)).toBe(c.wgt[code] + 0);
      }
    });

    it(`${c.name}: a group's dot is the exact sum over its window (offsets, length)`, () => {
      fc.assert(
        fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0, max: 15 })), { minLength: 0, maxLength: 80 }), fc.nat(5), fc.nat(5), (pairs, aOff, wOff) => {
          const qa = [...Array<number>(aOff).fill(3), ...pairs.map((p) => p[0])];
          const qw = [...Array<number>(wOff).fill(5), ...pairs.map((p) => p[1])];
          const want = pairs.reduce((s, [a, w]) => s + c.act[a] * c.wgt[w], 0);
          expect(lowRankGroupDot(c.config, qa, aOff, qw, wOff, pairs.length) + 0).toBe(want + 0);
        }),
      );
    });
  }

  it('scale codes decode in the path\'s scale format (fp16, bf16, fp8_e4m3)', () => {
    expect(lowRankScaleValue(INT4, 0x3c00)).toBe(1);
    expect(lowRankScaleValue(INT4, 0x0001)).toBe(2 ** -24);
    expect(lowRankScaleValue(INT4, 0x7bff)).toBe(65504);
    expect(lowRankScaleValue(UINT4, 0x3f80)).toBe(1);
    expect(lowRankScaleValue(UINT4, 0xc040)).toBe(-3);
    expect(lowRankScaleValue(NVFP4, 0x38)).toBe(1);
    expect(lowRankScaleValue(NVFP4, 0x7e)).toBe(448);
    expect(lowRankScaleValue(NVFP4, 0x01)).toBe(2 ** -9);
  });
});
