/**
 * The targets of the program-level RTL tests, by name, so a child process can build the same Verilator
 * model into the on-disk cache (program-prebuild.ts) while the test worker waits asynchronously: a build
 * takes about a minute on this machine, longer than the test runner tolerates a blocked worker.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TopOptions } from '../../src/codegen/verilog/top.js';
import { resolveTarget, type Target } from '../../src/compile/target.js';
import { compileFile } from '../../src/ir/elaborate.js';
import type { IrAccelerator } from '../../src/ir/types.js';

// (no __dirname: this module also runs under tsx as ESM in the prebuild child)
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function elaborate(path: string, text?: string): IrAccelerator[] {
  const readFile = (p: string): string | undefined => {
    if (p === path && text !== undefined) return text;
    try {
      return readFileSync(p, 'utf8');
    } catch {
      return undefined;
    }
  };
  const c = compileFile(path, { readFile }, {});
  if (!c.design) throw new Error(`${path}: ${c.diagnostics.map((d) => d.message).join('; ')}`);
  return [...c.design.accelerators];
}

/** A small int8 MAC design: 4 KiB buffers (act 3 KiB, out 1 KiB, wgt 3.5 KiB, meta 512 B), 16-byte beats. */
export const TINY_SOURCE = `
pe p : mac { weights = int8; activations = int8; accumulator = int32; }
array arr { pe = p; rows = 4; cols = 4; }
buffer wb { size = 4 KiB; width = 128; banks = 2; role = weights; }
buffer ab { size = 4 KiB; width = 128; banks = 2; role = activations; }
accelerator tiny { arrays = arr; buffers = [wb, ab]; clock = 1 GHz; dram = 128 b/cycle; }
`;

export interface ProgramTarget {
  readonly target: Target;
  readonly options: TopOptions;
}

export const PROGRAM_TARGETS = {
  /** The tiny design's top without its tile engine (controller checks). */
  tiny: (): ProgramTarget => ({ target: resolveTarget(elaborate('/virtual/tiny.qacc', TINY_SOURCE)[0]), options: { imemWords: 1024, engine: 'none' } }),
  /** xr-npe (simd_mac) on a 2 x 2 array with its tile engine. */
  xrnpe: (): ProgramTarget => {
    const t = resolveTarget(elaborate(resolve(ROOT, 'examples/xr-npe.qacc'))[0]);
    return { target: resolveTarget({ ...t.accelerator, arrays: [{ ...t.array, rows: 2, cols: 2, pes: 4 }] }), options: { imemWords: 1024 } };
  },
} as const;

export type ProgramTargetName = keyof typeof PROGRAM_TARGETS;

/** Builds a named target's model in a child process (fills the cache); resolves when done. */
export function prebuild(name: ProgramTargetName): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(resolve(ROOT, 'node_modules/.bin/tsx'), [resolve(ROOT, 'test/verify/program-prebuild.ts'), name], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('error', fail);
    child.on('close', (code) => (code === 0 ? done() : fail(new Error(`prebuild ${name} failed: ${err.trim().split('\n').slice(-8).join('\n')}`))));
  });
}
