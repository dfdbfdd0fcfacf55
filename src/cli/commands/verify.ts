/**
 * `qacc verify <file.qacc> [--backends golden,sim,rtl] [--workload spec] [--vectors N] [--seed S]
 * [--junit out.xml] [--rtl-dir DIR] [--trace] [--shard i/n] [--case ID] [--accelerator A] [--set k=v]`: cross-checks the
 * backends of src/verify (golden model, cycle-level simulator, RTL) on directed corner cases and N seeded
 * random workloads for every accelerator of a description (every SIMD mode of a simd_mac PE). Outputs must
 * be bit-identical, cycle counts identical between backends that report them. A mismatch prints a
 * readable report with a repro line per failed case and exits 1; success prints a short summary.
 * `--junit` writes JUnit XML atomically (its path is checked before the run, src/cli/output-paths.ts);
 * `--shard i/n` runs one deterministic slice; `--case ID` reruns the single case a report names.
 * `--workload chain:MxKxN,MxKxN[,…]` runs every case as a layer chain (one program, compile/chain.ts): golden
 * per layer, sim and rtl on the joint program; a target that cannot chain them is refused with one line.
 * `--rtl-dir` and `--trace` belong with the rtl backend. A run with no case to check (no accelerator,
 * an empty shard) is an error (exit 1): passing on nothing would let a CI job pass without checking.
 */
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { checkDesign } from '../../compile/check-design.js';
import { isChainSpec, parseChainSpec } from '../../compile/chain-workload.js';
import { parseWorkload, type GemmShape } from '../../compile/workload.js';
import { compileFile } from '../../ir/elaborate.js';
import { DEFAULT_BACKEND_NAMES, defaultBackends, selectBackends, type BackendRegistry } from '../../verify/backends.js';
import { checkCaseMemory } from '../../verify/case-memory.js';
import { caseFromId, planCases, verifyTargets, type VerifyCase } from '../../verify/cases.js';
import { renderJunit } from '../../verify/junit.js';
import { formatCaseReport, formatSummary, type InvocationInfo } from '../../verify/report.js';
import { verifyProgress } from '../../verify/progress.js';
import { DEFAULT_RTL_MAX_GATES } from '../../verify/rtl-size.js';
import { runVerification } from '../../verify/run.js';
import { formatShard, parseShard, shardSlice, type Shard } from '../../verify/shard.js';
import type { CommandFactory } from '../context.js';
import { ReportedFailure, UsageError } from '../errors.js';
import { compilationInputs, openDesignSource } from '../design-source.js';
import { writeFileAtomic } from '../io.js';
import { checkOutput } from '../output-paths.js';
import { printDiagnostics } from './check.js';

interface Args {
  readonly file: string;
  readonly backends: string;
  readonly workload: string | undefined;
  readonly vectors: number;
  readonly seed: number;
  readonly junit: string | undefined;
  readonly 'rtl-dir': string | undefined;
  readonly 'rtl-max-gates': number;
  readonly trace: boolean;
  readonly shard: string | undefined;
  readonly case: string | undefined;
  readonly set: string[] | undefined;
  readonly accelerator: string | undefined;
}

/** Random workloads per target when --vectors is not given. */
export const DEFAULT_VECTORS = 8;

/** Why a run has no case to check, in one line. */
function nothingToVerify(file: string, targets: number, planned: number, shard: Shard | undefined): string {
  const base = `nothing to verify in ${file}`;
  if (targets === 0) return `${base}: it declares no accelerator; verify needs one (see docs/language.md)`;
  if (planned === 0) return `${base}: no case applies to its accelerators with these options; raise --vectors or drop --workload`;
  return `${base}: shard ${shard ? formatShard(shard) : '(none)'} of ${planned} planned cases is empty; use at most ${planned} shards`;
}

