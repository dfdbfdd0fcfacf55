/**
 * `qacc sim` / `qacc estimate` on a weight-stationary array (examples/mac-ws.qacc, `dataflow =
 * weight_stationary`): the dataflow in `--json` (layers[].schedule.dataflow) and `--explain`, golden match,
 * the estimate equal to `sim --timing-only` cycle for cycle, and other cycles than the same design
 * output-stationary (the engine differs: src/pe/mac/compile-ws.ts).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './fake-io.js';

const WS = resolve(__dirname, '../../examples/mac-ws.qacc');
const dir = mkdtempSync(join(tmpdir(), 'qacc-sim-ws-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const OS = join(dir, 'mac-os.qacc');
writeFileSync(OS, readFileSync(WS, 'utf8').replaceAll('dataflow = weight_stationary', 'dataflow = output_stationary'));

async function json(args: string[]): Promise<{ cycles: number; match_golden: boolean | null; layers: { schedule: { dataflow: string; tiling: { mt: number; nt: number } } }[] }> {
  const r = await runCli(args);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

describe('qacc sim on a weight-stationary mac array', () => {
  for (const a of ['mac_int8', 'mac_fp16', 'mac_w4']) {
    it(`${a}: --json names the dataflow, tiles stream more tokens than the array has columns, golden matches`, async () => {
      const j = await json(['sim', WS, '-a', a, '-w', 'gemm:m=40,k=70,n=20', '--set', 'rows=4', '--set', 'cols=4', '--json']);
      expect(j.match_golden).toBe(true);
      expect(j.layers[0].schedule.dataflow).toBe('weight_stationary');
      expect(j.layers[0].schedule.tiling).toMatchObject({ mt: 40, nt: 4 });
      const os = await json(['sim', OS, '-a', a, '-w', 'gemm:m=40,k=70,n=20', '--set', 'rows=4', '--set', 'cols=4', '--json']);
      expect(os.layers[0].schedule.dataflow).toBe('output_stationary');
      expect(os.match_golden).toBe(true);
      expect(os.cycles).not.toBe(j.cycles);
    });
  }

  it('--explain shows the dataflow', async () => {
    const r = await runCli(['sim', WS, '-w', 'gemm:m=64,k=128,n=32', '--explain']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/gemm 64×128×32: tiles 64×16×128 .*, weight-stationary, /);
  });

  for (const w of ['gemm:m=300,k=1500,n=70', 'model:opt-1.3b,stage=prefill,tokens=64']) {
    it(`qacc estimate = qacc sim --timing-only, cycle for cycle (${w})`, async () => {
      for (const a of ['mac_int8', 'mac_w4']) {
        const e = await json(['estimate', WS, '-a', a, '-w', w, '--json']);
        const s = await json(['sim', WS, '-a', a, '-w', w, '--timing-only', '--json']);
        expect(Number.isInteger(s.cycles) && s.cycles > 0).toBe(true);
        expect({ a, cycles: e.cycles }).toEqual({ a, cycles: s.cycles });
      }
    });
  }
});
