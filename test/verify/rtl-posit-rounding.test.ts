/**
 * The generated posit decoders and rounder (src/codegen/verilog/fp-units.ts positDecode/positRound)
 * against the independent bit-string oracle (test/formats/oracles/posit-oracle.ts), through Verilator at
 * PE level: a simd_mac PE multiplies two posits exactly and rounds the product once to its posit output,
 * so each result is the RTL's round(value(a) · value(b)). The expected codes come from the oracle, not
 * from the golden model (which is checked against the same oracle here too).
 * - posit8_0 → posit8_0: every (a, b) code pair (65536 products: ties, saturation at maxpos/minpos, NaR).
 * - posit16_1 → posit16_1 (the XR-NPE example PE): products landing next to minpos and maxpos, where
 *   the regime leaves no room for the exponent bit and the tie is the bit string's, not the midpoint.
 */
import { describe, expect, it } from 'vitest';
import { acceleratorPe } from '../../src/codegen/verilog/design.js';
import { simdMacRtl, type SimdPeSpec } from '../../src/pe/simd-mac/rtl-pe.js';
import { POSIT8_0 } from '../../src/formats/posit.js';
import { simdMacGemm, type SimdMacConfig, type SimdMacOperands } from '../../src/pe/simd-mac/golden.js';
import { simdMacVectors } from '../../src/pe/simd-mac/vectors.js';
import type { PeVectors } from '../../src/verify/rtl/pe-vectors.js';
import { decodePosit, qAbs, qMul, roundPosit, unboundedBits, type Q } from '../formats/oracles/posit-oracle.js';
import { buildPe, example, expectRtlMatches } from './rtl-helpers.js';

/** The oracle's code of round(value(a) · value(b)) in posit(n, es) (NaR poisons). */
function oracleProduct(n: number, es: number, a: number, b: number): number {
  const va = decodePosit(n, es, a);
  const vb = decodePosit(n, es, b);
  if (va === 'NaR' || vb === 'NaR') return 2 ** (n - 1);
  return roundPosit(n, es, qMul(va as Q, vb as Q), 'rne').code;
}

/**
 * Vectors for all products as[i] · bs[j] in lane 0 of a PE whose element and output are posit(n, es),
 * with the oracle's codes as the expectation; the golden model must agree with them first.
 */
function productVectors(config: SimdMacConfig, mode: number, n: number, es: number, as: number[], bs: number[]): PeVectors {
  const lanes = 16 / n;
  const rows = (codes: number[]) => codes.flatMap((c) => [c, ...Array<number>(lanes - 1).fill(0)]);
  const ops: SimdMacOperands = { m: as.length, k: lanes, n: bs.length, activations: rows(as), weights: rows(bs) };
  const want = as.flatMap((a) => bs.map((b) => oracleProduct(n, es, a, b)));
  const golden = simdMacGemm(config, ops).codes;
  const differ = want.flatMap((w, i) => (golden[i] === w ? [] : [`${as[Math.floor(i / bs.length)]}·${bs[i % bs.length]}: golden ${golden[i]} oracle ${w}`]));
  expect(differ.slice(0, 8)).toEqual([]);
  const v = simdMacVectors(config, mode, ops);
  return { stimulus: v.stimulus, expected: want.map((c) => [BigInt(c)]) };
}

const range = (lo: number, hi: number): number[] => Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);

describe('posit rounder and decoders in the generated RTL = the bit-string oracle', () => {
  it('posit8_0 × posit8_0 → posit8_0: every code pair', async () => {
    const spec: SimdPeSpec = { modes: [{ element: POSIT8_0, lanes: 2 }], wordBits: 16, output: POSIT8_0, accumulation: 'exact', maxDotLength: 16 };
    const sim = await buildPe(simdMacRtl(spec, 'tb_posit8_round', 'posit8_round'));
    const config: SimdMacConfig = { kind: 'simd_mac', element: POSIT8_0, lanes: 2, wordBits: 16, output: POSIT8_0, accumulation: 'exact', maxDotLength: 16 };
    const all = range(0, 255);
    expectRtlMatches(sim, productVectors(config, 0, 8, 0, all, all), 'posit8_0 pairs');
  });

  it('posit16_1 products next to minpos and maxpos (the regime-limit ties), XR-NPE PE', async () => {
    const design = acceleratorPe(example('xr-npe'), 'tb_simd_xrnpe');
    const mode = design.goldens.findIndex((g) => (g as SimdMacConfig).element.name === 'posit16_1');
    const config = design.goldens[mode] as SimdMacConfig;
    expect(config.output.name).toBe('posit16_1');
    const sim = await buildPe(design.rtl);
    // a: the 96 smallest and largest magnitudes of either sign; b: codes around ±1 (1 ± small fractions)
    // and the powers of two 2^-6..2^6, so a·b falls on, between and beside the codes at the range's ends.
    const ends = [...range(1, 96), ...range(0x7fff - 95, 0x7fff)];
    const as = [...ends, ...ends.map((c) => 0x10000 - c)];
    const nearOne = [...range(0x4000 - 24, 0x4000 + 24), 0xc000 - 3, 0xc000, 0xc000 + 3];
    const bs = [...new Set([...nearOne, ...powersOfTwo16_1()])];
    // The sweep must hold exact ties where exponent bits are cut off (2^-27 = minpos · 2 among them).
    expect(regimeLimitTies(as, bs)).toBeGreaterThan(20);
    expectRtlMatches(sim, productVectors(config, mode, 16, 1, as, bs), 'posit16_1 regime-limit products');
  });
});

/** The posit16_1 codes of 2^-6..2^6 (exact powers of two), found by decoding with the oracle. */
function powersOfTwo16_1(): number[] {
  const out: number[] = [];
  for (let c = 1; c < 0x8000; c++) {
    const v = decodePosit(16, 1, c) as Q;
    const isPow2 = (v.num & (v.num - 1n)) === 0n && (v.den & (v.den - 1n)) === 0n;
    const log = v.num.toString(2).length - v.den.toString(2).length;
    if (isPow2 && log >= -6 && log <= 6) out.push(c);
  }
  return out;
}

/** How many products a·b of posit16_1 codes are exact bit-string ties with the exponent bit cut off. */
function regimeLimitTies(as: number[], bs: number[]): number {
  let ties = 0;
  for (const a of as) {
    for (const b of bs) {
      const p = qAbs(qMul(decodePosit(16, 1, a) as Q, decodePosit(16, 1, b) as Q));
      const { bits, sticky } = unboundedBits(1, p, 16);
      // Regime of 14 equal bits + terminator fills the 15 magnitude bits: the exponent bit is the guard.
      const regimeFills = /^(0{14}1|1{14}0)$/.test(bits.slice(0, 15));
      if (regimeFills && bits[15] === '1' && !sticky) ties++;
    }
  }
  return ties;
}
