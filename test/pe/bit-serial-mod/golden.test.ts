/**
 * bit_serial_mod: hand-worked cases pin every width and truncation rule; exhaustive sweeps over every
 * weight type and code; fast-check properties against the independent BigInt re-derivation in
 * bitmod-oracle.ts (traces and GEMM output codes); golden-vs-ideal error bounds.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FP16 } from '../../../src/formats/float.js';
import { fromNumber, mul, toNumber } from '../../../src/formats/rational.js';
import { compareToIdeal, GoldenError } from '../../../src/golden/index.js';
import { accumulateStep, alignSignificand, bitSerialModGemm, bitSerialModGroupDot, bitSerialStep, boothDigits, dequantizeMantissa, normalize, termSchedule, type BitSerialWeightType } from '../../../src/pe/bit-serial-mod/golden.js';
import { ORACLE_LUTS, oracleGemm, oracleGroup, oracleSchedule, oracleTerms } from './bitmod-oracle.js';

const LUT_TYPES = Object.keys(ORACLE_LUTS) as BitSerialWeightType[];
const INT_TYPES: BitSerialWeightType[] = ['int2', 'int3', 'int4', 'int5', 'int6', 'int7', 'int8'];
const ALL_TYPES = [...LUT_TYPES, ...INT_TYPES];
const bitsOf = (t: BitSerialWeightType): number => termSchedule(t).bits;

/** fp16 codes spread over the whole finite range: zeros, subnormals, normals, max. */
function sampleActivations(): number[] {
  const s: number[] = [0x0000, 0x8000, 0x0001, 0x03ff, 0x0400, 0x3c00, 0xbc00, 0x3c01, 0x7bff, 0xfbff, 0x3555, 0x2bff];
  for (let i = 0; s.length < 96; i++) {
    const code = (i * 2654435761) >>> 16;
    if (((code >> 10) & 31) !== 31) s.push(code);
  }
  return s;
}

describe('bit_serial_mod: weight terms', () => {
  it('every code of every type has the terms of the hand-written spec table / Booth recoding', () => {
    for (const t of ALL_TYPES) {
      const sched = termSchedule(t);
      const o = oracleSchedule(t);
      expect(sched.cycles).toBe(o.cycles);
      expect(sched.sigs).toEqual(o.sigs);
      expect(sched.unitExponent).toBe(o.unit);
      for (let code = 0; code < 2 ** sched.bits; code++) {
        const want = oracleTerms(t, code).map((x) => (x === null ? { bit: 0 } : { bit: 1, exponent: x.e, sign: x.neg ? 1 : 0 }));
        const got = sched.terms(code).map((x) => (x.bit === 0 ? { bit: 0 } : { bit: 1, exponent: x.exponent, sign: x.sign }));
        expect(got, `${t} code ${code}`).toEqual(want);
      }
    }
  });

  it('fits the field widths: 2-bit exponent, 3-bit shift, ≤ 2 cycles for 3/4-bit types, ceil(N/2) for intN', () => {
    for (const t of ALL_TYPES) {
      const s = termSchedule(t);
      for (const sig of s.sigs) expect(sig).toBeLessThan(8);
      for (let code = 0; code < 2 ** s.bits; code++) for (const term of s.terms(code)) expect(term.exponent).toBeLessThan(4);
    }
    for (const t of LUT_TYPES) expect(termSchedule(t).cycles).toBe(2);
    expect(INT_TYPES.map((t) => termSchedule(t).cycles)).toEqual([1, 2, 2, 3, 3, 4, 4]);
  });

  it('the terms sum to the decoded weight value for every code', () => {
    for (const t of ALL_TYPES) {
      const s = termSchedule(t);
      for (let code = 0; code < 2 ** s.bits; code++) {
        const sum = s.terms(code).reduce((acc, term, c) => acc + (term.bit ? (term.sign ? -1 : 1) * 2 ** (term.exponent + s.sigs[c]) : 0), 0);
        expect(sum * 2 ** s.unitExponent, `${t} ${code}`).toBe(s.format.decode(code) + 0);
      }
    }
  });

  it('Booth digits by hand: 127 = 2·4³ − 1, −128 = −2·4³, int3 −3 = −1·4 + 1', () => {
    // 127 = 0111_1111: d0 = −2·1 + 1 + 0 = −1, d1 = −2·1 + 1 + 1 = 0, d2 = 0, d3 = −2·0 + 1 + 1 = 2.
    expect(boothDigits(127, 8)).toEqual([-1, 0, 0, 2]);
    // −128 = 1000_0000: only d3 = −2·1 + 0 + 0.
    expect(boothDigits(-128, 8)).toEqual([0, 0, 0, -2]);
    // int3 −3 = 101, sign-extended 1101: d0 = −2·0 + 1 + 0 = 1, d1 = −2·1 + 1 + 0 = −1.
    expect(boothDigits(-3, 3)).toEqual([1, -1]);
    // MSB digit first on the wire, shifts 6, 4, 2, 0.
    expect(termSchedule('int8').terms(127)).toEqual([
      { sign: 0, exponent: 1, bit: 1 },
      { sign: 0, exponent: 0, bit: 0 },
      { sign: 0, exponent: 0, bit: 0 },
      { sign: 1, exponent: 0, bit: 1 },
    ]);
  });

  it('Booth digits reproduce every value of every width', () => {
    for (let bits = 2; bits <= 8; bits++) {
      for (let v = -(2 ** (bits - 1)); v < 2 ** (bits - 1); v++) {
        const d = boothDigits(v, bits);
        expect(d.every((x) => x >= -2 && x <= 2)).toBe(true);
        expect(d.reduce((s, x, j) => s + x * 4 ** j, 0)).toBe(v);
      }
    }
  });
});

