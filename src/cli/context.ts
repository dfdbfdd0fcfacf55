/** What a CLI command receives: the I/O it may use and a way to set the exit code without throwing. */
import type { CommandModule } from 'yargs';
import type { CliIo } from './io.js';

export interface CommandContext {
  readonly io: CliIo;
  /** Sets the process exit code (e.g. 1 when `check` found errors it already printed). */
  setExitCode(code: number): void;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type CommandFactory = (ctx: CommandContext) => CommandModule<any, any>;
