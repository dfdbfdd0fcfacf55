/** `qacc estimate` in-process: the JSON contract of issue 15 (fields present and consistent), the readable table, one-line errors. */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './fake-io.js';

const BITMOD = resolve(__dirname, '../../examples/bitmod.qacc');
const XR = resolve(__dirname, '../../examples/xr-npe.qacc');
const SVD = resolve(__dirname, '../../examples/svdquant.qacc');

interface Layer {
  name: string;
  out: number;
  in: number;
  tokens: number;
  compute_cycles: number;
  dram_cycles: number;
  cycles: number;
  bound: string;
  energy_pj: number;
  count: number;
}

describe('qacc estimate', () => {
  it('--json: the contract fields, totals = Σ layers × count (cycles less the layer chains), bound = the larger side', async () => {
    for (const model of ['qacc', 'bitmod2025']) {
      const r = await runCli(['estimate', BITMOD, '-w', 'model:llama-2-7b,stage=decode,tokens=2', '--cost-model', model, '--json', '--set', 'rows=64', '--set', 'cols=16']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const j = JSON.parse(r.stdout);
      for (const key of ['cycles', 'compute_cycles', 'dram_cycles', 'energy_pj', 'area_um2']) expect(typeof j[key], key).toBe('number');
      expect(j.cost_model).toBe(model);
      expect(j.accelerator).toBe('bitmod');
      const layers = j.layers as Layer[];
      for (const l of layers) {
        expect(Object.keys(l).sort()).toEqual(['bound', 'compute_cycles', 'count', 'cycles', 'dram_cycles', 'energy_pj', 'in', 'name', 'out', 'tokens']);
        expect(l.bound).toBe(l.compute_cycles >= l.dram_cycles ? 'compute' : 'memory');
        expect(l.cycles).toBeGreaterThanOrEqual(Math.max(l.compute_cycles, l.dram_cycles));
      }
      for (const key of ['compute_cycles', 'dram_cycles'] as const) expect(j[key]).toBe(layers.reduce((s, l) => s + l[key] * l.count, 0));
      // cycles: less what qacc's layer chains save (docs/scheduler.md "Layer chains"; none in the authors' model)
      expect(j.overlap_cycles > 0).toBe(model === 'qacc');
      expect(j.cycles).toBe(layers.reduce((s, l) => s + l.cycles * l.count, 0) - j.overlap_cycles);
      expect(j.energy_pj).toBeCloseTo(layers.reduce((s, l) => s + l.energy_pj * l.count, 0), 0);
      expect(j.energy_pj).toBeCloseTo(j.energy_breakdown.compute_pj + j.energy_breakdown.sram_pj + j.energy_breakdown.dram_pj, 0);
      expect(j.seconds).toBeCloseTo(j.cycles / 1e9, 12);
      expect(j.area_um2).toBeCloseTo(j.components.reduce((s: number, c: { area_um2: number }) => s + c.area_um2, 0), 6);
      expect(layers.find((l) => l.name === 'model.layers.31.self_attn.o_proj')).toMatchObject({ out: 4096, in: 4096, tokens: 1, count: 2 });
      expect(layers.find((l) => l.name === 'lm_head')).toMatchObject({ out: 32000, in: 4096, tokens: 1, count: 2 });
      if (model === 'qacc') expect(j.macs).toBe(2 * (32 * (4 * 4096 * 4096 + 3 * 4096 * 11008) + 4096 * 32000));
    }
  });

  it('prints a readable table: components, peaks per mode, one row per layer kind', async () => {
    const r = await runCli(['estimate', BITMOD, '-w', 'model:llama-2-7b,stage=decode,tokens=1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^accelerator bitmod \(bit_serial_mod\), cost model qacc, 28 nm, 1000 MHz$/m);
    expect(r.stdout).toMatch(/bitmod_array \(32×32 bit_serial_mod PEs\)/);
    expect(r.stdout).toMatch(/^ {2}model\.layers\.\*\.mlp\.down_proj +32 +4096×11008×1 /m);
    expect(r.stdout.split('\n').filter((l) => l.includes('model.layers.')).length).toBe(7);
    const x = await runCli(['estimate', XR]);
    expect(x.code).toBe(0);
    expect(x.stdout).toMatch(/4 x fp4_e2m1: 1,024 MACs\/cycle/);
    expect(x.stdout).toMatch(/1 x posit16_1: 256 MACs\/cycle/);
    expect(x.stdout).not.toMatch(/^workload/m);
    const s = await runCli(['estimate', SVD, '-w', 'gemm:m=64,k=1024,n=256', '--json']);
    expect(s.code).toBe(0);
    expect(JSON.parse(s.stdout).layers[0].name).toBe('gemm');
  });

  it('-a picks an accelerator; --weight-bits changes only the bitmod2025 weight bytes', async () => {
    const base = ['estimate', BITMOD, '-a', 'ant_baseline', '-w', 'gemm:m=1,k=4096,n=4096', '--cost-model', 'bitmod2025', '--json'];
    const four = JSON.parse((await runCli(base)).stdout);
    const five = JSON.parse((await runCli([...base, '--weight-bits', '5'])).stdout);
    expect(four.accelerator).toBe('ant_baseline');
    // 4096 × 4096 weights at 4 and 5 bits, 8 KiB in and out, 32 bytes per cycle
    expect(four.layers[0].dram_cycles).toBe((4096 * 2048 + 2 * 8192) / 32);
    expect(five.layers[0].dram_cycles).toBe((4096 * 2560 + 2 * 8192) / 32);
    expect(five.layers[0].compute_cycles).toBe(four.layers[0].compute_cycles);
  });

  it('bad input: one line, exit 1', async () => {
    for (const args of [
      ['estimate', BITMOD, '-w', 'gemm:m=0,k=1,n=1'],
      ['estimate', BITMOD, '-w', 'model:gpt-9'],
      ['estimate', BITMOD, '--cost-model', 'nope'],
      ['estimate', BITMOD, '-a', 'nope'],
      ['estimate', BITMOD, '-w', 'gemm:m=1,k=8,n=1', '--weight-bits', '4'],
      ['estimate', BITMOD, '-w', 'gemm:m=1,k=8,n=1', '--cost-model', 'bitmod2025', '--weight-bits', 'abc'],
      ['estimate', BITMOD, '-w', 'gemm:m=1,k=8,n=1', '--cost-model', 'bitmod2025', '--context', '0'],
      ['estimate', BITMOD, '--node', '-1'],
      ['estimate', BITMOD, '--synth', 'nope'],
      ['estimate', XR, '-w', 'gemm:m=1,k=8,n=1', '--mode', '9'],
    ]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    // a missing file is a located diagnostic (E203 with its hint), as for every command reading a .qacc file
    const missing = await runCli(['estimate', '/nonexistent/x.qacc']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/error\[E203\]: cannot read '\/nonexistent\/x\.qacc'/);
  });
});
