/**
 * bit_serial_mod with other lane counts than BitMoD's 4 (docs/golden.md §bit_serial_mod, "Lanes"):
 * hand-worked cases for 2 and 8 lanes checked against the independent BigInt model (bitmod-oracle.ts,
 * which never calls the golden code), then the golden model's traced group dot and its GEMM (the
 * general-lanes loop) against that model for 1, 2, 8 and 16 lanes, and the geometry's derived widths.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FP16 } from '../../../src/formats/float.js';
import { toNumber } from '../../../src/formats/rational.js';
import { GoldenError } from '../../../src/golden/index.js';
import { bitSerialModGemm, bitSerialModGroupDot, termSchedule, type BitSerialWeightType } from '../../../src/pe/bit-serial-mod/golden.js';
import { BITMOD_GEOMETRY, bitSerialGeometry } from '../../../src/pe/bit-serial-mod/golden-geometry.js';
import { ORACLE_LUTS, oracleGemm, oracleGroup } from './bitmod-oracle.js';

const ALL_TYPES = [...(Object.keys(ORACLE_LUTS) as BitSerialWeightType[]), 'int2', 'int3', 'int4', 'int5', 'int6', 'int7', 'int8'] as BitSerialWeightType[];
const bitsOf = (t: BitSerialWeightType): number => termSchedule(t).bits;
const states = (r: ReturnType<typeof bitSerialModGroupDot>) => r.steps.map((s) => ({ neg: s.accumulate.after.sign === 1, mant: BigInt(s.accumulate.after.mantissa), exp: s.accumulate.after.exponent }));

describe('bit_serial_mod lanes: hand-worked cases (independent model and golden)', () => {
  it('2 lanes: two steps of fp4 1.0 weights, the second aligns the accumulator down (truncating)', () => {
    // acts 1+2^-10, 1+2^-10 | 4096, 4096; fp4_e2m1 code 2 = 1.0: one term, cycle 0 (sig 1), e = 0; cycle 1 none.
    // step 0, cycle 0: P = 15 both, aligned 1025·8 = 8200 each, L = 16400, T = 32800 at Pmax 15:
    //   Z = 32800, n = 16, X = 15 + 15 = 30, M = 32800 >> 1 = 16400. cycle 1: no term, untouched.
    // step 1, cycle 0: P = 27 both, aligned 8192 each, L = 16384, T = 32768; acc LSB 30 − 14 = 16 < 27:
    //   acc ⌊16400 / 2^11⌋ = 8, Z = 32776, n = 16, X = 27 + 15 = 42, M = 32776 >> 1 = 16388. cycle 1 untouched.
    // value = 16388 · 2^(42 − 14 − 1 − 28) = 8194 (exact 8194 + 2^-9: the 2^-9 is truncated).
    const acts = [0x3c01, 0x3c01, 0x6c00, 0x6c00];
    const w = [2, 2, 2, 2];
    const want = [
      { neg: false, mant: 16400n, exp: 30 },
      { neg: false, mant: 16400n, exp: 30 },
      { neg: false, mant: 16388n, exp: 42 },
      { neg: false, mant: 16388n, exp: 42 },
    ];
    const o = oracleGroup('fp4_e2m1', acts, w, 1, 2);
    expect(o.states).toEqual(want);
    expect(toNumber(o.value)).toBe(8194);
    const g = bitSerialModGroupDot(acts, w, 'fp4_e2m1', 1, 2);
    expect(states(g)).toEqual(want);
    expect(g.steps.map((s) => s.lanes.laneSum)).toEqual([16400, 0, 16384, 0]);
    expect(g.value).toBe(8194);
  });

  it('8 lanes: the widest lane sum (18 bits) and group term (24 bits) of int8 −128 × 65504', () => {
    // int8 −128: Booth digits (MSB first) d3 = −2 (sig 6, e = 1, negative), d2 = d1 = d0 = 0.
    // acts 65504 (E = 30, A = 2047) in all 8 lanes: cycle 0: P = 31, aligned 2047·8 = 16376, negated:
    //   L = −8 · 16376 = −131008 (needs 18 bits signed: 15 + ⌈log2 8⌉), T = L · 2^6 = −8384512 (|T| ≥ 2^22:
    //   needs the 24-bit group adder of 8 lanes); Z = T, n = 23, X = 31 + 22 = 53, M = 8384512 >> 8 = 32752.
    // Cycles 1–3 carry no term. value = −32752 · 3 · 2^(53 − 14 + 0 − 28) = −201228288 = 8 · 65504 · −128 · 3 (exact).
    const acts = Array<number>(8).fill(0x7bff);
    const w = Array<number>(8).fill(128);
    const s = { neg: true, mant: 32752n, exp: 53 };
    const o = oracleGroup('int8', acts, w, 3, 8);
    expect(o.states).toEqual([s, s, s, s]);
    expect(toNumber(o.value)).toBe(-201228288);
    const g = bitSerialModGroupDot(acts, w, 'int8', 3, 8);
    expect(states(g)).toEqual([s, s, s, s]);
    expect(g.steps[0].lanes.laneSum).toBe(-131008);
    expect(g.steps[0].accumulate.term).toBe(-8384512);
    expect(g.value).toBe(-201228288);
    expect(bitSerialGeometry(8)).toMatchObject({ laneSumBits: 18, adderBits: 24 });
  });

  it('8 lanes: one step truncates seven small lanes against a large one', () => {
    // acts 4096 then 7 × (1 + 2^-10), fp4 1.0 weights: Pmax 27; lane 0 aligned 8192, the others
    // ⌊8200 / 2^12⌋ = 2: L = 8206, T = 16412, n = 15, X = 41, M = 16412; value 16412 · 2^(41−14−1−28) = 4103.
    const acts = [0x6c00, ...Array<number>(7).fill(0x3c01)];
    const w = Array<number>(8).fill(2);
    const s = { neg: false, mant: 16412n, exp: 41 };
    expect(oracleGroup('fp4_e2m1', acts, w, 1, 8).states).toEqual([s, s]);
    const g = bitSerialModGroupDot(acts, w, 'fp4_e2m1', 1, 8);
    expect(states(g)).toEqual([s, s]);
    expect(g.value).toBe(4103);
  });
});

describe('bit_serial_mod lanes: geometry', () => {
  it('4 lanes is BitMoD; the adder tree and group adder grow with ⌈log2 lanes⌉', () => {
    expect(bitSerialGeometry(4)).toEqual(BITMOD_GEOMETRY);
    expect([1, 2, 8, 16].map((l) => [bitSerialGeometry(l).laneSumBits, bitSerialGeometry(l).adderBits])).toEqual([[15, 21], [16, 22], [18, 24], [19, 25]]);
  });

  it('the GEMM rejects a lane count that is not a power of two up to 16, a group not a multiple of it, and widths that do not follow it', () => {
    const base = { kind: 'bit_serial_mod', groupSize: 8, candidates: ['int4'], output: 'fp16' } as const;
    const ops = { m: 1, k: 8, n: 1, activations: Array(8).fill(0x3c00), weights: Array(8).fill(1), selectors: [0], groupScales: [1], channelScales: [0x3c00] };
    expect(() => bitSerialModGemm({ ...base, geometry: bitSerialGeometry(3) }, ops)).toThrow(GoldenError);
    expect(() => bitSerialModGemm({ ...base, groupSize: 4, geometry: bitSerialGeometry(8) }, { ...ops, k: 4, activations: ops.activations.slice(4), weights: ops.weights.slice(4) })).toThrow(GoldenError);
    expect(() => bitSerialModGemm({ ...base, geometry: { ...bitSerialGeometry(8), adderBits: 23 } }, ops)).toThrow(GoldenError);
    expect(() => bitSerialModGemm({ ...base, datapath: 'bitmod_rtl', geometry: bitSerialGeometry(8) }, ops)).toThrow(GoldenError);
    expect(FP16.decode(bitSerialModGemm({ ...base, geometry: bitSerialGeometry(8) }, ops).codes[0])).toBe(8);
  });
});

/** fp16 codes in a few binades (to exercise alignment), plus zeros, subnormals and extremes. */
const arbActivation = fc.oneof(
  { weight: 6, arbitrary: fc.record({ s: fc.integer({ min: 0, max: 1 }), e: fc.integer({ min: 10, max: 20 }), f: fc.integer({ min: 0, max: 1023 }) }).map(({ s, e, f }) => (s << 15) | (e << 10) | f) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffff }).filter((c) => ((c >> 10) & 31) !== 31) },
  { weight: 1, arbitrary: fc.constantFrom(0x0000, 0x8000, 0x0001, 0x83ff, 0x7bff, 0xfbff) },
);

