/**
 * `qacc asm <file.s> [-o prog.bin]`: assembles qacc ISA assembly (isa/README.md) into a program container.
 * Errors are printed as `file:line:col: error: message`, one per line, and nothing is written; the output
 * is written atomically, so a failed run never leaves a partial or stale-looking program behind. The
 * output path is checked first (src/cli/output-paths.ts): it may not be the source.
 */
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { assemble, encodeProgram, formatAsmDiagnostic } from '../../isa/index.js';
import type { CommandFactory } from '../context.js';
import { ReportedFailure, UsageError } from '../errors.js';
import { isStdinName } from '../design-source.js';
import { ASSEMBLY_LIMIT, readInputBytes } from '../input-files.js';
import { writeFileAtomic } from '../io.js';
import { checkOutput } from '../output-paths.js';

/** Most diagnostics printed for one file; the rest are counted. */
const MAX_DIAGNOSTICS = 50;

/** `prog.s` → `prog.bin`, `prog` → `prog.bin`. */
export function defaultOutputPath(input: string): string {
  return input.replace(/\.(s|asm)$/i, '') + '.bin';
}

interface Args {
  readonly file: string;
  readonly output: string | undefined;
}

export const asmCommand: CommandFactory = (ctx): CommandModule<object, Args> => ({
  command: 'asm <file>',
  describe: 'Assemble qacc ISA assembly into a binary program (- reads standard input)',
  builder: (y: Argv) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'assembly source (.s), or - for standard input' })
      .option('output', { alias: 'o', type: 'string', describe: 'program file to write (default: <file>.bin)' }),
  handler: async (args: ArgumentsCamelCase<Args>) => {
    const fromStdin = isStdinName(args.file);
    if (fromStdin && args.output === undefined) throw new UsageError('give -o <program.bin> when reading standard input');
    const output = checkOutput({ flag: '-o', path: args.output ?? defaultOutputPath(args.file), kind: 'file' }, fromStdin ? [] : [{ path: args.file, what: 'the assembly source' }]);
    const text = fromStdin ? await ctx.io.readStdin(ASSEMBLY_LIMIT.maxBytes) : new TextDecoder().decode(readInputBytes(args.file, ASSEMBLY_LIMIT));
    const name = fromStdin ? '<stdin>' : args.file;
    const result = assemble(text);
    if (result.diagnostics.length > 0) {
      const shown = result.diagnostics.slice(0, MAX_DIAGNOSTICS).map((d) => formatAsmDiagnostic(name, d));
      const more = result.diagnostics.length - shown.length;
      if (more > 0) shown.push(`${name}: ${more} more error(s) not shown`);
      ctx.io.stderr(shown.join('\n') + '\n');
      throw new ReportedFailure(`${result.diagnostics.length} error(s)`);
    }
    writeFileAtomic(output, encodeProgram(result.words));
  },
});
