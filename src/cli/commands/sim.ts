/**
 * `qacc sim <file.qacc> --workload <spec> [--seed N] [--json] [--vcd f] [--set k=v] [--accelerator name]
 * [--mode i] [--timing-only] [--explain] [--no-layer-overlap]`: compiles a workload for an accelerator of a .qacc description, runs it on
 * the cycle-level simulator and prints a summary (or, with --json, the SimReport object: `cycles`,
 * `macs`, `utilization`, `bytes`, `match_golden`, …, and per layer the roofline bound and the scheduler's
 * decision `schedule`; `--explain` prints that decision readably). A cycle-mode run whose outputs differ from the
 * golden model exits 1 after printing the report. The VCD trace (first simulated GEMM) is written
 * atomically.
 */
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { checkDesign } from '../../compile/check-design.js';
import { parseWorkload } from '../../compile/workload.js';
import { compileFile } from '../../ir/elaborate.js';
import { renderVcd } from '../../sim/vcd.js';
import { progressLine } from '../../sim/progress.js';
import { simulateWorkload, type SimReport } from '../../sim/run.js';
import type { CommandFactory } from '../context.js';
import { ReportedFailure, UsageError } from '../errors.js';
import { compilationInputs, openDesignSource } from '../design-source.js';
import { writeFileAtomic } from '../io.js';
import { checkOutput } from '../output-paths.js';
import { QACC_VERSION } from '../version.js';
import { printDiagnostics } from './check.js';

