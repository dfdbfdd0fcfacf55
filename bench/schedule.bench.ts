/**
 * The scheduling compiler against the roofline (issue 13): cycles / bound of the four workloads of the
 * issue's table, timing-only `qacc sim` (the same simulateWorkload), with the targets next to them,
 * and the compile time of a whole Llama-2-7B prefill (schedule, plan and loop program of every layer); each
 * row also without layer chains (`--no-layer-overlap`, src/compile/chain.ts), and the time of a whole decode
 * run with its chains compiled and timed.
 * docs/scheduler.md records the table before and after.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileGemm, parseWorkload, resolveTarget } from '../src/compile/index.js';
import { compileFile } from '../src/ir/elaborate.js';
import type { IrAccelerator } from '../src/ir/types.js';
import { simulateWorkload } from '../src/sim/index.js';
import type { BenchCase, BenchReport } from './harness.js';

function accelerator(file: string, sets: readonly string[] = []): IrAccelerator {
  const c = compileFile(resolve(dirname(fileURLToPath(import.meta.url)), '../examples', file), { readFile: (p) => readFileSync(p, 'utf8') }, { overrides: [...sets] });
  const a = c.design?.accelerators[0];
  if (!a) throw new Error(`${file}: no accelerator`);
  return a;
}

/** The workloads: design, --set overrides, workload spec, target cycles / bound. */
const WORKLOADS: readonly { name: string; file: string; sets: readonly string[]; workload: string; target: number }[] = [
  { name: 'BitMoD 64×16, Llama-2-7B decode, 1 token', file: 'bitmod.qacc', sets: ['rows=64', 'cols=16'], workload: 'model:llama-2-7b,stage=decode,tokens=1', target: 1.05 },
  { name: 'BitMoD 32×32, Llama-2-7B prefill, 256 tokens', file: 'bitmod.qacc', sets: [], workload: 'model:llama-2-7b,stage=prefill,tokens=256', target: 1.1 },
  { name: 'svdquant_w4a4, gemm 256×3072×3072', file: 'svdquant.qacc', sets: [], workload: 'gemm:m=256,k=3072,n=3072', target: 1.5 },
  { name: 'xr_npe, gemm 256×1024×1024', file: 'xr-npe.qacc', sets: [], workload: 'gemm:m=256,k=1024,n=1024', target: 1.2 },
];

function boundTable(): string {
  const rows = [['workload (timing-only qacc sim)', 'cycles', 'bound cycles', 'bound', 'cycles / bound', 'without layer chains', 'target']];
  for (const w of WORKLOADS) {
    const { report } = simulateWorkload(accelerator(w.file, w.sets), parseWorkload(w.workload), { timingOnly: true });
    const alone = simulateWorkload(accelerator(w.file, w.sets), parseWorkload(w.workload), { timingOnly: true, layerOverlap: false }).report;
    const bound = report.layers.reduce((s, l) => s + l.bound_cycles * l.count, 0);
    const kinds = new Set(report.layers.map((l) => l.bound));
    rows.push([w.name, String(report.cycles), String(bound), [...kinds].join('+'), `${(report.cycles / bound).toFixed(4)}×`, `${(alone.cycles / bound).toFixed(4)}×`, `≤ ${w.target}×`]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]): string => '| ' + r.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |';
  return [line(rows[0]), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...rows.slice(1).map(line)].join('\n');
}

export const reports: BenchReport[] = [{ group: 'schedule: cycles / roofline bound (issue 13 workloads)', render: boundTable }];

export const cases: BenchCase[] = [
  {
    group: 'schedule: compile',
    name: 'Llama-2-7B prefill 256 tokens on BitMoD 32×32 (every layer: schedule, plan, loop program)',
    unit: 'models',
    minMs: 500,
    setup() {
      const t = resolveTarget(accelerator('bitmod.qacc'));
      const layers = parseWorkload('model:llama-2-7b,stage=prefill,tokens=256').layers;
      return () => {
        for (const l of layers) void compileGemm(t, l, undefined, { timingOnly: true }).program.length;
        return 1;
      };
    },
  },
  {
    group: 'schedule: layer chains',
    name: 'Llama-2-7B decode on BitMoD 64×16, timing-only sim with every distinct layer chain compiled and timed',
    unit: 'runs',
    minMs: 500,
    setup() {
      const a = accelerator('bitmod.qacc', ['rows=64', 'cols=16']);
      const w = parseWorkload('model:llama-2-7b,stage=decode,tokens=1');
      return () => {
        void simulateWorkload(a, w, { timingOnly: true }).report.cycles;
        return 1;
      };
    },
  },
];
