/**
 * `--synth` extrapolates a large tile engine's sub-unit counts by module name from its fit samples
 * (src/estimate/synth/design.ts). A sub-unit generated per array size — the output-stationary mac engine's operand
 * stagings, one instance each, named by their banks (`…_mac_operand_act_b<cols>_…`) — has no count to fit (at
 * 32 × 24 the fit would count 1 four-bank and 3 eight-bank activation stagings for the design's one 24-bank one),
 * so the extrapolation refuses with a clear error rather than pricing other modules. Yosys does not run: the
 * synthesis of each sample is stubbed with the sample's real sub-modules (engineFiles), one instance each.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

vi.mock('../../../src/estimate/synth/synthesize.js', () => {
  return {
    synthesizeUnit: (name: string, _p: unknown, _files: unknown, subs: readonly { name: string }[]) =>
      Promise.resolve({ result: { own: { cells: 1, cell_types: {}, transistors: 1000, memory_bits: 0, levels: 1 }, children: subs.map((s) => ({ module: s.name, params: {}, count: 1 })) }, cached: true, seconds: 0, name }),
    synthesizeModules: (_modules: unknown, top: string, _depth: unknown, _options: unknown, hook: (m: string, p: object, d: number) => Promise<unknown>) => hook(`${top}_engine_mac`, {}, 1),
  };
});

const { synthesizeDesign } = await import('../../../src/estimate/synth/design.js');
const { compileFile } = await import('../../../src/ir/elaborate.js');

describe('--synth extrapolation of an engine whose sub-units are generated per size', () => {
  it('refuses, naming the sub-unit (bitmod.qacc fp16_baseline, 32 × 24)', async () => {
    const c = compileFile(resolve(import.meta.dirname, '../../../examples/bitmod.qacc'), { readFile: (p) => readFileSync(p, 'utf8') }, {});
    const accel = c.design!.accelerators.find((a) => a.name === 'fp16_baseline')!;
    await expect(synthesizeDesign(accel, { flow: 'generic', cacheDir: null })).rejects.toThrow(/cannot be extrapolated to 32 × 24: its sub-unit fp16_baseline_top_mac_operand_\w+ is generated per array size/);
  });
});
