/**
 * `qacc verify`'s terminal progress (src/verify/progress.ts): a bar with cases done of all, failures so far,
 * the case just finished and the time left from the elapsed time (a fake clock here), throttled to the
 * interval except for the last case, cleared by `done`.
 */
import { describe, expect, it } from 'vitest';
import { verifyProgress } from '../../src/verify/progress.js';
import type { CaseOutcome } from '../../src/verify/run.js';

const outcome = (id: string, status: CaseOutcome['status']): CaseOutcome => ({ case: { id }, status }) as unknown as CaseOutcome;

describe('qacc verify progress line', () => {
  it('draws cases done, failures and time left, throttled, then clears', () => {
    let now = 0;
    const out: string[] = [];
    const p = verifyProgress(4, (t) => out.push(t), () => now, 200);
    now = 2_000;
    p.onCase(outcome('a@0/r1', 'pass')); // 2 s for 1 of 4: 6 s left
    now = 2_100;
    p.onCase(outcome('a@0/r2', 'fail')); // within the interval: counted, not drawn
    now = 3_000;
    p.onCase(outcome('a@0/r3', 'pass')); // 3 s for 3 of 4: 1 s left
    now = 3_050;
    p.onCase(outcome('a@0/r4', 'error')); // the last case is always drawn
    p.done();
    expect(out).toEqual([
      '\r\x1b[Kqacc verify: [######------------------] 1/4 cases, about 6s left (a@0/r1)',
      '\r\x1b[Kqacc verify: [##################------] 3/4 cases, 1 failing, about 1s left (a@0/r3)',
      '\r\x1b[Kqacc verify: [########################] 4/4 cases, 2 failing (a@0/r4)',
      '\r\x1b[K',
    ]);
  });

  it('clears nothing when nothing was drawn', () => {
    const out: string[] = [];
    verifyProgress(3, (t) => out.push(t)).done();
    expect(out).toEqual([]);
  });
});
