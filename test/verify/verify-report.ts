/**
 * The one reading of a `qacc verify --backends golden,sim,rtl --trace` report the program-level RTL tests
 * share: no stderr, exit 0, and the golden = rtl, cycles sim = rtl and trace sim = rtl lines over every case.
 * Kept in one place so the report's wording is asserted the same way everywhere.
 */
import { expect } from 'vitest';
import type { CliRun } from '../cli/fake-io.js';

/**
 * Asserts that every case of the verify report `r` agreed on outputs, cycles and traces; `targets` (a count)
 * narrows the "N cases on T targets" line. Returns the number of cases, which must exceed `moreThan`.
 */
export function expectRtlTraceAgreement(r: CliRun, moreThan: number, targets?: number): number {
  expect(r.stderr).toBe('');
  const cases = Number(new RegExp(`: (\\d+) cases on ${targets ?? '\\d+'} targets?`).exec(r.stdout)?.[1]);
  expect(cases, r.stdout).toBeGreaterThan(moreThan);
  expect(r.stdout).toMatch(new RegExp(`^ {2}golden = rtl +${cases} cases, \\d+ outputs compared: all bit-identical$`, 'm'));
  expect(r.stdout).toMatch(new RegExp(`^ {2}cycles sim = rtl +${cases} cases, cycle counts compared: all equal$`, 'm'));
  expect(r.stdout).toMatch(new RegExp(`^ {2}trace sim = rtl +${cases} cases, per-cycle traces compared: all equal$`, 'm'));
  expect(r.code).toBe(0);
  return cases;
}
