/** An in-memory CliIo for running the CLI inside tests: stdin is given, stdout/stderr are captured. */
import { DEFAULT_STDIN_LIMIT, stdinTooLarge, type CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function fakeIo(stdin = ''): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    readStdin: async (maxBytes = DEFAULT_STDIN_LIMIT) => {
      if (Buffer.byteLength(stdin) > maxBytes) throw stdinTooLarge(maxBytes);
      return stdin;
    },
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
  };
}

/** Runs `qacc <args>` in-process. */
export async function runCli(args: readonly string[], stdin = ''): Promise<CliRun> {
  const io = fakeIo(stdin);
  const code = await main(args, io);
  return { code, stdout: io.out.join(''), stderr: io.err.join('') };
}
