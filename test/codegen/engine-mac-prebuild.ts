/**
 * Child process of engine-mac-bench.ts `prebuild`: builds the named mac engine benches (variant names of
 * VARIANTS) and, for an E2E_ACCELERATORS name, the program-level top of that end-to-end target into Verilator's on-disk cache.
 */
import { buildProgramSimulation } from '../../src/verify/rtl/program-bench.js';
import { buildBench, E2E_ACCELERATORS, E2E_IMEM_WORDS, e2eTarget, target, VARIANTS } from './engine-mac-bench.js';

for (const name of process.argv.slice(2)) {
  const e2e = E2E_ACCELERATORS.find((x) => x === name);
  if (e2e) {
    buildProgramSimulation(e2eTarget(e2e), { imemWords: E2E_IMEM_WORDS });
    continue;
  }
  const v = VARIANTS.find((x) => x.name === name);
  if (!v) throw new Error(`unknown mac bench ${name}`);
  buildBench(target(v.name, v.maxTileK));
}
