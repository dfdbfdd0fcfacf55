/**
 * The shared judgement of the mutation tests (PE level and program level): the control passes, the sample
 * covers every kind, no mutant is stillborn, every survivor of the small case set also survives the large
 * one (else the small set missed a behavioural change), at least `minKilled` are killed, and every kill
 * names its first failed case (an id starting with `caseIdPrefix`).
 */
import { expect } from 'vitest';
import { MUTANT_KINDS, runMutant, tallyMutants, type Mutant, type MutantOutcome, type MutationSubject } from '../../src/verify/mutate.js';

export async function expectSampleJudged(small: MutationSubject, large: MutationSubject, sample: readonly Mutant[], minKilled: number, caseIdPrefix: string): Promise<MutantOutcome[]> {
  expect(await runMutant(small, undefined)).toMatchObject({ status: 'survived', failedCases: 0 });
  expect(new Set(sample.map((m) => m.kind))).toEqual(new Set(MUTANT_KINDS));
  const outcomes: MutantOutcome[] = [];
  for (const m of sample) outcomes.push(await runMutant(small, m));
  expect(outcomes.filter((o) => o.status === 'stillborn').map((o) => `${o.mutant?.id}: ${o.evidence}`)).toEqual([]);
  const where = (m: Mutant): string => `${m.file}:${m.line} ${m.description}`;
  const survivors = outcomes.filter((o) => o.status === 'survived').map((o) => o.mutant as Mutant);
  const missed: Mutant[] = [];
  for (const m of survivors) if ((await runMutant(large, m)).status !== 'survived') missed.push(m);
  expect(missed.map(where)).toEqual([]);
  const all = tallyMutants(outcomes).find((t) => t.kind === 'all');
  expect(all?.killed, `survivors: ${survivors.map(where).join('; ')}`).toBeGreaterThanOrEqual(minKilled);
  for (const o of outcomes.filter((x) => x.status === 'killed')) expect(o.evidence?.startsWith(caseIdPrefix), o.evidence).toBe(true);
  return outcomes;
}
