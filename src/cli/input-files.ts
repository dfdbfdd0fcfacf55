/**
 * Reading the files a user names as inputs (.qacc sources and their imports, tensors, assembly, programs):
 * only regular files, and at most a stated number of bytes. A directory, a device (`/dev/zero`), a FIFO
 * or a socket is refused at once with one line, never read (a FIFO is opened non-blocking, so nothing
 * waits for a writer). Sizes are checked twice: by `fstat` before reading, and by reading at most
 * limit + 1 bytes, because some regular files (`/proc/...`) report size 0 yet have content.
 * Standard input (`-`) has the same limits.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { MAX_FILE_CHARS } from '../dsl/parse.js';
import { FileError, withFileErrors } from './fs-errors.js';
import { formatBytes, STDIN_ARG } from './io.js';

/** A kind of input and the most bytes qacc reads of it. */
export interface InputLimit {
  /** What the file is, for messages: `.qacc source`. */
  readonly what: string;
  readonly maxBytes: number;
}

const MiB = 1024 * 1024;

/**
 * .qacc sources (and imports): as many bytes as the parser accepts characters (UTF-8 never decodes to
 * more UTF-16 code units than it has bytes, so a file within this limit is within the parser's).
 */
export const SOURCE_LIMIT: InputLimit = { what: '.qacc source', maxBytes: MAX_FILE_CHARS };
/** Tensor files for `qacc quantize` (.npy, .json, .bin). */
export const TENSOR_LIMIT: InputLimit = { what: 'tensor file', maxBytes: 64 * MiB };
/** Assembly sources for `qacc asm`. */
export const ASSEMBLY_LIMIT: InputLimit = { what: 'assembly source', maxBytes: 16 * MiB };
/** Program containers for `qacc disasm`. */
export const PROGRAM_LIMIT: InputLimit = { what: 'program file', maxBytes: 16 * MiB };

/** The error for input beyond its limit. */
export function tooLargeError(path: string, limit: InputLimit): FileError {
  return new FileError('read', path, `larger than the ${formatBytes(limit.maxBytes)} limit for a ${limit.what}`);
}

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'is a directory';
  if (st.isCharacterDevice()) return 'not a regular file (a character device)';
  if (st.isBlockDevice()) return 'not a regular file (a block device)';
  if (st.isFIFO()) return 'not a regular file (a FIFO)';
  if (st.isSocket()) return 'not a regular file (a socket)';
  return 'not a regular file';
}

/** Reads a regular file of at most `limit.maxBytes` bytes; a FileError (one line, exit 1) otherwise. */
export function readInputBytes(path: string, limit: InputLimit): Uint8Array {
  if (path === '') throw new FileError('read', path, 'the file name is empty');
  if (path === STDIN_ARG) throw new FileError('read', '-', 'standard input is not accepted here; give a file name');
  if (path.includes('\0')) throw new FileError('read', path, 'a path cannot contain a NUL character');
  const fd = withFileErrors('read', path, () => openSync(path, constants.O_RDONLY | constants.O_NONBLOCK));
  try {
    const st = withFileErrors('read', path, () => fstatSync(fd));
    if (!st.isFile()) throw new FileError('read', path, kindOf(st));
    if (st.size > limit.maxBytes) throw tooLargeError(path, limit);
    // Read up to limit + 1 bytes whatever the size claims, growing the buffer as needed.
    let buf = Buffer.allocUnsafe(Math.min(limit.maxBytes + 1, Math.max(st.size + 1, 64 * 1024)));
    let used = 0;
    for (;;) {
      if (used === buf.length) {
        if (used > limit.maxBytes) throw tooLargeError(path, limit);
        const bigger = Buffer.allocUnsafe(Math.min(limit.maxBytes + 1, buf.length * 2));
        buf.copy(bigger, 0, 0, used);
        buf = bigger;
      }
      const n = withFileErrors('read', path, () => readSync(fd, buf, used, buf.length - used, null));
      if (n === 0) break;
      used += n;
    }
    if (used > limit.maxBytes) throw tooLargeError(path, limit);
    return new Uint8Array(buf.buffer, buf.byteOffset, used);
  } finally {
    closeSync(fd);
  }
}

/** Reads a regular UTF-8 text file within `limit`. */
export function readInputText(path: string, limit: InputLimit): string {
  return new TextDecoder('utf-8').decode(readInputBytes(path, limit));
}
