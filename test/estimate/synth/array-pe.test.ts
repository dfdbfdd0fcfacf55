/**
 * The PE an array is made of (src/estimate/synth/design.ts `arrayPeModule` / `synthesizeArrayPe`, what
 * `npm run calibrate` synthesizes): the tile engine's own PE where the kind declares one
 * (CostFacet.arrayPeModule: lowrank_gemm's `<top>_lowrank_pe`), else the PE top. The oracle is the engine's
 * generated Verilog: the module it instantiates once per PE, inside its rows × cols generate loop. The Yosys
 * worker is a stub that records its script: no Yosys runs.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { compileFile } from '../../../src/ir/elaborate.js';
import type { IrAccelerator } from '../../../src/ir/types.js';

const scripts = vi.hoisted(() => [] as string[]);
vi.mock('../../../src/verify/rtl/yosys.js', () => ({
  runYosysInWorker: (args: string[]) => {
    scripts.push(args[args.indexOf('-p') + 1]);
    return Promise.resolve({ ok: false, message: 'stub', log: '' });
  },
}));

const { acceleratorModules, arrayPeModule, engineFiles, synthesizeArrayPe } = await import('../../../src/estimate/synth/design.js');

const EXAMPLES = resolve(import.meta.dirname, '../../../examples');

function accelerator(file: string, name: string, sets: readonly string[] = []): IrAccelerator {
  const c = compileFile(resolve(EXAMPLES, file), { readFile: (p) => readFileSync(p, 'utf8') }, { overrides: [...sets] });
  const a = c.design?.accelerators.find((x) => x.name === name);
  if (!a) throw new Error(`${file}: no accelerator ${name}`);
  return a;
}

/** The engine's sub-modules instantiated (`<module> <instance> (`) in its generated Verilog. */
function instantiated(accel: IrAccelerator): string[] {
  const { engine, subs } = engineFiles(accel);
  return subs.map((s) => s.name).filter((n) => new RegExp(`^\\s*${n}\\s+(#\\([^;]*\\)\\s*)?\\w+\\s*\\(`, 'm').test(engine.text));
}

describe("the array's PE module", () => {
  it('lowrank_gemm: the engine PE the engine instantiates, not the PE-level top', () => {
    const accel = accelerator('svdquant.qacc', 'svdquant_w4a4', ['rows=2', 'cols=2', 'lanes=4']);
    const { modules, peTop } = acceleratorModules(accel);
    const pe = arrayPeModule(accel, modules, peTop);
    expect(pe).not.toBe(peTop);
    expect(instantiated(accel)).toContain(pe);
    expect(modules.find((m) => m.name === pe)?.text).toMatch(/reg \[31:0\] vf \[0:/); // its accumulator file
  });

  // bit_serial_mod (both datapaths) and mac (every output-stationary cell variant): the engine's own PE
  for (const [file, name, sets, ending] of [
    ['bitmod.qacc', 'bitmod', ['rows=2', 'cols=2'], /_bsm_engine_pe$/],
    ['bitmod.qacc', 'bitmod_authors', ['rows=2', 'cols=2'], /_bsm_engine_pe$/],
    ['bitmod.qacc', 'fp16_baseline', ['fp16_rows=2', 'fp16_cols=2'], /_mac_cell_fp16_fma_fp32_l1$/],
    ['bitmod.qacc', 'olive_baseline', ['olive_rows=2', 'olive_cols=2'], /_mac_cell_fp16_int8_fp32_l1$/],
  ] as const) {
    it(`${name}: the PE its engine instantiates, not the PE-level top`, () => {
      const accel = accelerator(file, name, [...sets]);
      const { modules, peTop } = acceleratorModules(accel);
      const pe = arrayPeModule(accel, modules, peTop);
      expect(pe).not.toBe(peTop);
      expect(pe).toMatch(ending);
      expect(instantiated(accel)).toContain(pe);
    });
  }

  it('a kind that declares none (simd_mac): the PE top', () => {
    const accel = accelerator('xr-npe.qacc', 'xr_npe', ['size=2']);
    const { modules, peTop } = acceleratorModules(accel);
    expect(arrayPeModule(accel, modules, peTop)).toBe(peTop);
    expect(instantiated(accel)).toContain(peTop); // simd_mac's engine instantiates the PE top itself
  });

  it('synthesizeArrayPe synthesizes that module alone, flat, without share where the kind says so', async () => {
    scripts.length = 0;
    const accel = accelerator('svdquant.qacc', 'svdquant_w4a4', ['rows=2', 'cols=2', 'lanes=4']);
    await synthesizeArrayPe(accel, { flow: 'generic', cacheDir: null }).catch(() => undefined);
    expect(scripts).toHaveLength(1);
    expect(scripts[0]).toContain('synth -top svdquant_w4a4_top_lowrank_pe -flatten -noshare ');
  });
});
