/**
 * What every generated design holds outside its PE array and tile engine, in the analytic estimate
 * (src/estimate/outside-engine.ts, src/estimate/components.ts): three components after the buffers, for every
 * PE kind. Oracles: the recorded syntheses of test/estimate/outside-engine-samples.json (`npm run synth:study --
 * outside`: Yosys's memory bits of the top and its queues, and the buffers' and top's transistors), GE =
 * transistors / 4, 1 GE = 1 / 3.9 µm², SRAM 0.127 / 0.7 µm² per bit. The model's coefficients are checked
 * against the same record in synth/outside-engine-model.test.ts.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { estimateDesign } from '../../src/estimate/estimate.js';
import { compileFile } from '../../src/ir/elaborate.js';

const example = (file: string, accel: string, sets: readonly string[] = []) => {
  const c = compileFile(resolve(import.meta.dirname, '../../examples', file), { readFile: (p) => readFileSync(p, 'utf8') }, { overrides: [...sets] });
  return c.design!.accelerators.find((a) => a.name === accel)!;
};

const record = JSON.parse(readFileSync(resolve(import.meta.dirname, 'outside-engine-samples.json'), 'utf8')) as {
  readonly points: Readonly<Record<string, { readonly units: readonly { readonly unit: string; readonly transistors: number; readonly memory_bits: number }[] }>>;
};
const SRAM = 0.127 / 0.7;
const NAMES = ['buffer port logic', 'controller and instruction queues', 'instruction memory and queue RAMs'];

describe('components outside the tile engine', () => {
  it.each(['bitmod', 'svdquant_w4a4', 'xr_npe', 'mac_int8'])('%s: three components after the buffers; RAMs exactly the synthesized bits, logic within 1% / 3% of the synthesized buffers / top', (name) => {
    const file = { bitmod: 'bitmod.qacc', svdquant_w4a4: 'svdquant.qacc', xr_npe: 'xr-npe.qacc', mac_int8: 'mac-ws.qacc' }[name]!;
    const r = estimateDesign(example(file, name));
    const names = r.components.map((c) => c.name);
    expect(names.slice(-4)).toEqual([...NAMES, 'DRAM interface']);
    const [ports, controller, rams] = NAMES.map((n) => r.components.find((c) => c.name === n)!);
    const units = record.points[name].units;
    // the top's RAMs and each queue's: the top holds three queues, two of the 200-bit entries (load, store)
    const bits = units.find((u) => u.unit === '_top')!.memory_bits + 2 * units.find((u) => u.unit === '_iq#W=200')!.memory_bits + units.find((u) => u.unit === '_iq#W=160')!.memory_bits;
    expect(bits).toBe(2108088);
    expect(rams.area_um2).toBeCloseTo(bits * SRAM, 6);
    const um2 = (transistors: number): number => transistors / 4 / 3.9;
    const buffers = units.filter((u) => u.unit.startsWith('_buf_')).reduce((s, u) => s + u.transistors, 0);
    expect(Math.abs(ports.area_um2 / um2(buffers) - 1)).toBeLessThan(0.01);
    const top = units.find((u) => u.unit === '_top')!.transistors + units.find((u) => u.unit === '_iq#W=200')!.transistors * 2 + units.find((u) => u.unit === '_iq#W=160')!.transistors;
    expect(Math.abs(controller.area_um2 / um2(top) - 1)).toBeLessThan(0.03);
    expect(r.area_um2).toBeCloseTo(r.components.reduce((s, c) => s + c.area_um2, 0), 6);
  });

  it('the authors model (bitmod2025) leaves them out; --synth replaces them by its synthesized buffers, controller and RAMs', () => {
    const acc = example('bitmod.qacc', 'bitmod', ['rows=4', 'cols=4']);
    expect(estimateDesign(acc, { costModel: 'bitmod2025' }).components.some((c) => NAMES.includes(c.name))).toBe(false);
    const synth = [
      { name: 'buffer port logic (synthesized)', gate_equivalents: 1, area_um2: 1, source: 'test' },
      { name: 'controller and instruction queues (synthesized)', gate_equivalents: 1, area_um2: 1, source: 'test' },
    ];
    const r = estimateDesign(acc, { synthAreas: synth });
    expect(r.components.some((c) => NAMES.includes(c.name))).toBe(false);
    expect(r.components.filter((c) => /synthesized/.test(c.name))).toEqual(synth);
  });

  it('scales with the node like every area: × 4 at 56 nm', () => {
    const acc = example('mac-ws.qacc', 'mac_int8');
    const [a, b] = [estimateDesign(acc), estimateDesign(acc, { technologyNm: 56 })];
    for (const n of NAMES) expect(b.components.find((c) => c.name === n)!.area_um2).toBeCloseTo(4 * a.components.find((c) => c.name === n)!.area_um2, 6);
  });
});
