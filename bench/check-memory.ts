/**
 * Child process of the `check` memory benchmarks (bench/dsl.bench.ts): compiles one .qacc file the way
 * `qacc check` does (load, parse, elaborate) and prints `{ ms, peakRssBytes, diagnostics }` as JSON. A
 * process of its own, so the peak resident set size is this compilation's and not the benchmark runner's.
 */
import { readFileSync } from 'node:fs';
import { memoryHost } from '../src/dsl/program.js';
import { compileFile } from '../src/ir/elaborate.js';

const path = process.argv[2];
const text = readFileSync(path, 'utf8');
const start = performance.now();
const c = compileFile('big.qacc', memoryHost({ 'big.qacc': text }));
const ms = performance.now() - start;
// resourceUsage().maxRSS is in KiB.
process.stdout.write(JSON.stringify({ ms, peakRssBytes: process.resourceUsage().maxRSS * 1024, diagnostics: c.diagnostics.length }) + '\n');
