/**
 * `npm run mutation -- [mutants] [seed] [vectors] [file.qacc] [accelerator]`: the harness self-test of
 * issue 5. Builds one accelerator's PE RTL exactly as `qacc build` does (default: fp16_baseline of
 * examples/bitmod.qacc), lists every mutant of it (src/verify/mutate.ts: operator swaps, constant bit flips,
 * carry cuts, dropped register loads), takes a seeded kind-stratified sample (default 40, seed 1), and
 * verifies each mutant as `qacc verify --backends golden,rtl --rtl-dir <mutated build> --vectors N` would
 * (default 1 random workload plus the directed corner cases). The unmutated build is verified first and
 * must pass (otherwise every kill would be meaningless). Prints one line per mutant and a table of kill
 * rates per kind and overall; survivors are listed with their line so they can be judged (equivalent or a
 * gap in the cases). Needs Verilator; builds are cached by content hash, so a rerun is fast.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateAcceleratorRtl } from '../src/codegen/verilog/design.js';
import { compileFile } from '../src/ir/elaborate.js';
import { planCases, verifyTargets } from '../src/verify/cases.js';
import { listMutants, runMutant, sampleMutants, tallyMutants, type MutantOutcome } from '../src/verify/mutate.js';
import { rtlTemplates } from '../src/verify/rtl/templates.js';

const ROOT = resolve(import.meta.dirname, '..');
const [nArg = '40', seedArg = '1', vectorsArg = '1', fileArg = 'examples/bitmod.qacc', accelArg = 'fp16_baseline'] = process.argv.slice(2);
const n = Number(nArg);
const seed = Number(seedArg);
const vectors = Number(vectorsArg);
if (![n, seed, vectors].every((x) => Number.isSafeInteger(x) && x >= 0) || n < 1) {
  console.error('usage: npm run mutation -- [mutants=40] [seed=1] [vectors=1] [file.qacc] [accelerator]');
  process.exit(1);
}

const host = { readFile: (p: string): string | undefined => { try { return readFileSync(p, 'utf8'); } catch { return undefined; } } };
const compiled = compileFile(resolve(ROOT, fileArg), host, { requireAccelerator: true });
const accel = compiled.design?.accelerators.find((a) => a.name === accelArg);
if (!compiled.design || !accel) {
  console.error(`${fileArg}: no accelerator ${accelArg}`);
  process.exit(1);
}
const files = generateAcceleratorRtl(accel, rtlTemplates, { source: fileArg, version: 'mutation' }).files;
const targets = verifyTargets(compiled.design).filter((t) => t.accelerator.name === accelArg);
const cases = planCases(targets, { vectors, seed }).cases;
const workDir = mkdtempSync(join(tmpdir(), 'qacc-mutation-'));
const subject = { files, targets, cases, workDir };
const all = listMutants(files);
const sample = sampleMutants(all, n, seed);
console.log(`${accelArg} of ${fileArg}: ${all.length} mutants (${['operator-swap', 'constant-flip', 'carry-cut', 'register-drop'].map((k) => `${all.filter((m) => m.kind === k).length} ${k}`).join(', ')}); running ${sample.length} (seed ${seed}) on ${cases.length} cases each (vectors ${vectors})`);

const start = performance.now();
try {
  const control = runMutant(subject, undefined);
  if (control.status !== 'survived') {
    console.error(`the unmutated build does not pass verification (${control.status}): ${control.evidence ?? ''}`);
    process.exit(1);
  }
  const outcomes: MutantOutcome[] = [];
  for (const m of sample) {
    const o = runMutant(subject, m);
    outcomes.push(o);
    console.log(`${o.status.padEnd(9)} ${m.kind.padEnd(13)} ${m.file}:${m.line}  ${m.description}${o.evidence && o.status === 'stillborn' ? `  [${o.evidence}]` : ''}`);
  }
  console.log('');
  console.log(`${'kind'.padEnd(14)} ${'killed'.padStart(6)} ${'survived'.padStart(8)} ${'stillborn'.padStart(9)} ${'kill rate'.padStart(9)}`);
  for (const t of tallyMutants(outcomes)) {
    const rate = Number.isNaN(t.killRate) ? '-' : `${(100 * t.killRate).toFixed(1)}%`;
    console.log(`${t.kind.padEnd(14)} ${String(t.killed).padStart(6)} ${String(t.survived).padStart(8)} ${String(t.stillborn).padStart(9)} ${rate.padStart(9)}`);
  }
  const survivors = outcomes.filter((o) => o.status === 'survived');
  if (survivors.length > 0) {
    console.log('\nsurvivors (equivalent mutants, or faults the cases do not reach):');
    for (const o of survivors) console.log(`  ${o.mutant?.file}:${o.mutant?.line}  ${o.mutant?.description}`);
  }
  console.log(`\n${sample.length} mutants in ${((performance.now() - start) / 1000).toFixed(1)} s`);
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
