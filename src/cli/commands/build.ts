/**
 * `qacc build <file.qacc> -o <dir> [--target verilog,wgsl] [--set k=v] [--accelerator name] [--synth]`: generates the RTL
 * of an accelerator's PE (Verilog-2005, one module per file under rtl/), a file list (files.f), a FuseSoC
 * .core file, a README of the top-level ports and the marker `.qacc-build`. `-o` may name only a new or
 * empty directory or one qacc build wrote before (it holds the marker); the rules, and what `--force`
 * adds, are in src/cli/output-paths.ts and are checked before anything runs. Atomic: everything is
 * written into a fresh sibling directory first, then swapped in (src/cli/io.ts writeDirectoryAtomic), so
 * a failed or interrupted build leaves an existing output directory untouched. `--synth` runs Yosys on the
 * generated design first (src/verify/rtl/yosys.ts) and adds its statistics. A reference-kernel target
 * (`--target wgsl`, src/codegen/kernels/targets.ts) writes that target's kernels under `<target>/` with
 * `<target>/kernels.json`, the manifest of bindings, layouts and packings (issue 14); verilog is written
 * only when --target names it (or when --target is absent).
 */
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { generateKernels, KERNEL_TARGETS, NoKernelError } from '../../codegen/kernels/targets.js';
import type { KernelTargetName } from '../../pe/facets/kernel.js';
import { generateAcceleratorRtl } from '../../codegen/verilog/design.js';
import type { GeneratedFile } from '../../codegen/verilog/emit.js';
import { checkDesign } from '../../compile/check-design.js';
import { compileFile } from '../../ir/elaborate.js';
import { rtlTemplates } from '../../verify/rtl/templates.js';
import { synthesize } from '../../verify/rtl/yosys.js';
import type { CommandFactory } from '../context.js';
import { ReportedFailure, UsageError } from '../errors.js';
import { compilationInputs, openDesignSource } from '../design-source.js';
import { writeDirectoryAtomic } from '../io.js';
import { BUILD_MARKER, buildMarkerText, checkOutput } from '../output-paths.js';
import { QACC_VERSION } from '../version.js';
import { printDiagnostics } from './check.js';

interface Args {
  readonly file: string;
  readonly out: string;
  readonly target: string[] | undefined;
  readonly set: string[] | undefined;
  readonly accelerator: string | undefined;
  readonly synth: boolean;
  readonly force: boolean;
}

/** The targets qacc build knows: the RTL, then every reference-kernel target (src/codegen/kernels/targets.ts). */
export const BUILD_TARGETS: readonly string[] = ['verilog', ...KERNEL_TARGETS.map((t) => t.name)];

/** A kernel target's files for an accelerator; a kind without a generator for it is a one-line user error. */
function kernelFiles(accel: Parameters<typeof generateKernels>[0], target: KernelTargetName, source: string): GeneratedFile[] {
  try {
    return generateKernels(accel, target, { version: QACC_VERSION, source });
  } catch (err) {
    if (err instanceof NoKernelError) throw new UsageError(`--target ${target}: ${err.message}`);
    throw err;
  }
}

export const buildCommand: CommandFactory = (ctx): CommandModule<object, Args> => ({
  command: 'build <file>',
  describe: 'Generate the RTL of an accelerator (Verilog), a file list, a FuseSoC core and a README',
  builder: (y: Argv) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'the .qacc file (- reads standard input)' })
      .option('out', { alias: 'o', type: 'string', demandOption: true, describe: `output directory: new, empty, or written by qacc build before (it holds ${BUILD_MARKER}); replaced atomically` })
      .option('force', { type: 'boolean', default: false, describe: 'also replace a directory without the marker if it holds only files qacc build writes (an output of an older qacc); never the current directory, a parent of it, a file or anything else' })
      .option('target', { type: 'string', array: true, describe: `what to generate: verilog (default)${KERNEL_TARGETS.map((t) => `, ${t.name} (${t.describe}, under ${t.name}/ with ${t.name}/kernels.json)`).join('')}; comma lists allowed` })
      .option('set', { type: 'string', array: true, describe: 'override a param: --set rows=32 (repeatable)' })
      .option('accelerator', { alias: 'a', type: 'string', describe: 'which accelerator of the file (default: the first)' })
      .option('synth', { type: 'boolean', default: false, describe: 'also synthesize the whole design (the accelerator top) with Yosys (@yowasp/yosys) and write synth/stat.txt; a Yosys error fails the build. Large arrays take long: shrink them with --set to check' }),
  handler: async (argv: ArgumentsCamelCase<Args>) => {
    const targets = (argv.target ?? ['verilog']).flatMap((t) => t.split(',')).filter((t) => t.length > 0);
    for (const t of targets) if (!BUILD_TARGETS.includes(t)) throw new UsageError(`unknown --target '${t}' (known: ${BUILD_TARGETS.join(', ')})`);
    const verilog = targets.includes('verilog');
    const kernelTargets = KERNEL_TARGETS.filter((k) => targets.includes(k.name)).map((k) => k.name);
    if (argv.synth && !verilog) throw new UsageError('--synth synthesizes the Verilog: add verilog to --target');
    const src = await openDesignSource(argv.file, ctx.io);
    const c = checkDesign(compileFile(src.path, src.host, { overrides: argv.set ?? [], requireAccelerator: true }));
    printDiagnostics(c, ctx.io);
    if (!c.design) throw new ReportedFailure('the design has errors');
    const outDir = checkOutput({ flag: '-o', path: argv.out, kind: 'directory' }, compilationInputs(c), { force: argv.force });
    const accels = c.design.accelerators;
    const accel = argv.accelerator === undefined ? accels[0] : accels.find((a) => a.name === argv.accelerator);
    if (!accel) throw new UsageError(`no accelerator '${argv.accelerator}' in ${argv.file} (it has ${accels.map((a) => a.name).join(', ')})`);
    const files: GeneratedFile[] = [];
    let synthLine = '';
    let what = '';
    if (verilog) {
      const rtl = generateAcceleratorRtl(accel, rtlTemplates, { source: src.path, version: QACC_VERSION });
      files.push(...rtl.files);
      what = `top module ${rtl.acceleratorTop}, PE ${rtl.top}`;
      if (argv.synth) {
        // Before anything is written: a design Yosys rejects leaves the output directory untouched.
        const sources = rtl.files.filter((f) => f.path.endsWith('.v')).map((f) => ({ path: f.path.replace(/^rtl\//, ''), text: f.text }));
        let report;
        try {
          report = await synthesize(rtl.acceleratorTop, sources);
        } catch (err) {
          ctx.io.stderr(`qacc build: yosys could not synthesize ${rtl.acceleratorTop}; nothing was written: ${(err as Error).message}\n`);
          throw new ReportedFailure('synthesis failed');
        }
        files.push({ path: 'synth/stat.txt', text: report.stat });
        synthLine = `yosys: ${rtl.acceleratorTop} synthesizes, ${report.cells} cells (synth/stat.txt)\n`;
      }
    }
    for (const k of kernelTargets) files.push(...kernelFiles(accel, k, src.path));
    if (kernelTargets.length > 0) what = [what, `${kernelTargets.join(', ')} kernels`].filter((w) => w !== '').join('; ');
    files.push({ path: BUILD_MARKER, text: buildMarkerText({ version: QACC_VERSION, source: src.path, accelerator: accel.name }) });
    writeDirectoryAtomic(outDir, files);
    ctx.io.stdout(`wrote ${files.length} files for ${accel.name} (${what}) to ${argv.out}\n${synthLine}`);
  },
});
