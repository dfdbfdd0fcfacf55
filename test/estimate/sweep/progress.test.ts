/** What `qacc sweep` prints while it runs (src/estimate/sweep/progress.ts): a redrawn bar on a terminal, tenths elsewhere. */
import { describe, expect, it } from 'vitest';
import type { PointResult } from '../../../src/estimate/sweep/point.js';
import { sweepProgress } from '../../../src/estimate/sweep/progress.js';

const bad = (index: number): PointResult => ({ index, settings: [['rows', '0']], ok: false, error: 'a.qacc:1:2: error[E401]: rows must be positive\n  | caret' });
const good = (index: number) => ({ index, settings: [['rows', String(index)]], ok: true }) as unknown as PointResult;

describe('sweep progress', () => {
  it('prints a line per tenth when not on a terminal, and each invalid point with its first error line', () => {
    const out: string[] = [];
    const p = sweepProgress(20, (t) => out.push(t), false, () => 0);
    for (let i = 0; i < 20; i++) p.onPoint(i + 1, i === 4 ? bad(i) : good(i));
    p.done();
    expect(out.filter((l) => l.includes('invalid:'))).toEqual(['qacc sweep: point 4 (rows=0) is invalid: a.qacc:1:2: error[E401]: rows must be positive\n']);
    const tenths = out.filter((l) => !l.includes('invalid:'));
    expect(tenths).toHaveLength(10);
    expect(tenths[0]).toBe('qacc sweep: 2/20 points\n');
    expect(tenths[9]).toBe('qacc sweep: 20/20 points, 1 invalid\n');
    expect(out.join('')).not.toContain('\r');
  });

  it('redraws one line on a terminal at most every interval, with the time left, and clears it at the end', () => {
    const out: string[] = [];
    let now = 0;
    const p = sweepProgress(4, (t) => out.push(t), true, () => now, 200);
    now = 1000;
    p.onPoint(1, good(0));
    now = 1100;
    p.onPoint(2, good(1)); // within the interval: not drawn
    now = 3000;
    p.onPoint(3, good(2));
    now = 3050;
    p.onPoint(4, good(3)); // the last point is always drawn
    p.done();
    expect(out).toEqual([
      '\r\x1b[Kqacc sweep: [######------------------] 1/4 points, about 3s left',
      '\r\x1b[Kqacc sweep: [##################------] 3/4 points, about 1s left',
      '\r\x1b[Kqacc sweep: [########################] 4/4 points',
      '\r\x1b[K',
    ]);
  });
});
