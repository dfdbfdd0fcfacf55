/**
 * Program-level RTL against the TypeScript simulator on the same workload: each example accelerator
 * (arrays shrunk with --set so the Verilator build stays short; the same shrunk design for both) runs
 * one compiled GEMM; the rows are simulated cycles per second of the TS simulator (Machine.run on the
 * compiled program) and of the Verilator model of the generated top (runRtlProgram: writing the program
 * and DRAM image, the run, reading the DRAM back — build excluded, done once in setup). The ratio table
 * (bench/run.ts) divides the two. Each setup checks that both produce the same cycles and DRAM.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { compileGemm, randomOperands, resolveTarget, type Target } from '../src/compile/index.js';
import { compileFile } from '../src/ir/elaborate.js';
import { Machine } from '../src/sim/index.js';
import { buildProgramSimulation, runRtlProgram } from '../src/verify/rtl/program-bench.js';
import type { BenchCase, BenchRatio } from './harness.js';

const ROOT = resolve(import.meta.dirname, '..');

function target(file: string, accel: string, overrides: string[]): Target {
  const c = compileFile(resolve(ROOT, 'examples', file), { readFile: (p) => readFileSync(p, 'utf8') }, { overrides });
  const a = c.design?.accelerators.find((x) => x.name === accel);
  if (!a) throw new Error(`${file}: no accelerator ${accel}${c.diagnostics.length ? ` (${c.diagnostics[0].message})` : ''}`);
  return resolveTarget(a);
}

const TS = 'rtl vs sim: TS simulator';
const VL = 'rtl vs sim: Verilator top';

function pair(file: string, accel: string, overrides: string[], m: number, k: number, n: number): { cases: BenchCase[]; ratio: BenchRatio } {
  const name = `${accel} (${overrides.join(' ')}) ${m}×${k}×${n}`;
  const prepare = () => {
    const t = target(file, accel, overrides);
    const shape = { m, k, n };
    const c = compileGemm(t, shape, randomOperands(t, shape, 1));
    if (!c.dram) throw new Error('no DRAM image');
    return { t, c, dram: c.dram };
  };
  return {
    cases: [
      {
        group: TS,
        name,
        unit: 'cycles',
        minMs: 300,
        setup() {
          const { t, c, dram } = prepare();
          return () => new Machine(t, c.program, dram.slice()).run().cycles;
        },
      },
      {
        group: VL,
        name,
        unit: 'cycles',
        minMs: 1000,
        setup() {
          const { t, c, dram } = prepare();
          buildProgramSimulation(t);
          const simDram = dram.slice();
          const simCycles = new Machine(t, c.program, simDram).run().cycles;
          const r = runRtlProgram({ target: t, program: c.program, dram });
          if (r.trapCode !== 0 || r.cycles !== simCycles || Buffer.compare(Buffer.from(r.dram), Buffer.from(simDram)) !== 0) {
            throw new Error(`${name}: the RTL disagrees with the simulator (trap ${r.trapCode}, cycles ${r.cycles} vs ${simCycles})`);
          }
          return () => runRtlProgram({ target: t, program: c.program, dram }).cycles;
        },
      },
    ],
    ratio: { name: `${name}: TS-sim / Verilator`, numerator: { group: TS, name }, denominator: { group: VL, name } },
  };
}

const all = [
  { kind: 'bit_serial_mod', p: pair('bitmod.qacc', 'bitmod', ['rows=4', 'cols=4'], 8, 512, 8) },
  { kind: 'mac', p: pair('bitmod.qacc', 'fp16_baseline', ['fp16_rows=4', 'fp16_cols=4'], 8, 512, 8) },
  { kind: 'simd_mac', p: pair('xr-npe.qacc', 'xr_npe', ['size=4'], 8, 256, 8) },
  { kind: 'lowrank_gemm', p: pair('svdquant.qacc', 'svdquant_w4a4', ['rows=2', 'cols=2', 'lanes=8', 'rank=16'], 4, 256, 4) },
];

export const cases: BenchCase[] = all.flatMap((x) => x.p.cases);
export const ratios: BenchRatio[] = all.map((x) => x.p.ratio);