describe('bit_serial_mod lanes: properties against the independent model', () => {
  it('random groups of 1, 2, 8, 16 lanes: every accumulator state and the value agree', () => {
    fc.assert(
      fc.property(fc.constantFrom(1, 2, 8, 16), fc.constantFrom(...ALL_TYPES), fc.array(fc.tuple(arbActivation, fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 48 }), fc.integer({ min: 0, max: 255 }), (lanes, t, pairs, scale) => {
        const a = pairs.map((l) => l[0]);
        const w = pairs.map((l) => l[1] % 2 ** bitsOf(t));
        const got = bitSerialModGroupDot(a, w, t, scale, lanes);
        const want = oracleGroup(t, a, w, scale, lanes);
        expect(states(got)).toEqual(want.states);
        expect(got.value).toBe(toNumber(want.value));
      }),
      { numRuns: 300, seed: 43 },
    );
  });

  it('random GEMMs with 1, 2, 8, 16 lanes (the general-lanes loop; ragged K): output codes agree', () => {
    fc.assert(
      fc.property(
        fc.record({
          lanes: fc.constantFrom(1, 2, 8, 16),
          m: fc.integer({ min: 1, max: 3 }),
          n: fc.integer({ min: 1, max: 3 }),
          k: fc.integer({ min: 1, max: 70 }),
          groups: fc.integer({ min: 1, max: 4 }),
          candidates: fc.shuffledSubarray(ALL_TYPES, { minLength: 1, maxLength: 4 }),
          output: fc.constantFrom<'fp16' | 'fp32'>('fp16', 'fp32'),
          seed: fc.integer(),
        }),
        fc.infiniteStream(arbActivation),
        ({ lanes, m, n, k, groups, candidates, output, seed }, actStream) => {
          const groupSize = lanes * groups;
          const G = Math.ceil(k / groupSize);
          let s = seed >>> 0;
          const next = (mod: number) => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0), s % mod);
          const activations = [...actStream.take(m * k)];
          const selectors = Array.from({ length: n * G }, () => next(candidates.length));
          const weights = Array.from({ length: n * k }, (_, i) => next(2 ** bitsOf(candidates[selectors[Math.floor(i / k) * G + Math.floor((i % k) / groupSize)]])));
          const groupScales = Array.from({ length: n * G }, () => next(256));
          const channelScales = Array.from({ length: n }, () => FP16.encode((next(2000) - 1000) / 3000));
          const got = bitSerialModGemm({ kind: 'bit_serial_mod', groupSize, candidates, output, geometry: bitSerialGeometry(lanes) }, { m, k, n, activations, weights, selectors, groupScales, channelScales });
          const want = oracleGemm(groupSize, candidates, output, m, k, n, activations, weights, selectors, groupScales, channelScales, oracleGroup, lanes);
          expect([...got.codes]).toEqual(want);
        },
      ),
      { numRuns: 150, seed: 8 },
    );
  });
});
