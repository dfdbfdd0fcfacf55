/**
 * Output paths never destroy what was there (src/cli/output-paths.ts): `build -o` replaces only a
 * directory it wrote (the .qacc-build marker), never the current directory, its parents, a file, a folder
 * holding an input or a foreign folder; `--force` adds only unmarked directories of build files; every
 * file output refuses directories, devices and the command's inputs; two outputs of one command never
 * collide (also through symbolic and hard links); refused runs change nothing and print one line.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { writeDirectoryAtomic } from '../../src/cli/io.js';
import { BUILD_MARKER, checkOutputs, isBuildOutput } from '../../src/cli/output-paths.js';
import { runCli } from './fake-io.js';
import { SMALL_QACC, snapshotTree, withCwd } from './sandbox.js';

const root = mkdtempSync(join(tmpdir(), 'qacc-outpaths-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let box = '';
let n = 0;
beforeEach(() => {
  box = join(root, `case${n++}`);
  mkdirSync(box);
  writeFileSync(join(box, 'small.qacc'), SMALL_QACC);
});

/** Runs qacc in `box` and checks the refusal: exit 1, one `qacc: error:` line matching `why`, nothing changed. */
async function expectRefused(args: string[], why: RegExp): Promise<void> {
  const before = snapshotTree(box);
  const r = await withCwd(box, () => runCli(args));
  expect(r.code, r.stderr).toBe(1);
  expect(r.stderr.trim().split('\n'), r.stderr).toEqual([expect.stringMatching(/^qacc: error: /)]);
  expect(r.stderr).toMatch(why);
  expect(r.stdout).toBe('');
  expect(snapshotTree(box)).toEqual(before);
}

