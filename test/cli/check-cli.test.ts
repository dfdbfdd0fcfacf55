/**
 * `qacc check` and `qacc ir` run in-process: exit codes, diagnostics on stderr in the
 * `file:line:col: error[CODE]: message` + source line + caret form, several errors per run, no stack
 * traces, and the IR on stdout (text and JSON, with --set).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './fake-io.js';

const dir = mkdtempSync(join(tmpdir(), 'qacc-check-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('qacc check', () => {
  it('passes the three examples silently', async () => {
    const r = await runCli(['check', 'examples/bitmod.qacc', 'examples/xr-npe.qacc', 'examples/svdquant.qacc']);
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('reports several located errors with source line and caret, exit 1, no stack trace', async () => {
    const bad = file('bad.qacc', 'param rows = 32;\nconst cols = rwos * 2;\npe p : mac { weights = fp5; activations = fp16; }\n');
    const r = await runCli(['check', bad]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.split('\n');
    expect(lines[0]).toBe(`${bad}:2:14: error[E201]: unknown name 'rwos'`);
    expect(lines[1]).toBe(' 2 | const cols = rwos * 2;');
    expect(lines[2]).toBe('   |              ^~~~');
    expect(lines[3]).toBe("  = hint: did you mean 'rows'?");
    expect(r.stderr).toContain(`${bad}:3:24: error[E302]: unknown format for weights: 'fp5'`);
    expect(r.stderr).toContain('2 errors, 0 warnings');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('reports an unreadable file without a location', async () => {
    const r = await runCli(['check', join(dir, 'missing.qacc')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^qacc: error\[E203\]: cannot read '.*missing\.qacc'/);
  });

  it('checks --set overrides', async () => {
    const r = await runCli(['check', 'examples/svdquant.qacc', '--set', 'rank=40']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error[E404]: rank 40 is not a multiple of 16');
  });
});

describe('qacc ir', () => {
  it('prints the text IR', async () => {
    const r = await runCli(['ir', 'examples/xr-npe.qacc']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('modes = 4 x fp4_e2m1 | 4 x posit4_1 | 2 x posit8_0 | 1 x posit16_1');
  });

  it('prints canonical JSON with overrides applied', async () => {
    const r = await runCli(['ir', 'examples/bitmod.qacc', '--json', '--set', 'rows=64', '--set', 'cols=16']);
    expect(r.code).toBe(0);
    const ir = JSON.parse(r.stdout);
    expect(ir.accelerators[0]).toMatchObject({ name: 'bitmod', totalPes: 1024 });
    expect(ir.accelerators[0].arrays[0]).toMatchObject({ rows: 64, cols: 16 });
    expect(ir.params.slice(0, 2)).toEqual([
      expect.objectContaining({ name: 'rows', value: '64', overridden: true }),
      expect.objectContaining({ name: 'cols', value: '16', overridden: true }),
    ]);
  });

  it('prints no IR when there are errors', async () => {
    const r = await runCli(['ir', 'examples/bitmod.qacc', '--set', 'rows=0']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('examples/bitmod.qacc:70:10: error[E311]: rows must be between 1 and 1048576, found 0');
  });

  it('warns when the file declares no accelerator (W502)', async () => {
    const lib = file('lib.qacc', 'pe p : mac { weights = int8; activations = int8; }\n');
    const r = await runCli(['ir', lib]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('warning[W502]: no accelerator is declared');
  });
});
