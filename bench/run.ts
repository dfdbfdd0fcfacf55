/**
 * `npm run bench [filter]`: runs every registered benchmark (or those whose group/name contains the
 * filter) and prints a table. Add a suite by exporting `cases` from a bench/*.bench.ts file and listing
 * it in `suites` below.
 */
import { formatRatios, formatTable, runCase, type BenchCase, type BenchRatio, type BenchReport, type BenchResult } from './harness.js';

const suites: Array<() => Promise<{ cases: BenchCase[]; ratios?: BenchRatio[]; reports?: BenchReport[] }>> = [() => import('./golden.bench.js'), () => import('./bitmod-datapath.bench.js'), () => import('./formats.bench.js'), () => import('./posit.bench.js'), () => import('./quant.bench.js'), () => import('./dsl.bench.js'), () => import('./sim.bench.js'), () => import('./rtl.bench.js'), () => import('./rtl-program.bench.js'), () => import('./estimate.bench.js'), () => import('./sweep.bench.js'), () => import('./wgsl.bench.js'), () => import('./schedule.bench.js')];

const filter = process.argv[2] ?? '';
const results: BenchResult[] = [];
const ratios: BenchRatio[] = [];
const reports: string[] = [];
for (const load of suites) {
  const suite = await load();
  const cases = suite.cases;
  ratios.push(...(suite.ratios ?? []));
  for (const r of suite.reports ?? []) if (!filter || r.group.includes(filter)) reports.push(`${r.group}\n${r.render()}`);
  for (const c of cases) {
    if (filter && !`${c.group} ${c.name}`.includes(filter)) continue;
    const r = runCase(c);
    results.push(r);
    process.stderr.write(`  ${c.group} / ${c.name}: done\n`);
  }
}
console.log(formatTable(results));
const ratioTable = formatRatios(ratios, results);
if (ratioTable) console.log('\n' + ratioTable);
for (const r of reports) console.log('\n' + r);
