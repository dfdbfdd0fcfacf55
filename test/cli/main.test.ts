/** The CLI shell's contract: exit codes 0/1/2, one-line errors, --help and --version. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { QACC_VERSION } from '../../src/cli/version.js';
import { runCli } from './fake-io.js';

describe('qacc CLI shell', () => {
  it('prints help and exits 0', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('qacc <command>');
    expect(r.stderr).toBe('');
  });

  it('prints the package version', async () => {
    const pkg = JSON.parse(readFileSync(resolve(__dirname, '../../package.json'), 'utf8')) as { version: string };
    expect(QACC_VERSION).toBe(pkg.version);
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('rejects a missing command with one line on stderr and exit 1', async () => {
    const r = await runCli([]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^qacc: error: /);
  });

  it('rejects an unknown command with exit 1 and no stack trace', async () => {
    const r = await runCli(['no-such-command']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^qacc: error: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