/** The verify command over a backend registry (tests pass one with a faulty backend). */
export function makeVerifyCommand(registry: () => BackendRegistry): CommandFactory {
  return (ctx): CommandModule<object, Args> => ({
    command: 'verify <file>',
    describe: 'Cross-check golden model, simulator and RTL bit for bit on directed and random cases',
    builder: (y: Argv) =>
      y
        .positional('file', { type: 'string', demandOption: true, describe: 'the .qacc file (- reads standard input)' })
        .option('backends', { alias: 'b', type: 'string', default: DEFAULT_BACKEND_NAMES.join(','), describe: 'backends to compare, the first is the reference: golden, sim, rtl (the accelerator RTL running the program), rtl-pe (one PE per dot product), wgsl (the WGSL reference kernels on Dawn / Mesa OpenGL ES)' })
        .option('workload', { alias: 'w', type: 'string', describe: 'run every case on this gemm:m=…,k=…,n=… shape instead of the directed and random shapes, or on a layer chain chain:MxKxN,MxKxN[,…] (2..8 GEMMs as one program, layers double-buffered; golden, sim and rtl only)' })
        .option('vectors', { type: 'number', default: DEFAULT_VECTORS, describe: 'seeded random workloads per accelerator (and SIMD mode)' })
        .option('seed', { type: 'number', default: 1, describe: 'seed of the random operands and shapes' })
        .option('junit', { type: 'string', describe: 'write a JUnit XML report to this file' })
        .option('rtl-dir', { type: 'string', describe: 'rtl backend: verify the RTL in this directory instead of generating it' })
        .option('rtl-max-gates', { type: 'number', default: DEFAULT_RTL_MAX_GATES, describe: 'rtl backends: refuse a design whose logic qacc estimates above this many gate equivalents (a Verilator model of 11 M builds in about 4 minutes on 2 cores; at 54 M Verilator passed 20 GB)' })
        .option('trace', { type: 'boolean', default: false, describe: 'compare the simulator\'s and the RTL\'s per-cycle trace points; reports the first diverging cycle and signal' })
        .option('shard', { type: 'string', describe: 'run only slice i of n (i/n, 1-based) of the cases' })
        .option('case', { type: 'string', describe: 'run only this case (an id from a report)' })
        .option('set', { type: 'string', array: true, describe: 'override a param: --set rows=32 (repeatable)' })
        .option('accelerator', { alias: 'a', type: 'string', describe: 'verify only this accelerator of the file (default: all of them)' }),
    handler: async (argv: ArgumentsCamelCase<Args>) => {
      if (!Number.isSafeInteger(argv.seed)) throw new UsageError(`--seed must be an integer, got ${argv.seed}`);
      if (!Number.isInteger(argv.vectors) || argv.vectors < 0 || argv.vectors > 100000) throw new UsageError(`--vectors must be an integer in 0..100000, got ${argv.vectors}`);
      if (!Number.isSafeInteger(argv.rtlMaxGates) || argv.rtlMaxGates < 1) throw new UsageError(`--rtl-max-gates must be a positive integer, got ${argv.rtlMaxGates}`);
      const backends = selectBackends(registry(), argv.backends);
      const names = backends.map((b) => b.name);
      const rtlDir = argv.rtlDir;
      if (rtlDir !== undefined && !names.includes('rtl') && !names.includes('rtl-pe')) throw new UsageError('--rtl-dir belongs with the rtl backend: add rtl to --backends (e.g. --backends golden,sim,rtl)');
      if (argv.trace && !(names.includes('rtl') && names.includes('sim'))) throw new UsageError('--trace compares the simulator with the RTL cycle by cycle: put sim and rtl in --backends (e.g. --backends golden,sim,rtl)');
      if (argv.case !== undefined && argv.workload !== undefined) throw new UsageError('--case already names its shape: drop --workload');
      let shape: GemmShape | undefined;
      let chained: GemmShape[] | undefined;
      if (argv.workload !== undefined && isChainSpec(argv.workload)) [shape, ...chained] = parseChainSpec(argv.workload);
      else if (argv.workload !== undefined) {
        const w = parseWorkload(argv.workload);
        if (w.kind !== 'gemm') throw new UsageError(`--workload for verify must be a gemm:m=…,k=…,n=… or chain:MxKxN,MxKxN[,…] spec (model workloads are simulated timing-only by qacc sim), got '${argv.workload}'`);
        shape = w.layers[0];
      }
      const shard: Shard | undefined = argv.shard === undefined ? undefined : parseShard(argv.shard);
      const src = await openDesignSource(argv.file, ctx.io);
      const c = checkDesign(compileFile(src.path, src.host, { overrides: argv.set ?? [], requireAccelerator: true }));
      printDiagnostics(c, ctx.io);
      if (!c.design) throw new ReportedFailure('the design has errors');
      // Before the run: a bad --junit path is refused now, not after every case has run.
      const inputs = [...compilationInputs(c), ...(rtlDir !== undefined ? [{ path: rtlDir, what: 'the --rtl-dir directory', kind: 'directory' as const }] : [])];
      const junitPath = argv.junit === undefined ? undefined : checkOutput({ flag: '--junit', path: argv.junit, kind: 'file' }, inputs);
      const accels = c.design.accelerators;
      if (argv.accelerator !== undefined && !accels.some((a) => a.name === argv.accelerator)) {
        throw new UsageError(`no accelerator '${argv.accelerator}' in ${argv.file} (it has ${accels.map((a) => a.name).join(', ')})`);
      }
      const targets = verifyTargets(c.design).filter((t) => argv.accelerator === undefined || t.accelerator.name === argv.accelerator);
      let planned: readonly VerifyCase[];
      let notes: readonly string[] = [];
      if (argv.case !== undefined) planned = [caseFromId(targets, argv.case)];
      else {
        const plan = planCases(targets, { vectors: argv.vectors, seed: argv.seed, ...(shape ? { shape: { m: shape.m, k: shape.k, n: shape.n } } : {}), ...(chained ? { chained } : {}) });
        planned = plan.cases;
        notes = plan.notes;
      }
      const cases = shard ? shardSlice(planned, shard) : planned;
      if (cases.length === 0) throw new UsageError(nothingToVerify(src.path, targets.length, planned.length, shard));
      checkCaseMemory(targets, cases, backends.length);
      const inv: InvocationInfo = {
        file: src.path,
        sets: argv.set ?? [],
        backends: names,
        ...(rtlDir !== undefined ? { rtlDir } : {}),
        ...(argv.rtlMaxGates !== DEFAULT_RTL_MAX_GATES ? { rtlMaxGates: argv.rtlMaxGates } : {}),
        trace: argv.trace,
        seed: argv.seed,
        vectors: argv.case !== undefined ? 0 : argv.vectors,
        ...(argv.workload !== undefined ? { workload: argv.workload } : {}),
        ...(argv.case !== undefined ? { caseId: argv.case } : {}),
        ...(shard ? { shard } : {}),
        plannedCases: planned.length,
        notes,
      };
      // progress on a terminal only (issue 15); cleared before the report
      const progress = process.stderr.isTTY ? verifyProgress(cases.length, (text) => ctx.io.stderr(text)) : undefined;
      let run: Awaited<ReturnType<typeof runVerification>>;
      try {
        run = await runVerification({ targets, cases, backends, options: { trace: argv.trace, rtlMaxGates: argv.rtlMaxGates, params: c.design.params, ...(rtlDir !== undefined ? { rtlDir } : {}) }, ...(progress ? { onCase: progress.onCase } : {}) });
      } finally {
        progress?.done();
      }
      for (const o of run.outcomes) if (o.status !== 'pass') ctx.io.stdout(formatCaseReport(o, inv) + '\n');
      ctx.io.stdout(formatSummary(run, inv));
      if (junitPath !== undefined) writeFileAtomic(junitPath, renderJunit(run, inv));
      if (!run.passed) ctx.setExitCode(1);
    },
  });
}

export const verifyCommand: CommandFactory = makeVerifyCommand(defaultBackends);
