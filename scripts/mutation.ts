/**
 * `npm run mutation -- [mutants] [seed] [vectors] [file.qacc] [accelerator] [--level pe|program]
 * [--set k=v ...]`: the harness self-test of issue 5. Builds one accelerator's RTL exactly as `qacc build`
 * does (default: fp16_baseline of examples/bitmod.qacc; `--set` overrides its params, e.g. to shrink the
 * array). `--level pe` (default) mutates the PE's files and verifies at PE level (`rtl-pe`);
 * `--level program` mutates every file of the build (controller, DMA, buffers, tile engine, PEs) and
 * verifies as `qacc verify --backends golden,sim,rtl --trace` (outputs, cycles and per-cycle traces).
 * Lists every mutant (src/verify/mutate.ts: operator swaps, constant bit flips,
 * carry cuts, dropped register loads), takes a seeded kind-stratified sample (default 40, seed 1), and
 * verifies each mutant as `qacc verify --backends golden,rtl --rtl-dir <mutated build> --vectors N` would
 * (default 1 random workload plus the directed corner cases). The unmutated build is verified first and
 * must pass (otherwise every kill would be meaningless). Prints one line per mutant and a table of kill
 * rates per kind and overall; survivors are listed with their line so they can be judged (equivalent or a
 * gap in the cases). Needs Verilator; builds are cached by content hash, so a rerun is fast.
 *
 * Each mutant runs in a child process (this script with `--one i`) under coreutils `timeout`, which kills
 * the child's whole process group: some mutants make the Verilator bench loop forever (e.g. in_ready
 * stuck at 0 while the PE still consumes beats and raises out_valid every cycle: the bench waits for a
 * beat that is never taken while results keep arriving), and runSimulation has no time limit of its own.
 * Such a mutant is reported as `hung` and NOT counted as killed: verification did not report it (a CI job
 * would fail only by its own time limit).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateAcceleratorRtl } from '../src/codegen/verilog/design.js';
import { compileFile } from '../src/ir/elaborate.js';
import { planCases, verifyTargets } from '../src/verify/cases.js';
import { listMutants, MUTANT_KINDS, runMutant, sampleMutants, type MutationLevel } from '../src/verify/mutate.js';
import { rtlTemplates } from '../src/verify/rtl/templates.js';

const ROOT = resolve(import.meta.dirname, '..');
const argv = process.argv.slice(2);
/** The value of each `--name value` flag, and the other (positional) arguments. */
const flags = new Map<string, string[]>();
const positional: string[] = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i].startsWith('--')) {
    flags.set(argv[i], [...(flags.get(argv[i]) ?? []), argv[i + 1] ?? '']);
    i++;
  } else positional.push(argv[i]);
}
const oneFlag = flags.get('--one');
const one = oneFlag ? Number(oneFlag[0]) : undefined;
const level = (flags.get('--level') ?? ['pe'])[0];
const sets = flags.get('--set') ?? [];
/** The arguments a child gets: everything but --one. */
/** Seconds one mutant may take (build plus all cases) before it counts as hung: a whole top builds longer. */
const MUTANT_LIMIT_S = level === 'program' ? 300 : 60;
const passOn = [...positional, '--level', level, ...sets.flatMap((s) => ['--set', s])];
const [nArg = '40', seedArg = '1', vectorsArg = '1', fileArg = 'examples/bitmod.qacc', accelArg = 'fp16_baseline'] = positional;
const n = Number(nArg);
const seed = Number(seedArg);
const vectors = Number(vectorsArg);
if (![n, seed, vectors].every((x) => Number.isSafeInteger(x) && x >= 0) || n < 1 || (level !== 'pe' && level !== 'program')) {
  console.error('usage: npm run mutation -- [mutants=40] [seed=1] [vectors=1] [file.qacc] [accelerator] [--level pe|program] [--set k=v ...]');
  process.exit(1);
}

