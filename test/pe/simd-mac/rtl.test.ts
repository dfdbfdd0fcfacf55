/**
 * PE-level cross-check of the generated reconfigurable SIMD MAC against the golden model: exhaustive
 * operand sweeps (every code pair in every lane) of all 4-bit and 8-bit modes of one PE that carries all
 * eight element formats, seeded random dot products per mode (with and without NaN/NaR/inf poisoning),
 * the XR-NPE example PE from the IR (posit16_1 output), and a round-each-step fp16 design.
 */
import { describe, expect, it } from 'vitest';
import { acceleratorPe } from '../../../src/codegen/verilog/design.js';
import { simdMacRtl } from '../../../src/pe/simd-mac/rtl-pe.js';
import { lookupFormat } from '../../../src/formats/registry.js';
import { asSimdElement, asSimdOutput, type SimdMacConfig, type SimdMacOperands } from '../../../src/pe/simd-mac/golden.js';
import type { SimdPeSpec } from '../../../src/pe/simd-mac/rtl-pe.js';
import { simdMacVectors } from '../../../src/pe/simd-mac/vectors.js';
import { buildPe, example, expectRtlMatches, prng } from '../../verify/rtl-helpers.js';

const ALL: readonly string[] = ['fp4_e2m1', 'posit4_1', 'int4', 'posit8_0', 'fp8_e4m3', 'fp8_e5m2', 'int8', 'posit16_1'];

/** A 16-bit-word spec of these element names (lanes = 16 / bits). */
function specOf(elements: readonly string[], output: string, accumulation: SimdPeSpec['accumulation'], maxDotLength: number): SimdPeSpec {
  const modes = elements.map((n) => {
    const element = asSimdElement(lookupFormat(n));
    return { element, lanes: Math.floor(16 / element.bits) };
  });
  return { modes, wordBits: 16, output: asSimdOutput(lookupFormat(output)), accumulation, maxDotLength };
}

function configOf(spec: SimdPeSpec, element: string): SimdMacConfig {
  const mode = spec.modes.find((m) => m.element.name === element);
  if (!mode) throw new Error(`no mode ${element}`);
  return { kind: 'simd_mac', element: mode.element, lanes: mode.lanes, wordBits: spec.wordBits, output: spec.output, accumulation: spec.accumulation, maxDotLength: spec.maxDotLength };
}

/** Every (a, b) code pair in lane `lane` (other lanes 0): M = N = 2^bits, K = lanes. */
function laneSweep(element: string, lane: number): SimdMacOperands {
  const bits = lookupFormat(element).bits;
  const lanes = Math.floor(16 / bits);
  const size = 2 ** bits;
  const rows = (): number[] => {
    const out: number[] = [];
    for (let c = 0; c < size; c++) for (let i = 0; i < lanes; i++) out.push(i === lane ? c : 0);
    return out;
  };
  return { m: size, k: lanes, n: size, activations: rows(), weights: rows() };
}

/** Random operands; `finiteOnly` redraws NaN/NaR/inf codes so most dots are not poisoned. */
function randomOps(element: string, seed: number, m: number, k: number, n: number, finiteOnly: boolean): SimdMacOperands {
  const f = lookupFormat(element);
  const rnd = prng(seed);
  const draw = (): number => {
    for (;;) {
      const c = Math.floor(rnd() * 2 ** f.bits);
      if (!finiteOnly || Number.isFinite(f.decode(c))) return c;
    }
  };
  return { m, k, n, activations: Array.from({ length: m * k }, draw), weights: Array.from({ length: n * k }, draw) };
}

