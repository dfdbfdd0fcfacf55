/**
 * File-system failures as user errors. Every failure of a read, write, rename or directory operation is
 * the user's to fix (a wrong path, a missing permission, a full or read-only disk), never a bug in qacc:
 * it becomes a `FileError`, printed as one line `qacc: error: cannot <action> '<path>': <reason>` with
 * exit code 1. `toFileError` converts Node's system errors (`err.code` like `ENOENT`) where the CLI does
 * I/O; src/cli/main.ts applies the same conversion to any system error that escapes a command.
 */

/** Why a system call failed, in words, by errno name. */
const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EISDIR: 'is a directory',
  ENOTDIR: 'a component of the path is not a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large',
  EEXIST: 'already exists',
  ENOTEMPTY: 'directory not empty',
  EBUSY: 'resource busy',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  ENAMETOOLONG: 'file name too long',
  ELOOP: 'too many levels of symbolic links',
  EXDEV: 'crosses file systems',
  EIO: 'input/output error',
  EINVAL: 'invalid argument',
  ENXIO: 'no such device or address',
  ENODEV: 'no such device',
  ETXTBSY: 'text file busy',
  EAGAIN: 'resource temporarily unavailable',
  EPIPE: 'broken pipe',
};

/** A Node.js system error: an `Error` with an errno name in `code` (and usually `syscall` and `path`). */
export interface SystemError extends Error {
  readonly code: string;
  readonly syscall?: string;
  readonly path?: string;
  readonly dest?: string;
}

/** True for errors raised by a failed system call (`code` is an errno name such as `ENOENT`). */
export function isSystemError(err: unknown): err is SystemError {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) && ((err as { syscall?: unknown }).syscall !== undefined || code in REASONS);
}

/** The reason a system error gives, in words (`permission denied`). */
export function describeSystemError(err: SystemError): string {
  return REASONS[err.code] ?? err.code;
}

/** A failed file-system operation on a path the user named (undefined: none known); a user error (exit 1). */
export class FileError extends Error {
  readonly userFacing = true;
  constructor(
    readonly action: string,
    readonly path: string | undefined,
    readonly reason: string,
  ) {
    super(path === undefined ? `cannot ${action}: ${reason}` : `cannot ${action} '${path}': ${reason}`);
    this.name = 'FileError';
  }
}

/** `err` as a FileError about `path` (the path the user named, not a temporary sibling); other errors pass through. */
export function toFileError(err: unknown, action: string, path: string): unknown {
  if (err instanceof FileError || !isSystemError(err)) return err;
  return new FileError(action, path, describeSystemError(err));
}

/** Runs `f`, turning a system error into a FileError about `path`. */
export function withFileErrors<T>(action: string, path: string, f: () => T): T {
  try {
    return f();
  } catch (err) {
    throw toFileError(err, action, path);
  }
}

/** Verbs for the syscalls Node names in its errors (for system errors no CLI code wrapped). */
const ACTIONS: Readonly<Record<string, string>> = {
  open: 'open',
  read: 'read',
  write: 'write',
  rename: 'rename',
  mkdir: 'create directory',
  rmdir: 'remove',
  rm: 'remove',
  unlink: 'remove',
  scandir: 'list',
  stat: 'access',
  lstat: 'access',
  access: 'access',
  copyfile: 'copy',
  spawn: 'run',
};

/** Any system error as a FileError, naming the path it carries (for errors that escaped the CLI's wrappers). */
export function systemErrorAsFileError(err: SystemError): FileError {
  const action = (err.syscall && ACTIONS[err.syscall.replace(/^spawn.*/, 'spawn')]) ?? err.syscall ?? 'access';
  return new FileError(action, err.path ?? err.dest, describeSystemError(err));
}
