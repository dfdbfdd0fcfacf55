/**
 * `qacc sweep <file.qacc> --set rows=8,16,32 --set … [--workload spec] [-a name] [--cost-model m] [--mode i]
 * [--node nm] [--threads N] -o <dir>`: estimates (src/estimate/estimate.ts estimateDesign) every point of the
 * cartesian product of the `--set` lists (src/estimate/sweep/grid.ts, at most MAX_SWEEP_POINTS) in worker
 * threads (pool.ts), and writes `points.csv`, `points.json` and the report `index.html` (src/estimate/report)
 * into `-o`. `-o` follows the output-directory policy of src/cli/output-paths.ts (new, empty, or holding the
 * `.qacc-build` marker, which the sweep writes too), checked before any point runs; the directory is written
 * atomically (io.ts writeDirectoryAtomic). A point its checks reject is reported on stderr and in the outputs
 * and does not stop the sweep; exit code 1 only when no point is valid.
 */
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { parseWorkload } from '../../compile/workload.js';
import { renderDiagnostics } from '../../dsl/render.js';
import { Diag, hasErrors } from '../../dsl/diagnostics.js';
import { loadProgram } from '../../dsl/program.js';
import { COST_MODELS } from '../../estimate/estimate.js';
import { sweepReportHtml } from '../../estimate/report/html.js';
import { MAX_SWEEP_POINTS, parseAxes, sweepPoints } from '../../estimate/sweep/grid.js';
import { runSweepPool } from '../../estimate/sweep/pool.js';
import { sweepProgress } from '../../estimate/sweep/progress.js';
import { sweepCsv, sweepJson, sweepJsonText } from '../../estimate/sweep/table.js';
import { elaborate } from '../../ir/elaborate.js';
import type { CommandFactory } from '../context.js';
import { ReportedFailure, UsageError } from '../errors.js';
import { compilationInputs, openDesignSource } from '../design-source.js';
import { writeDirectoryAtomic } from '../io.js';
import { BUILD_MARKER, buildMarkerText, checkOutput } from '../output-paths.js';
import { QACC_VERSION } from '../version.js';

interface Args {
  readonly file: string;
  readonly out: string;
  readonly set: string[] | undefined;
  readonly workload: string | undefined;
  readonly accelerator: string | undefined;
  readonly threads: number | undefined;
  readonly 'cost-model': string | undefined;
  readonly mode: number | undefined;
  readonly node: number | undefined;
}

/** The files a sweep writes into its output directory. */
export const SWEEP_FILES = ['points.csv', 'points.json', 'index.html'] as const;

