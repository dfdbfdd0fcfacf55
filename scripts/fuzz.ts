/**
 * `npm run fuzz [cases] [first-seed]`: the front-end fuzzer of test/dsl/fuzz-lib.ts beyond the suite's
 * fixed 20,000 cases (default 200,000 cases from seed 1,000,000, so it explores new ground). Prints
 * progress, every contract violation with its seed (rerun one with `npm run fuzz 1 <seed>`), and exits 1
 * when any was found.
 */
import { runCase } from '../test/dsl/fuzz-lib.js';

const cases = Number(process.argv[2] ?? 200_000);
const first = Number(process.argv[3] ?? 1_000_000);
if (!Number.isSafeInteger(cases) || cases < 1 || !Number.isSafeInteger(first)) {
  console.error('usage: npm run fuzz [cases] [first-seed]');
  process.exit(1);
}
const start = performance.now();
let problems = 0;
let rejected = 0;
for (let i = 0; i < cases; i++) {
  const r = runCase(first + i);
  if (r.rejected) rejected++;
  if (r.problem) {
    problems++;
    console.error(r.problem);
  }
  if ((i + 1) % 10_000 === 0) console.error(`  ${i + 1} cases, ${problems} problems`);
}
const secs = (performance.now() - start) / 1000;
console.log(`${cases} cases (seeds ${first}..${first + cases - 1}) in ${secs.toFixed(1)} s: ${rejected} rejected with located diagnostics, ${problems} problems`);
process.exitCode = problems ? 1 : 0;