describe('bit_serial_mod: stages by hand', () => {
  it('4-lane step: exponent match, 14-bit alignment drops lane 3 bits, 17-bit signed lane sum', () => {
    // Weights: cycle 0 of fp4 ±1.0 (code 2 = +1, code 10 = −1): e = 0, bit = 1.
    //  lane  activation               E   sig11           P = E + e   d = 15 − P   aligned = sig11·8 >> d
    //  0     0x3c00 = 1.0             15  100_0000_0000   15          0            8192
    //  1     0x3c01 = 1 + 2^-10       15  100_0000_0001   15          0            8200  (weight −1 → −8200)
    //  2     0x3401 = 2^-2(1+2^-10)   13  100_0000_0001   13          2            8200 >> 2 = 2050 (guard bits keep it)
    //  3     0x2bff = 2^-5(2−2^-10)   10  111_1111_1111   10          5            16376 >> 5 = 511 (drops 11000b = 0.75)
    const term = (code: number) => termSchedule('bitmod_fp4_er_pos').terms(code)[0];
    const step = bitSerialStep(
      [
        { activation: 0x3c00, term: term(2) },
        { activation: 0x3c01, term: term(10) },
        { activation: 0x3401, term: term(2) },
        { activation: 0x2bff, term: term(2) },
      ],
      1,
    );
    expect(step.productExponents).toEqual([15, 15, 13, 10]);
    expect(step.maxExponent).toBe(15);
    expect(step.aligned).toEqual([8192, 8200, 2050, 511]);
    expect(step.signed).toEqual([8192, -8200, 2050, 511]);
    expect(step.pairSums).toEqual([-8, 2561]);
    expect(step.laneSum).toBe(2553);
    // Into the zero accumulator: T = 2553 << 1 = 5106 at LSB exponent 15; 5106 has 13 bits →
    // X = 15 + 12 = 27, M = 5106 << 2 = 20424.
    const acc = accumulateStep({ sign: 0, mantissa: 0, exponent: 0 }, step.laneSum, step.maxExponent, step.sig);
    expect(acc.term).toBe(5106);
    expect(acc.after).toEqual({ sign: 0, mantissa: 20424, exponent: 27 });
    // In real units (LSB 2^(u − 28) = 2^-29): 5106 · 2^15 · 2^-29 = 0.3116455078125, against the exact
    // 1 − (1 + 2^-10) + 2^-2(1 + 2^-10) + 2^-5(2 − 2^-10) = 0.311737060546875: 0.75 · 2^16 · 2^-29 lost.
    const dot = bitSerialModGroupDot([0x3c00, 0x3c01, 0x3401, 0x2bff], [2, 10, 2, 2], 'bitmod_fp4_er_pos', 1);
    expect(dot.value).toBe(0.3116455078125);
    expect(0.311737060546875 - dot.value).toBe(0.75 * 2 ** -13);
  });

  it('alignment: shifts of 14 or more leave nothing; the 3 guard bits keep shifts ≤ 3 exact', () => {
    expect(alignSignificand(2047, 13)).toBe(1); // 16376 >> 13
    expect(alignSignificand(2047, 14)).toBe(0);
    expect(alignSignificand(2047, 40)).toBe(0);
    expect(alignSignificand(1025, 3)).toBe(1025);
  });

  it('23-bit adder: the term is floored when the accumulator LSB is higher', () => {
    // acc = +32767 · 2^(40 − 14) (LSB exponent 26); L = 65504 (4 × 16376), sig 6, Pmax 20:
    // T = 65504 · 64 = 4192256 at exponent 20 → floor(T / 2^6) = 65504 at exponent 26.
    // Z = 32767 + 65504 = 98271 (17 bits) → X = 26 + 16 = 42, M = 98271 >> 2 = 24567 (drops 11b).
    const r = accumulateStep({ sign: 0, mantissa: 32767, exponent: 40 }, 65504, 20, 6);
    expect(r.commonExponent).toBe(26);
    expect(r.alignedTerm).toBe(65504);
    expect(r.sum).toBe(98271);
    expect(r.after).toEqual({ sign: 0, mantissa: 24567, exponent: 42 });
  });

  it('23-bit adder: the worst case needs the carry bit (24-bit sum), then normalizes to 15 bits', () => {
    // acc = +32767 with LSB exponent 44 − 14 = 30 = Pmax: no shift. Z = 32767 + 4192256 = 4225023 ≥ 2^22
    // (would wrap in 23-bit two's complement). 23 bits of magnitude → X = 30 + 22 = 52,
    // M = 4225023 >> 8 = 16503 (the dropped byte is 0xff).
    const r = accumulateStep({ sign: 0, mantissa: 32767, exponent: 44 }, 65504, 30, 6);
    expect(r.sum).toBe(4225023);
    expect(r.sum).toBeGreaterThan(2 ** 22);
    expect(r.after).toEqual({ sign: 0, mantissa: 16503, exponent: 52 });
  });

  it('23-bit adder: right shifts of a negative accumulator floor (two\'s complement), normalization truncates', () => {
    // acc = −16385 at LSB exponent 20 − 14 = 6; term L = 3, sig 0, Pmax 8 > 6: acc >> 2 = floor(−4096.25) = −4097.
    // Z = −4097 + 3 = −4094 (12 bits) → X = 8 + 11 = 19, M = 4094 << 3 = 32752, sign 1.
    const r = accumulateStep({ sign: 1, mantissa: 16385, exponent: 20 }, 3, 8, 0);
    expect(r.alignedAccumulator).toBe(-4097);
    expect(r.sum).toBe(-4094);
    expect(r.after).toEqual({ sign: 1, mantissa: 32752, exponent: 19 });
  });

  it('a zero lane sum leaves the accumulator untouched; a zero sum resets it', () => {
    const before = { sign: 1, mantissa: 16385, exponent: 9 } as const;
    expect(accumulateStep(before, 0, 30, 6).after).toBe(before);
    // +M cancelled exactly: −(16384 at LSB 0) + 16384 at exponent 0.
    expect(accumulateStep({ sign: 1, mantissa: 16384, exponent: 14 }, 16384, 0, 0).after).toEqual({ sign: 0, mantissa: 0, exponent: 0 });
    expect(normalize(0, 12)).toEqual({ sign: 0, mantissa: 0, exponent: 0 });
  });

  it('8-cycle bit-serial scale multiply, MSB first; 23 bits are needed', () => {
    // M = 16387 = 100_0000_0000_0011b, scale = 165 = 1010_0101b:
    // b7=1 16387; b6=0 32774; b5=1 81935; b4=0 163870; b3=0 327740; b2=1 671867; b1=0 1343734; b0=1 2703855.
    const d = dequantizeMantissa(16387, 165);
    expect(d.partials).toEqual([16387, 32774, 81935, 163870, 327740, 671867, 1343734, 2703855]);
    expect(d.product).toBe(16387 * 165);
    // The largest product 32767 · 255 = 8355585 needs 23 bits (> 2^21).
    expect(dequantizeMantissa(32767, 255).product).toBe(8355585);
    expect(() => dequantizeMantissa(1, 256)).toThrow(GoldenError);
  });
});