const host = { readFile: (p: string): string | undefined => { try { return readFileSync(p, 'utf8'); } catch { return undefined; } } };
const compiled = compileFile(resolve(ROOT, fileArg), host, { requireAccelerator: true, overrides: sets });
const accel = compiled.design?.accelerators.find((a) => a.name === accelArg);
if (!compiled.design || !accel) {
  console.error(`${fileArg}: no accelerator ${accelArg}`);
  process.exit(1);
}
// At PE level the PE's files only: the PE-level bench (rtl-pe) cannot see a mutant of the accelerator top
// or engine. At program level the files of the accelerator top (not the PE-only modules it never uses).
const rtl = generateAcceleratorRtl(accel, rtlTemplates, { source: fileArg, version: 'mutation' });
const mutated = new Set(level === 'program' ? rtl.topFiles : rtl.peFiles);
const files = rtl.files.filter((f) => mutated.has(f.path));
const targets = verifyTargets(compiled.design).filter((t) => t.accelerator.name === accelArg);
const cases = planCases(targets, { vectors, seed }).cases;
const workDir = mkdtempSync(join(tmpdir(), 'qacc-mutation-'));
const subject = { files, targets, cases, workDir, level: level as MutationLevel };
const all = listMutants(files);
const sample = sampleMutants(all, n, seed);
if (one !== undefined) {
  // Child mode: run the control (-1) or mutant `one` of the sample; print its outcome as JSON.
  try {
    const o = await runMutant(subject, one < 0 ? undefined : sample[one]);
    console.log(JSON.stringify({ status: o.status, evidence: o.evidence ?? null }));
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  process.exit(0);
}
rmSync(workDir, { recursive: true, force: true });

type Status = 'killed' | 'survived' | 'stillborn' | 'hung';
/** Runs the control (-1) or one mutant of the sample in a child process under `timeout`. */
function runIsolated(index: number): { status: Status; evidence: string | null } {
  const r = spawnSync('timeout', ['-k', '5', String(MUTANT_LIMIT_S), process.execPath, ...process.execArgv, process.argv[1], ...passOn, '--one', String(index)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status === 124 || r.status === 137) return { status: 'hung', evidence: `no result within ${MUTANT_LIMIT_S} s` };
  const last = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !last.startsWith('{')) throw new Error(`mutant ${index} could not run (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-5).join(' | ')}`);
  return JSON.parse(last) as { status: Status; evidence: string | null };
}

console.log(`${accelArg} of ${fileArg}${sets.length ? ` (${sets.join(', ')})` : ''}, ${level} level: ${all.length} mutants (${MUTANT_KINDS.map((k) => `${all.filter((m) => m.kind === k).length} ${k}`).join(', ')}); running ${sample.length} (seed ${seed}) on ${cases.length} cases each (vectors ${vectors})`);
const start = performance.now();
const control = runIsolated(-1);
if (control.status !== 'survived') {
  console.error(`the unmutated build does not pass verification (${control.status}): ${control.evidence ?? ''}`);
  process.exit(1);
}
const outcomes = sample.map((m, i) => {
  const o = { mutant: m, ...runIsolated(i) };
  console.log(`${o.status.padEnd(9)} ${m.kind.padEnd(13)} ${m.file}:${m.line}  ${m.description}${o.status === 'stillborn' || o.status === 'hung' ? `  [${o.evidence ?? ''}]` : ''}`);
  return o;
});
console.log('');
console.log(`${'kind'.padEnd(14)} ${'killed'.padStart(6)} ${'survived'.padStart(8)} ${'hung'.padStart(5)} ${'stillborn'.padStart(9)} ${'kill rate'.padStart(9)}`);
for (const kind of [...MUTANT_KINDS, 'all' as const]) {
  const of = outcomes.filter((o) => kind === 'all' || o.mutant.kind === kind);
  if (of.length === 0) continue;
  const count = (s: Status): number => of.filter((o) => o.status === s).length;
  // Hung mutants count as not killed: verification did not report them.
  const judged = count('killed') + count('survived') + count('hung');
  const rate = judged === 0 ? '-' : `${((100 * count('killed')) / judged).toFixed(1)}%`;
  console.log(`${kind.padEnd(14)} ${String(count('killed')).padStart(6)} ${String(count('survived')).padStart(8)} ${String(count('hung')).padStart(5)} ${String(count('stillborn')).padStart(9)} ${rate.padStart(9)}`);
}
const survivors = outcomes.filter((o) => o.status === 'survived' || o.status === 'hung');
if (survivors.length > 0) {
  console.log('\nnot killed (equivalent mutants, faults the cases do not reach, or benches that never finish):');
  for (const o of survivors) console.log(`  ${o.status.padEnd(8)} ${o.mutant.file}:${o.mutant.line}  ${o.mutant.description}`);
}
console.log(`\n${sample.length} mutants in ${((performance.now() - start) / 1000).toFixed(1)} s`);
