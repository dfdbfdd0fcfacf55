/**
 * A tiny benchmark harness: each case runs its body repeatedly until a time budget is spent and reports
 * a throughput (items per second) in its own unit; a `once` case runs one measured run (in a child process)
 * and also reports its peak memory. `npm run bench` prints one table of all cases.
 * Benchmarks measure; tests never time anything.
 */
export interface BenchCase {
  /** Table group, e.g. "formats: encode". */
  readonly group: string;
  readonly name: string;
  /** What one item is ("values", "elements", "lines", "MACs", "cycles"). */
  readonly unit: string;
  /** Prepares inputs outside the timed region; returns the timed body, which returns items processed. */
  setup(): () => number;
  /** Minimum timed duration in ms (default 300). */
  readonly minMs?: number;
  /**
   * Instead of `setup`'s loop: one measured run that reports its own time and peak memory (a child
   * process, for cases whose memory is what matters). `setup` is then not called.
   */
  readonly once?: () => OnceMeasurement;
}

/** What a `once` case measured. */
export interface OnceMeasurement {
  readonly items: number;
  readonly ms: number;
  /** Peak resident set size of the process that did the work. */
  readonly peakRssBytes: number;
}

/** A table that is not a throughput (e.g. an accuracy comparison), printed after the throughput table. */
export interface BenchReport {
  /** Title; the filter of `npm run bench` matches it. */
  readonly group: string;
  readonly render: () => string;
}

/** A derived row: the throughput of one case divided by another's (e.g. TS simulator / Verilator). */
export interface BenchRatio {
  readonly name: string;
  readonly numerator: { readonly group: string; readonly name: string };
  readonly denominator: { readonly group: string; readonly name: string };
}

/** The ratio rows whose two cases both ran, as a table. */
export function formatRatios(ratios: readonly BenchRatio[], results: readonly BenchResult[]): string {
  const find = (x: { group: string; name: string }) => results.find((r) => r.group === x.group && r.name === x.name);
  const rows = [['ratio', 'value']];
  for (const q of ratios) {
    const a = find(q.numerator);
    const b = find(q.denominator);
    if (a && b) rows.push([q.name, `${(a.perSecond / b.perSecond).toFixed(1)}×`]);
  }
  if (rows.length === 1) return '';
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const line = (row: string[]) => '| ' + row.map((cell, i) => cell.padEnd(widths[i])).join(' | ') + ' |';
  return [line(rows[0]), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...rows.slice(1).map(line)].join('\n');
}

export interface BenchResult {
  readonly group: string;
  readonly name: string;
  readonly unit: string;
  readonly perSecond: number;
  readonly msPerRun: number;
  readonly runs: number;
  /** Peak resident set size, for `once` cases. */
  readonly peakRssBytes?: number;
}

export function runCase(c: BenchCase): BenchResult {
  if (c.once) {
    const m = c.once();
    return { group: c.group, name: c.name, unit: c.unit, perSecond: (m.items / m.ms) * 1000, msPerRun: m.ms, runs: 1, peakRssBytes: m.peakRssBytes };
  }
  const body = c.setup();
  body(); // warm up (JIT, lazy tables)
  const minMs = c.minMs ?? 300;
  let items = 0;
  let runs = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    items += body();
    runs += 1;
    elapsed = performance.now() - start;
  } while (elapsed < minMs);
  return { group: c.group, name: c.name, unit: c.unit, perSecond: (items / elapsed) * 1000, msPerRun: elapsed / runs, runs };
}

function human(x: number): string {
  if (x >= 1e9) return (x / 1e9).toFixed(2) + 'G';
  if (x >= 1e6) return (x / 1e6).toFixed(2) + 'M';
  if (x >= 1e3) return (x / 1e3).toFixed(2) + 'k';
  return x.toFixed(2);
}

export function formatTable(results: readonly BenchResult[]): string {
  const memory = results.some((r) => r.peakRssBytes !== undefined);
  const rows = [['group', 'case', 'throughput', 'ms/run', 'runs', ...(memory ? ['peak RSS'] : [])]];
  for (const r of results) {
    const rss = r.peakRssBytes === undefined ? '' : `${(r.peakRssBytes / 2 ** 20).toFixed(0)} MiB`;
    rows.push([r.group, r.name, `${human(r.perSecond)} ${r.unit}/s`, r.msPerRun.toFixed(3), String(r.runs), ...(memory ? [rss] : [])]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const line = (row: string[]) => '| ' + row.map((cell, i) => cell.padEnd(widths[i])).join(' | ') + ' |';
  const out = [line(rows[0]), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|'];
  for (const row of rows.slice(1)) out.push(line(row));
  return out.join('\n');
}
