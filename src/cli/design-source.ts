/**
 * The node:fs side of the front end, shared by every command that reads a .qacc description: the
 * `FileHost` that reads sources and imports (regular files only, within SOURCE_LIMIT, a reason for
 * every failure), standard input for the file name `-` (diagnostics name it `<stdin>`), and the list of
 * files a compilation read, which output paths must never overwrite.
 */
import type { FileHost } from '../dsl/program.js';
import type { Compilation } from '../ir/elaborate.js';
import { FileError } from './fs-errors.js';
import { readInputText, SOURCE_LIMIT } from './input-files.js';
import { STDIN_ARG, STDIN_NAME, type CliIo } from './io.js';
import type { InputSpec } from './output-paths.js';

/** Reads .qacc files from disk; a failure throws an Error whose message is the reason (the diagnostic's hint). */
export const nodeFileHost: FileHost = {
  readFile(path) {
    try {
      return readInputText(path, SOURCE_LIMIT);
    } catch (err) {
      throw err instanceof FileError ? new Error(err.reason) : err;
    }
  },
};

/** True for the file name that means standard input (`-`, which src/cli/main.ts passes on as STDIN_ARG). */
export function isStdinName(file: string): boolean {
  return file === STDIN_ARG;
}

/** Where a command reads its description from: the path to compile and the host to read it with. */
export interface DesignSource {
  readonly path: string;
  readonly host: FileHost;
}

/** `file` as a DesignSource; `-` reads standard input once (bounded like a file) and names it `<stdin>`. */
export async function openDesignSource(file: string, io: CliIo): Promise<DesignSource> {
  if (!isStdinName(file)) return { path: file, host: nodeFileHost };
  const text = await io.readStdin(SOURCE_LIMIT.maxBytes);
  return {
    path: STDIN_NAME,
    host: { readFile: (p) => (p === STDIN_NAME ? text : nodeFileHost.readFile(p)) },
  };
}

/** The files a compilation read (the source and its imports), as inputs no output may overwrite. */
export function compilationInputs(c: Compilation): InputSpec[] {
  const out: InputSpec[] = [];
  for (const path of c.program.files.keys()) {
    if (path === STDIN_NAME) continue;
    out.push({ path, what: path === c.program.root ? 'the .qacc source' : 'a file the .qacc source imports' });
  }
  return out;
}
