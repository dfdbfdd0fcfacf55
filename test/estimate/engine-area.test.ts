/**
 * The tile engine in the analytic estimate (src/estimate/components.ts, CostFacet.engineArea): a kind that
 * prices its engine adds two components after its PE array, the engine's gates and its RAMs, and the total
 * includes them. The oracle is the bit_serial_mod engine fit written out by hand (coefficients of 1, R, C,
 * R·C, log2 R from a least-squares fit of the six recorded samples of test/estimate/engine-synth-samples.json,
 * made outside qacc with numpy), GE = transistors / 4, 1 GE = 1 / 3.9 µm², SRAM 0.127 / 0.7 µm² per bit.
 * lowrank_gemm's engine model is checked against its unit syntheses in synth/lowrank-engine-model.test.ts; here
 * its components and RAM bits (those `--synth generic` reports for svdquant). simd_mac likewise: its fit (1, R·Bw,
 * C·Ba, R·C, Q·R·C on the six recorded xr-npe samples) and the weight-stationary mac's (1, R, C, R·C, R·(R−1)/2 on the
 * seven recorded mac-ws samples) by numpy outside qacc; the RAM bits of mac-ws and xr-npe are
 * their engines' memories as the templates declare them. The output-stationary mac engine (fp16_baseline): the fit of its
 * record (1, R, C, R·C·W by numpy), and its operand stagings' RAM bits (left out, listed as unpriced) read off the
 * generated operand modules' headers.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { estimateDesign } from '../../src/estimate/estimate.js';
import { acceleratorModules } from '../../src/estimate/synth/design.js';
import { compileFile } from '../../src/ir/elaborate.js';

const example = (file: string, accel: string, sets: readonly string[] = []) => {
  const c = compileFile(resolve(import.meta.dirname, '../../examples', file), { readFile: (p) => readFileSync(p, 'utf8') }, { overrides: [...sets] });
  return c.design!.accelerators.find((a) => a.name === accel)!;
};

describe('tile engine components of the analytic estimate', () => {
  it('bitmod 4 × 4: the engine logic and RAMs are the fit coefficients × terms, and the total includes them', () => {
    const r = estimateDesign(example('bitmod.qacc', 'bitmod', ['rows=4', 'cols=4']));
    const [R, C] = [4, 4];
    const transistors = 23362 + 63152.7857 * R + 24416.2857 * C + 989.6786 * R * C + 75855.4286 * Math.log2(R);
    const bits = -1536 + 3720 * R + 16384 * C + 3584 * Math.log2(R);
    const names = r.components.map((c) => c.name);
    expect(names.slice(0, 3)).toEqual(['bitmod_array (4×4 bit_serial_mod PEs)', 'bitmod_array tile engine logic', 'bitmod_array tile engine RAMs']);
    const [logic, rams] = [r.components[1], r.components[2]];
    expect(logic.area_um2).toBeCloseTo(Math.round(transistors) / 4 / 3.9, 6);
    expect(logic.gate_equivalents).toBe(Math.round(Math.round(transistors) / 4));
    expect(rams.area_um2).toBeCloseTo(bits * (0.127 / 0.7), 6);
    // at 4 × 4 the fit passes through the recorded synthesis (541,184 transistors, 86,048 memory bits)
    expect(Math.round(transistors)).toBe(541184);
    expect(bits).toBe(86048);
    expect(r.area_um2).toBeCloseTo(r.components.reduce((s, c) => s + c.area_um2, 0), 6);
    expect(logic.source).toMatch(/engine-synth-samples\.json/);
  });

  it('the authors model (bitmod2025) and --synth (its synthesized engine) leave the analytic engine out', () => {
    const acc = example('bitmod.qacc', 'bitmod', ['rows=4', 'cols=4']);
    expect(estimateDesign(acc, { costModel: 'bitmod2025' }).components.some((c) => /tile engine/.test(c.name))).toBe(false);
    const synth = { name: 'tile engine (synthesized)', gate_equivalents: 1, area_um2: 1, source: 'test' };
    const r = estimateDesign(acc, { synthAreas: [synth] });
    expect(r.components.filter((c) => /tile engine/.test(c.name))).toEqual([synth]);
  });

  it('svdquant (lowrank_gemm): the engine and its sub-units as two components, the RAMs the synthesized staging bits', () => {
    const r = estimateDesign(example('svdquant.qacc', 'svdquant_w4a4'));
    const names = r.components.map((c) => c.name);
    expect(names.slice(0, 3)).toEqual(['w4a4_array (16×16 lowrank_gemm PEs)', 'w4a4_array tile engine logic', 'w4a4_array tile engine RAMs']);
    // `--synth generic` of the same design (docs/estimate.md): 16 columns × 98,304 + 16 rows × 45,056 + 16 qact
    // slices × 4,096 memory bits of $mem_v2 staging
    expect(r.components[2].area_um2).toBeCloseTo((16 * 98304 + 16 * 45056 + 16 * 4096) * (0.127 / 0.7), 6);
    expect(r.components[1].source).toMatch(/engine-unit-samples\.json/);
    expect(r.area_um2).toBeCloseTo(r.components.reduce((s, c) => s + c.area_um2, 0), 6);
  });

  it('xr-npe size = 32 (simd_mac): the engine logic and RAMs are the fit coefficients × terms', () => {
    const r = estimateDesign(example('xr-npe.qacc', 'xr_npe', ['size=32']));
    const [R, C] = [32, 32];
    // 1,024-bit port chunks (128-byte ports); Q = 32 writeback slots (the out port's 64 bytes / 2-byte posit16
    // results); the staging, 64 RAMs of 16 × 1,024 bits
    const transistors = 64060 + 22.06440662 * 1024 * R + 23.75341797 * 1024 * C - 631.357143 * R * C + 193.029762 * 32 * R * C;
    const bits = 16384 * (R + C);
    const names = r.components.map((c) => c.name);
    expect(names.slice(0, 3)).toEqual(['xr_array (32×32 simd_mac PEs)', 'xr_array tile engine logic', 'xr_array tile engine RAMs']);
    expect(r.components[1].area_um2).toBeCloseTo(Math.round(transistors) / 4 / 3.9, 0);
    expect(r.components[2].area_um2).toBeCloseTo(bits * (0.127 / 0.7), 6);
    expect(r.components[1].source).toMatch(/engine-synth-samples\.json/);
    expect(r.area_um2).toBeCloseTo(r.components.reduce((s, c) => s + c.area_um2, 0), 6);
  });

  it('mac-ws (weight-stationary mac): the engine logic and the accumulator memories', () => {
    const r = estimateDesign(example('mac-ws.qacc', 'mac_int8'));
    // the fit of the seven recorded mac-ws samples on 1, R, C, R·C, R·(R−1)/2 (numpy) at 16 × 16; the model's
    // per register bit terms are these / 56 (P: 8 + 32 + 2 · 8 bits a PE) and / 8 (A: a skew stage's 8 bits)
    const [R, C] = [16, 16];
    const transistors = 35100.861342 - 56.511509 * R + 1583.865225 * C + 1671.844426 * R * C + 219.575984 * ((R * (R - 1)) / 2);
    const names = r.components.map((c) => c.name);
    expect(names.slice(0, 3)).toEqual(['int8_array (16×16 mac PEs)', 'int8_array tile engine logic', 'int8_array tile engine RAMs']);
    expect(r.components[1].area_um2).toBeCloseTo(Math.round(transistors) / 4 / 3.9, 0);
    // 16 columns × 256 tokens × 32-bit accumulators
    expect(r.components[2].area_um2).toBeCloseTo(16 * 256 * 32 * (0.127 / 0.7), 6);
    expect(r.components[1].source).toMatch(/engine-synth-samples\.json/);
    expect(r.area_um2).toBeCloseTo(r.components.reduce((s, c) => s + c.area_um2, 0), 6);
  });

  it('the output-stationary mac engine (fp16_baseline 32 × 24): its own logic by the fit, no RAMs of its own, its sub-units listed as unpriced', () => {
    const accel = example('bitmod.qacc', 'fp16_baseline');
    const r = estimateDesign(accel);
    const [R, C, W] = [32, 24, 32];
    // numpy least squares of the seven fit samples of record fp16-baseline on 1, R, C, R·C·W (W = fp32 accumulator bits)
    const transistors = 15132.4918 + 922.8946136 * R + 190.8946136 * C + 13.24784104 * R * C * W;
    expect(r.components.slice(1, 3).map((c) => c.name)).toEqual(['fp16_array tile engine logic', 'fp16_array tile engine RAMs']);
    expect(r.components[1].area_um2).toBeCloseTo(Math.round(transistors) / 4 / 3.9, 6);
    expect(r.components[2].area_um2).toBe(0);
    expect(r.components[1].source).toMatch(/engine-synth-samples\.json/);
    // the operand stagings' RAMs as the generated RTL declares them (its operand modules' headers)
    const { modules } = acceleratorModules(accel);
    const ramBits = modules
      .filter((m) => /_mac_operand_/.test(m.name))
      .map((m) => /(\d+) bank\(s\) of (\d+)-byte words,\s*\n\/\/ (\d+) deep/.exec(m.text)!)
      .reduce((s, m) => s + Number(m[1]) * Number(m[2]) * 8 * Number(m[3]), 0);
    expect(ramBits).toBe(24 * 8 * 256 * 8 + 32 * 8 * 256 * 8);
    expect(r.unpriced.map((u) => u.component)).toEqual(['fp16_array tile engine sub-units']);
    expect(r.unpriced[0].reason).toContain(`${ramBits} bits`);
    expect(r.unpriced[0].reason).toContain('32 fp output multipliers');
  });
});
