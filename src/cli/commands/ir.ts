/**
 * `qacc ir <file> [--json] [--set name=value …]`: elaborates a .qacc file and prints its IR on stdout,
 * as indented text or (with --json) as the canonical JSON the later stages read. Diagnostics go to
 * stderr; any error means no IR and exit code 1.
 */
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import type { CommandFactory } from '../context.js';
import { checkDesign } from '../../compile/check-design.js';
import { compileFile } from '../../ir/elaborate.js';
import { designToJsonText, printDesign } from '../../ir/print.js';
import { openDesignSource } from '../design-source.js';
import { printDiagnostics } from './check.js';

interface Args {
  readonly file: string;
  readonly json: boolean;
  readonly set: string[] | undefined;
}

export const irCommand: CommandFactory = (ctx): CommandModule<object, Args> => ({
  command: 'ir <file>',
  describe: 'Elaborate a .qacc file and print its hardware IR',
  builder: (y: Argv) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'the .qacc file (- reads standard input)' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the canonical JSON form' })
      .option('set', { type: 'string', array: true, describe: 'Override a param: --set rows=32 (repeatable)' }),
  handler: async (argv: ArgumentsCamelCase<Args>) => {
    const src = await openDesignSource(argv.file, ctx.io);
    const c = checkDesign(compileFile(src.path, src.host, { overrides: argv.set ?? [], requireAccelerator: true }));
    printDiagnostics(c, ctx.io);
    if (!c.design) {
      ctx.setExitCode(1);
      return;
    }
    ctx.io.stdout(argv.json ? designToJsonText(c.design) : printDesign(c.design));
  },
});
