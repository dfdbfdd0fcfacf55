/**
 * `qacc verify --backends golden,sim,rtl --trace` at program level: the generated accelerator top (the
 * controller, DMA, buffers and the PE kind's tile engine) runs each case's compiled program on its DRAM
 * image under Verilator; outputs must equal golden's, cycle counts and per-cycle traces the simulator's.
 * Every example runs, every accelerator and SIMD mode of it; small arrays and narrow buffer ports (--set)
 * keep the Verilator builds short, and each build is cached by content hash; xr-npe also runs with the
 * DRAM latency and outstanding DMAs at their corners. The verify command builds
 * asynchronously (Backend.check), so the test worker stays responsive during the builds.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/fake-io.js';
import { ROOT } from './orchestration-helpers.js';
import { expectRtlTraceAgreement } from './verify-report.js';

const EX = (name: string): string => `${ROOT}/examples/${name}.qacc`;

/** Each example with its arrays and buffer ports shrunk (params of the example), so the tops build in seconds. */
const EXAMPLES: readonly { name: string; sets: readonly string[]; targets: number }[] = [
  { name: 'xr-npe', sets: ['size=2'], targets: 4 },
  // the DMA protocol at its corners (docs/simulator.md "DRAM"): one DMA in flight behind a long latency,
  // and two in flight with a one-cycle latency (the default is 8 behind 64 cycles)
  { name: 'xr-npe', sets: ['size=2', 'outstanding=1', 'latency=200'], targets: 4 },
  { name: 'xr-npe', sets: ['size=2', 'outstanding=2', 'latency=1'], targets: 4 },
  { name: 'bitmod', sets: ['rows=2', 'cols=2', 'fp16_rows=2', 'fp16_cols=2', 'ant_rows=2', 'ant_cols=2', 'olive_rows=2', 'olive_cols=2', 'banks=1'], targets: 5 },
  { name: 'svdquant', sets: ['rows=2', 'cols=2', 'lanes=8', 'rank=16', 'banks=1'], targets: 2 },
];

describe('rtl backend at program level (Verilator): qacc verify --backends golden,sim,rtl --trace on every example', () => {
  for (const ex of EXAMPLES) {
    it(`${ex.name} (${ex.sets.join(' ')}), every accelerator and mode: golden = sim = rtl outputs, sim = rtl cycles and traces`, async () => {
      const r = await runCli(['verify', EX(ex.name), ...ex.sets.flatMap((s) => ['--set', s]), '--backends', 'golden,sim,rtl', '--trace', '--vectors', '1', '--seed', '5']);
      expectRtlTraceAgreement(r, 10, ex.targets);
      // every target ran the program on the top (no PE-level fallback)
      expect(r.stdout).not.toMatch(/ran at PE level/);
    }, 600_000);
  }
});
