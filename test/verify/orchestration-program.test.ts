/**
 * `qacc verify --backends golden,sim,rtl --trace` at program level: the generated accelerator top (the
 * controller, DMA, buffers and the PE kind's tile engine) runs each case's compiled program on its DRAM
 * image under Verilator; outputs must equal golden's, cycle counts and per-cycle traces the simulator's.
 * Small arrays (--set) keep the Verilator builds short; each build is cached by content hash.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyTargets } from '../../src/verify/cases.js';
import { programDesign } from '../../src/verify/rtl/program-bench.js';
import { buildSimulationAsync } from '../../src/verify/rtl/verilator.js';
import { compileFile } from '../../src/ir/elaborate.js';
import { nodeFileHost } from '../../src/cli/commands/check.js';
import { runCli } from '../cli/fake-io.js';
import { ROOT } from './orchestration-helpers.js';

const EX = (name: string): string => `${ROOT}/examples/${name}.qacc`;

describe('rtl backend at program level (Verilator)', () => {
  // The verify command builds each top synchronously; build it here first without blocking the worker
  // (the same sources, so the command's build is a cache hit).
  beforeAll(async () => {
    const c = compileFile(EX('xr-npe'), nodeFileHost, { overrides: ['size=2'], requireAccelerator: true });
    const seen = new Set<string>();
    for (const t of verifyTargets(c.design!)) {
      const d = programDesign(t.target);
      if (seen.has(d.top.names.top)) continue;
      seen.add(d.top.names.top);
      await buildSimulationAsync({ top: d.top.names.top, files: d.files, testbench: d.testbench });
    }
  }, 600_000);

  it('xr-npe, every SIMD mode: golden = sim = rtl outputs, sim = rtl cycles and traces', async () => {
    const r = await runCli(['verify', EX('xr-npe'), '--set', 'size=2', '--backends', 'golden,sim,rtl', '--trace', '--vectors', '1', '--seed', '5']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^ {2}golden = rtl +(\d+) cases, \d+ outputs compared: all bit-identical$/m);
    const cases = Number(/: (\d+) cases on 4 targets/.exec(r.stdout)?.[1]);
    expect(cases).toBeGreaterThan(20);
    expect(r.stdout).toMatch(new RegExp(`^ {2}cycles sim = rtl +${cases} cases, cycle counts compared: all equal$`, 'm'));
    expect(r.stdout).toMatch(new RegExp(`^ {2}trace sim = rtl +${cases} cases, per-cycle traces compared: all equal$`, 'm'));
    expect(r.code).toBe(0);
  }, 300_000);
});
