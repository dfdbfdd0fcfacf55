/**
 * The rtl backend inside `qacc verify` (PE level, real Verilator): generated RTL = golden = simulator on
 * every SIMD mode of the xr-npe example; and a mutant — `qacc build` output with one operator swapped,
 * supplied with --rtl-dir — is caught with a golden-vs-rtl report whose repro line reruns that one case
 * (still failing on the mutant, passing on the unmodified build). Verilator is required: a missing tool
 * fails these tests with its install hint, never skips them.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { goldenBackend, simBackend } from '../../src/verify/backends.js';
import { planCases } from '../../src/verify/cases.js';
import { createRtlBackend } from '../../src/verify/rtl-backend.js';
import { runVerification } from '../../src/verify/run.js';
import { runCli } from '../cli/fake-io.js';
import { exampleTargets, ROOT, shellWords } from './orchestration-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'qacc-verify-rtl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const BITMOD = resolve(ROOT, 'examples/bitmod.qacc');

describe('rtl backend (PE level, Verilator)', () => {
  it('generated RTL = golden = sim on every SIMD mode of xr-npe', async () => {
    const targets = exampleTargets('xr-npe');
    const plan = planCases(targets, { vectors: 1, seed: 2 });
    const run = await runVerification({ targets, cases: plan.cases, backends: [goldenBackend, simBackend, createRtlBackend()], options: { trace: false } });
    expect(run.outcomes.filter((o) => o.status !== 'pass').map((o) => `${o.case.id}: ${JSON.stringify(o.divergences)} ${o.error?.message ?? ''}`)).toEqual([]);
    expect(run.pairs.map((p) => [p.reference, p.other, p.cases, p.failed])).toEqual([
      ['golden', 'sim', plan.cases.length, 0],
      ['golden', 'rtl-pe', plan.cases.length, 0],
    ]);
  }, 120_000);

  it('a mutant from --rtl-dir is caught, and its repro line reruns just that case', async () => {
    const orig = join(dir, 'orig');
    const built = await runCli(['build', BITMOD, '--accelerator', 'fp16_baseline', '-o', orig]);
    expect(built.code, built.stderr).toBe(0);
    const mut = join(dir, 'mut');
    cpSync(orig, mut, { recursive: true });
    // Swap an operator: the aligning adder's effective subtraction becomes an addition.
    const adder = readdirSync(join(mut, 'rtl')).find((f) => f.startsWith('qacc_add_align'));
    expect(adder).toBeDefined();
    const path = join(mut, 'rtl', adder!);
    const text = readFileSync(path, 'utf8');
    const mutated = text.replace(/\) - \$signed\(/, ') + $signed(');
    expect(mutated).not.toBe(text);
    writeFileSync(path, mutated);

    // rtl-pe: the PE-level bench (the build's accelerator top would be a long Verilator build at full size;
    // test/verify/orchestration-program.test.ts covers the program level).
    const r = await runCli(['verify', BITMOD, '--accelerator', 'fp16_baseline', '--backends', 'golden,rtl-pe', '--rtl-dir', mut, '--vectors', '1']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^MISMATCH golden vs rtl-pe: case fp16_baseline\//m);
    expect(r.stdout).toMatch(/^ {4}output \d+ \(row \d+, col \d+\): expected 0x[0-9a-f]{4} \(\S+\) from golden, got 0x[0-9a-f]{4} \(\S+\) from rtl-pe$/m);
    expect(r.stdout).toMatch(/^FAILED: \d+ of \d+ cases/m);
    const repro = /reproduce: (.*)$/m.exec(r.stdout)![1];
    const args = shellWords(repro).slice(2);
    expect(args).toContain('--rtl-dir');
    const again = await runCli(args);
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(/: 1 cases on 1 targets \(fp16_baseline\)/);
    expect(again.stdout.match(/^MISMATCH golden vs rtl-pe/gm)).toHaveLength(1);
    // The unmodified build passes the same case.
    const clean = await runCli(args.map((a) => (a === mut ? orig : a)));
    expect(clean.stderr).toBe('');
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/OK: all 1 cases match/);
  }, 180_000);
});
