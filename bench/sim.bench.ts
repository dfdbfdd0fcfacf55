/**
 * Simulator throughput per example accelerator: simulated MACs per second and simulated cycles per
 * second of a cycle-level run (compile + simulate + golden check of the outputs excluded: only
 * compile + simulate is timed), next to the golden model's MACs per second on the same operands, so the
 * ratio sim/golden is the ratio of the two MACs/s rows. BitMoD runs the 64 × 1024 × 1024 GEMM of the
 * speed target (cycle-exact sim within 3× of golden); the others a smaller GEMM (the name says which).
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileGemm, randomOperands, resolveTarget, type Target } from '../src/compile/index.js';
import { goldenGemm, type GoldenConfig, type GoldenOperands } from '../src/golden/index.js';
import { compileFile } from '../src/ir/elaborate.js';
import { parseWorkload } from '../src/compile/workload.js';
import { Machine, simulateWorkload } from '../src/sim/index.js';
import type { BenchCase } from './harness.js';

function target(file: string, accel: string, simdMode = 0): Target {
  const c = compileFile(resolve(dirname(fileURLToPath(import.meta.url)), '../examples', file), { readFile: (p) => readFileSync(p, 'utf8') }, {});
  const a = c.design?.accelerators.find((x) => x.name === accel);
  if (!a) throw new Error(`${file}: no accelerator ${accel}`);
  return resolveTarget(a, { simdMode });
}

function cases3(file: string, accel: string, m: number, k: number, n: number, simdMode = 0): BenchCase[] {
  const name = `${accel}${simdMode ? ` mode ${simdMode}` : ''} ${m}×${k}×${n}`;
  let cycles = 0;
  const prepare = () => {
    const t = target(file, accel, simdMode);
    const shape = { m, k, n };
    return { t, shape, ops: randomOperands(t, shape, 1) };
  };
  return [
    {
      group: 'sim: MACs',
      name,
      unit: 'MACs',
      minMs: 200,
      setup() {
        const { t, shape, ops } = prepare();
        return () => {
          const c = compileGemm(t, shape, ops);
          cycles = new Machine(t, c.program, c.dram).run().cycles;
          return m * k * n;
        };
      },
    },
    {
      group: 'sim: cycles',
      name,
      unit: 'cycles',
      minMs: 200,
      setup() {
        const { t, shape, ops } = prepare();
        return () => {
          const c = compileGemm(t, shape, ops);
          cycles = new Machine(t, c.program, c.dram).run().cycles;
          return cycles;
        };
      },
    },
    {
      group: 'sim: golden on the same GEMM',
      name,
      unit: 'MACs',
      minMs: 200,
      setup() {
        const { t, ops } = prepare();
        return () => {
          goldenGemm(t.golden, ops as GoldenOperands<GoldenConfig>);
          return m * k * n;
        };
      },
    },
  ];
}

/** Whole timing-only workloads (simulated by periods, src/sim/fast-timing.ts): runs per second. */
function timingWorkload(file: string, accel: string, spec: string): BenchCase {
  return {
    group: 'sim: timing-only workloads',
    name: `${accel} ${spec}`,
    unit: 'runs',
    minMs: 200,
    setup() {
      const a = target(file, accel).accelerator;
      const workload = parseWorkload(spec);
      return () => {
        simulateWorkload(a, workload, { timingOnly: true });
        return 1;
      };
    },
  };
}

const GEMM_4096 = 'gemm:m=4096,k=4096,n=4096';
const PREFILL = 'model:llama-2-7b,stage=prefill,tokens=256';
const DECODE = 'model:llama-2-7b,stage=decode,tokens=1';

export const cases: BenchCase[] = [
  ...[['bitmod.qacc', 'bitmod'], ['bitmod.qacc', 'fp16_baseline'], ['bitmod.qacc', 'ant_baseline'], ['bitmod.qacc', 'olive_baseline'], ['svdquant.qacc', 'svdquant_w4a4'], ['svdquant.qacc', 'svdquant_nvfp4'], ['xr-npe.qacc', 'xr_npe']].map(([f, a]) => timingWorkload(f, a, GEMM_4096)),
  ...[['bitmod.qacc', 'bitmod'], ['bitmod.qacc', 'fp16_baseline'], ['svdquant.qacc', 'svdquant_w4a4']].flatMap(([f, a]) => [timingWorkload(f, a, PREFILL), timingWorkload(f, a, DECODE)]),
  ...cases3('bitmod.qacc', 'bitmod', 64, 1024, 1024),
  ...cases3('bitmod.qacc', 'fp16_baseline', 32, 512, 512),
  ...cases3('svdquant.qacc', 'svdquant_w4a4', 64, 512, 512),
  ...cases3('svdquant.qacc', 'svdquant_nvfp4', 64, 512, 512),
  ...cases3('xr-npe.qacc', 'xr_npe', 64, 512, 512),
  ...cases3('xr-npe.qacc', 'xr_npe', 16, 512, 256, 3),
];
