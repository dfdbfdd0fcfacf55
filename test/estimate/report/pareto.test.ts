/** The Pareto front of the sweep report (src/estimate/report/pareto.ts) against brute-force dominance. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { paretoFront } from '../../../src/estimate/report/pareto.js';

describe('paretoFront', () => {
  it('keeps exactly the points no other point dominates (smaller-or-equal area, larger-or-equal throughput, one strictly)', () => {
    const point = fc.record({ area: fc.integer({ min: 1, max: 8 }), throughput: fc.integer({ min: 0, max: 8 }) });
    fc.assert(
      fc.property(fc.array(point, { maxLength: 30 }), (points) => {
        const dominated = (i: number) => points.some((q, j) => j !== i && q.area <= points[i].area && q.throughput >= points[i].throughput && (q.area < points[i].area || q.throughput > points[i].throughput));
        const expected = points.map((_, i) => i).filter((i) => !dominated(i));
        expect(new Set(paretoFront(points))).toEqual(new Set(expected));
      }),
    );
  });

  it('orders the front by increasing area', () => {
    const points = [
      { area: 3, throughput: 9 },
      { area: 1, throughput: 2 },
      { area: 2, throughput: 1 },
      { area: 2, throughput: 5 },
    ];
    expect(paretoFront(points)).toEqual([1, 3, 0]);
  });
});
