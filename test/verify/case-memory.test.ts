/**
 * The memory bound of a verification case (src/verify/case-memory.ts): a `--workload`, layer chain or `--case`
 * shape whose operands, memory image and outputs would pass the simulator's 2 GiB bound for an arithmetic run is
 * refused with one line before any case is prepared (before the bound, 20000 × 20000 × 20000 grew qacc verify past
 * 8 GB), and a shape below it runs.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileFile } from '../../src/ir/elaborate.js';
import { ARITHMETIC_MEMORY_LIMIT } from '../../src/sim/run.js';
import { caseMemoryBytes, checkCaseMemory } from '../../src/verify/case-memory.js';
import { findTarget, planCases, verifyTargets } from '../../src/verify/cases.js';
import { runCli } from '../cli/fake-io.js';

const ROOT = resolve(__dirname, '../..');
const EX = (name: string): string => `${ROOT}/examples/${name}.qacc`;

function targetsOf(example: string, accel: string) {
  const c = compileFile(EX(example), { readFile: (p) => readFileSync(p, 'utf8') });
  return verifyTargets(c.design!).filter((t) => t.accelerator.name === accel);
}

/** Runs the CLI and reports how much the process's resident memory grew meanwhile. */
async function runMeasured(args: readonly string[]) {
  const before = process.memoryUsage().rss;
  const r = await runCli(args);
  return { ...r, grewMiB: (process.memoryUsage().rss - before) / 2 ** 20 };
}

describe('qacc verify: the memory bound of a case', () => {
  it('refuses a 20000³ --workload with one line, before preparing anything', async () => {
    const r = await runMeasured(['verify', EX('mac-ws'), '-a', 'mac_int8', '-w', 'gemm:m=20000,k=20000,n=20000', '--vectors', '0']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^qacc: error: case mac_int8\/[a-z]+\/20000x20000x20000\/s1: its 20000×20000×20000 GEMM needs about [0-9.]+ GiB for operands, memory image and 2 backends' outputs, above the limit of 2 GiB for an arithmetic run \(and 1 more case above it\): verify a smaller shape/);
    expect(r.grewMiB).toBeLessThan(300);
  });

  it('refuses a layer chain by the sum of its layers, and a --case id by its shape', async () => {
    const chain = await runMeasured(['verify', EX('bitmod'), '-a', 'bitmod', '-w', 'chain:6000x6000x6000,6000x6000x6000', '--vectors', '0']);
    expect(chain.code).toBe(1);
    expect(chain.stderr).toMatch(/: its 6000×6000×6000, then 6000×6000×6000 GEMMs need about [0-9.]+ GiB/);
    expect(chain.grewMiB).toBeLessThan(300);
    const one = await runMeasured(['verify', EX('bitmod'), '--case', 'bitmod/special/20000x20000x20000/s1']);
    expect(one.code).toBe(1);
    expect(one.stderr).toMatch(/^qacc: error: case bitmod\/special\/20000x20000x20000\/s1: its 20000×20000×20000 GEMM needs about [0-9.]+ GiB/);
    expect(one.stderr).not.toContain('more case');
  });

  it('counts each case by its shape: a chain is its layers together, more backends hold more outputs', () => {
    const targets = targetsOf('bitmod', 'bitmod');
    const one = planCases(targets, { vectors: 0, seed: 1, shape: { m: 300, k: 500, n: 70 } }).cases[0];
    const two = planCases(targets, { vectors: 0, seed: 1, shape: { m: 300, k: 500, n: 70 }, chained: [{ m: 300, k: 70, n: 40 }] }).cases[0];
    const t = findTarget(targets, one);
    const a = caseMemoryBytes(t, one, 2);
    // the operands alone: 4 bytes per element of A (twice) and B (twice)
    expect(a).toBeGreaterThan(4 * (2 * 300 * 500 + 2 * 500 * 70));
    expect(caseMemoryBytes(t, one, 3) - a).toBe(4 * 300 * 70);
    expect(caseMemoryBytes(t, two, 2)).toBeGreaterThan(a);
    expect(() => checkCaseMemory(targets, [one, two], 2)).not.toThrow();
  });

  it('a shape just below the bound passes the check, one just above it is refused', () => {
    const targets = targetsOf('mac-ws', 'mac_int8');
    const at = (m: number) => planCases(targets, { vectors: 0, seed: 1, shape: { m, k: 4096, n: 8 } }).cases;
    // the bytes grow with m: find the largest m that fits by bisection
    let lo = 1;
    let hi = 1 << 20;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      const c = at(mid)[0];
      if (caseMemoryBytes(findTarget(targets, c), c, 2) <= ARITHMETIC_MEMORY_LIMIT) lo = mid;
      else hi = mid;
    }
    expect(() => checkCaseMemory(targets, at(lo), 2)).not.toThrow();
    expect(() => checkCaseMemory(targets, at(hi), 2)).toThrow(/above the limit of 2 GiB/);
  });

  it('a shape below the bound runs and matches', async () => {
    const r = await runCli(['verify', EX('mac-ws'), '-a', 'mac_int8', '-w', 'gemm:m=3,k=5000,n=4', '--vectors', '0']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/OK: all \d+ cases match/);
  });
});
