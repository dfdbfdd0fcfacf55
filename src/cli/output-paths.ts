/**
 * The one policy for every path a qacc command writes (build -o, asm -o, sim --vcd, verify --junit,
 * quantize --out/--dequant-out): what may be replaced, checked before any work is done, so a run that
 * would destroy something is refused with one line and a long run never fails at its end.
 *
 * Rules (all paths compared after resolving `..` and symbolic links, files also by device and inode):
 * - an empty path is refused;
 * - the current directory and its parents are never an output;
 * - a file output must be a regular file or not exist; it may not be an input of the same command
 *   (the .qacc source, one of its imports, the tensor read, the assembly source) nor lie in an input
 *   directory (--rtl-dir);
 * - a directory output may be replaced only when it does not exist, is empty, or holds the marker file
 *   `.qacc-build` that `qacc build` writes into every output directory; with `--force` also when every
 *   entry in it is one `qacc build` writes (an output of a qacc from before the marker). Never a file,
 *   never a directory that holds an input;
 * - no two outputs of one command may be the same path, or one inside the other;
 * - the directory an output goes into must accept a new file: a probe file is created and removed there
 *   now, so permission, read-only and missing-directory errors come before the work, not after it.
 * A path that is a symbolic link is written through: the returned write path is the link's target.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, lstatSync, openSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { KERNEL_TARGETS } from '../codegen/kernels/targets.js';
import { FileError, isSystemError, withFileErrors } from './fs-errors.js';
import { UsageError } from './errors.js';
import { STDIN_ARG } from './io.js';

/** The marker file `qacc build` writes into every output directory. */
export const BUILD_MARKER = '.qacc-build';
/** The first line of the marker; what makes a directory recognisably qacc's. */
const MARKER_HEADER = 'qacc build output';

/**
 * The marker's text: what wrote the directory, from what. The header stays `qacc build output` whichever
 * command wrote it (directories marked by earlier versions stay recognised); the rest names the command.
 */
export function buildMarkerText(info: { readonly version: string; readonly source: string; readonly accelerator: string; readonly command?: 'build' | 'sweep' }): string {
  const command = info.command ?? 'build';
  return [
    `${MARKER_HEADER}: written by \`qacc ${command}\`; the next \`qacc ${command} -o\` (or any qacc command writing here) into this directory replaces all of it.`,
    `version ${info.version}`,
    `source ${info.source}`,
    `accelerator ${info.accelerator}`,
    '',
  ].join('\n');
}

/** True when `dir` holds a marker `qacc build` wrote. */
export function isBuildOutput(dir: string): boolean {
  try {
    const st = lstatSync(join(dir, BUILD_MARKER));
    return st.isFile() && st.size < 64 * 1024 && readFileSync(join(dir, BUILD_MARKER), 'utf8').startsWith(MARKER_HEADER);
  } catch {
    return false;
  }
}

/** Entries `qacc build` writes (for `--force` on an unmarked directory). */
function isBuildEntry(rel: string, isDir: boolean): boolean {
  const kernel = KERNEL_TARGETS.some((t) => rel === t.name || rel.startsWith(`${t.name}/`));
  if (isDir) return rel === 'rtl' || rel === 'synth' || (kernel && /^[a-z]+(\/mode\d+)?$/.test(rel));
  if (kernel) return /^[a-z]+\/(mode\d+\/)?[a-z0-9_]+\.[a-z]+$/.test(rel);
  return rel === 'README.md' || rel === 'files.f' || /^[^/]+\.core$/.test(rel) || /^rtl\/[^/]+\.s?v$/.test(rel) || /^synth\/[^/]+\.txt$/.test(rel);
}

/** The first entry of `dir` (recursively) that `qacc build` does not write, or undefined. */
function foreignEntry(dir: string): string | undefined {
  const stack = [''];
  while (stack.length) {
    const rel = stack.pop() as string;
    for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (!isBuildEntry(r, e.isDirectory()) || (!e.isDirectory() && !e.isFile())) return r;
      if (e.isDirectory()) stack.push(r);
    }
  }
  return undefined;
}

export type OutputKind = 'file' | 'directory';

/** One path a command will write. */
export interface OutputSpec {
  /** The flag that named it, for messages: `-o`, `--junit`. */
  readonly flag: string;
  readonly path: string;
  readonly kind: OutputKind;
}

/** One path a command reads. */
export interface InputSpec {
  readonly path: string;
  /** What it is, for messages: `the .qacc source`, `an import`. */
  readonly what: string;
  readonly kind?: OutputKind;
}

export interface OutputCheckOptions {
  /** Allow replacing an unmarked directory whose entries are all ones `qacc build` writes. */
  readonly force?: boolean;
}

/** A checked output: where to write it (symbolic links resolved). */
export interface CheckedOutput extends OutputSpec {
  readonly writePath: string;
}

/** The absolute path with symbolic links resolved as far as the path exists. */
export function realPathOf(path: string): string {
  let head = resolve(path);
  const tail: string[] = [];
  for (;;) {
    try {
      const real = realpathSync(head);
      return tail.length ? join(real, ...tail.reverse()) : real;
    } catch {
      const up = dirname(head);
      if (up === head) return resolve(path);
      tail.push(basename(head));
      head = up;
    }
  }
}

