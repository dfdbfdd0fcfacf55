/**
 * Every file-system failure is a user error: one line naming the path and the reason, exit 1, never
 * "internal error" (src/cli/fs-errors.ts, the wrappers in src/cli/io.ts, the backstop in src/cli/main.ts).
 * Long runs (sim --vcd, verify --junit) refuse an unwritable output before they start: nothing is printed
 * on stdout, because nothing ran. And verify never passes on zero cases.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { describeSystemError, FileError, isSystemError, systemErrorAsFileError, toFileError } from '../../src/cli/fs-errors.js';
import { writeFileAtomic } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { fakeIo, runCli } from './fake-io.js';
import { SMALL_QACC } from './sandbox.js';

const dir = mkdtempSync(join(tmpdir(), 'qacc-ioerr-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const p = (name: string): string => join(dir, name);
const REPO = resolve(import.meta.dirname, '../..');
writeFileSync(p('small.qacc'), SMALL_QACC);
mkdirSync(p('folder'));
writeFileSync(p('plain'), 'x');

/** A Node-style system error, as fs calls raise them. */
function sysErr(code: string, syscall: string, path?: string): Error {
  return Object.assign(new Error(`${code}: something, ${syscall} '${path}'`), { code, syscall, ...(path !== undefined ? { path } : {}) });
}

/**
 * Runs the CLI (from the sources, through tsx) in a child process; as root, as the user nobody (uid 65534),
 * so that permission bits apply.
 */
function runCliAsUser(args: readonly string[]): { code: number; stderr: string } {
  const user = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  const mainUrl = pathToFileURL(resolve(REPO, 'src/cli/main.ts')).href;
  const script = `const m = await import(${JSON.stringify(mainUrl)}); process.exitCode = await m.main(${JSON.stringify(args)});`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO, encoding: 'utf8', env: { ...process.env, HOME: tmpdir() }, ...user });
  return { code: r.status ?? -1, stderr: r.stderr };
}

function expectOneLine(r: { code: number; stderr: string }, why: RegExp): void {
  expect(r.code, r.stderr).toBe(1);
  expect(r.stderr.trim().split('\n'), r.stderr).toEqual([expect.stringMatching(/^qacc: error: /)]);
  expect(r.stderr).toMatch(why);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
}

