/**
 * `qacc estimate <file.qacc> [--workload spec] [--cost-model qacc|bitmod2025] [--set k=v …] [-a name] [--json]
 * [--no-layer-overlap]`:
 * area per component, energy rates, peak throughput per mode and, with a workload, cycles, bound and energy
 * per layer (src/estimate, estimateDesign). Prints a readable table, or with --json the EstimateReport
 * (`cycles`, `compute_cycles`, `dram_cycles`, `energy_pj`, `area_um2`, `layers: [{name, out, in, tokens,
 * compute_cycles, dram_cycles, cycles, bound, energy_pj, count}]`, …). The table folds a model's per-block
 * layers (`model.layers.0…31.self_attn.q_proj`) into one row per layer kind; the JSON lists every block.
 */
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { checkDesign } from '../../compile/check-design.js';
import { COST_MODELS, estimateDesign } from '../../estimate/estimate.js';
import { formatEstimate } from '../../estimate/format.js';
import { synthComponentAreas } from '../../estimate/synth/area.js';
import { SynthCacheError } from '../../estimate/synth/cache.js';
import { synthesizeDesign } from '../../estimate/synth/design.js';
import { formatSynthReport } from '../../estimate/synth/format.js';
import { SYNTH_FLOWS, type SynthFlow, type SynthReport } from '../../estimate/synth/types.js';
import type { CostModel } from '../../estimate/types.js';
import { compileFile } from '../../ir/elaborate.js';
import type { CommandFactory } from '../context.js';
import { ReportedFailure, UsageError } from '../errors.js';
import { openDesignSource } from '../design-source.js';
import { printDiagnostics } from './check.js';

interface Args {
  readonly file: string;
  readonly workload: string | undefined;
  readonly 'cost-model': string;
  readonly set: string[] | undefined;
  readonly accelerator: string | undefined;
  readonly json: boolean;
  readonly mode: number;
  readonly node: number | undefined;
  readonly 'weight-bits': number | undefined;
  readonly context: number | undefined;
  readonly synth: string | undefined;
  readonly 'layer-overlap': boolean;
}

export const estimateCommand: CommandFactory = (ctx): CommandModule<object, Args> => ({
  command: 'estimate <file>',
  describe: 'Estimate area, energy and per-layer cycles of an accelerator (analytic)',
  builder: (y: Argv) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'the .qacc file (- reads standard input)' })
      .option('workload', { alias: 'w', type: 'string', describe: 'gemm:m=…,k=…,n=… or model:<name>,stage=prefill|decode,tokens=N' })
      .option('cost-model', { type: 'string', default: 'qacc', describe: 'qacc (qacc\'s own model, agrees with sim) or bitmod2025 (the BitMoD authors\' analytic simulator)' })
      .option('set', { type: 'string', array: true, describe: 'override a param: --set rows=64 (repeatable)' })
      .option('accelerator', { alias: 'a', type: 'string', describe: 'which accelerator of the file (default: the first)' })
      .option('json', { type: 'boolean', default: false, describe: 'print the report as JSON' })
      .option('mode', { type: 'number', default: 0, describe: 'SIMD mode index for simd_mac PEs' })
      .option('layer-overlap', { type: 'boolean', default: true, describe: "qacc's model: chain consecutive layers where it pays, as qacc sim does; --no-layer-overlap costs every layer alone" })
      .option('node', { type: 'number', describe: 'technology node in nm (default 28, the node of the built-in figures)' })
      .option('weight-bits', { type: 'number', describe: 'bitmod2025: weight bits per element as the authors count them (ANT/OliVe mixed precision)' })
      .option('context', { type: 'number', describe: 'bitmod2025: decode attention context (default 256)' })
      .option('synth', { type: 'string', describe: 'synthesis-backed area (Yosys, @yowasp/yosys; each distinct module once, cached): generic (gates; its areas replace the analytic PE array and add engine, controller and buffer logic) or xilinx (UltraScale+ LUT/FF/CARRY/DSP/BRAM, reported beside the analytic areas)' }),
  handler: async (argv: ArgumentsCamelCase<Args>) => {
    const costModel = argv.costModel as CostModel;
    if (!COST_MODELS.includes(costModel)) throw new UsageError(`--cost-model must be ${COST_MODELS.join(' or ')}, got '${argv.costModel}'`);
    if (!Number.isInteger(argv.mode) || argv.mode < 0) throw new UsageError(`--mode must be a non-negative integer, got ${argv.mode}`);
    if (argv.synth !== undefined && !(SYNTH_FLOWS as readonly string[]).includes(argv.synth)) throw new UsageError(`--synth must be ${SYNTH_FLOWS.join(' or ')}, got '${argv.synth}'`);
    const src = await openDesignSource(argv.file, ctx.io);
    const c = checkDesign(compileFile(src.path, src.host, { overrides: argv.set ?? [], requireAccelerator: true }));
    printDiagnostics(c, ctx.io);
    if (!c.design) throw new ReportedFailure('the design has errors');
    const accels = c.design.accelerators;
    const accel = argv.accelerator === undefined ? accels[0] : accels.find((a) => a.name === argv.accelerator);
    if (!accel) throw new UsageError(`no accelerator '${argv.accelerator}' in ${argv.file} (it has ${accels.map((a) => a.name).join(', ')})`);
    const synth = argv.synth === undefined ? undefined : await synthesizeWithProgress(accel, argv.synth as SynthFlow, ctx.io.stderr);
    const array = accel.arrays[0];
    const arrayName = array ? `${array.name} (${array.rows}×${array.cols} ${array.pe.kind} PEs)` : 'array';
    const report = estimateDesign(accel, {
      ...(synth?.flow === 'generic' ? { synthAreas: synthComponentAreas(synth, arrayName, argv.node ?? 28) } : {}),
      workload: argv.workload ?? null,
      costModel,
      simdMode: argv.mode,
      layerOverlap: argv.layerOverlap,
      ...(argv.node !== undefined ? { technologyNm: argv.node } : {}),
      ...(argv.weightBits !== undefined ? { weightBits: argv.weightBits } : {}),
      ...(argv.context !== undefined ? { context: argv.context } : {}),
    });
    ctx.io.stdout(argv.json ? JSON.stringify(synth ? { ...report, synth } : report, null, 2) + '\n' : formatEstimate(report) + (synth ? formatSynthReport(synth) : ''));
  },
});

/** `--synth`: the design's hierarchical synthesis, a progress line per unit on a terminal; failures are one line. */
async function synthesizeWithProgress(accel: Parameters<typeof synthesizeDesign>[0], flow: SynthFlow, stderr: (text: string) => void): Promise<SynthReport> {
  const tty = process.stderr.isTTY === true;
  try {
    const r = await synthesizeDesign(accel, { flow, onUnit: tty ? (unit, i, count) => stderr(`\rsynthesizing ${i + 1}/${count} ${unit}\x1b[K`) : undefined });
    if (tty) stderr('\r\x1b[K');
    return r;
  } catch (err) {
    if (tty) stderr('\r\x1b[K');
    if (err instanceof SynthCacheError) throw new UsageError(err.message);
    stderr(`qacc estimate: ${(err as Error).message.split('\n')[0]}\n`);
    throw new ReportedFailure('synthesis failed');
  }
}