describe('build -o replaces only its own outputs', () => {
  it('refuses an empty path, the current directory and its parents', async () => {
    await expectRefused(['build', 'small.qacc', '-o', ''], /-o '': the path is empty/);
    await expectRefused(['build', 'small.qacc', '-o', '.'], /is the current directory/);
    await expectRefused(['build', 'small.qacc', '-o', './'], /is the current directory/);
    await expectRefused(['build', 'small.qacc', '-o', '..'], /is a parent of the current directory/);
    await expectRefused(['build', 'small.qacc', '-o', '/'], /is a parent of the current directory/);
    await expectRefused(['build', 'small.qacc', '-o', 'sub/..', '--force'], /is the current directory/);
  });

  it('refuses a file, a foreign folder and the folder of the source or of an import', async () => {
    writeFileSync(join(box, 'notes.txt'), 'mine');
    await expectRefused(['build', 'small.qacc', '-o', 'notes.txt'], /-o 'notes.txt': is a file, not a directory/);
    mkdirSync(join(box, 'project'));
    writeFileSync(join(box, 'project', 'todo.md'), 'mine');
    await expectRefused(['build', 'small.qacc', '-o', 'project'], /non-empty directory without the \.qacc-build marker/);
    await expectRefused(['build', 'small.qacc', '-o', 'project', '--force'], /holds 'todo\.md', which qacc build does not write/);
    mkdirSync(join(box, 'lib'));
    writeFileSync(join(box, 'lib', 'pe.qacc'), 'pe p : mac { weights = int8; activations = int8; accumulator = int(32); }\n');
    writeFileSync(join(box, 'top.qacc'), `import "lib/pe.qacc";\n${SMALL_QACC.split('\n').slice(1).join('\n')}`);
    await expectRefused(['build', 'top.qacc', '-o', 'lib'], /holds a file the \.qacc source imports 'lib\/pe\.qacc'/);
    await expectRefused(['build', 'top.qacc', '-o', 'lib', '--force'], /holds a file the \.qacc source imports/);
    // The folder holding the source, named from inside another folder.
    mkdirSync(join(box, 'elsewhere'));
    const r = await withCwd(join(box, 'elsewhere'), () => runCli(['build', '../small.qacc', '-o', '..']));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/is a parent of the current directory/);
    const s = await withCwd(join(box, 'elsewhere'), () => runCli(['build', join(box, 'small.qacc'), '-o', box]));
    expect(s.stderr).toMatch(/is a parent of the current directory|holds the \.qacc source/);
    expect(existsSync(join(box, 'small.qacc'))).toBe(true);
  });

  it('writes the marker, replaces a marked directory, and an empty one', async () => {
    mkdirSync(join(box, 'empty'));
    const a = await withCwd(box, () => runCli(['build', 'small.qacc', '-o', 'empty']));
    expect(a.code, a.stderr).toBe(0);
    expect(isBuildOutput(join(box, 'empty'))).toBe(true);
    expect(readFileSync(join(box, 'empty', BUILD_MARKER), 'utf8')).toMatch(/^qacc build output.*\nversion .*\nsource small\.qacc\naccelerator small\n$/s);
    writeFileSync(join(box, 'empty', 'stale.v'), '// stale');
    const b = await withCwd(box, () => runCli(['build', 'small.qacc', '-o', 'empty']));
    expect(b.code, b.stderr).toBe(0);
    // Replaced as a whole: the stale file is gone, nothing is left beside it.
    expect(existsSync(join(box, 'empty', 'stale.v'))).toBe(false);
    expect(readdirSync(box).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('--force replaces an unmarked directory holding only build files (an older output)', async () => {
    const a = await withCwd(box, () => runCli(['build', 'small.qacc', '-o', 'old']));
    expect(a.code).toBe(0);
    rmSync(join(box, 'old', BUILD_MARKER));
    await expectRefused(['build', 'small.qacc', '-o', 'old'], /without the \.qacc-build marker/);
    const b = await withCwd(box, () => runCli(['build', 'small.qacc', '-o', 'old', '--force']));
    expect(b.code, b.stderr).toBe(0);
    expect(isBuildOutput(join(box, 'old'))).toBe(true);
  });

  it('a marker-like file that is not the marker does not count', async () => {
    mkdirSync(join(box, 'fake'));
    writeFileSync(join(box, 'fake', BUILD_MARKER), 'something else\n');
    writeFileSync(join(box, 'fake', 'data.csv'), '1,2');
    await expectRefused(['build', 'small.qacc', '-o', 'fake'], /without the \.qacc-build marker/);
  });

  it('writes through a symbolic link to a directory, keeping the link', async () => {
    mkdirSync(join(box, 'real'));
    symlinkSync(join(box, 'real'), join(box, 'link'));
    const r = await withCwd(box, () => runCli(['build', 'small.qacc', '-o', 'link']));
    expect(r.code, r.stderr).toBe(0);
    expect(isBuildOutput(join(box, 'real'))).toBe(true);
    expect(readdirSync(join(box, 'link'))).toContain('files.f');
  });

  it('an unwritable place is refused before any work', async () => {
    await expectRefused(['build', 'small.qacc', '-o', '/proc/qacc-out'], /^qacc: error: cannot write '\/proc\/qacc-out': no such file or directory$/m);
    await expectRefused(['build', 'small.qacc', '-o', '/sys/qacc-out'], /cannot write '\/sys\/qacc-out': permission denied/);
    writeFileSync(join(box, 'plain'), 'x');
    await expectRefused(['build', 'small.qacc', '-o', 'plain/out'], /cannot write 'plain\/out': '.*plain' is not a directory/);
  });

  it('an interrupted directory write leaves the old output intact and no temporary behind', () => {
    const out = join(box, 'out');
    writeDirectoryAtomic(out, [{ path: 'a.txt', text: 'old' }]);
    // 'x' as a file and as a folder: the second write fails half way.
    expect(() => writeDirectoryAtomic(out, [{ path: 'b.txt', text: 'new' }, { path: 'x', text: '1' }, { path: 'x/y', text: '2' }])).toThrow(/cannot write/);
    expect(readdirSync(out)).toEqual(['a.txt']);
    expect(readdirSync(box).filter((f) => f.startsWith('.'))).toEqual([]);
  });
});

describe('file outputs', () => {
  const T = JSON.stringify({ shape: [2, 8], data: Array.from({ length: 16 }, (_, i) => i / 8 - 1) });
  const Q = ['quantize', '--format', 'int4', '--block', 'group:8'];

  it('refuse a directory, a device, the current directory and an empty name', async () => {
    mkdirSync(join(box, 'dir.json'));
    writeFileSync(join(box, 't.json'), T);
    await expectRefused([...Q, '--in', 't.json', '--out', 'dir.json'], /--out 'dir\.json': is a directory/);
    await expectRefused(['sim', 'small.qacc', '-w', 'gemm:m=2,k=2,n=2', '--vcd', '/dev/null'], /--vcd '\/dev\/null': is a character device/);
    await expectRefused(['sim', 'small.qacc', '-w', 'gemm:m=2,k=2,n=2', '--vcd', '.'], /--vcd '\.': is the current directory/);
    await expectRefused(['sim', 'small.qacc', '-w', 'gemm:m=2,k=2,n=2', '--vcd', ''], /--vcd '': the path is empty/);
    await expectRefused(['verify', 'small.qacc', '--vectors', '0', '--junit', '-'], /--junit '-': writing to standard output is not supported/);
    await expectRefused(['asm', '-', '-o', 'dir.json'], /-o 'dir\.json': is a directory/);
  });

  it('refuse to overwrite an input: the source, an import, the tensor, through links too', async () => {
    writeFileSync(join(box, 't.json'), T);
    symlinkSync(join(box, 't.json'), join(box, 'alias.json'));
    linkSync(join(box, 't.json'), join(box, 'hard.json'));
    await expectRefused([...Q, '--in', 't.json', '--out', 't.json'], /--out 't\.json': is the --in tensor/);
    await expectRefused([...Q, '--in', 't.json', '--out', 'alias.json'], /is the --in tensor/);
    await expectRefused([...Q, '--in', 't.json', '--out', 'hard.json'], /is the --in tensor/);
    await expectRefused([...Q, '--in', 't.json', '--out', 'q.json', '--dequant-out', './t.json'], /--dequant-out '\.\/t\.json': is the --in tensor/);
    await expectRefused(['sim', 'small.qacc', '-w', 'gemm:m=2,k=2,n=2', '--vcd', 'small.qacc'], /--vcd 'small\.qacc': is the \.qacc source/);
    writeFileSync(join(box, 'pe.qacc'), SMALL_QACC.split('\n')[0]);
    writeFileSync(join(box, 'top.qacc'), `import "pe.qacc";\n${SMALL_QACC.split('\n').slice(1).join('\n')}`);
    await expectRefused(['verify', 'top.qacc', '--junit', 'pe.qacc'], /--junit 'pe\.qacc': is a file the \.qacc source imports/);
    writeFileSync(join(box, 'p.s'), 'halt\n');
    await expectRefused(['asm', 'p.s', '-o', 'p.s'], /-o 'p\.s': is the assembly source/);
    mkdirSync(join(box, 'rtl'));
    await expectRefused(['verify', 'small.qacc', '--backends', 'golden,rtl', '--rtl-dir', 'rtl', '--junit', 'rtl/j.xml'], /--junit 'rtl\/j\.xml': is inside the --rtl-dir directory 'rtl'/);
  });

  it('two outputs of one command never collide', async () => {
    writeFileSync(join(box, 't.json'), T);
    await expectRefused([...Q, '--in', 't.json', '--out', 'q.json', '--dequant-out', 'q.json'], /--dequant-out 'q\.json': is also given as --out/);
    await expectRefused([...Q, '--in', 't.json', '--out', 'q.json', '--dequant-out', `${box}/sub/../q.json`], /is also given as --out/);
    writeFileSync(join(box, 'q.json'), '{}');
    symlinkSync(join(box, 'q.json'), join(box, 'q2.json'));
    await expectRefused([...Q, '--in', 't.json', '--out', 'q.json', '--dequant-out', 'q2.json'], /is also given as --out/);
  });

  it('checkOutputs: a file inside a directory output overlaps it', () => {
    expect(() =>
      withCwd(box, () =>
        checkOutputs(
          [
            { flag: '-o', path: 'out', kind: 'directory' },
            { flag: '--log', path: 'out/log.txt', kind: 'file' },
          ],
          [],
        ),
      ),
    ).toThrow(/--log 'out\/log\.txt': overlaps -o 'out'/);
  });

  it('writes a file output through a symbolic link and over its own earlier output', async () => {
    writeFileSync(join(box, 't.json'), T);
    writeFileSync(join(box, 'target.json'), 'old');
    symlinkSync(join(box, 'target.json'), join(box, 'q.json'));
    const r = await withCwd(box, () => runCli([...Q, '--in', 't.json', '--out', 'q.json']));
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(box, 'target.json'), 'utf8')).codes).toHaveLength(16);
    const again = await withCwd(box, () => runCli([...Q, '--in', 't.json', '--out', 'q.json']));
    expect(again.code).toBe(0);
  });

  it('a FIFO is neither read nor written', async () => {
    execFileSync('mkfifo', [join(box, 'pipe.json')]);
    writeFileSync(join(box, 't.json'), T);
    await expectRefused([...Q, '--in', 't.json', '--out', 'pipe.json'], /is a FIFO, not a regular file/);
  });
});
