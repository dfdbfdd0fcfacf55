/**
 * `--synth` extrapolates a large tile engine's sub-unit counts by module name from its fit samples
 * (src/estimate/synth/design.ts). A sub-unit generated per array size — the output-stationary mac engine's operand
 * stagings, one instance each, named by their banks (`…_mac_operand_act_b<cols>_…`) — has no count to fit (at
 * 32 × 24 a fit would count 1 four-bank and 3 eight-bank activation stagings for the design's one 24-bank one).
 * Where every sample instantiates each such sub-unit once, as many as the design's engine names modules of its own,
 * the design's own modules are synthesized at its size and counted once; otherwise the extrapolation refuses with a
 * clear error. Yosys does not run: each sample's synthesis is stubbed with its real sub-modules (engineFiles), the
 * PE cell counted rows × cols (read off the engine's generate loops), every other sub-module once.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

/** How the stub counts a sample's sub-modules; a test may change it. */
const stub = vi.hoisted(() => ({ extraOperandCopy: false }));

vi.mock('../../../src/estimate/synth/synthesize.js', () => {
  return {
    synthesizeUnit: (name: string, _p: unknown, files: readonly { text: string }[], subs: readonly { name: string }[]) => {
      const rows = Number(/gj < (\d+)/.exec(files[0].text)?.[1]);
      const cols = Number(/gi < (\d+)/.exec(files[0].text)?.[1]);
      const count = (s: string): number => (/_cell/.test(s) ? rows * cols : /_operand_act/.test(s) && stub.extraOperandCopy ? 2 : 1);
      return Promise.resolve({ result: { own: { cells: 1, cell_types: {}, transistors: 1000 + rows * cols, memory_bits: 0, levels: 1 }, children: subs.map((s) => ({ module: s.name, params: {}, count: count(s.name) })) }, cached: true, seconds: 0, name });
    },
    synthesizeModules: (_modules: unknown, top: string, _depth: unknown, _options: unknown, hook: (m: string, p: object, d: number) => Promise<unknown>) => hook(`${top}_engine_mac`, {}, 1),
  };
});

const { synthesizeDesign, acceleratorModules, engineModule } = await import('../../../src/estimate/synth/design.js');
const { moduleDependencies } = await import('../../../src/estimate/synth/modules.js');
const { compileFile } = await import('../../../src/ir/elaborate.js');

describe('--synth extrapolation of an engine whose sub-units are generated per size (bitmod.qacc fp16_baseline, 32 × 24)', () => {
  const c = compileFile(resolve(import.meta.dirname, '../../../examples/bitmod.qacc'), { readFile: (p) => readFileSync(p, 'utf8') }, {});
  const accel = c.design!.accelerators.find((a) => a.name === 'fp16_baseline')!;
  const { modules, top } = acceleratorModules(accel);
  const engine = engineModule(modules, top)!;
  const designOperands = (moduleDependencies(modules).get(engine) ?? []).filter((m) => /_operand_/.test(m));

  it('synthesizes the design\'s own operand stagings, once each, and fits the rest', async () => {
    stub.extraOperandCopy = false;
    expect(designOperands).toHaveLength(2);
    const r = (await synthesizeDesign(accel, { flow: 'generic', cacheDir: null })) as unknown as { result: { children: { module: string; count: number }[] } };
    const got = r.result.children;
    for (const m of designOperands) expect(got.filter((c) => c.module === m)).toEqual([{ module: m, params: {}, count: 1 }]);
    // no sample's staging is counted in the design
    expect(got.filter((c) => /_operand_/.test(c.module))).toHaveLength(2);
    expect(got.find((c) => /_cell/.test(c.module))?.count).toBe(32 * 24);
  });

  it('refuses, naming the sub-unit, when a sample instantiates a per-size sub-unit more than once', async () => {
    stub.extraOperandCopy = true;
    await expect(synthesizeDesign(accel, { flow: 'generic', cacheDir: null })).rejects.toThrow(/cannot be extrapolated to 32 × 24: its sub-unit fp16_baseline_top_mac_operand_\w+ is generated per array size/);
    stub.extraOperandCopy = false;
  });
});
