/**
 * The CLI's only contact with the outside world: standard streams and files. Commands receive a `CliIo`
 * so tests can run them in-process with captured streams. Files are written atomically (a temporary
 * sibling, then rename), so a failed run never leaves a half-written output; a directory is written the
 * same way (a fresh sibling directory swapped in by two renames). Whether a path may be written at all is
 * decided before, by src/cli/output-paths.ts. Every file-system failure becomes a one-line FileError.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { FileError, toFileError, withFileErrors } from './fs-errors.js';

/** How much of standard input a command reads when it does not say (a bound, so `-` never exhausts memory). */
export const DEFAULT_STDIN_LIMIT = 64 * 1024 * 1024;

/**
 * A lone `-` argument as commands see it: yargs drops `-` from positional arrays, so src/cli/main.ts
 * replaces it by this string, which no path can contain (NUL). Messages show it as `-` again.
 */
export const STDIN_ARG = '\u0000-';

/** The name standard input goes by in messages and diagnostics. */
export const STDIN_NAME = '<stdin>';

export interface CliIo {
  /**
   * Reads all of standard input as UTF-8, at most `maxBytes` bytes (default DEFAULT_STDIN_LIMIT); more
   * is a FileError.
   */
  readStdin(maxBytes?: number): Promise<string>;
  stdout(text: string): void;
  stderr(text: string): void;
}

const MiB = 1024 * 1024;

/** `16 MiB`, `64 KiB`, `100 bytes`. */
export function formatBytes(n: number): string {
  if (n >= MiB && n % MiB === 0) return `${n / MiB} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}

/** The error for standard input beyond `maxBytes`. */
export function stdinTooLarge(maxBytes: number): FileError {
  return new FileError('read', STDIN_NAME, `larger than the ${formatBytes(maxBytes)} limit for standard input`);
}

export const processIo: CliIo = {
  async readStdin(maxBytes = DEFAULT_STDIN_LIMIT) {
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of process.stdin) {
      total += (chunk as Buffer).length;
      if (total > maxBytes) throw stdinTooLarge(maxBytes);
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  },
  stdout(text) {
    process.stdout.write(text);
  },
  stderr(text) {
    process.stderr.write(text);
  },
};

/** Writes `data` to `path` atomically: a temporary sibling file renamed over the target. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const dir = dirname(path);
  withFileErrors('create directory', dir, () => mkdirSync(dir, { recursive: true }));
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw toFileError(err, 'write', path);
  }
}

/** One file of a directory output: a path relative to the directory, and its contents. */
export interface OutputFile {
  readonly path: string;
  readonly text: string | Uint8Array;
}

/**
 * Writes `files` into directory `dir` atomically: everything goes into a fresh sibling directory first;
 * only when every file is written is it renamed over `dir` (an existing `dir` is moved aside first and
 * removed after the swap), so a failure or an interruption leaves an existing `dir` untouched.
 */
export function writeDirectoryAtomic(dir: string, files: readonly OutputFile[]): void {
  const target = resolve(dir);
  const parent = dirname(target);
  withFileErrors('create directory', parent, () => mkdirSync(parent, { recursive: true }));
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
  } catch (err) {
    throw toFileError(err, 'write', dir);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