describe('bit_serial_mod: exhaustive PE-level sweeps', () => {
  const acts = sampleActivations();

  it('a single BitMoD/fp4 weight is exact: every type × code × sample activation × scale', () => {
    for (const t of LUT_TYPES) {
      const f = termSchedule(t).format;
      for (let code = 0; code < 2 ** f.bits; code++) {
        for (const a of acts) {
          const scale = (a * 7 + code) % 256;
          const r = bitSerialModGroupDot([a], [code], t, scale);
          // a · w · scale is exact in float64 (11 + 4 + 8 bits).
          expect(r.value, `${t} ${code} ${a}`).toBe(FP16.decode(a) * f.decode(code) * scale + 0);
        }
      }
    }
  });

  it('every type × code in each lane of a 4-lane group matches the independent model, state by state', () => {
    for (const t of ALL_TYPES) {
      for (let code = 0; code < 2 ** bitsOf(t); code++) {
        for (let i = 0; i < acts.length; i += 4) {
          const a = acts.slice(i, i + 4);
          const w = [code, (code * 5 + 3) % 2 ** bitsOf(t), (code + 7) % 2 ** bitsOf(t), (code * 3 + 1) % 2 ** bitsOf(t)];
          const got = bitSerialModGroupDot(a, w, t, 201);
          const want = oracleGroup(t, a, w, 201);
          expect(got.steps.map((s) => ({ neg: s.accumulate.after.sign === 1, mant: BigInt(s.accumulate.after.mantissa), exp: s.accumulate.after.exponent }))).toEqual(want.states);
          expect(got.value).toBe(toNumber(want.value));
        }
      }
    }
  });
});

