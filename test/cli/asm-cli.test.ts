/**
 * `qacc asm` and `qacc disasm`, run in-process: the example programs round-trip byte for byte through
 * files, the container on disk has the documented header, errors are located one-liners with exit 1,
 * and a failed assembly leaves an existing output file untouched.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './fake-io.js';

const EXAMPLES = resolve(__dirname, '../../isa/examples');
const dir = mkdtempSync(join(tmpdir(), 'qacc-asm-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('qacc asm / disasm', () => {
  const examples = readdirSync(EXAMPLES).filter((f) => f.endsWith('.s'));

  it('has example programs', () => {
    expect(examples.length).toBeGreaterThanOrEqual(3);
  });

  for (const name of examples) {
    it(`round-trips ${name} byte for byte`, async () => {
      const bin = join(dir, `${name}.bin`);
      const a = await runCli(['asm', join(EXAMPLES, name), '-o', bin]);
      expect(a).toEqual({ code: 0, stdout: '', stderr: '' });
      const bytes = readFileSync(bin);
      expect(bytes.subarray(0, 4).toString('latin1')).toBe('QISA');
      const count = bytes.readUInt32LE(12);
      // One word per instruction line of the source (lines that are not blank, comment or label-only).
      const source = readFileSync(join(EXAMPLES, name), 'utf8').split('\n');
      const instructionLines = source.map((l) => l.replace(/[;#].*$/, '').replace(/^\s*[A-Za-z_.][\w.]*:/, '').trim()).filter(Boolean);
      expect(count).toBe(instructionLines.length);
      expect(bytes.length).toBe(16 + 16 * count);

      const d = await runCli(['disasm', bin]);
      expect(d.code).toBe(0);
      expect(d.stderr).toBe('');
      const text = join(dir, `${name}.dis.s`);
      writeFileSync(text, d.stdout);
      const bin2 = join(dir, `${name}.2.bin`);
      expect((await runCli(['asm', text, '-o', bin2])).code).toBe(0);
      expect(readFileSync(bin2).equals(bytes)).toBe(true);

      const withWords = await runCli(['disasm', bin, '--words']);
      expect(withWords.stdout).toMatch(/# 0x[0-9a-f]{32}$/m);
      writeFileSync(text, withWords.stdout);
      expect((await runCli(['asm', text, '-o', bin2])).code).toBe(0);
      expect(readFileSync(bin2).equals(bytes)).toBe(true);
    });
  }

  it('writes <file>.bin by default and reads standard input with -', async () => {
    const src = join(dir, 'tiny.s');
    writeFileSync(src, 'csync push_next\nhalt\n');
    expect((await runCli(['asm', src])).code).toBe(0);
    const bytes = readFileSync(join(dir, 'tiny.bin'));
    expect(bytes.readUInt32LE(12)).toBe(2);
    const out = join(dir, 'stdin.bin');
    expect((await runCli(['asm', '-', '-o', out], 'csync push_next\nhalt\n')).code).toBe(0);
    expect(readFileSync(out).equals(bytes)).toBe(true);
    const r = await runCli(['asm', '-'], 'halt\n');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('qacc: error: give -o <program.bin> when reading standard input\n');
  });

  it('prints located errors, exits 1 and leaves an existing output untouched', async () => {
    const src = join(dir, 'bad.s');
    writeFileSync(src, 'halt\n  settile m=0, n=1, k=1\nlod a1\n');
    const out = join(dir, 'bad.bin');
    writeFileSync(out, 'previous');
    const r = await runCli(['asm', src, '-o', out]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')).toEqual([
      `${src}:2:13: error: settile.m: 0 is out of range 1..65535 (16-bit len)`,
      `${src}:3:1: error: unknown instruction 'lod' (did you mean load?)`,
      '',
    ]);
    expect(readFileSync(out, 'utf8')).toBe('previous');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('names the input in errors read from standard input', async () => {
    const r = await runCli(['asm', '-', '-o', join(dir, 'never.bin')], 'halt 1\n');
    expect(r.stderr).toBe('<stdin>:1:6: error: too many operands: halt has 0 field(s)\n');
    expect(existsSync(join(dir, 'never.bin'))).toBe(false);
  });

  it('reports unreadable inputs and bad programs in one line', async () => {
    const missing = await runCli(['asm', join(dir, 'nope.s')]);
    expect(missing).toMatchObject({ code: 1, stderr: `qacc: error: cannot read '${join(dir, 'nope.s')}': no such file or directory\n` });
    const notBin = join(dir, 'text.bin');
    writeFileSync(notBin, 'halt\n');
    const bad = await runCli(['disasm', notBin]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('qacc: error: not a qacc program: 5 bytes is shorter than the 16-byte header\n');
    const badWord = join(dir, 'badword.bin');
    const bytes = Buffer.alloc(32);
    bytes.write('QISA', 0, 'latin1');
    bytes.writeUInt16LE(1, 4);
    bytes.writeUInt16LE(1, 6);
    bytes.writeUInt16LE(128, 8);
    bytes.writeUInt32LE(1, 12);
    bytes[16] = 0x3f;
    writeFileSync(badWord, bytes);
    const r = await runCli(['disasm', badWord]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^qacc: error: instruction 0: unknown opcode 0x3f in word 0x3f\n$/);
    expect((await runCli(['disasm', dir])).stderr).toMatch(/cannot read .*: is a directory/);
  });
});
