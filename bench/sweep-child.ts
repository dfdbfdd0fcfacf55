/**
 * Child process of the sweep benchmark (bench/sweep.bench.ts): runs `qacc sweep` from dist/ (what
 * bin/qacc.js runs, so the workers are the built worker.js) with the arguments it is given, and prints
 * `{ ms, peakRssBytes, code }` as JSON. A process of its own, so the peak resident set size is the
 * sweep's (main thread and workers) and not the benchmark runner's.
 */
import { existsSync } from 'node:fs';

const mainJs = new URL('../dist/cli/main.js', import.meta.url);
const sweepJs = new URL('../dist/cli/commands/sweep.js', import.meta.url);
if (!existsSync(sweepJs)) throw new Error('dist/ has no qacc sweep: run `npm run build` before `npm run bench sweep`');
const { main } = (await import(mainJs.href)) as { main: (args: readonly string[], io: unknown) => Promise<number> };
const silent = { readStdin: async () => '', stdout: () => {}, stderr: () => {} };
const start = performance.now();
const code = await main(process.argv.slice(2), silent);
const ms = performance.now() - start;
process.stdout.write(JSON.stringify({ ms, peakRssBytes: process.resourceUsage().maxRSS * 1024, code }) + '\n');