/** fp16 codes concentrated in a few binades (to exercise alignment), plus zeros and subnormals. */
const arbActivation = fc.oneof(
  { weight: 6, arbitrary: fc.record({ s: fc.integer({ min: 0, max: 1 }), e: fc.integer({ min: 10, max: 20 }), f: fc.integer({ min: 0, max: 1023 }) }).map(({ s, e, f }) => (s << 15) | (e << 10) | f) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffff }).filter((c) => ((c >> 10) & 31) !== 31) },
  { weight: 1, arbitrary: fc.constantFrom(0x0000, 0x8000, 0x0001, 0x83ff, 0x7bff, 0xfbff) },
);

describe('bit_serial_mod: properties against the independent model', () => {
  it('random groups: every accumulator state and the dequantized value agree', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ALL_TYPES),
        fc.array(fc.tuple(arbActivation, fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 48 }),
        fc.integer({ min: 0, max: 255 }),
        (t, lanes, scale) => {
          const a = lanes.map((l) => l[0]);
          const w = lanes.map((l) => l[1] % 2 ** bitsOf(t));
          const got = bitSerialModGroupDot(a, w, t, scale);
          const want = oracleGroup(t, a, w, scale);
          expect(got.steps.map((s) => ({ neg: s.accumulate.after.sign === 1, mant: BigInt(s.accumulate.after.mantissa), exp: s.accumulate.after.exponent }))).toEqual(want.states);
          expect(got.value).toBe(toNumber(want.value));
        },
      ),
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
          const got = bitSerialModGemm({ kind: 'bit_serial_mod', groupSize, candidates, output }, { m, k, n, activations, weights, selectors, groupScales, channelScales });
          const want = oracleGemm(groupSize, candidates, output, m, k, n, activations, weights, selectors, groupScales, channelScales);
          expect([...got.codes]).toEqual(want);
        },
      ),
      { numRuns: 150, seed: 7 },
    );
  });
});

