/**
 * Test files that replace modules or spy on shared objects (vi.mock, vi.spyOn, vi.stub*): vitest.config.ts runs
 * each of them isolated, in a fresh worker of its own, while every other file shares its worker's loaded modules
 * (isolate: false). test/setup/isolation.test.ts fails when a file that mocks is missing here.
 */
export const ISOLATED_TEST_FILES: readonly string[] = [
  'test/estimate/unpriced-engine.test.ts',
  'test/estimate/synth/array-pe.test.ts',
  'test/estimate/synth/engine-varying-units.test.ts',
  'test/estimate/synth/no-share.test.ts',
  'test/estimate/synth/yosys-failure.test.ts',
];
