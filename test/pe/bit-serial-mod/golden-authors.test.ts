/**
 * bit_serial_mod `datapath = bitmod_rtl` (the authors' PE modules): one hand-worked case per difference from
 * qacc's datapath (exponent max over all lanes; only the stored sum right-shifted; normalization only on
 * overflow), the missing L ≠ 0 gate, the 23-bit and 6-bit wraps; fast-check properties against the
 * independent bit-pattern model in bitmod-rtl-oracle.ts (states, group values, GEMM codes).
 * Values in the comments are worked out by hand from docs/golden.md; fp16 codes: 0x3c00 = 1.0 (E = 15,
 * A = 1024), 0x3c01 = 1 + 2^−10 (A = 1025), 0x5c00 = 256 (E = 23), 0x7800 = 2^15 (E = 30), 0x3fff =
 * 2047/1024 (E = 15, A = 2047), 0x33ff = 2047/8192 (E = 12, A = 2047). int2 code 1 is the weight 1: one
 * Booth term (e = 0, bit 1) in its single cycle (sig 0, u = 0), so a lane's value is A·2^(P + 3) units
 * of 2^−28, i.e. aligned · 2^(Pmax − 28).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FP16 } from '../../../src/formats/float.js';
import { toNumber } from '../../../src/formats/rational.js';
import { GoldenError } from '../../../src/golden/index.js';
import { bitSerialModGemm, bitSerialModGroupDot, bitSerialStep, termSchedule, type BitSerialWeightType } from '../../../src/pe/bit-serial-mod/golden.js';
import { bitmodRtlAccumulate, bitmodRtlDequantize, bitmodRtlGroupDot, bitmodRtlNormalize, bitmodRtlStep } from '../../../src/pe/bit-serial-mod/golden-authors.js';
import { ORACLE_LUTS, oracleGemm } from './bitmod-oracle.js';
import { oracleGroupRtl } from './bitmod-rtl-oracle.js';

const ALL_TYPES = [...Object.keys(ORACLE_LUTS), 'int2', 'int3', 'int4', 'int5', 'int6', 'int7', 'int8'] as BitSerialWeightType[];
const bitsOf = (t: BitSerialWeightType): number => termSchedule(t).bits;
const TERM = { sign: 0, exponent: 0, bit: 1 } as const;
const NO_TERM = { sign: 0, exponent: 0, bit: 0 } as const;

describe('bitmod_rtl: the three differences by hand', () => {
  it('1. the exponent max takes all four lanes: a large activation without a term costs the others their low bits', () => {
    const lanes = [
      { activation: 0x3c01, term: TERM },
      { activation: 0x5c00, term: NO_TERM },
    ];
    // qacc: lane 1 is inactive (P = 0); Pmax = 15; aligned 1025·8 = 8200.
    const q = bitSerialStep(lanes, 0);
    expect(q.productExponents).toEqual([15, 0, 0, 0]);
    expect(q.laneSum).toBe(8200);
    // authors: P = [15, 23, 1, 1] (missing lanes: +0 activation, Ea = 1, no term); Pmax = 23;
    // lane 0 shifted by 8: ⌊8200 / 256⌋ = 32 (8200 = 32·256 + 8, the 8 is lost).
    const r = bitmodRtlStep(lanes, 0);
    expect(r.productExponents).toEqual([15, 23, 1, 1]);
    expect(r.maxExponent).toBe(23);
    expect(r.aligned).toEqual([32, 0, 0, 0]);
    expect(r.laneSum).toBe(32);
    // As a group (int2 weights 1, 0, scale 1): qacc keeps 1025/1024, the authors' datapath gives 32·2^(23 − 28) = 1.
    expect(bitSerialModGroupDot([0x3c01, 0x5c00], [1, 0], 'int2', 1).value).toBe(1025 / 1024);
    expect(bitmodRtlGroupDot([0x3c01, 0x5c00], [1, 0], 'int2', 1).value).toBe(1);
  });

  it('2. only the stored sum is right-shifted: a later, smaller lane sum is added at the accumulator exponent', () => {
    // Step 0: 2^15 · 1 → L = 8192 at Pmax = 30 → (M, x) = (8192, 30), 8192·2^(30 − 28) = 2^15.
    // Step 1: 1.0 · 1 → L = 8192 at Pmax = 15; mx = max(30, 15) = 30, the stored M is not shifted (δ = 0) and
    // T = 8192 is added unshifted: Z = 16384, leading one at bit 14 → k = 1, (M, x) = (8192, 31) = 2^16.
    const acts = [0x7800, 0, 0, 0, 0x3c00, 0, 0, 0];
    const w = [1, 0, 0, 0, 1, 0, 0, 0];
    const r = bitmodRtlGroupDot(acts, w, 'int2', 1);
    expect(r.steps.map((s) => [s.accumulate.after.mantissa, s.accumulate.after.exponent])).toEqual([
      [8192, 30],
      [8192, 31],
    ]);
    expect(r.steps[1].accumulate).toMatchObject({ maxExponent: 30, alignedAccumulator: 8192, term: 8192, sum: 16384, normShift: 1 });
    expect(r.value).toBe(65536);
    // qacc aligns the term to the accumulator instead: ⌊8192 / 2^14⌋ = 0, the 1.0 is below its 15 bits: 2^15.
    expect(bitSerialModGroupDot(acts, w, 'int2', 1).value).toBe(32768);
    // (the ideal is 2^15 + 1 = 32769)
  });

  it('3. normalization only on overflow: a 14-bit signed mantissa, floored, against qacc\'s 15-bit truncated magnitude', () => {
    // Lanes 1.999 (P 15), 0.2499 (P 12), 1.999 (P 15), +0: aligned 16376, ⌊16376 / 8⌋ = 2047, 16376 → L = 34799
    // (2^15 ≤ 34799 < 2^16: leading one at bit 15).
    const acts = [0x3fff, 0x33ff, 0x3fff, 0];
    const w = [1, 1, 1, 0];
    // authors: k = 15 − 13 = 2: M = ⌊34799 / 4⌋ = 8699 (remainder 3 lost), x = 17 → 8699·2^(17 − 28) = 8699/2048.
    const r = bitmodRtlGroupDot(acts, w, 'int2', 1);
    expect(r.accumulator).toEqual({ sign: 0, mantissa: 8699, exponent: 17 });
    expect(r.value).toBe(8699 / 2048);
    // qacc: n = 16 bits → M = ⌊34799 / 2⌋ = 17399, X = 15 + 15 = 30 → 17399·2^(30 − 14 − 28) = 17399/4096.
    expect(bitSerialModGroupDot(acts, w, 'int2', 1).value).toBe(17399 / 4096);
    // Negated: the authors floor the two's complement value, ⌊−34799 / 4⌋ = −8700; qacc truncates |Z|: −17399.
    const neg = acts.map((a) => (a === 0 ? 0 : a | 0x8000));
    expect(bitmodRtlGroupDot(neg, w, 'int2', 1).value).toBe(-8700 / 2048);
    expect(bitSerialModGroupDot(neg, w, 'int2', 1).value).toBe(-17399 / 4096);
  });

  it('no L ≠ 0 gate: a zero lane sum with a larger exponent shifts the stored sum out', () => {
    // Step 0: 1.0 · 1 → (M, x) = (8192, 15). Step 1: 2^15 · 0: L = 0 but Pmax = 30: δ = 15 > 13 → M' = 0.
    const acts = [0x3c00, 0, 0, 0, 0x7800, 0, 0, 0];
    const w = [1, 0, 0, 0, 0, 0, 0, 0];
    const r = bitmodRtlGroupDot(acts, w, 'int2', 1);
    expect(r.steps.map((s) => [s.accumulate.after.mantissa, s.accumulate.after.exponent])).toEqual([
      [8192, 15],
      [0, 30],
    ]);
    expect(r.value).toBe(0);
    expect(bitSerialModGroupDot(acts, w, 'int2', 1).value).toBe(1);
  });
});

describe('bitmod_rtl: widths and wraps by hand', () => {
  it('the 23-bit adder wraps: 65504·2^6 + 16383 = 4208639 ≥ 2^22 → −4179969, then k = 8', () => {
    // 4208639 − 2^23 = −4179969; |Z| = 4179969 has its leading one at bit 21 → k = 8;
    // ⌊−4179969 / 256⌋ = −16329 (4179969 = 16328·256 + 1); x = 10 + 8 = 18.
    const t = bitmodRtlAccumulate({ sign: 0, mantissa: 16383, exponent: 10 }, 65504, 10, 6);
    expect(t).toMatchObject({ maxExponent: 10, alignedAccumulator: 16383, term: 4192256, sum: -4179969, normShift: 8 });
    expect(t.after).toEqual({ sign: 1, mantissa: -16329, exponent: 18 });
  });

  it('normalize: −2^22 has no leading one below the sign bit (shift 0, mantissa bits 0); the exponent wraps at 6 bits', () => {
    expect(bitmodRtlNormalize(-(2 ** 22), 5)).toEqual({ normShift: 0, after: { sign: 1, mantissa: 0, exponent: 5 } });
    // 2^21 + 1: bit 21 → k = 8, ⌊(2^21 + 1) / 256⌋ = 8192, x = (60 + 8) mod 64 = 4.
    expect(bitmodRtlNormalize(2 ** 21 + 1, 60)).toEqual({ normShift: 8, after: { sign: 0, mantissa: 8192, exponent: 4 } });
    // 2^14 − 1 stays unshifted; −2^14 would fit 15 signed bits, but the shift follows |Z| = 2^14 (bit 14):
    // k = 1, −8192, x = 1. 2^14 likewise.
    expect(bitmodRtlNormalize(16383, 0)).toEqual({ normShift: 0, after: { sign: 0, mantissa: 16383, exponent: 0 } });
    expect(bitmodRtlNormalize(-16384, 0)).toEqual({ normShift: 1, after: { sign: 1, mantissa: -8192, exponent: 1 } });
    expect(bitmodRtlNormalize(16384, 0)).toEqual({ normShift: 1, after: { sign: 0, mantissa: 8192, exponent: 1 } });
  });

  it('the stored mantissa shifts right by at most 13; 14 or more leave 0 (also for a negative one)', () => {
    // −5 >>> 13 = −1 (floor); δ = 14 gives 0, not −1.
    expect(bitmodRtlAccumulate({ sign: 1, mantissa: -5, exponent: 2 }, 0, 15, 0).alignedAccumulator).toBe(-1);
    expect(bitmodRtlAccumulate({ sign: 1, mantissa: -5, exponent: 2 }, 0, 16, 0).alignedAccumulator).toBe(0);
  });

  it('dequantization of the signed mantissa: MSB first, R = M · scale exactly', () => {
    // −3 · 0b10000001: R = −3 after bit 7, then doubled six times (−192), then −384 − 3 = −387.
    const d = bitmodRtlDequantize(-3, 0x81);
    expect(d.partials).toEqual([-3, -6, -12, -24, -48, -96, -192, -387]);
    expect(d.product).toBe(-387);
  });
});

/** fp16 codes in a few binades (alignment), plus zeros and subnormals. */
const arbActivation = fc.oneof(
  { weight: 6, arbitrary: fc.record({ s: fc.integer({ min: 0, max: 1 }), e: fc.integer({ min: 10, max: 20 }), f: fc.integer({ min: 0, max: 1023 }) }).map(({ s, e, f }) => (s << 15) | (e << 10) | f) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffff }).filter((c) => ((c >> 10) & 31) !== 31) },
  { weight: 1, arbitrary: fc.constantFrom(0x0000, 0x8000, 0x0001, 0x83ff, 0x7bff, 0xfbff) },
);