describe('bit_serial_mod: GEMM semantics', () => {
  const config = { kind: 'bit_serial_mod', groupSize: 8, candidates: ['bitmod_fp4_er_pos', 'int8'], output: 'fp16' } as const;

  it('an inf/NaN activation makes that output NaN', () => {
    const r = bitSerialModGemm(config, { m: 2, k: 8, n: 1, activations: [0x3c00, 0x7c00, 0, 0, 0, 0, 0, 0, ...Array(8).fill(0x3c00)], weights: Array(8).fill(2), selectors: [0], groupScales: [1], channelScales: [0x3c00] });
    expect(FP16.isNaN(r.codes[0])).toBe(true);
    expect(FP16.decode(r.codes[1])).toBe(8);
  });

  it('channel scale: one rounding of the exact fp32 × fp16 product', () => {
    // One group: 1.0 · 1.0 · scale 3 = 3; channel scale 0x3555 (0.333251953125): 3 · 0.333251953125 =
    // 0.999755859375 = 2^-1 · (2 − 2^-11) → fp16 tie between 0.99951171875 and 1.0 → even → 1.0 (0x3c00).
    const r = bitSerialModGemm(config, { m: 1, k: 1, n: 1, activations: [0x3c00], weights: [2], selectors: [0], groupScales: [3], channelScales: [0x3555] });
    expect(FP16.decode(0x3555)).toBe(0.333251953125);
    expect(r.codes[0]).toBe(0x3c00);
  });

  it('rejects bad configs and operands with GoldenError', () => {
    const ops = { m: 1, k: 1, n: 1, activations: [0x3c00], weights: [2], selectors: [0], groupScales: [3], channelScales: [0x3c00] };
    expect(() => bitSerialModGemm({ ...config, groupSize: 6 }, ops)).toThrow(GoldenError);
    expect(() => bitSerialModGemm({ ...config, candidates: [] }, ops)).toThrow(GoldenError);
    expect(() => bitSerialModGemm({ ...config, candidates: ['int9' as BitSerialWeightType] }, ops)).toThrow(GoldenError);
    expect(() => bitSerialModGemm(config, { ...ops, selectors: [2] })).toThrow(GoldenError);
    expect(() => bitSerialModGemm(config, { ...ops, weights: [16] })).toThrow(GoldenError);
    expect(() => bitSerialModGemm(config, { ...ops, groupScales: [256] })).toThrow(GoldenError);
    expect(() => bitSerialModGemm(config, { ...ops, k: 0 })).toThrow(GoldenError);
  });
});

describe('bit_serial_mod: golden vs ideal', () => {
  it('BitMoD fp4/fp3 mixes and int8 on Gaussian activations: truncation costs < 3e-3 relative, SQNR > 50 dB', () => {
    // Measured (seed below): fp4 mix 6.7e-4 (63.5 dB); int8 1.8e-3 (54.9 dB): its 4 Booth cycles per weight
    // give twice the accumulator truncations of a 2-cycle type, and Booth terms cancel (127 = 128 − 1).
    let s = 12345;
    const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0), s / 2 ** 32);
    const gauss = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
    const M = 4;
    const K = 256;
    const N = 8;
    const G = K / 128;
    const activations = Array.from({ length: M * K }, () => FP16.encode(gauss()));
    for (const candidates of [['bitmod_fp4_er_pos', 'bitmod_fp4_er_neg', 'bitmod_fp4_ea_pos', 'bitmod_fp4_ea_neg'], ['int8'], ['bitmod_fp3_er_pos', 'bitmod_fp3_ea_neg']] as BitSerialWeightType[][]) {
      const selectors = Array.from({ length: N * G }, () => Math.floor(rnd() * candidates.length));
      const weights = Array.from({ length: N * K }, (_, i) => Math.floor(rnd() * 2 ** bitsOf(candidates[selectors[Math.floor(i / K) * G + Math.floor((i % K) / 128)]])));
      const groupScales = Array.from({ length: N * G }, () => 1 + Math.floor(rnd() * 255));
      const channelScales = Array.from({ length: N }, () => FP16.encode(1 / 1024));
      const { metrics } = compareToIdeal({ kind: 'bit_serial_mod', groupSize: 128, candidates, output: 'fp32' }, { m: M, k: K, n: N, activations, weights, selectors, groupScales, channelScales });
      expect(metrics.count).toBe(M * N);
      expect(metrics.relFrobenius).toBeGreaterThan(0); // truncation is real
      expect(metrics.relFrobenius).toBeLessThan(3e-3);
      expect(metrics.sqnrDb).toBeGreaterThan(50);
    }
  });

  it('the exact product of one group is what fp16 · weight · scale · channel gives (ideal = golden)', () => {
    const r = compareToIdeal(
      { kind: 'bit_serial_mod', groupSize: 4, candidates: ['bitmod_fp4_ea_pos'], output: 'fp32' },
      { m: 1, k: 1, n: 1, activations: [0x4500], weights: [8], selectors: [0], groupScales: [7], channelScales: [0x3800] },
    );
    // 5 · 8 · 7 · 0.5 = 140, exact.
    expect(r.goldenValues[0]).toBe(140);
    expect(r.metrics.maxAbs).toBe(0);
    expect(toNumber(mul(fromNumber(5), fromNumber(28)))).toBe(140);
  });
});
