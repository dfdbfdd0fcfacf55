/**
 * WGSL reference kernels (issue 14) on Dawn / Mesa's software OpenGL ES, next to the golden model on the
 * same seeded GEMM, in MACs per second (one child process per workload: bench/wgsl-child.ts, which also
 * checks that both give the same codes). Mesa runs the shaders on this machine's CPU cores, so these are
 * CPU numbers; the GPU numbers are the CUDA kernels'. The lowrank case includes the rank-32 branch, which
 * the kernel recomputes per output (K·rank extra steps each).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { BenchCase, BenchRatio, OnceMeasurement } from './harness.js';

const ROOT = join(import.meta.dirname, '..');

interface Workload {
  readonly name: string;
  readonly example: string;
  readonly target: string;
  readonly shape: readonly [number, number, number];
}

const WORKLOADS: readonly Workload[] = [
  { name: 'mac fp16×fp16→fp32 (bitmod fp16_baseline)', example: 'bitmod', target: 'fp16_baseline', shape: [64, 256, 64] },
  { name: 'simd_mac 1×posit16_1 exact quire (xr_npe@3)', example: 'xr-npe', target: 'xr_npe@3', shape: [64, 256, 64] },
  { name: 'simd_mac 4×fp4_e2m1 exact quire (xr_npe@0)', example: 'xr-npe', target: 'xr_npe@0', shape: [64, 256, 64] },
  { name: 'bit_serial_mod BitMoD fp4 mixture, 4 lanes (bitmod)', example: 'bitmod', target: 'bitmod', shape: [16, 512, 64] },
  { name: 'lowrank_gemm W4A4 + rank 32 (svdquant_w4a4)', example: 'svdquant', target: 'svdquant_w4a4', shape: [32, 256, 32] },
];

const measured = new Map<string, { wgslMs: number; goldenMs: number; macs: number; peakRssBytes: number }>();

function measure(w: Workload): { wgslMs: number; goldenMs: number; macs: number; peakRssBytes: number } {
  const hit = measured.get(w.name);
  if (hit) return hit;
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/wgsl-child.ts'), w.example, w.target, ...w.shape.map(String), '5'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`wgsl bench ${w.name} failed: ${r.stderr || r.stdout}`);
  const m = JSON.parse(r.stdout.trim().split('\n').pop() as string) as { wgslMs: number; goldenMs: number; macs: number; peakRssBytes: number };
  measured.set(w.name, m);
  return m;
}

const shapeText = (w: Workload): string => w.shape.join('×');

export const cases: BenchCase[] = WORKLOADS.flatMap((w): BenchCase[] => [
  {
    group: 'wgsl: GEMM on Dawn/Mesa',
    name: `${w.name} ${shapeText(w)}`,
    unit: 'MACs',
    setup: () => () => 0,
    once: (): OnceMeasurement => {
      const m = measure(w);
      return { items: m.macs, ms: m.wgslMs, peakRssBytes: m.peakRssBytes };
    },
  },
  {
    group: 'wgsl: golden, same GEMM',
    name: `${w.name} ${shapeText(w)}`,
    unit: 'MACs',
    setup: () => () => 0,
    once: (): OnceMeasurement => {
      const m = measure(w);
      return { items: m.macs, ms: m.goldenMs, peakRssBytes: m.peakRssBytes };
    },
  },
]);

export const ratios: BenchRatio[] = WORKLOADS.map((w) => ({
  name: `WGSL on Dawn/Mesa ÷ golden, ${w.name}`,
  numerator: { group: 'wgsl: GEMM on Dawn/Mesa', name: `${w.name} ${shapeText(w)}` },
  denominator: { group: 'wgsl: golden, same GEMM', name: `${w.name} ${shapeText(w)}` },
}));