function statOrUndefined(path: string): Stats | undefined {
  if (path.includes('\0')) return undefined;
  try {
    return statSync(path);
  } catch (err) {
    if (isSystemError(err) && (err.code === 'ENOENT' || err.code === 'ENOTDIR')) return undefined;
    throw err;
  }
}

/** `inner` is `outer` or inside it. */
function isWithin(inner: string, outer: string): boolean {
  const rel = relative(outer, inner);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && rel !== '..' && !/^[A-Za-z]:/.test(rel));
}

function sameFile(a: Stats | undefined, b: Stats | undefined): boolean {
  return a !== undefined && b !== undefined && a.dev === b.dev && a.ino === b.ino;
}

function notRegular(st: Stats): string {
  if (st.isDirectory()) return 'is a directory';
  if (st.isCharacterDevice()) return 'is a character device, not a regular file';
  if (st.isBlockDevice()) return 'is a block device, not a regular file';
  if (st.isFIFO()) return 'is a FIFO, not a regular file';
  if (st.isSocket()) return 'is a socket, not a regular file';
  return 'is not a regular file';
}

/** Creates and removes a probe file where `writePath` will be created; a FileError if that fails. */
function probeWritable(o: OutputSpec, writePath: string): void {
  let dir = dirname(writePath);
  // The nearest existing ancestor: missing directories are created there.
  for (;;) {
    const st = statOrUndefined(dir);
    if (st) {
      if (!st.isDirectory()) throw new FileError('write', o.path, `'${dir}' is not a directory`);
      break;
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  const probe = join(dir, `.qacc-probe-${randomBytes(6).toString('hex')}`);
  withFileErrors('write', o.path, () => closeSync(openSync(probe, 'wx')));
  rmSync(probe, { force: true });
}

function refuse(o: OutputSpec, why: string): never {
  throw new UsageError(`${o.flag} '${o.path}': ${why}`);
}

/**
 * Checks `outputs` against the rules of the file header and `inputs`; throws a one-line user error
 * for the first that breaks one. Returns where to write each output.
 */
export function checkOutputs(outputs: readonly OutputSpec[], inputs: readonly InputSpec[], options: OutputCheckOptions = {}): CheckedOutput[] {
  const cwd = realPathOf(process.cwd());
  const ins = inputs
    .filter((i) => i.path !== '' && !i.path.includes('\0'))
    .map((i) => ({ ...i, real: realPathOf(i.path), st: statOrUndefined(i.path) }));
  const checked: Array<CheckedOutput & { st: Stats | undefined }> = [];
  for (const o of outputs) {
    if (o.path === STDIN_ARG) refuse(o, 'writing to standard output is not supported here; give a file name');
    if (o.path.includes('\0')) refuse(o, 'a path cannot contain a NUL character');
    if (o.path.trim() === '') refuse(o, `the path is empty; give a ${o.kind === 'directory' ? 'directory' : 'file'} name`);
    const real = realPathOf(o.path);
    if (isWithin(cwd, real)) refuse(o, real === cwd ? 'is the current directory; qacc never replaces it' : 'is a parent of the current directory; qacc never replaces it');
    const st = withFileErrors('access', o.path, () => statOrUndefined(real));
    if (o.kind === 'file') {
      if (st && !st.isFile()) refuse(o, `${notRegular(st)}; give a file name`);
      for (const i of ins) {
        if (i.kind === 'directory' ? isWithin(real, i.real) : real === i.real || sameFile(st, i.st)) {
          refuse(o, i.kind === 'directory' ? `is inside ${i.what} '${i.path}', which this command reads` : `is ${i.what}, which this command reads; writing it would destroy it`);
        }
      }
    } else {
      if (st && !st.isDirectory()) refuse(o, `${st.isFile() ? 'is a file' : notRegular(st)}, not a directory qacc build wrote; give a new or empty directory`);
      for (const i of ins) {
        if (isWithin(i.real, real)) refuse(o, `holds ${i.what} '${i.path}'; replacing the directory would delete it`);
        if (i.kind === 'directory' && isWithin(real, i.real)) refuse(o, `is inside ${i.what} '${i.path}', which this command reads`);
      }
      if (st) {
        const entries = withFileErrors('list', o.path, () => readdirSync(real));
        if (entries.length > 0 && !isBuildOutput(real)) {
          if (!options.force) refuse(o, `is a non-empty directory without the ${BUILD_MARKER} marker qacc build writes; qacc only replaces its own outputs (give a new or empty directory; --force replaces an unmarked directory that holds only files qacc build writes)`);
          const foreign = withFileErrors('list', o.path, () => foreignEntry(real));
          if (foreign !== undefined) refuse(o, `holds '${foreign}', which qacc build does not write; even with --force qacc only replaces its own outputs`);
        }
      }
    }
    for (const p of checked) {
      if (real === p.writePath || sameFile(st, p.st)) refuse(o, `is also given as ${p.flag}; give each output its own path`);
      if (isWithin(real, p.writePath) || isWithin(p.writePath, real)) refuse(o, `overlaps ${p.flag} '${p.path}'; give outputs apart from each other`);
    }
    probeWritable(o, real);
    checked.push({ ...o, writePath: real, st });
  }
  return checked.map(({ flag, path, kind, writePath }) => ({ flag, path, kind, writePath }));
}

/** Checks a single output (see checkOutputs) and returns its write path. */
export function checkOutput(output: OutputSpec, inputs: readonly InputSpec[], options: OutputCheckOptions = {}): string {
  return checkOutputs([output], inputs, options)[0].writePath;
}
