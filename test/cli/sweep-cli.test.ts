/**
 * `qacc sweep` end to end, in-process (its points run in worker threads started from the TypeScript
 * sources through tsx): the files it writes, CSV and JSON agreeing with each other and with
 * `qacc estimate --json` of the same point, invalid points reported per point, and the output-directory
 * policy.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SweepJson } from '../../src/estimate/sweep/table.js';
import { csvRecords } from '../estimate/sweep/csv-records.js';
import { runCli } from './fake-io.js';
import { SMALL_QACC } from './sandbox.js';

const tmp = mkdtempSync(join(tmpdir(), 'qacc-sweep-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
/** SMALL_QACC with its rows as a param `r`, so a sweep can vary (and break) it. */
const SMALL = join(tmp, 'small.qacc');
writeFileSync(SMALL, 'param r = 2;\n' + SMALL_QACC.replace('rows = 2;', 'rows = r;'));

const DECODE = 'model:llama-2-7b,stage=decode,tokens=1';

describe('qacc sweep', () => {
  it('sweeps examples/bitmod.qacc 2×2 on a decode step: files, CSV = JSON = qacc estimate --json of each point', async () => {
    const out = join(tmp, 'bitmod');
    const r = await runCli(['sweep', 'examples/bitmod.qacc', '--set', 'rows=32,64', '--set', 'cols=16,32', '--workload', DECODE, '-o', out]);
    expect(r.stderr).not.toMatch(/invalid|error/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^swept 4 points of examples\/bitmod\.qacc \(4 valid, 0 invalid\) in [0-9.]+ s; wrote points\.csv, points\.json, index\.html to /);
    expect(readdirSync(out).sort()).toEqual(['.qacc-build', 'index.html', 'points.csv', 'points.json']);

    const json = JSON.parse(readFileSync(join(out, 'points.json'), 'utf8')) as SweepJson;
    expect(json.axes).toEqual([
      { name: 'rows', values: ['32', '64'] },
      { name: 'cols', values: ['16', '32'] },
    ]);
    expect(json.points.map((p) => p.settings)).toEqual([
      { rows: '32', cols: '16' },
      { rows: '32', cols: '32' },
      { rows: '64', cols: '16' },
      { rows: '64', cols: '32' },
    ]);

    const lines = csvRecords(readFileSync(join(out, 'points.csv'), 'utf8'));
    const header = lines[0];
    expect(header.slice(0, 4)).toEqual(['index', 'rows', 'cols', 'ok']);
    expect(lines).toHaveLength(5);
    for (const p of json.points) {
      if (!p.ok) throw new Error(`point ${p.index} is invalid: ${p.error}`);
      const row = Object.fromEntries(lines[p.index + 1].map((v, i) => [header[i], v]));
      expect(row).toMatchObject({ index: String(p.index), rows: p.settings.rows, cols: p.settings.cols, ok: 'true', error: '' });
      expect(row.unpriced).toBe(p.estimate.unpriced.map((u) => u.component).join(';'));
      expect(row.unpriced).toBe('bitmod_array tile engine sub-units'); // by hand: bit_serial_mod's engine sub-units
      for (const c of ['area_um2', 'cycles', 'compute_cycles', 'dram_cycles', 'energy_pj', 'macs', 'dram_bytes', 'seconds'] as const) expect(Number(row[c])).toBe(p.estimate[c]);
      for (const c of ['compute_pj', 'sram_pj', 'dram_pj'] as const) expect(Number(row[c])).toBe(p.estimate.energy_breakdown[c]);
      for (const c of ['bits_per_weight', 'stored_bits_per_weight', 'macs_per_s'] as const) expect(Number(row[c])).toBe(p.metrics[c]);
      expect(p.metrics.macs_per_s).toBe(p.estimate.macs / p.estimate.seconds);

      // The same point through `qacc estimate --json`.
      const single = await runCli(['estimate', 'examples/bitmod.qacc', '--set', `rows=${p.settings.rows}`, '--set', `cols=${p.settings.cols}`, '--workload', DECODE, '--json']);
      expect(single.code).toBe(0);
      expect(p.estimate).toEqual(JSON.parse(single.stdout));
      // Independently of the estimate: Σ m·k·n over the 7B decode step (32 blocks of q,k,v,o,gate,up,down + lm_head).
      expect(p.estimate.macs).toBe(32 * (4 * 4096 * 4096 + 3 * 4096 * 11008) + 4096 * 32000);
      // BitMoD W4: 4-bit elements, an 8-bit scale and a 2-bit selector per group of 128.
      expect(p.metrics.bits_per_weight).toBe(4 + 10 / 128);
      expect(p.metrics.stored_bits_per_weight).toBe(4 + 10 / 128);
    }
    expect(readFileSync(join(out, '.qacc-build'), 'utf8')).toMatch(/^qacc build output: written by `qacc sweep`/);
  });

  it('reports invalid points per point and still writes the others', async () => {
    const src = SMALL;
    const out = join(tmp, 'small');
    const r = await runCli(['sweep', src, '--set', 'r=0,2', '--workload', 'gemm:m=4,k=64,n=8', '-o', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^qacc sweep: point 0 \(r=0\) is invalid: .*error\[E\d+\]/m);
    const json = JSON.parse(readFileSync(join(out, 'points.json'), 'utf8')) as SweepJson;
    expect(json.points.map((p) => p.ok)).toEqual([false, true]);
    const bad = json.points[0];
    expect(!bad.ok && bad.error).toMatch(/error\[E\d+\]/);
    const rows = csvRecords(readFileSync(join(out, 'points.csv'), 'utf8'));
    expect(rows).toHaveLength(3);
    expect(rows[1].slice(0, 3)).toEqual(['0', '0', 'false']);
    expect(rows[1][rows[0].indexOf('error')]).toMatch(/error\[E\d+\]/);
    expect(rows[0].slice(-2)).toEqual(['error', 'unpriced']);
    expect(rows[2].slice(0, 3)).toEqual(['1', '2', 'true']);
  });

  it('reads the description from standard input (-) and exits 1 when no point is valid', async () => {
    const out = join(tmp, 'none');
    const r = await runCli(['sweep', '-', '--set', 'r=0', '--threads', '1', '-o', out], readFileSync(SMALL, 'utf8'));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^swept 1 point of <stdin> \(0 valid, 1 invalid\)/);
    expect(r.stderr).toMatch(/^qacc sweep: point 0 \(r=0\) is invalid: <stdin>:\d+:\d+: error\[E\d+\]/m);
    expect((JSON.parse(readFileSync(join(out, 'points.json'), 'utf8')) as SweepJson).source).toBe('<stdin>');
  });

  it('refuses a foreign non-empty directory before running and replaces its own output', async () => {
    const foreign = join(tmp, 'foreign');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'notes.txt'), 'mine');
    const src = SMALL;
    const r = await runCli(['sweep', src, '--set', 'r=1,2', '-o', foreign]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^qacc: error: -o '.*foreign': is a non-empty directory without the \.qacc-build marker/);
    expect(r.stderr).not.toMatch(/point/);
    expect(readdirSync(foreign)).toEqual(['notes.txt']);

    const own = join(tmp, 'own');
    expect((await runCli(['sweep', src, '--set', 'r=1,2', '--threads', '1', '-o', own])).code).toBe(0);
    const again = await runCli(['sweep', src, '--set', 'r=2,4,8', '--threads', '1', '-o', own]);
    expect(again.code).toBe(0);
    expect(csvRecords(readFileSync(join(own, 'points.csv'), 'utf8')).map((r) => r[1])).toEqual(['r', '2', '4', '8']);
  });

  it('refuses an axis that names no param before running any point, with the located diagnostic', async () => {
    const out = join(tmp, 'noparam');
    const r = await runCli(['sweep', SMALL, '--set', 'rr=1,2', '--set', 'arr=1', '-o', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^--set rr:1:1: error\[E207\]: --set rr: there is no param named 'rr'/m);
    expect(r.stderr).toMatch(/^--set arr:1:1: error\[E208\]: --set arr: 'arr' is a array, only a param can be set/m);
    expect(r.stderr).not.toMatch(/point/);
    expect(() => readdirSync(out)).toThrow();
  });

  it('refuses a grid over the cap with one line, writing nothing', async () => {
    const many = Array.from({ length: 100 }, (_, i) => i + 1).join(',');
    const out = join(tmp, 'cap');
    const r = await runCli(['sweep', SMALL, '--set', `r=${many}`, '--set', `x=${many}`, '-o', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('qacc: error: the sweep has 10000 points (100 r × 100 x); at most 4096 are allowed\n');
    expect(() => readdirSync(out)).toThrow();
  });
});