describe('simd_mac RTL = golden', () => {
  const wide = specOf(ALL, 'fp32', 'exact', 4096);
  const wideRtl = simdMacRtl(wide, 'tb_simd_all_fp32', 'simd_all');

  it('exhaustive: every code pair in every lane of the 4-bit modes', async () => {
    const sim = await buildPe(wideRtl);
    for (const element of ['fp4_e2m1', 'posit4_1', 'int4'] as const) {
      for (let lane = 0; lane < 4; lane++) expectRtlMatches(sim, simdMacVectors(configOf(wide, element), ALL.indexOf(element), laneSweep(element, lane)), `${element} lane ${lane}`);
    }
  });

  it('exhaustive: every code pair in every lane of the 8-bit modes', async () => {
    const sim = await buildPe(wideRtl);
    for (const element of ['posit8_0', 'fp8_e4m3', 'fp8_e5m2', 'int8'] as const) {
      for (let lane = 0; lane < 2; lane++) expectRtlMatches(sim, simdMacVectors(configOf(wide, element), ALL.indexOf(element), laneSweep(element, lane)), `${element} lane ${lane}`);
    }
  });

  it('seeded random dot products in every mode, lengths not divisible by the lane count', async () => {
    const sim = await buildPe(wideRtl);
    ALL.forEach((element, mode) => {
      expectRtlMatches(sim, simdMacVectors(configOf(wide, element), mode, randomOps(element, 100 + mode, 8, 37, 8, true)), `${element} random`);
      expectRtlMatches(sim, simdMacVectors(configOf(wide, element), mode, randomOps(element, 200 + mode, 4, 9, 4, false)), `${element} random with specials`);
    });
  });

  it('the XR-NPE example PE (4 modes, exact quire, posit16_1 output) from the IR', async () => {
    const design = acceleratorPe(example('xr-npe'), 'tb_simd_xrnpe');
    expect(design.goldens.map((g) => (g as SimdMacConfig).element.name)).toEqual(['fp4_e2m1', 'posit4_1', 'posit8_0', 'posit16_1']);
    const sim = await buildPe(design.rtl);
    design.goldens.forEach((g, mode) => {
      const c = g as SimdMacConfig;
      expectRtlMatches(sim, simdMacVectors(c, mode, randomOps(c.element.name, 300 + mode, 8, 64, 8, true)), `${c.element.name} random`);
      expectRtlMatches(sim, simdMacVectors(c, mode, randomOps(c.element.name, 400 + mode, 2, 3, 2, false)), `${c.element.name} specials`);
    });
    // long dot products of the largest posit16_1 values fill the quire's carry bits (and saturate the output)
    const maxpos = 0x7fff;
    const long: SimdMacOperands = { m: 1, k: 4096, n: 1, activations: Array(4096).fill(maxpos), weights: Array(4096).fill(maxpos) };
    expectRtlMatches(sim, simdMacVectors(design.goldens[3] as SimdMacConfig, 3, long), 'posit16_1 maxpos x 4096');
  });

  it('round-each-step accumulation into fp16 (every mode; overflow to inf stays inf)', async () => {
    const spec = specOf(ALL, 'fp16', 'round-each-step', 1024);
    const sim = await buildPe(simdMacRtl(spec, 'tb_simd_step_fp16', 'simd_step'));
    ALL.forEach((element, mode) => {
      expectRtlMatches(sim, simdMacVectors(configOf(spec, element), mode, randomOps(element, 500 + mode, 6, 41, 6, true)), `${element} step`);
    });
    const big = lookupFormat('int8').encode(-128);
    const ops: SimdMacOperands = { m: 1, k: 1000, n: 1, activations: Array(1000).fill(big), weights: Array(1000).fill(big) };
    expectRtlMatches(sim, simdMacVectors(configOf(spec, 'int8'), ALL.indexOf('int8'), ops), 'int8 overflow to inf');
  });

  it('library formats beyond the xr-npe set: posit8_2, bf16, uint4, fp6_e2m3 (2 lanes in 12 of 16 bits), int2 (8 lanes)', async () => {
    const extra = ['posit8_2', 'bf16', 'uint4', 'fp6_e2m3', 'int2'];
    for (const [output, accumulation] of [['fp32', 'exact'], ['posit16_2', 'round-each-step']] as const) {
      const spec = specOf(extra, output, accumulation, 256);
      const sim = await buildPe(simdMacRtl(spec, `tb_simd_extra_${accumulation.replace(/-/g, '_')}`, 'simd_extra'));
      extra.forEach((element, mode) => {
        expectRtlMatches(sim, simdMacVectors(configOf(spec, element), mode, randomOps(element, 600 + mode, 4, 29, 4, true)), `${element} → ${output} ${accumulation}`);
        expectRtlMatches(sim, simdMacVectors(configOf(spec, element), mode, randomOps(element, 700 + mode, 2, 5, 2, false)), `${element} specials`);
      });
    }
  });
});
