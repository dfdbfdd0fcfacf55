/**
 * Child process of engine-lowrank-bench.ts `prebuildLowRank`: builds the named lowrank engine self-benches
 * (`bench:<accelerator>`) and end-to-end accelerator tops (`e2e:<accelerator>`) into Verilator's on-disk cache.
 */
import { buildProgramSimulation } from '../../src/verify/rtl/program-bench.js';
import { benchTarget, buildLowRankBench, e2eTarget, LOWRANK_ACCELERATORS, LOWRANK_E2E_IMEM_WORDS } from './engine-lowrank-bench.js';

for (const arg of process.argv.slice(2)) {
  const [what, name] = arg.split(':');
  const a = LOWRANK_ACCELERATORS.find((x) => x === name);
  if (!a) throw new Error(`unknown lowrank accelerator ${name}`);
  if (what === 'bench') buildLowRankBench(benchTarget(a), `lr_${a}`);
  else if (what === 'e2e') buildProgramSimulation(e2eTarget(a), { imemWords: LOWRANK_E2E_IMEM_WORDS });
  else throw new Error(`unknown prebuild ${arg}`);
}
