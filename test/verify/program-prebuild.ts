/** Child process of program-targets.ts `prebuild`: builds one named target's program-level model. */
import { buildProgramSimulation } from '../../src/verify/rtl/program-bench.js';
import { PROGRAM_TARGETS, type ProgramTargetName } from './program-targets.js';

const name = process.argv[2] as ProgramTargetName;
const make = PROGRAM_TARGETS[name];
if (!make) throw new Error(`unknown program target ${name}`);
const { target, options } = make();
buildProgramSimulation(target, options);
