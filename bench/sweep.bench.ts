/**
 * Sweep throughput, in design points per second: `qacc sweep` of examples/bitmod.qacc over a 10 × 10 grid
 * of array shapes (100 points; and 20 × 20), each estimated on a Llama-2-7B decode step, in a child process running the
 * built CLI (dist/; `npm run build` first) with 2 worker threads — the target is 100 points in
 * under a minute on 2 cores. The time includes starting the workers and writing the report.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchCase, OnceMeasurement } from './harness.js';

const ROOT = new URL('..', import.meta.url).pathname;
/** n array sizes 8, 16, …: an n × n grid of rows × cols. */
const sizes = (n: number): number[] => Array.from({ length: n }, (_, i) => 8 * (i + 1));

function sweepInChild(n: number, threads: number): OnceMeasurement {
  const values = sizes(n);
  const dir = mkdtempSync(join(tmpdir(), 'qacc-sweep-bench-'));
  try {
    const args = ['sweep', 'examples/bitmod.qacc', '--set', `rows=${values.join(',')}`, '--set', `cols=${values.join(',')}`, '--workload', 'model:llama-2-7b,stage=decode,tokens=1', '--threads', String(threads), '-o', join(dir, 'report')];
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/sweep-child.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 600_000 });
    if (r.status !== 0) throw new Error(`the sweep child failed (${r.status ?? r.signal}): ${r.stderr.slice(-2000)}`);
    const m = JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as { ms: number; peakRssBytes: number; code: number };
    if (m.code !== 0) throw new Error(`qacc sweep exited ${m.code}`);
    return { items: n * n, ms: m.ms, peakRssBytes: m.peakRssBytes };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const sweepCase = (n: number, threads: number): BenchCase => ({
  group: 'sweep: throughput',
  name: `bitmod ${n}×${n} shapes, Llama-2-7B decode, ${threads} thread${threads > 1 ? 's' : ''} (child process, dist/)`,
  unit: 'points',
  setup: () => () => 0,
  once: () => sweepInChild(n, threads),
});

// 100 points: the target; 400: where a second thread outweighs its start-up (about 1 s).
export const cases: BenchCase[] = [sweepCase(10, 1), sweepCase(10, 2), sweepCase(20, 1), sweepCase(20, 2)];
