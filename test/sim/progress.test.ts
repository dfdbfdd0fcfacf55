/**
 * Progress of long runs: simulateWorkload reports the simulate phase with a growing fraction of the MACs
 * and then the golden check, naming the layer; the terminal line (src/sim/progress.ts) shows the layer,
 * the phase, the percentage and an estimate of the time left derived from the elapsed time (a fake
 * clock here), redraws at most every interval, and clears itself at the end.
 */
import { describe, expect, it } from 'vitest';
import { parseWorkload } from '../../src/compile/workload.js';
import { progressLine, simulateWorkload, type SimProgress } from '../../src/sim/index.js';
import { exampleAccelerators } from './helpers.js';

describe('progress of long runs', () => {
  it('an arithmetic run reports simulate fractions rising to 1, then the golden check', () => {
    const accel = exampleAccelerators('bitmod').find((a) => a.name === 'fp16_baseline');
    if (!accel) throw new Error('fp16_baseline missing');
    const seen: SimProgress[] = [];
    const { report } = simulateWorkload(accel, parseWorkload('gemm:m=96,k=2048,n=640'), { onProgress: (p) => seen.push(p) });
    expect(report.match_golden).toBe(true);
    const sim = seen.filter((p) => p.phase === 'simulate').map((p) => p.fraction);
    expect(sim.length).toBeGreaterThan(0);
    expect(sim.every((f, i) => f > 0 && f <= 1 && (i === 0 || f >= sim[i - 1]))).toBe(true);
    expect(seen.filter((p) => p.phase === 'golden').map((p) => p.fraction)).toEqual([0, 1]);
    expect(seen.every((p) => p.layer === 'gemm' && p.index === 0 && p.layers === 1)).toBe(true);
  });

  it('the terminal line shows layer, phase, percentage and time left, throttled, then clears', () => {
    let now = 0;
    const out: string[] = [];
    const line = progressLine((t) => out.push(t), () => now, 500);
    const p = (phase: SimProgress['phase'], fraction: number): SimProgress => ({ phase, fraction, layer: 'q', index: 1, layers: 8 });
    line.onProgress(p('simulate', 0.01));
    now = 100;
    line.onProgress(p('simulate', 0.02)); // within the interval: not drawn
    now = 30_000;
    line.onProgress(p('simulate', 0.25)); // 30 s for a quarter: 90 s left
    now = 31_000;
    line.onProgress(p('golden', 0));
    line.done();
    expect(out).toEqual([
      '\r\x1b[Kqacc sim: layer q (2/8): simulating 1.0%',
      '\r\x1b[Kqacc sim: layer q (2/8): simulating 25.0%, about 1m 30s left',
      '\r\x1b[Kqacc sim: layer q (2/8): checking against the golden model (0s)',
      '\r\x1b[K',
    ]);
  });
});
