/**
 * Helpers of the orchestration tests: example targets, fault-injecting wrapper backends (through the
 * Backend interface, as a broken simulator or RTL would behave), a POSIX shell-word splitter for repro
 * lines, and a runner for `qacc verify` with an injected backend registry (the same yargs command the CLI
 * registers, built over another registry).
 */
import { resolve } from 'node:path';
import yargs from 'yargs';
import { nodeFileHost } from '../../src/cli/commands/check.js';
import { makeVerifyCommand } from '../../src/cli/commands/verify.js';
import { isUserFacing } from '../../src/cli/errors.js';
import { compileFile } from '../../src/ir/elaborate.js';
import type { Backend, BackendRegistry } from '../../src/verify/backends.js';
import { verifyTargets, type VerifyTarget } from '../../src/verify/cases.js';
import { fakeIo, type CliRun } from '../cli/fake-io.js';

export const ROOT = resolve(__dirname, '../..');

export function exampleTargets(name: string): VerifyTarget[] {
  const c = compileFile(resolve(ROOT, 'examples', `${name}.qacc`), nodeFileHost, { requireAccelerator: true });
  if (!c.design) throw new Error(name);
  return verifyTargets(c.design);
}

/** `inner`, but output `index` of case `caseId` has bit `bit` flipped. */
export function flipBit(inner: Backend, caseId: string, index: number, bit: number): Backend {
  return {
    ...inner,
    run(c) {
      const r = inner.run(c);
      if (c.case.id !== caseId) return r;
      const outputs = r.outputs.slice();
      outputs[index] ^= 1 << bit;
      return { ...r, outputs };
    },
  };
}

/** `inner` under another name, reporting `extra` more cycles on case `caseId`. */
export function lateBy(inner: Backend, name: string, caseId: string, extra: number): Backend {
  return {
    ...inner,
    name,
    run(c) {
      const r = inner.run(c);
      return c.case.id === caseId && r.cycles !== undefined ? { ...r, cycles: r.cycles + extra } : r;
    },
  };
}

/** `inner`, throwing on case `caseId`. */
export function crashOn(inner: Backend, caseId: string): Backend {
  return {
    ...inner,
    run(c) {
      if (c.case.id === caseId) throw new Error('injected crash');
      return inner.run(c);
    },
  };
}

export function registryOf(...backends: Backend[]): BackendRegistry {
  return new Map(backends.map((b) => [b.name, b]));
}

/** Splits a POSIX shell command line into words (unquoted words and single-quoted strings). */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated quote in ${line}`);
      cur += line.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (ch === '\\') {
      cur += line[++i] ?? '';
      inWord = true;
    } else if (ch === ' ') {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

/** Runs `qacc verify …` (args start at `verify`) over an injected registry, in-process. */
export async function runVerifyWith(registry: BackendRegistry, args: readonly string[]): Promise<CliRun> {
  const io = fakeIo();
  let code = 0;
  const ctx = { io, setExitCode: (c: number) => (code = Math.max(code, c)) };
  try {
    await yargs([...args])
      .command(makeVerifyCommand(() => registry)(ctx))
      .strict()
      .exitProcess(false)
      .fail((msg, err) => {
        throw err ?? new Error(msg);
      })
      .parseAsync();
  } catch (err) {
    if (!isUserFacing(err)) throw err;
    io.stderr(`qacc: error: ${err.message}\n`);
    code = 1;
  }
  return { code, stdout: io.out.join(''), stderr: io.err.join('') };
}
