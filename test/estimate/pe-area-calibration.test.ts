/**
 * The kinds' analytic PE area models (src/pe/<folder>/cost.ts) against the synthesized PEs recorded by
 * `npm run synth:study -- calibrate` in pe-synth-calibration.json (Yosys generic flow; the fixture names the
 * Yosys version and date). No Yosys runs here: each point is elaborated from its example with the recorded
 * text replacements and parameter overrides, and its analytic area must be within the error stated in
 * docs/estimate.md "Calibration" of the recorded synthesis, on the points the coefficients were fitted on and
 * on those held out (each against its stated bound). The recorded flip-flop counts are checked against the
 * registers the generated RTL declares.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileFile } from '../../src/ir/elaborate.js';
import type { IrPe } from '../../src/ir/types.js';
import { costFacet } from '../../src/pe/facets/cost.js';

/**
 * The largest |analytic / synthesized − 1| docs/estimate.md states (target 15%): +9.8% (simd_mac 4 x fp4_e2m1,
 * fitted); held out, −8.7% (simd_mac 4 x posit(4,1)).
 */
const STATED_ERROR = 0.099;
const STATED_HELD_OUT_ERROR = 0.088;

interface CalibrationPoint {
  readonly label: string;
  readonly file: string;
  readonly accel: string;
  readonly sets?: readonly string[];
  readonly replace?: readonly (readonly [string, string])[];
  readonly fit: boolean;
  readonly kind: string;
  readonly ge: number;
  readonly memoryBits: number;
  readonly flipFlops: number;
  readonly synthUm2: number;
}

const ROOT = resolve(import.meta.dirname, '../..');
const fixture = JSON.parse(readFileSync(resolve(import.meta.dirname, 'pe-synth-calibration.json'), 'utf8')) as {
  readonly date: string;
  readonly yosys: string;
  readonly flow: string;
  readonly points: readonly CalibrationPoint[];
};

function elaboratePe(p: CalibrationPoint): IrPe {
  const path = resolve(ROOT, 'examples', p.file);
  let text = readFileSync(path, 'utf8');
  for (const [from, to] of p.replace ?? []) {
    expect(text.includes(from), `${p.label}: replacement target`).toBe(true);
    text = text.replace(from, to);
  }
  const c = compileFile(path, { readFile: (f: string) => (f === path ? text : undefined) }, { overrides: [...(p.sets ?? [])] });
  const accel = c.design?.accelerators.find((a) => a.name === p.accel);
  if (!accel) throw new Error(`${p.label}: ${c.diagnostics.map((d) => d.message).join('; ')}`);
  const pe = accel.arrays[0].pe;
  expect(pe.kind).toBe(p.kind);
  return pe;
}

function analyticUm2(p: CalibrationPoint): number {
  const pe = elaboratePe(p);
  return costFacet(pe.kind).peCost(pe).areaUm2;
}

describe('analytic PE area vs recorded synthesis', () => {
  it('records its provenance and holds out at least one point per kind', () => {
    expect(fixture.yosys).toMatch(/^@yowasp\/yosys \d+\.\d+/);
    expect(fixture.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(fixture.flow).toBe('generic');
    for (const kind of ['mac', 'bit_serial_mod', 'simd_mac', 'lowrank_gemm']) {
      expect(fixture.points.some((p) => p.kind === kind && p.fit), `${kind} fitted`).toBe(true);
      expect(fixture.points.some((p) => p.kind === kind && !p.fit), `${kind} held out`).toBe(true);
    }
  });

  it('records µm² as GE / 3.9 plus RAM bits at 0.127 / 0.7 µm² each (28 nm)', () => {
    for (const p of fixture.points) expect(p.synthUm2).toBeCloseTo(p.ge / 3.9 + (p.memoryBits * 0.127) / 0.7, 0);
  });

  // The synthesis prices every flip-flop (the flow's dffunmap): the recorded counts are the registers of
  // the generated RTL, each at least a 16-transistor flip-flop (4 GE) of the recorded gates.
  it('records the registers of the generated PEs: mac = accumulator + output + out_valid, simd_mac = quire + 18', () => {
    for (const p of fixture.points) {
      expect(p.ge, p.label).toBeGreaterThan(4 * p.flipFlops);
      const pe = elaboratePe(p);
      // mac_pe.v.hbs: acc, y (int32 for int8 × int8, else fp16) and out_valid
      if (pe.kind === 'mac') expect(p.flipFlops, p.label).toBe(pe.accumulator.bits + (pe.accumulator.name === 'int32' ? 32 : 16) + 1);
      if (pe.kind === 'simd_mac') expect(p.flipFlops, p.label).toBe((pe.quireBits ?? 0) + 18);
    }
  });

  for (const p of fixture.points) {
    const bound = p.fit ? STATED_ERROR : STATED_HELD_OUT_ERROR;
    it(`${p.label} (${p.fit ? 'fitted' : 'held out'}): within ${(100 * bound).toFixed(1)}%`, () => {
      const error = analyticUm2(p) / p.synthUm2 - 1;
      expect(Math.abs(error)).toBeLessThanOrEqual(bound);
    });
  }
});