interface Args {
  readonly file: string;
  readonly workload: string;
  readonly seed: number;
  readonly json: boolean;
  readonly vcd: string | undefined;
  readonly set: string[] | undefined;
  readonly accelerator: string | undefined;
  readonly mode: number;
  readonly 'timing-only': boolean;
  readonly explain: boolean;
  readonly 'layer-overlap': boolean;
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

/** Bytes in a short readable unit. */
function bytesText(b: number): string {
  if (b >= 1e9) return `${(b / 1e9).toFixed(2)} GB`;
  if (b >= 1e6) return `${(b / 1e6).toFixed(2)} MB`;
  if (b >= 1e3) return `${(b / 1e3).toFixed(1)} kB`;
  return `${b} B`;
}

/** Why a transition is not chained, readably. */
const REFUSALS: Readonly<Record<NonNullable<SimReport['layers'][number]['overlaps'][number]['refused']>, string>> = {
  kind: 'the PE kind does not chain layers',
  dram: 'the joint DRAM image exceeds the ISA addresses',
  imem: 'the joint program does not fit the instruction memory',
  tokens: 'the programs do not hand over tokens',
  'no-gain': 'it saves no cycle',
  off: '--no-layer-overlap',
};

/** The scheduler's decision for each layer (`--explain`). */
export function formatSchedules(r: SimReport): string {
  const lines = ['schedule (per layer instance: tiling, loop order, resident operand, predicted DRAM traffic and cycles, bound)'];
  for (const l of r.layers) {
    const s = l.schedule;
    const t = s.tiling;
    const resident =
      s.resident === 'none'
        ? `both operands streamed per k step${s.loads_ahead > 2 ? ` through a ring of ${s.loads_ahead} slots (loads up to ${s.loads_ahead} steps ahead)` : ''}`
        : s.resident === 'both'
          ? `the weight panels of ${s.block} n tiles and the m tile's activation panel resident${s.loads_ahead > 2 ? `, loads up to ${s.loads_ahead} steps ahead` : ''}`
          : `${s.resident === 'act' ? 'activation' : 'weight'} panel resident across the inner tiles`;
    const split = s.k_chunks > 1 ? `, K split in ${s.k_chunks} chunks (fp32 partial sums through DRAM)` : '';
    lines.push(`  ${l.name} ${l.m}×${l.k}×${l.n}: tiles ${t.mt}×${t.nt}×${t.kt} (${t.m_tiles}×${t.n_tiles}×${t.k_tiles} tiles, ${t.passes} array passes), ${s.dataflow.replace('_', '-')}, ${s.loop_order}, ${resident}${split}`);
    const b = s.bytes;
    lines.push(`    DRAM traffic act ${bytesText(b.act)}, wgt ${bytesText(b.wgt)}, other ${bytesText(b.other)}, out ${bytesText(b.out)} (total ${bytesText(b.total)})`);
    lines.push(`    cycles predicted ${s.predicted_cycles}, simulated ${l.cycles}; ${s.bound} bound ${s.bound_cycles} (${l.cycles_over_bound.toFixed(2)}×); program ${l.program_words} words`);
    for (const o of l.overlaps) lines.push(`    then ${o.next} ×${o.count}: ${o.chained ? `chained, saves ${o.saved_cycles} cycles each` : `not chained (${REFUSALS[o.refused ?? 'off']})`}`);
  }
  return lines.join('\n') + '\n';
}

/** The readable summary. */
export function formatSimReport(r: SimReport): string {
  const lines = [
    `accelerator ${r.accelerator} (${r.pe}), workload ${r.workload}, ${r.mode === 'cycle' ? 'cycle-level with arithmetic' : 'timing only'}, seed ${r.seed}`,
    `cycles         ${r.cycles} (${(r.seconds * 1e6).toFixed(2)} µs)`,
    `MACs           ${r.macs}`,
    `utilization    ${pct(r.utilization)} of the peak ${r.peak_macs_per_cycle} MACs/cycle; PE array busy ${pct(r.pe_busy)} of cycles`,
    `DRAM bytes     ${r.bytes.dram} (read ${r.bytes.dram_read}, written ${r.bytes.dram_write}); SRAM read ${r.bytes.sram_read}, written ${r.bytes.sram_write}`,
    `by class       ${Object.entries(r.cycles_by_class).map(([k, v]) => `${k} ${v}`).join(', ')}`,
  ];
  for (const [q, s] of Object.entries(r.stalls)) {
    const parts = Object.entries(s).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`);
    lines.push(`${`${q} stalls`.padEnd(15)}${parts.length ? parts.join(', ') : 'none'}`);
  }
  const overBound = (l: SimReport['layers'][number]): string => `${l.cycles_over_bound.toFixed(2)}× the ${l.bound} bound of ${l.bound_cycles}`;
  if (r.layers.length > 1) for (const l of r.layers) lines.push(`  ${l.name.padEnd(8)} ${l.m}×${l.k}×${l.n} ×${l.count}: ${l.cycles} cycles each, ${overBound(l)} (tile ${l.tiling.mt}×${l.tiling.nt}×${l.tiling.kt})`);
  else if (r.layers[0]) {
    lines.push(`tile           ${r.layers[0].tiling.mt}×${r.layers[0].tiling.nt}×${r.layers[0].tiling.kt}`);
    lines.push(`bound          ${overBound(r.layers[0])} cycles`);
  }
  const m = r.match_golden;
  const fm = r.first_mismatch;
  lines.push(`golden         ${m === null ? 'not checked (timing only)' : m ? 'match (bit for bit)' : `MISMATCH at output ${fm?.index}: expected 0x${fm?.expected.toString(16)}, got 0x${fm?.got.toString(16)}`}`);
  return lines.join('\n') + '\n';
}

export const simCommand: CommandFactory = (ctx): CommandModule<object, Args> => ({
  command: 'sim <file>',
  describe: 'Compile a workload for an accelerator and run it on the cycle-level simulator',
  builder: (y: Argv) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'the .qacc file (- reads standard input)' })
      .option('workload', { alias: 'w', type: 'string', demandOption: true, describe: 'gemm:m=…,k=…,n=… or model:<name>,stage=prefill|decode,tokens=N' })
      .option('seed', { type: 'number', default: 1, describe: 'seed of the random operands' })
      .option('json', { type: 'boolean', default: false, describe: 'print the report as JSON' })
      .option('vcd', { type: 'string', describe: 'write a VCD trace of queue/PE activity (first GEMM)' })
      .option('set', { type: 'string', array: true, describe: 'override a param: --set rows=32 (repeatable)' })
      .option('accelerator', { alias: 'a', type: 'string', describe: 'which accelerator of the file (default: the first)' })
      .option('mode', { type: 'number', default: 0, describe: 'SIMD mode index for simd_mac PEs' })
      .option('timing-only', { type: 'boolean', default: false, describe: 'skip the arithmetic (default for model: workloads)' })
      .option('explain', { type: 'boolean', default: false, describe: "show the scheduler's decision per layer (tiling, loop order, resident operand, predicted traffic and cycles, bound)" })
      .option('layer-overlap', { type: 'boolean', default: true, describe: "chain consecutive layers where it pays (timing-only runs): one program per pair, the next layer's first loads in flight while this one drains; --no-layer-overlap runs every layer alone" }),
  handler: async (argv: ArgumentsCamelCase<Args>) => {
    if (!Number.isInteger(argv.seed)) throw new UsageError(`--seed must be an integer, got ${argv.seed}`);
    if (!Number.isInteger(argv.mode) || argv.mode < 0) throw new UsageError(`--mode must be a non-negative integer, got ${argv.mode}`);
    const workload = parseWorkload(argv.workload);
    const src = await openDesignSource(argv.file, ctx.io);
    const c = checkDesign(compileFile(src.path, src.host, { overrides: argv.set ?? [], requireAccelerator: true }));
    printDiagnostics(c, ctx.io);
    if (!c.design) throw new ReportedFailure('the design has errors');
    // Before the simulation: a bad --vcd path is refused now, not after a long run.
    const vcdPath = argv.vcd === undefined ? undefined : checkOutput({ flag: '--vcd', path: argv.vcd, kind: 'file' }, compilationInputs(c));
    const accels = c.design.accelerators;
    const accel = argv.accelerator === undefined ? accels[0] : accels.find((a) => a.name === argv.accelerator);
    if (!accel) throw new UsageError(`no accelerator '${argv.accelerator}' in ${argv.file} (it has ${accels.map((a) => a.name).join(', ')})`);
    const trace = argv.vcd !== undefined;
    // a long run shows its progress and an estimate on a terminal (never in pipes or logs)
    const progress = process.stderr.isTTY ? progressLine((text) => ctx.io.stderr(text)) : undefined;
    let result: ReturnType<typeof simulateWorkload>;
    try {
      result = simulateWorkload(accel, workload, { seed: argv.seed, simdMode: argv.mode, trace, layerOverlap: argv.layerOverlap, ...(argv.timingOnly ? { timingOnly: true } : {}), ...(progress ? { onProgress: progress.onProgress } : {}) });
    } finally {
      progress?.done();
    }
    const { report, runs } = result;
    if (vcdPath !== undefined && runs[0]) writeFileAtomic(vcdPath, renderVcd(runs[0].events, runs[0].stats.cycles, { design: `${src.path} ${accel.name} ${runs[0].compiled.shape.m}x${runs[0].compiled.shape.k}x${runs[0].compiled.shape.n}`, version: QACC_VERSION }));
    ctx.io.stdout(argv.json ? JSON.stringify(report, null, 2) + '\n' : formatSimReport(report) + (argv.explain ? formatSchedules(report) : ''));
    if (report.match_golden === false) ctx.setExitCode(1);
  },
});
