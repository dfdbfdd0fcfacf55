import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup/event-loop-turn.ts'],
    testTimeout: 120_000,
    pool: 'forks',
    // Two workers on the 2-core CI machine: Verilator builds (child processes) and Yosys (WebAssembly)
    // of one file overlap with the pure-TypeScript files of the other, instead of the default one worker.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
