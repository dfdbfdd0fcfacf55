/**
 * `qacc check <files…> [--set name=value …]`: parses and elaborates each .qacc file and prints its
 * diagnostics (file:line:col: error[CODE]: message, the source line and a caret) on stderr. Exit code 0
 * when no file has an error, 1 otherwise. Prints nothing for clean files.
 *
 * Also the node:fs side of the front end shared with `qacc ir`: the `FileHost` reading UTF-8 files and
 * the rendering of diagnostics (src/dsl itself never touches the file system).
 */
import { readFileSync } from 'node:fs';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import type { CommandFactory } from '../context.js';
import type { CliIo } from '../io.js';
import { hasErrors } from '../../dsl/diagnostics.js';
import type { FileHost } from '../../dsl/program.js';
import { renderDiagnostics } from '../../dsl/render.js';
import { compileFile, type Compilation } from '../../ir/elaborate.js';

/** Reads files from disk; unreadable files (missing, directories, permissions) read as undefined. */
export const nodeFileHost: FileHost = {
  readFile(path) {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
};

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
      .positional('files', { type: 'string', array: true, demandOption: true, describe: '.qacc files to check' })
      .option('set', { type: 'string', array: true, describe: 'Override a param: --set rows=32 (repeatable)' }),
  handler: (argv: ArgumentsCamelCase<Args>) => {
    let failed = false;
    for (const file of argv.files) {
      const c = compileFile(file, nodeFileHost, { overrides: argv.set ?? [] });
      printDiagnostics(c, ctx.io);
      if (hasErrors(c.diagnostics)) failed = true;
    }
    if (failed) ctx.setExitCode(1);
  },
});
