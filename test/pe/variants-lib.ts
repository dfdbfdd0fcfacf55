/**
 * The check of issue 12 "what check accepts, every backend runs", for the per-kind variants tests
 * (test/pe/<folder>/variants.test.ts): a design variant is either rejected by `qacc check` with located
 * errors only, or honored — `qacc sim` of a small GEMM matches golden and `qacc build` succeeds. Never an
 * internal error (exit 2), a stack trace, or an unlocated error. Runs the CLI in-process (runCli).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { runCli, type CliRun } from '../cli/fake-io.js';

/** A design: a .qacc file on disk (imports resolve beside it), or text written to a fresh temporary file. */
export type VariantSource = { readonly file: string } | { readonly text: string };

/** What happened to a variant (for the counts the closing note of issue 12 reports). */
export type VariantOutcome = 'rejected' | 'honored';

export interface VariantOptions {
  /** `--set NAME=VALUE` overrides, as given to every command. */
  readonly sets?: readonly string[];
  /** The GEMM `qacc sim` runs (default gemm:m=3,k=37,n=5: a short last group, a short last SIMD word). */
  readonly workload?: string;
  /** simd_mac: the SIMD mode `qacc sim` runs (default 0). */
  readonly mode?: number;
}

const DIR = mkdtempSync(join(tmpdir(), 'qacc-variants-'));
let serial = 0;

/** One located diagnostic head line, as src/dsl/render.ts writes it. */
const LOCATED_ERROR = /^\S+:\d+:\d+: error\[E\d+\]: /;

function expectNoCrash(r: CliRun, what: string): void {
  expect(r.code, `${what} exit code (2 = internal error)\n${r.stderr}`).not.toBe(2);
  expect(r.stderr, `${what}: no stack trace`).not.toMatch(/\n\s+at |internal error/);
}

/** Runs check, then (when it passes) sim and build; asserts the contract and says which outcome it was. */
export async function expectHonoredOrRejected(source: VariantSource, accelerator: string | undefined, options: VariantOptions = {}): Promise<VariantOutcome> {
  let file: string;
  if ('file' in source) file = source.file;
  else {
    file = join(DIR, `variant-${++serial}.qacc`);
    writeFileSync(file, source.text);
  }
  const sets = (options.sets ?? []).flatMap((s) => ['--set', s]);
  const accel = accelerator === undefined ? [] : ['--accelerator', accelerator];
  const check = await runCli(['check', file, ...sets]);
  expectNoCrash(check, 'check');
  if (check.code !== 0) {
    expect(check.code, `check\n${check.stderr}`).toBe(1);
    // diagnostic heads and one-line errors; not source lines (` 5 | …`), carets, hints or the summary
    const errors = check.stderr.split('\n').filter((l) => /error(\[|:)/.test(l) && !/^\s*\d* \|/.test(l) && !/^\s+= /.test(l));
    expect(errors.length, `check exits 1 with at least one error\n${check.stderr}`).toBeGreaterThan(0);
    for (const line of errors) expect(line, `check: every error is located\n${check.stderr}`).toMatch(LOCATED_ERROR);
    return 'rejected';
  }
  const sim = await runCli(['sim', file, '--workload', options.workload ?? 'gemm:m=3,k=37,n=5', '--json', '--mode', String(options.mode ?? 0), ...accel, ...sets]);
  expectNoCrash(sim, 'sim');
  expect(sim.code, `check passed, so sim must run and match golden\n${sim.stderr}`).toBe(0);
  const report = JSON.parse(sim.stdout) as { readonly match_golden: boolean | null };
  expect(report.match_golden, 'sim matches golden').toBe(true);
  const build = await runCli(['build', file, '-o', join(DIR, `build-${++serial}`), ...accel, ...sets]);
  expectNoCrash(build, 'build');
  expect(build.code, `check passed, so build must succeed\n${build.stderr}`).toBe(0);
  return 'honored';
}
