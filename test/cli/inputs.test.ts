/**
 * Inputs are read only as regular files within a stated size (src/cli/input-files.ts): devices, FIFOs
 * and directories are refused at once (no hang, no out-of-memory) for the .qacc source, its imports,
 * tensors, assembly and programs; `-` reads standard input, bounded the same way, and diagnostics name it
 * `<stdin>`.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readInputBytes, SOURCE_LIMIT } from '../../src/cli/input-files.js';
import { runCli } from './fake-io.js';
import { SMALL_QACC } from './sandbox.js';

const dir = mkdtempSync(join(tmpdir(), 'qacc-inputs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const p = (name: string): string => join(dir, name);
writeFileSync(p('small.qacc'), SMALL_QACC);
mkdirSync(p('folder'));
execFileSync('mkfifo', [p('fifo')]);
execFileSync('mkfifo', [p('fifo.npy')]);

/** Exit 1 and exactly one line `qacc: error: …` matching `why`. */
function expectOneLine(r: { code: number; stderr: string; stdout: string }, why: RegExp): void {
  expect(r.code, r.stderr).toBe(1);
  expect(r.stderr.trim().split('\n'), r.stderr).toEqual([expect.stringMatching(/^qacc: error: /)]);
  expect(r.stderr).toMatch(why);
}

describe('reading input files', () => {
  it('readInputBytes: regular files within the limit; a clear reason otherwise', () => {
    writeFileSync(p('ten'), '0123456789');
    expect(Buffer.from(readInputBytes(p('ten'), { what: 'test file', maxBytes: 10 })).toString()).toBe('0123456789');
    expect(() => readInputBytes(p('ten'), { what: 'test file', maxBytes: 9 })).toThrow(`cannot read '${p('ten')}': larger than the 9 bytes limit for a test file`);
    expect(() => readInputBytes('/dev/zero', SOURCE_LIMIT)).toThrow("cannot read '/dev/zero': not a regular file (a character device)");
    expect(() => readInputBytes(p('fifo'), SOURCE_LIMIT)).toThrow(/not a regular file \(a FIFO\)/);
    expect(() => readInputBytes(p('folder'), SOURCE_LIMIT)).toThrow(/is a directory/);
    expect(() => readInputBytes(p('none'), SOURCE_LIMIT)).toThrow(/no such file or directory/);
    expect(() => readInputBytes(p('ten/x'), SOURCE_LIMIT)).toThrow(/a component of the path is not a directory/);
    expect(() => readInputBytes('', SOURCE_LIMIT)).toThrow(/the file name is empty/);
    // /proc files are regular files that report size 0: their content is read, and bounded.
    expect(Buffer.from(readInputBytes('/proc/self/status', SOURCE_LIMIT)).toString()).toMatch(/^Name:/);
    expect(() => readInputBytes('/proc/self/status', { what: 'test file', maxBytes: 16 })).toThrow(/larger than the 16 bytes limit/);
  });

  it('a .qacc source or import that is a device, FIFO or folder is a located error, at once', async () => {
    for (const [path, why] of [
      ['/dev/zero', /not a regular file \(a character device\)/],
      [p('fifo'), /not a regular file \(a FIFO\)/],
      [p('folder'), /is a directory/],
      [p('missing.qacc'), /no such file or directory/],
    ] as const) {
      const r = await runCli(['check', path]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^qacc: error\[E203\]: cannot read '.*'\n {2}= hint: /);
      expect(r.stderr).toMatch(why);
      const src = p('imports.qacc');
      writeFileSync(src, `import "${path}";\n`);
      const i = await runCli(['check', src]);
      expect(i.code).toBe(1);
      expect(i.stderr).toContain(`imports.qacc:1:8: error[E203]: cannot read '${path}'`);
      expect(i.stderr).toMatch(why);
      expect(i.stderr.split('\n').length).toBeLessThan(8);
    }
  });

  it('a .qacc source beyond the size limit is refused without reading it', async () => {
    const big = p('big.qacc');
    execFileSync('truncate', ['-s', String(SOURCE_LIMIT.maxBytes + 1), big]);
    const r = await runCli(['check', big]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot read '.*big\.qacc'\n {2}= hint: larger than the 16 MiB limit for a \.qacc source/);
    rmSync(big);
  });

  it('tensors, assembly and programs: devices, FIFOs and folders in one line', async () => {
    expectOneLine(await runCli(['quantize', '--format', 'int4', '--block', 'group:8', '--in', p('fifo.npy'), '--out', p('q.json')]), /cannot read '.*fifo\.npy': not a regular file \(a FIFO\)/);
    mkdirSync(p('dir.npy'));
    expectOneLine(await runCli(['quantize', '--format', 'int4', '--block', 'group:8', '--in', p('dir.npy'), '--out', p('q.json')]), /cannot read '.*dir\.npy': is a directory/);
    expectOneLine(await runCli(['disasm', '/dev/zero']), /cannot read '\/dev\/zero': not a regular file/);
    expectOneLine(await runCli(['disasm', p('folder')]), /is a directory/);
    expectOneLine(await runCli(['asm', p('fifo'), '-o', p('x.bin')]), /not a regular file \(a FIFO\)/);
    expectOneLine(await runCli(['asm', '/dev/urandom', '-o', p('x.bin')]), /not a regular file \(a character device\)/);
    expectOneLine(await runCli(['quantize', '--format', 'int4', '--block', 'group:8', '--in', '-', '--out', p('q.json')]), /^qacc: error: -: unknown tensor file type/);
  });
});

describe('standard input', () => {
  it('check - reads standard input and names it <stdin>', async () => {
    const r = await runCli(['check', '-'], 'param = ;\n');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^<stdin>:1:7: error\[E104\]: expected a name, found '='/);
    const ok = await runCli(['check', '-'], SMALL_QACC);
    expect(ok).toMatchObject({ code: 0, stderr: '' });
    // Mixed with files, in order; relative imports resolve from the working directory.
    const both = await runCli(['check', p('small.qacc'), '-'], 'const x = ;\n');
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(/^<stdin>:1:11: error/);
  });

  it('- works for ir and sim too; twice is refused', async () => {
    const ir = await runCli(['ir', '-'], SMALL_QACC);
    expect(ir.code).toBe(0);
    expect(ir.stdout).toMatch(/^design <stdin>/);
    const sim = await runCli(['sim', '-', '-w', 'gemm:m=2,k=2,n=2', '--json'], SMALL_QACC);
    expect(sim.code, sim.stderr).toBe(0);
    expect(JSON.parse(sim.stdout).match_golden).toBe(true);
    expectOneLine(await runCli(['check', '-', '-'], SMALL_QACC), /- \(standard input\) may be given only once/);
  });

  it('standard input is bounded like a file', async () => {
    const r = await runCli(['check', '-'], 'x'.repeat(SOURCE_LIMIT.maxBytes + 1));
    expectOneLine(r, /^qacc: error: cannot read '<stdin>': larger than the 16 MiB limit for standard input$/m);
  });
});
