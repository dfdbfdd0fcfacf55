/**
 * What a sweep point's area leaves out (EstimateReport.unpriced, `qacc estimate`'s `note: … not priced` lines) in
 * the sweep's files: points.csv's last column `unpriced` (the components' names joined by `;`, empty when none and
 * for an invalid point; every column before it in its old place) and index.html's points table (a `not priced`
 * column) with one note line per component. Oracles: the column list by hand (the CSV's contract), and the
 * unpriced components by hand — bitmod.qacc's bit_serial_mod engine leaves out its sub-units, mac-ws.qacc's int8
 * weight-stationary engine nothing.
 */
import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { nodeFileHost } from '../../../src/cli/design-source.js';
import { loadProgram } from '../../../src/dsl/program.js';
import { sweepReportHtml } from '../../../src/estimate/report/html.js';
import { parseAxes, sweepPoints } from '../../../src/estimate/sweep/grid.js';
import { evaluatePoint, type PointResult } from '../../../src/estimate/sweep/point.js';
import { sweepCsv, sweepJson } from '../../../src/estimate/sweep/table.js';
import { csvRecords } from './csv-records.js';

const COLUMNS = [
  'index', 'rows', 'ok',
  'accelerator', 'pe', 'cost_model', 'area_um2', 'cycles', 'compute_cycles', 'dram_cycles', 'energy_pj', 'compute_pj', 'sram_pj', 'dram_pj', 'macs', 'dram_bytes', 'seconds',
  'bits_per_weight', 'stored_bits_per_weight', 'sqnr_db', 'weight_sqnr_db', 'macs_per_s', 'peak_macs_per_cycle', 'dram_bytes_per_cycle',
  'error', 'unpriced',
];


const axes = parseAxes(['rows=2,0']);
function results(): PointResult[] {
  const [two, zero] = sweepPoints(axes);
  const bitmod = loadProgram('examples/bitmod.qacc', nodeFileHost);
  const macWs = loadProgram('examples/mac-ws.qacc', nodeFileHost);
  const a = evaluatePoint(bitmod, two, { accelerator: 'bitmod', workload: null });
  const b = evaluatePoint(macWs, two, { accelerator: 'mac_int8', workload: null });
  const bad = evaluatePoint(bitmod, zero, { accelerator: 'bitmod', workload: null });
  expect([a.ok, b.ok, bad.ok]).toEqual([true, true, false]);
  // three points of one table: #0 and #1 at rows = 2, #2 invalid (rows = 0)
  return [a, { ...b, index: 1 }, { ...bad, index: 2 }];
}

describe('a sweep says what its areas leave out', () => {
  const rs = results();

  it("points.csv: the columns in their old order, then `unpriced`: the components' names, empty when none or invalid", () => {
    const records = csvRecords(sweepCsv(axes, rs));
    expect(records[0]).toEqual(COLUMNS);
    expect(records.slice(1).map((r) => r.length)).toEqual([COLUMNS.length, COLUMNS.length, COLUMNS.length]);
    expect(records.slice(1).map((r) => r[COLUMNS.indexOf('unpriced')])).toEqual(['bitmod_array tile engine sub-units', '', '']);
    // an invalid point: its error stays in its column, the valid points' error cells empty
    expect(records.slice(1).map((r) => r[COLUMNS.indexOf('error')])).toEqual(['', '', expect.stringMatching(/error\[E\d+\]/)]);
    // several components, joined by ';'
    const ok = rs[0];
    if (!ok.ok) throw new Error('point 0 is invalid');
    const two: PointResult = { ...ok, estimate: { ...ok.estimate, unpriced: [{ component: 'x tile engine', reason: 'r1' }, { component: 'y tile engine sub-units', reason: 'r2' }] } };
    expect(csvRecords(sweepCsv(axes, [two]))[1][COLUMNS.indexOf('unpriced')]).toBe('x tile engine;y tile engine sub-units');
  });

  it('index.html: a `not priced` column in the points table and a note line per component with its reason', () => {
    const { document } = parseHTML(sweepReportHtml(sweepJson('examples/bitmod.qacc', null, axes, rs)));
    const table = [...document.querySelectorAll('section')].find((s) => s.querySelector('h2')?.textContent === 'Points')!;
    const head = [...table.querySelectorAll('th')].map((th) => th.textContent);
    expect(head[head.length - 1]).toBe('not priced');
    const rows = [...table.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent));
    expect(rows.map((r) => [r[0], r[r.length - 1]])).toEqual([
      ['0', 'bitmod_array tile engine sub-units'],
      ['1', ''],
    ]);
    const notes = [...table.querySelectorAll('p.note')].map((p) => p.textContent ?? '');
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^Not priced: bitmod_array tile engine sub-units \(1 of 2 valid points; the areas leave it out\)\. At #0: \d+ term decoders/);
  });
});
