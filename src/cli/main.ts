/**
 * The qacc command line: a thin yargs shell. Each subcommand lives in src/cli/commands/ and exports a
 * `CommandModule` factory taking the I/O it may use; all real work happens in the library modules.
 */
import { editDistance } from '../formats/suggest.js';
import yargs, { type Argv } from 'yargs';
import { EXIT_INTERNAL, EXIT_OK, EXIT_USER, isUserFacing, UsageError } from './errors.js';
import { isSystemError, systemErrorAsFileError } from './fs-errors.js';
import { processIo, STDIN_ARG, type CliIo } from './io.js';
import { QACC_VERSION } from './version.js';
import { commands } from './commands/index.js';
import type { CommandContext } from './context.js';

/** Runs qacc with the given arguments; resolves to the process exit code. Never throws. */
export async function main(argsAsGiven: readonly string[], io: CliIo = processIo): Promise<number> {
  const debug = argsAsGiven.includes('--debug');
  // yargs drops a lone `-` from positional arrays; a sentinel keeps it (see STDIN_ARG).
  const args = argsAsGiven.map((a) => (a === '-' ? STDIN_ARG : a));
  let exitCode = EXIT_OK;
  try {
    let parser: Argv = yargs([...args])
      .scriptName('qacc')
      .usage('$0 <command> [options]\n\nDesign, generate and cross-check low-bit ML accelerators.')
      .version(QACC_VERSION)
      .option('debug', { type: 'boolean', describe: 'Print stack traces for internal errors', global: true })
      .strict()
      .strictCommands()
      .exitProcess(false)
      .wrap(Math.min(110, process.stdout.columns ?? 100))
      .fail((msg, err) => {
        if (err) throw err;
        throw new UsageError(msg);
      });
    // yargs turns a repeated single-valued option into an array; refuse it instead of guessing which one counts.
    parser = parser.middleware((argv) => {
      // getOptions is public yargs API but missing from @types/yargs.
      const arrays = new Set((parser as unknown as { getOptions(): { array: string[] } }).getOptions().array);
      for (const [key, value] of Object.entries(argv)) {
        if (key === '_' || key === '$0' || !Array.isArray(value) || arrays.has(key) || key.length === 1 || /[A-Z]/.test(key)) continue;
        throw new UsageError(`--${key} is given ${value.length} times; give it once`);
      }
    }, false);
    const ctx: CommandContext = { io, setExitCode: (code) => (exitCode = Math.max(exitCode, code)) };
    const names: string[] = [];
    for (const make of commands) {
      const module = make(ctx);
      names.push(String(module.command ?? '').split(' ')[0]);
      parser = parser.command(module);
    }
    // The default command only runs when no known command matched: it turns that into a usage error.
    parser = parser.command('$0', false, {}, (argv) => {
      const given = argv._[0];
      if (given === undefined) throw new UsageError('give a command; see qacc --help');
      const close = names.filter((n) => n && editDistance(n, String(given)) <= 2);
      const hint = close.length ? ` (did you mean ${close.join(', ')}?)` : '';
      throw new UsageError(`unknown command '${String(given)}'${hint}; see qacc --help`);
    });
    // With a callback yargs hands us its help/version text and parse errors instead of printing or
    // exiting, so every byte goes through `io`.
    let helpOrVersionText: string | undefined;
    let parseError: unknown;
    await parser.parseAsync([...args], {}, (err, _argv, output) => {
      if (err) parseError = err;
      else if (output) helpOrVersionText = output;
    });
    if (parseError !== undefined) throw parseError;
    if (helpOrVersionText !== undefined) io.stdout(helpOrVersionText.endsWith('\n') ? helpOrVersionText : helpOrVersionText + '\n');
  } catch (err) {
    exitCode = report(err, io, debug);
  }
  return exitCode;
}

function report(thrown: unknown, io: CliIo, debug: boolean): number {
  // A file-system failure is always the user's to fix (a path, a permission, a full disk): exit 1.
  const err = isSystemError(thrown) ? systemErrorAsFileError(thrown) : thrown;
  if (isUserFacing(err)) {
    if (!(err as { reported?: boolean }).reported) io.stderr(`qacc: error: ${oneLine(err.message)}\n`);
    if (debug && err.stack) io.stderr(err.stack + '\n');
    return EXIT_USER;
  }
  const message = err instanceof Error ? err.message : String(err);
  io.stderr(`qacc: internal error: ${oneLine(message)} (this is a bug in qacc; rerun with --debug for details)\n`);
  if (debug && err instanceof Error && err.stack) io.stderr(err.stack + '\n');
  return EXIT_INTERNAL;
}

function oneLine(text: string): string {
  return text.split(STDIN_ARG).join('-').replace(/\s*\n\s*/g, ' ').trim();
}
