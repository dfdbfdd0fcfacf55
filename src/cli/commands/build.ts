/**
 * `qacc build <file.qacc> -o <dir> [--target verilog] [--set k=v] [--accelerator name] [--synth]`: generates the RTL
 * of an accelerator's PE (Verilog-2005, one module per file under rtl/), a file list (files.f), a FuseSoC
 * .core file and a README of the top-level ports. Atomic: everything is written into a fresh sibling
 * directory first; only when every file is written is it renamed over `dir` (an existing `dir` is moved
 * aside and removed after the swap), so a failed build leaves an existing output directory untouched.
 * `--synth` runs Yosys on the generated design first (src/verify/rtl/yosys.ts) and adds its statistics.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { generateAcceleratorRtl } from '../../codegen/verilog/design.js';
import { compileFile } from '../../ir/elaborate.js';
import { rtlTemplates } from '../../verify/rtl/templates.js';
import { synthesize } from '../../verify/rtl/yosys.js';
import type { CommandFactory } from '../context.js';
import { ReportedFailure, UsageError } from '../errors.js';
import { QACC_VERSION } from '../version.js';
import { nodeFileHost, printDiagnostics } from './check.js';

interface Args {
  readonly file: string;
  readonly out: string;
  readonly target: string[] | undefined;
  readonly set: string[] | undefined;
  readonly accelerator: string | undefined;
  readonly synth: boolean;
}

/** The targets qacc build knows. */
export const BUILD_TARGETS = ['verilog'] as const;

/** Writes `files` (relative paths) into `dir` atomically (see the file header). */
export function writeDirectoryAtomic(dir: string, files: readonly { path: string; text: string }[]): void {
  const target = resolve(dir);
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  const tag = randomBytes(6).toString('hex');
  const tmp = join(parent, `.${basename(target)}.${tag}.tmp`);
  const old = join(parent, `.${basename(target)}.${tag}.old`);
  try {
    for (const f of files) {
      const p = join(tmp, f.path);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, f.text);
    }
    const had = existsSync(target);
    if (had) renameSync(target, old);
    try {
      renameSync(tmp, target);
    } catch (err) {
      if (had) renameSync(old, target);
      throw err;
    }
    if (had) rmSync(old, { recursive: true, force: true });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

export const buildCommand: CommandFactory = (ctx): CommandModule<object, Args> => ({
  command: 'build <file>',
  describe: 'Generate the RTL of an accelerator (Verilog), a file list, a FuseSoC core and a README',
  builder: (y: Argv) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'the .qacc file' })
      .option('out', { alias: 'o', type: 'string', demandOption: true, describe: 'output directory (replaced atomically)' })
      .option('target', { type: 'string', array: true, describe: 'what to generate: verilog (default; comma lists allowed)' })
      .option('set', { type: 'string', array: true, describe: 'override a param: --set rows=32 (repeatable)' })
      .option('accelerator', { alias: 'a', type: 'string', describe: 'which accelerator of the file (default: the first)' })
      .option('synth', { type: 'boolean', default: false, describe: 'also synthesize the whole design (the accelerator top) with Yosys (@yowasp/yosys) and write synth/stat.txt; a Yosys error fails the build. Large arrays take long: shrink them with --set to check' }),
  handler: async (argv: ArgumentsCamelCase<Args>) => {
    const targets = (argv.target ?? ['verilog']).flatMap((t) => t.split(',')).filter((t) => t.length > 0);
    for (const t of targets) if (!(BUILD_TARGETS as readonly string[]).includes(t)) throw new UsageError(`unknown --target '${t}' (known: ${BUILD_TARGETS.join(', ')})`);
    const c = compileFile(argv.file, nodeFileHost, { overrides: argv.set ?? [], requireAccelerator: true });
    printDiagnostics(c, ctx.io);
    if (!c.design) throw new ReportedFailure('the design has errors');
    const accels = c.design.accelerators;
    const accel = argv.accelerator === undefined ? accels[0] : accels.find((a) => a.name === argv.accelerator);
    if (!accel) throw new UsageError(`no accelerator '${argv.accelerator}' in ${argv.file} (it has ${accels.map((a) => a.name).join(', ')})`);
    const rtl = generateAcceleratorRtl(accel, rtlTemplates, { source: argv.file, version: QACC_VERSION });
    const files = [...rtl.files];
    let synthLine = '';
    if (argv.synth) {
      // Before anything is written: a design Yosys rejects leaves the output directory untouched.
      const verilog = rtl.files.filter((f) => f.path.endsWith('.v')).map((f) => ({ path: f.path.replace(/^rtl\//, ''), text: f.text }));
      let report;
      try {
        report = await synthesize(rtl.acceleratorTop, verilog);
      } catch (err) {
        ctx.io.stderr(`qacc build: yosys could not synthesize ${rtl.acceleratorTop}; nothing was written: ${(err as Error).message}\n`);
        throw new ReportedFailure('synthesis failed');
      }
      files.push({ path: 'synth/stat.txt', text: report.stat });
      synthLine = `yosys: ${rtl.acceleratorTop} synthesizes, ${report.cells} cells (synth/stat.txt)\n`;
    }
    writeDirectoryAtomic(argv.out, files);
    ctx.io.stdout(`wrote ${files.length} files for ${accel.name} (top module ${rtl.acceleratorTop}, PE ${rtl.top}) to ${argv.out}\n${synthLine}`);
  },
});
