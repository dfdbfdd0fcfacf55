/**
 * The sweep grid (src/estimate/sweep/grid.ts): points are the cartesian product of the --set lists, first
 * axis slowest, checked against nested loops; malformed lists and grids over the cap are one-line errors.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gridSize, MAX_SWEEP_POINTS, parseAxes, pointOverrides, sweepPoints, SweepError } from '../../../src/estimate/sweep/grid.js';

describe('sweep grid', () => {
  it('parses name=v1,v2 lists into axes, trimming spaces', () => {
    expect(parseAxes(['rows=8, 16,32', 'w=fp4'])).toEqual([
      { name: 'rows', values: ['8', '16', '32'] },
      { name: 'w', values: ['fp4'] },
    ]);
  });

  it('is the cartesian product in nested-loop order (first axis slowest)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 4 }), (lengths) => {
        const axes = lengths.map((n, a) => ({ name: `p${a}`, values: Array.from({ length: n }, (_, i) => `${a}_${i}`) }));
        // Oracle: explicit nested loops by recursion.
        const expected: string[][] = [];
        const loop = (a: number, acc: string[]): void => {
          if (a === axes.length) return void expected.push(acc.map((v, i) => `p${i}=${v}`));
          for (const v of axes[a].values) loop(a + 1, [...acc, v]);
        };
        loop(0, []);
        const points = sweepPoints(axes);
        expect(points.map(pointOverrides)).toEqual(expected);
        expect(points.map((p) => p.index)).toEqual(expected.map((_, i) => i));
        expect(gridSize(axes)).toBe(expected.length);
      }),
    );
  });

  it('has one point, the design as written, without axes', () => {
    expect(sweepPoints([])).toEqual([{ index: 0, settings: [] }]);
  });

  it('refuses a grid over the cap, saying the cap and the axes', () => {
    const axes = parseAxes([`a=${Array.from({ length: 64 }, (_, i) => i).join(',')}`, `b=${Array.from({ length: 65 }, (_, i) => i).join(',')}`]);
    expect(() => sweepPoints(axes)).toThrow(SweepError);
    expect(() => sweepPoints(axes)).toThrow(`the sweep has 4160 points (64 a × 65 b); at most ${MAX_SWEEP_POINTS} are allowed`);
    expect(sweepPoints(axes.slice(0, 1))).toHaveLength(64);
  });

  it.each([
    ['rows', "--set 'rows': expected name=value[,value…]"],
    ['=8', "--set '=8': '' is not a param name"],
    ['rows=8,,16', "--set 'rows=8,,16': value 2 is empty"],
    ['rows=', "--set 'rows=': value 1 is empty"],
    ['rows=8,8', "--set 'rows=8,8': value '8' is given twice"],
  ])('refuses --set %s', (text, message) => {
    expect(() => parseAxes([text])).toThrow(message);
  });

  it('refuses the same param on two --set flags', () => {
    expect(() => parseAxes(['rows=8', 'rows=16'])).toThrow('--set rows is given twice; list all its values in one --set (rows=a,b,c)');
  });
});