export const sweepCommand: CommandFactory = (ctx): CommandModule<object, Args> => ({
  command: 'sweep <file>',
  describe: 'Estimate every combination of --set values in parallel; write points.csv, points.json and an HTML report',
  builder: (y: Argv) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'the .qacc file (- reads standard input)' })
      .option('set', { type: 'string', array: true, describe: `one axis of the grid: --set rows=8,16,32 (repeatable; the points are every combination, at most ${MAX_SWEEP_POINTS})` })
      .option('workload', { alias: 'w', type: 'string', describe: 'gemm:m=…,k=…,n=… or model:<name>,stage=prefill|decode,tokens=N (default: none, peak figures only)' })
      .option('accelerator', { alias: 'a', type: 'string', describe: 'which accelerator of the file (default: the first)' })
      .option('cost-model', { type: 'string', describe: `the estimate's cost model: ${COST_MODELS.join(' or ')} (default qacc; see qacc estimate)` })
      .option('mode', { type: 'number', describe: 'SIMD mode index for simd_mac PEs (default 0), as in qacc estimate' })
      .option('node', { type: 'number', describe: 'technology node in nm (default 28), as in qacc estimate' })
      .option('threads', { type: 'number', describe: 'worker threads at most (default: the number of CPUs)' })
      .option('out', { alias: 'o', type: 'string', demandOption: true, describe: `output directory: new, empty, or written by qacc before (it holds ${BUILD_MARKER}); replaced atomically` }),
  handler: async (argv: ArgumentsCamelCase<Args>) => {
    if (argv.threads !== undefined && !(Number.isInteger(argv.threads) && argv.threads >= 1 && argv.threads <= 256)) throw new UsageError(`--threads must be an integer in 1..256, got ${String(argv.threads)}`);
    const given = argv['cost-model'];
    const costModel = given === undefined ? undefined : COST_MODELS.find((m) => m === given);
    if (given !== undefined && costModel === undefined) throw new UsageError(`unknown --cost-model '${given}' (known: ${COST_MODELS.join(', ')})`);
    if (argv.mode !== undefined && !(Number.isSafeInteger(argv.mode) && argv.mode >= 0)) throw new UsageError(`--mode must be a non-negative integer, got ${String(argv.mode)}`);
    if (argv.node !== undefined && !(Number.isFinite(argv.node) && argv.node > 0)) throw new UsageError(`--node must be a positive number of nm, got ${String(argv.node)}`);
    const axes = parseAxes(argv.set ?? []);
    const points = sweepPoints(axes);
    const workload = argv.workload === undefined ? null : parseWorkload(argv.workload);
    const src = await openDesignSource(argv.file, ctx.io);
    const program = loadProgram(src.path, src.host);
    // The design's syntax and each axis's name must be right, or every point would fail the same way:
    // checked once on the first point (E207/E208 name an axis that is no param, with a did-you-mean hint).
    const base = elaborate(program, { requireAccelerator: true, overrides: axes.map((a) => `${a.name}=${a.values[0]}`) });
    const badNames = base.diagnostics.filter((d) => d.code === Diag.unknownOverride.code || d.code === Diag.overrideNotParam.code);
    if (hasErrors(program.diagnostics) || program.hasSyntaxErrors || badNames.length > 0) {
      ctx.io.stderr(renderDiagnostics(badNames.length ? badNames : base.diagnostics, (p) => base.source(p)));
      throw new ReportedFailure('the design has errors');
    }
    const outDir = checkOutput({ flag: '-o', path: argv.out, kind: 'directory' }, compilationInputs(base));
    const started = Date.now();
    const progress = sweepProgress(points.length, (t) => ctx.io.stderr(t), process.stderr.isTTY === true);
    let results;
    try {
      results = await runSweepPool(program, points, { accelerator: argv.accelerator, workload, ...(costModel ? { costModel } : {}), ...(argv.mode !== undefined ? { simdMode: argv.mode } : {}), ...(argv.node !== undefined ? { technologyNm: argv.node } : {}) }, { ...(argv.threads ? { threads: argv.threads } : {}), onPoint: progress.onPoint });
    } finally {
      progress.done();
    }
    const json = sweepJson(src.path, workload?.spec ?? null, axes, results);
    const valid = results.filter((r) => r.ok).length;
    const marker = buildMarkerText({ version: QACC_VERSION, source: src.path, accelerator: argv.accelerator ?? '(the first)', command: 'sweep' });
    writeDirectoryAtomic(outDir, [
      { path: 'points.csv', text: sweepCsv(axes, results) },
      { path: 'points.json', text: sweepJsonText(json) },
      { path: 'index.html', text: sweepReportHtml(json) },
      { path: BUILD_MARKER, text: marker },
    ]);
    const secs = (Date.now() - started) / 1000;
    ctx.io.stdout(`swept ${points.length} point${points.length === 1 ? '' : 's'} of ${src.path} (${valid} valid, ${points.length - valid} invalid) in ${secs.toFixed(1)} s; wrote ${SWEEP_FILES.join(', ')} to ${argv.out}\n`);
    if (valid === 0) throw new ReportedFailure('no point of the sweep is valid');
  },
});
