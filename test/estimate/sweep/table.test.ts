/** The sweep's data files (src/estimate/sweep/table.ts): points.json parses back to the sweep, CSV quotes per RFC 4180. */
import { describe, expect, it } from 'vitest';
import type { PointResult } from '../../../src/estimate/sweep/point.js';
import { sweepCsv, sweepJson, sweepJsonText } from '../../../src/estimate/sweep/table.js';

const axes = [{ name: 'w', values: ['a,b', 'say "hi"'] }];
const invalid = (index: number, value: string, error: string): PointResult => ({ index, settings: [['w', value]], ok: false, error });

describe('sweep tables', () => {
  it('writes points.json that parses back to the sweep, with or without points', () => {
    for (const results of [[], [invalid(0, 'a,b', 'x.qacc:1:1: error[E1]: bad\n | ^'), invalid(1, 'say "hi"', 'two')]]) {
      const json = sweepJson('x.qacc', null, axes, results);
      expect(JSON.parse(sweepJsonText(json))).toEqual(json);
    }
  });

  it('quotes CSV fields holding commas, quotes and line ends, and leaves invalid points\' figures empty', () => {
    const csv = sweepCsv(axes, [invalid(0, 'a,b', 'line 1\nline 2'), invalid(1, 'say "hi"', 'plain')]);
    const lines = csv.split('\n');
    expect(lines[0].startsWith('index,w,ok,accelerator,')).toBe(true);
    expect(lines[0].endsWith(',error,unpriced')).toBe(true);
    // the figures between `ok` and `error` empty, and the `unpriced` cell after the error
    const empties = ','.repeat(lines[0].split(',').length - 5);
    expect(csv).toBe(`${lines[0]}\n0,"a,b",false${empties},"line 1\nline 2",\n1,"say ""hi""",false${empties},plain,\n`);
  });
});
