/**
 * The targets of the program-level RTL tests, by name. `prebuild` builds a target's Verilator model
 * asynchronously (a build takes up to a minute, longer than the test runner tolerates a blocked worker),
 * so the tests' synchronous runs find it in the cache.
 */
import { readFileSync } from 'node:fs';
import type { TopOptions } from '../../src/codegen/verilog/top.js';
import { buildProgramSimulationAsync } from '../../src/verify/rtl/program-bench.js';
import { resolveTarget, type Target } from '../../src/compile/target.js';
import { compileFile } from '../../src/ir/elaborate.js';
import type { IrAccelerator } from '../../src/ir/types.js';

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

/**
 * A small int8 MAC design: act 3 KiB, an outputs buffer of 1 KiB (the random programs use two 512-byte out
 * regions; without an outputs buffer the out space would be two 4 × 4 output tiles, 128 bytes), wgt 3.5 KiB,
 * meta 512 B, 16-byte beats.
 */
export const TINY_SOURCE = `
pe p : mac { weights = int8; activations = int8; accumulator = int32; }
array arr { pe = p; rows = 4; cols = 4; }
buffer wb { size = 4 KiB; width = 128; banks = 2; role = weights; }
buffer ab { size = 3 KiB; width = 128; banks = 2; role = activations; }
buffer ob { size = 1 KiB; width = 128; banks = 2; role = outputs; }
accelerator tiny { arrays = arr; buffers = [wb, ab, ob]; clock = 1 GHz; dram = 128 b/cycle; }
`;

export interface ProgramTarget {
  readonly target: Target;
  readonly options: TopOptions;
}

export const PROGRAM_TARGETS = {
  /** The tiny design's top without its tile engine (controller checks). */
  tiny: (): ProgramTarget => ({ target: resolveTarget(elaborate('/virtual/tiny.qacc', TINY_SOURCE)[0]), options: { imemWords: 1024, engine: 'none' } }),
} as const;

export type ProgramTargetName = keyof typeof PROGRAM_TARGETS;

/** Builds a named target's model without blocking the worker (fills the cache); resolves when done. */
export async function prebuild(name: ProgramTargetName): Promise<void> {
  const { target, options } = PROGRAM_TARGETS[name]();
  await buildProgramSimulationAsync(target, options);
}
