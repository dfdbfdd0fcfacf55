import { defineConfig } from 'vitest/config';
import { ISOLATED_TEST_FILES } from './test/setup/isolated-files.js';

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
    // A forks worker keeps its loaded modules from one test file to the next (isolate: false): loading qacc's
    // modules afresh for each of ~190 files cost ~200 s of the two workers' time, about a fifth of the suite's
    // 15-minute budget on two cores. Such files restore what they change (the working directory, process.env);
    // those that replace a module or spy on a shared object run in the threads pool, isolated per file.
    poolOptions: { forks: { isolate: false }, threads: { isolate: true } },
    poolMatchGlobs: ISOLATED_TEST_FILES.map((f) => [`**/${f}`, 'threads'] as [string, 'threads']),
  },
});