describe('bitmod_rtl: properties against the independent bit-pattern model', () => {
  it('random groups: every register state and the dequantized value agree', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ALL_TYPES), fc.array(fc.tuple(arbActivation, fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 48 }), fc.integer({ min: 0, max: 255 }), (t, lanes, scale) => {
        const a = lanes.map((l) => l[0]);
        const w = lanes.map((l) => l[1] % 2 ** bitsOf(t));
        const got = bitmodRtlGroupDot(a, w, t, scale);
        const want = oracleGroupRtl(t, a, w, scale);
        expect(got.steps.map((s) => ({ man: BigInt(s.accumulate.after.mantissa), exp: s.accumulate.after.exponent }))).toEqual(want.states);
        expect(got.value).toBe(toNumber(want.value));
      }),
      { numRuns: 300, seed: 42 },
    );
  });

  it('random GEMMs (mixed types per group, ragged K): output codes agree', () => {
    fc.assert(
      fc.property(
        fc.record({
          m: fc.integer({ min: 1, max: 3 }),
          n: fc.integer({ min: 1, max: 3 }),
          k: fc.integer({ min: 1, max: 40 }),
          groupSize: fc.constantFrom(4, 8, 16),
          candidates: fc.shuffledSubarray(ALL_TYPES, { minLength: 1, maxLength: 4 }),
          output: fc.constantFrom<'fp16' | 'fp32'>('fp16', 'fp32'),
          seed: fc.integer(),
        }),
        fc.infiniteStream(arbActivation),
        ({ m, n, k, groupSize, candidates, output, seed }, actStream) => {
          const G = Math.ceil(k / groupSize);
          let s = seed >>> 0;
          const next = (mod: number) => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0), s % mod);
          const activations = [...actStream.take(m * k)];
          const selectors = Array.from({ length: n * G }, () => next(candidates.length));
          const weights = Array.from({ length: n * k }, (_, i) => next(2 ** bitsOf(candidates[selectors[Math.floor(i / k) * G + Math.floor((i % k) / groupSize)]])));
          const groupScales = Array.from({ length: n * G }, () => next(256));
          const channelScales = Array.from({ length: n }, () => FP16.encode((next(2000) - 1000) / 3000));
          const got = bitSerialModGemm({ kind: 'bit_serial_mod', datapath: 'bitmod_rtl', groupSize, candidates, output }, { m, k, n, activations, weights, selectors, groupScales, channelScales });
          const want = oracleGemm(groupSize, candidates, output, m, k, n, activations, weights, selectors, groupScales, channelScales, oracleGroupRtl);
          expect([...got.codes]).toEqual(want);
        },
      ),
      { numRuns: 150, seed: 7 },
    );
  });

  it('an inf/NaN activation still poisons the output; an unknown datapath is a GoldenError', () => {
    const ops = { m: 1, k: 4, n: 1, activations: [0x3c00, 0x7c00, 0, 0], weights: [1, 1, 0, 0], selectors: [0], groupScales: [1], channelScales: [0x3c00] };
    expect(FP16.decode(bitSerialModGemm({ kind: 'bit_serial_mod', datapath: 'bitmod_rtl', groupSize: 4, candidates: ['int2'], output: 'fp16' }, ops).codes[0])).toBeNaN();
    // @ts-expect-error: not a datapath
    expect(() => bitSerialModGemm({ kind: 'bit_serial_mod', datapath: 'authors', groupSize: 4, candidates: ['int2'], output: 'fp16' }, ops)).toThrow(GoldenError);
  });
});
