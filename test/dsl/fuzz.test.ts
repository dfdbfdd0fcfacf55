/**
 * Fuzz test of the front end: 20,000 seeded mutations of the examples (see fuzz-lib.ts) with zero
 * uncaught exceptions, every diagnostic from the catalog and every rejection explained by a located
 * error. `npm run fuzz` runs more.
 */
import { describe, expect, it } from 'vitest';
import { runCase } from './fuzz-lib.js';

const CASES = 20_000;

describe('front-end fuzzing', () => {
  it(`survives ${CASES} mutated examples`, () => {
    const problems: string[] = [];
    let rejected = 0;
    for (let seed = 1; seed <= CASES; seed++) {
      const r = runCase(seed);
      if (r.rejected) rejected++;
      if (r.problem && problems.length < 10) problems.push(r.problem);
    }
    expect(problems).toEqual([]);
    // The mutations must actually exercise the error paths (and some must still compile).
    expect(rejected).toBeGreaterThan(CASES / 2);
    expect(rejected).toBeLessThan(CASES);
  });
});
