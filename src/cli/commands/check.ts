/**
 * `qacc check <files…> [--set name=value …]`: parses and elaborates each .qacc file and prints its
 * diagnostics (file:line:col: error[CODE]: message, the source line and a caret) on stderr. Exit code 0
 * when no file has an error, 1 otherwise. Prints nothing for clean files. `-` reads standard input
 * (named `<stdin>` in diagnostics).
 *
 * Also the rendering of diagnostics shared with the other commands; the `FileHost` reading files lives in
 * src/cli/design-source.ts (src/dsl itself never touches the file system).
 */
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import type { CommandFactory } from '../context.js';
import type { CliIo } from '../io.js';
import { hasErrors } from '../../dsl/diagnostics.js';
import { renderDiagnostics } from '../../dsl/render.js';
import { checkDesign } from '../../compile/check-design.js';
import { compileFile, type Compilation } from '../../ir/elaborate.js';
import { isStdinName, openDesignSource } from '../design-source.js';
import { UsageError } from '../errors.js';

export { nodeFileHost } from '../design-source.js';

/** Prints a compilation's diagnostics (with source excerpts) to stderr. */
export function printDiagnostics(c: Compilation, io: CliIo): void {
  const text = renderDiagnostics(c.diagnostics, (p) => c.source(p));
  if (text) io.stderr(text);
}

interface Args {
  readonly files: string[];
  readonly set: string[] | undefined;
}

export const checkCommand: CommandFactory = (ctx): CommandModule<object, Args> => ({
  command: 'check <files..>',
  describe: 'Check .qacc files: syntax, names, types and hardware constraints',
  builder: (y: Argv) =>
    y
      .positional('files', { type: 'string', array: true, demandOption: true, describe: '.qacc files to check (- reads standard input)' })
      .option('set', { type: 'string', array: true, describe: 'Override a param: --set rows=32 (repeatable)' }),
  handler: async (argv: ArgumentsCamelCase<Args>) => {
    if (argv.files.filter(isStdinName).length > 1) throw new UsageError('- (standard input) may be given only once');
    let failed = false;
    for (const file of argv.files) {
      const src = await openDesignSource(file, ctx.io);
      const c = checkDesign(compileFile(src.path, src.host, { overrides: argv.set ?? [] }));
      printDiagnostics(c, ctx.io);
      if (hasErrors(c.diagnostics)) failed = true;
    }
    if (failed) ctx.setExitCode(1);
  },
});
