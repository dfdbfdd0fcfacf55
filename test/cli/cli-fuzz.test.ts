/**
 * The CLI fuzz test (test/cli/cli-fuzz-lib.ts): random command lines over every file-writing and
 * file-reading command, with hostile paths, inside a sandbox. Every case must exit 0 or 1 without an
 * internal error or stack trace and change nothing but the outputs it named. A fixed budget here; more
 * with `npm run fuzz cli`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCase, judgeOutcome, makeSandbox, runFuzzCase, type FuzzSandbox } from './cli-fuzz-lib.js';

const CASES = 200;
let sb: FuzzSandbox;
beforeAll(async () => {
  sb = await makeSandbox();
});
afterAll(() => sb.dispose());

describe('CLI fuzz', () => {
  it('generates varied command lines (every command, hostile paths)', () => {
    const cases = Array.from({ length: CASES }, (_, i) => generateCase(i + 1));
    const commands = new Set(cases.map((c) => c.args[0]));
    expect([...commands].sort()).toEqual(['asm', 'build', 'check', 'disasm', 'estimate', 'ir', 'quantize', 'sim', 'verify']);
    const all = cases.flatMap((c) => c.args);
    for (const p of ['.', '..', '/dev/zero', 'fifo', 'readonly/out', '/proc/self/status', 'project']) expect(all, p).toContain(p);
  });

  it('the judge flags exit 2, internal errors, stack traces and changes outside the named outputs', () => {
    const c = { args: ['build', 'small.qacc', '-o', 'new/deep/out'], stdin: '', outputs: ['new/deep/out'] };
    const base = { case: c, code: 0, stderr: '', before: { 'box/small.qacc': 'file 644 aa' }, after: { 'box/small.qacc': 'file 644 aa' } };
    expect(judgeOutcome(base, sb, 1)).toBeUndefined();
    // The output, inside it, and the folders made to hold it may change.
    const made = { 'box/new': 'dir 755', 'box/new/deep': 'dir 755', 'box/new/deep/out': 'dir 755', 'box/new/deep/out/files.f': 'file 644 bb' };
    expect(judgeOutcome({ ...base, after: { ...base.after, ...made } }, sb, 1)).toBeUndefined();
    expect(judgeOutcome({ ...base, code: 2 }, sb, 1)).toMatch(/exit code 2/);
    expect(judgeOutcome({ ...base, code: 1, stderr: 'qacc: internal error: x\n' }, sb, 1)).toMatch(/internal error/);
    expect(judgeOutcome({ ...base, code: 1, stderr: 'Error: x\n    at f (/a/b.js:1:2)\n' }, sb, 1)).toMatch(/stack trace/);
    expect(judgeOutcome({ ...base, after: { 'box/small.qacc': 'file 644 cc' } }, sb, 1)).toMatch(/changed box\/small\.qacc/);
    expect(judgeOutcome({ ...base, after: {} }, sb, 1)).toMatch(/changed box\/small\.qacc/);
    expect(judgeOutcome({ ...base, after: { ...base.after, 'box/new/other': 'file 644 dd' } }, sb, 1)).toMatch(/changed box\/new\/other/);
  });

  it(`${CASES} random command lines keep the contract`, async () => {
    const problems: string[] = [];
    for (let seed = 1; seed <= CASES; seed++) {
      const p = await runFuzzCase(seed, sb);
      if (p) problems.push(p);
    }
    expect(problems).toEqual([]);
  });
});
