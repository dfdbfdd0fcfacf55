/** `--shard i/n`: parsing, and slices that are disjoint and together cover every case (also on a real plan). */
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nodeFileHost } from '../../src/cli/commands/check.js';
import { compileFile } from '../../src/ir/elaborate.js';
import { planCases, verifyTargets } from '../../src/verify/cases.js';
import { VerifyError } from '../../src/verify/errors.js';
import { formatShard, parseShard, shardSlice } from '../../src/verify/shard.js';

describe('parseShard', () => {
  it('reads i/n, 1-based', () => {
    expect(parseShard('1/1')).toEqual({ index: 1, count: 1 });
    expect(parseShard(' 3 / 4 ')).toEqual({ index: 3, count: 4 });
    expect(formatShard(parseShard('2/7'))).toBe('2/7');
  });

  it('rejects malformed or out-of-range slices with a VerifyError', () => {
    for (const bad of ['', '1', '0/2', '3/2', '1/0', 'a/b', '1/2/3', '-1/2', '1.5/2']) {
      expect(() => parseShard(bad), bad).toThrow(VerifyError);
    }
  });
});

describe('shardSlice', () => {
  it('n slices are disjoint, keep order and cover the list (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { maxLength: 60 }), fc.integer({ min: 1, max: 9 }), (raw, n) => {
        const items = raw.map((v, i) => ({ v, i })); // distinct objects even for equal values
        const seen = new Map<object, number>();
        for (let s = 1; s <= n; s++) {
          const slice = shardSlice(items, { index: s, count: n });
          // order preserved
          for (let j = 1; j < slice.length; j++) expect(slice[j].i).toBeGreaterThan(slice[j - 1].i);
          for (const it of slice) {
            expect(seen.has(it)).toBe(false);
            seen.set(it, s);
          }
          // balanced: sizes differ by at most one
          expect(Math.abs(slice.length - items.length / n)).toBeLessThan(1);
        }
        expect(seen.size).toBe(items.length);
      }),
    );
  });

  it('slices of the bitmod example plan are disjoint and cover every case id', () => {
    const c = compileFile(resolve(__dirname, '../../examples/bitmod.qacc'), nodeFileHost, { requireAccelerator: true });
    const plan = planCases(verifyTargets(c.design!), { vectors: 3, seed: 5 });
    const ids = plan.cases.map((x) => x.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const n of [1, 2, 3, 7, ids.length + 2]) {
      const parts = Array.from({ length: n }, (_, s) => shardSlice(plan.cases, { index: s + 1, count: n }).map((x) => x.id));
      const all = parts.flat();
      expect(all.length, `n=${n}`).toBe(ids.length);
      expect(new Set(all)).toEqual(new Set(ids));
    }
    // Deterministic: planning again gives the same slices.
    const again = planCases(verifyTargets(c.design!), { vectors: 3, seed: 5 });
    expect(shardSlice(again.cases, { index: 2, count: 3 }).map((x) => x.id)).toEqual(shardSlice(plan.cases, { index: 2, count: 3 }).map((x) => x.id));
  });
});
