/**
 * Helpers of the bit_serial_mod engine tests: the target of examples/bitmod.qacc at a small array size
 * (rows/cols overridden with --set, optional narrower staging), the engine's generated files, and the
 * self-bench sources (engine-bsm-bench.ts).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { resolveTarget, type Target } from '../../src/compile/target.js';
import { emitModules } from '../../src/codegen/verilog/emit.js';
import { bitSerialModEngine } from '../../src/codegen/verilog/engine-bit-serial-mod.js';
import { ModuleSet } from '../../src/codegen/verilog/module-set.js';
import type { GeneratedFile } from '../../src/codegen/verilog/emit.js';
import { compileFile } from '../../src/ir/elaborate.js';
import { rtlTemplates } from '../../src/verify/rtl/templates.js';

export const ROOT = resolve(__dirname, '../..');
const host = { readFile: (p: string) => { try { return readFileSync(p, 'utf8'); } catch { return undefined; } } };

/** The target of an accelerator of an example file with `--set` overrides and an optional maxTileK. */
export function smallTarget(file: string, accelerator: string, overrides: readonly string[], maxTileK?: number): Target {
  const c = compileFile(resolve(ROOT, 'examples', `${file}.qacc`), host, { overrides });
  if (!c.design) throw new Error(c.diagnostics.map((d) => d.message).join('; '));
  const a = c.design.accelerators.find((x) => x.name === accelerator);
  if (!a) throw new Error(`no accelerator ${accelerator}`);
  const t = resolveTarget(a);
  return maxTileK === undefined ? t : { ...t, maxTileK };
}

/** The engine module and everything it instantiates, rendered. */
export function engineFiles(t: Target, moduleName = 'bsm_engine'): GeneratedFile[] {
  const set = new ModuleSet();
  set.add(bitSerialModEngine(t, { moduleName, prefix: 'tb_' }));
  return emitModules(set, rtlTemplates, { source: 'test', version: 'test' });
}
