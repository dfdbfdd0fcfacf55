/**
 * The CLI's only contact with the outside world: standard streams and files. Commands receive a `CliIo`
 * so tests can run them in-process with captured streams. Files are written atomically (temporary file
 * in the same directory, then rename), so a failed run never leaves a half-written output.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';

export interface CliIo {
  /** Reads all of standard input as UTF-8. */
  readStdin(): Promise<string>;
  stdout(text: string): void;
  stderr(text: string): void;
}

export const processIo: CliIo = {
  async readStdin() {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
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
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

export function readFileBytes(path: string): Uint8Array {
  return readFileSync(path);
}
