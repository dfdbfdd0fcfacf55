/**
 * `npm run fuzz [cases] [first-seed]`: the front-end fuzzer of test/dsl/fuzz-lib.ts beyond the suite's
 * fixed 20,000 cases (default 200,000 cases from seed 1,000,000, so it explores new ground).
 * `npm run fuzz cli [cases] [first-seed]`: the CLI fuzzer of test/cli/cli-fuzz-lib.ts (random command
 * lines with hostile paths in a sandbox) beyond the suite's 200 cases (default 5,000 from seed 1,000,000).
 * Prints progress, every contract violation with its seed (rerun one with `npm run fuzz [cli] 1 <seed>`),
 * and exits 1 when any was found.
 */
import { makeSandbox, runFuzzCase } from '../test/cli/cli-fuzz-lib.js';
import { runCase } from '../test/dsl/fuzz-lib.js';

const cli = process.argv[2] === 'cli';
const rest = process.argv.slice(cli ? 3 : 2);
const cases = Number(rest[0] ?? (cli ? 5_000 : 200_000));
const first = Number(rest[1] ?? 1_000_000);
if (!Number.isSafeInteger(cases) || cases < 1 || !Number.isSafeInteger(first)) {
  console.error('usage: npm run fuzz [cli] [cases] [first-seed]');
  process.exit(1);
}
const start = performance.now();
let problems = 0;
let rejected = 0;
const every = cli ? 500 : 10_000;
const sandbox = cli ? await makeSandbox() : undefined;
try {
  for (let i = 0; i < cases; i++) {
    let problem: string | undefined;
    if (sandbox) problem = await runFuzzCase(first + i, sandbox);
    else {
      const r = runCase(first + i);
      if (r.rejected) rejected++;
      problem = r.problem;
    }
    if (problem) {
      problems++;
      console.error(problem);
    }
    if ((i + 1) % every === 0) console.error(`  ${i + 1} cases, ${problems} problems`);
  }
} finally {
  sandbox?.dispose();
}
const secs = (performance.now() - start) / 1000;
const what = cli ? 'CLI command lines' : 'cases';
console.log(`${cases} ${what} (seeds ${first}..${first + cases - 1}) in ${secs.toFixed(1)} s: ${cli ? '' : `${rejected} rejected with located diagnostics, `}${problems} problems`);
process.exitCode = problems ? 1 : 0;
