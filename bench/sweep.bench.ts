/**
 * Sweep throughput, in design points per second: `qacc sweep` of examples/bitmod.qacc over a 10 × 10 grid
 * of array shapes (100 points), each estimated on a Llama-2-7B decode step, in a child process running the
 * built CLI (dist/; `npm run build` first) with 2 worker threads — the target is 100 points in
 * under a minute on 2 cores. The time includes starting the workers and writing the report.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchCase, OnceMeasurement } from './harness.js';

const ROOT = new URL('..', import.meta.url).pathname;
const VALUES = [8, 16, 24, 32, 40, 48, 56, 64, 72, 80];

function sweepInChild(threads: number): OnceMeasurement {
  const dir = mkdtempSync(join(tmpdir(), 'qacc-sweep-bench-'));
  try {
    const args = ['sweep', 'examples/bitmod.qacc', '--set', `rows=${VALUES.join(',')}`, '--set', `cols=${VALUES.join(',')}`, '--workload', 'model:llama-2-7b,stage=decode,tokens=1', '--threads', String(threads), '-o', join(dir, 'report')];
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/sweep-child.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 600_000 });
    if (r.status !== 0) throw new Error(`the sweep child failed (${r.status ?? r.signal}): ${r.stderr.slice(-2000)}`);
    const m = JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as { ms: number; peakRssBytes: number; code: number };
    if (m.code !== 0) throw new Error(`qacc sweep exited ${m.code}`);
    return { items: VALUES.length ** 2, ms: m.ms, peakRssBytes: m.peakRssBytes };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const sweepCase = (threads: number): BenchCase => ({
  group: 'sweep: throughput',
  name: `bitmod 10×10 shapes, Llama-2-7B decode, ${threads} thread${threads > 1 ? 's' : ''} (child process, dist/)`,
  unit: 'points',
  setup: () => () => 0,
  once: () => sweepInChild(threads),
});

export const cases: BenchCase[] = [sweepCase(1), sweepCase(2)];
