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

  /**
   * The count from first principles for mac_int8 (int8 × int8 → int32): golden operands one 32-bit word per element,
   * A and B twice; simulated and golden outputs with the golden model's working copy (16 bytes per output) and one
   * word per output and backend; the memory image A (1 byte), B (1 byte), Y (4 bytes) per element, plus alignment.
   */
  const expectedBytes = (m: number, k: number, n: number, backends: number): number => 4 * (2 * m * k + 2 * k * n) + 16 * m * n + 4 * backends * m * n + (m * k + k * n + 4 * m * n);

  it('counts a mac_int8 case as its operands, outputs and memory image (an independent count, up to alignment)', () => {
    const targets = targetsOf('mac-ws', 'mac_int8');
    for (const [m, k, n] of [[300, 500, 70], [1, 4096, 4096], [8000, 8000, 8], [20000, 20000, 20000]]) {
      const c = planCases(targets, { vectors: 0, seed: 1, shape: { m, k, n } }).cases[0];
      const got = caseMemoryBytes(findTarget(targets, c), c, 2);
      const want = expectedBytes(m, k, n, 2);
      expect(got, `${m}×${k}×${n}`).toBeGreaterThanOrEqual(want);
      expect(got - want, `${m}×${k}×${n}`).toBeLessThan(4096);
    }
  });

  it('the 2 GiB bound falls where the independent count puts it (k = 4096, n = 8: between m = 57,800 and 58,000)', () => {
    const targets = targetsOf('mac-ws', 'mac_int8');
    const at = (m: number) => planCases(targets, { vectors: 0, seed: 1, shape: { m, k: 4096, n: 8 } }).cases;
    expect(expectedBytes(57_800, 4096, 8, 2)).toBeLessThan(ARITHMETIC_MEMORY_LIMIT - 1e6);
    expect(expectedBytes(58_000, 4096, 8, 2)).toBeGreaterThan(ARITHMETIC_MEMORY_LIMIT + 1e6);
    expect(() => checkCaseMemory(targets, at(57_800), 2)).not.toThrow();
    expect(() => checkCaseMemory(targets, at(58_000), 2)).toThrow(/above the limit of 2 GiB/);
  });

  it('a shape below the bound runs and matches', async () => {
    const r = await runCli(['verify', EX('mac-ws'), '-a', 'mac_int8', '-w', 'gemm:m=3,k=5000,n=4', '--vectors', '0']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/OK: all \d+ cases match/);
  });
});