describe('file-system errors', () => {
  it('system errors become FileErrors with the reason in words', () => {
    const reasons: Record<string, string> = {
      ENOENT: 'no such file or directory',
      EISDIR: 'is a directory',
      EACCES: 'permission denied',
      EROFS: 'read-only file system',
      ENOTDIR: 'a component of the path is not a directory',
      ENOSPC: 'no space left on device',
    };
    for (const [code, reason] of Object.entries(reasons)) {
      const e = sysErr(code, 'open', '/x/y');
      expect(isSystemError(e)).toBe(true);
      expect(describeSystemError(e as never)).toBe(reason);
      const f = toFileError(e, 'write', 'out.vcd');
      expect(f).toBeInstanceOf(FileError);
      expect((f as Error).message).toBe(`cannot write 'out.vcd': ${reason}`);
      expect(systemErrorAsFileError(e as never).message).toBe(`cannot open '/x/y': ${reason}`);
    }
    expect(isSystemError(new Error('plain'))).toBe(false);
    expect(isSystemError(new RangeError('Invalid typed array length'))).toBe(false);
    const plain = new TypeError('bug');
    expect(toFileError(plain, 'write', 'x')).toBe(plain);
  });

  it('writeFileAtomic names the target, not its temporary, and leaves nothing behind', () => {
    expect(() => writeFileAtomic(p('plain/x.txt'), 'x')).toThrow(`cannot create directory '${p('plain')}': already exists`);
    expect(() => writeFileAtomic(p('folder'), 'x')).toThrow(`cannot write '${p('folder')}': is a directory`);
    expect(() => writeFileAtomic('/proc/qacc-x', 'x')).toThrow("cannot write '/proc/qacc-x': no such file or directory");
  });

  it('a system error escaping a command is a user error (main backstop), also without a path', async () => {
    const io = fakeIo();
    io.readStdin = async () => {
      throw sysErr('EIO', 'read');
    };
    expect(await main(['check', '-'], io)).toBe(1);
    expect(io.err.join('')).toBe('qacc: error: cannot read: input/output error\n');
  });

  it('the examples of the issue: one line, exit 1', async () => {
    expectOneLine(await runCli(['sim', p('small.qacc'), '-w', 'gemm:m=2,k=2,n=2', '--vcd', p('folder')]), /--vcd '.*folder': is a directory/);
    expectOneLine(await runCli(['verify', p('small.qacc'), '--vectors', '1', '--junit', '/proc/x.xml']), /cannot write '\/proc\/x\.xml': no such file or directory/);
    expectOneLine(await runCli(['verify', p('small.qacc'), '--vectors', '1', '--junit', p('folder')]), /--junit '.*folder': is a directory/);
    expectOneLine(await runCli(['quantize', '--format', 'int4', '--block', 'group:8', '--in', p('t.json'), '--out', '/proc/q.json']), /cannot write '\/proc\/q\.json'/);
    expectOneLine(await runCli(['asm', '-', '-o', p('folder')], 'halt\n'), /-o '.*folder': is a directory/);
    expectOneLine(await runCli(['build', p('small.qacc'), '-o', '/sys/qacc-build-out']), /cannot write '\/sys\/qacc-build-out': permission denied/);
    expectOneLine(await runCli(['sim', p('small.qacc'), '-w', 'gemm:m=2,k=2,n=2', '--vcd', '/sys/x.vcd']), /cannot write '\/sys\/x\.vcd': permission denied/);
    expectOneLine(await runCli(['sim', p('small.qacc'), '-w', 'gemm:m=2,k=2,n=2', '--vcd', p('plain/x.vcd')]), /cannot write '.*plain\/x\.vcd': '.*plain' is not a directory/);
  });

  it('long runs check their outputs before they start: no report was printed', async () => {
    for (const args of [
      ['verify', p('small.qacc'), '--vectors', '2', '--junit', '/sys/j.xml'],
      ['sim', p('small.qacc'), '-w', 'gemm:m=8,k=8,n=8', '--vcd', '/proc/t.vcd'],
    ]) {
      const r = await runCli(args);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
    }
  });

  it('a read-only folder (permission bits; as root the CLI runs as the unprivileged user nobody, since root ignores them)', () => {
    const ro = p('readonly');
    mkdirSync(ro, { mode: 0o555 });
    chmodSync(dir, 0o755); // nobody must be able to read the design and reach the folder
    expectOneLine(runCliAsUser(['build', p('small.qacc'), '-o', join(ro, 'out')]), /permission denied/);
    expectOneLine(runCliAsUser(['sim', p('small.qacc'), '-w', 'gemm:m=2,k=2,n=2', '--vcd', join(ro, 'x.vcd')]), /permission denied/);
  });
});

describe('verify with nothing to verify', () => {
  it('a file without an accelerator exits 1 with the reason, not "OK: all 0 cases"', async () => {
    writeFileSync(p('none.qacc'), 'param x = 1;\n');
    const r = await runCli(['verify', p('none.qacc')]);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toMatch(/OK/);
    expect(r.stderr).toMatch(/^qacc: error: nothing to verify in .*none\.qacc: it declares no accelerator/m);
  });

  it('an empty shard exits 1; a shard with cases still passes', async () => {
    const r = await runCli(['verify', p('small.qacc'), '--vectors', '0', '--shard', '1000/1000']);
    expectOneLine(r, /nothing to verify in .*: shard 1000\/1000 of \d+ planned cases is empty/);
    const ok = await runCli(['verify', p('small.qacc'), '--vectors', '0', '--shard', '1/1000']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/OK: all 1 cases match/);
  });
});
