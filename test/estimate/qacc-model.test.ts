/**
 * qacc's own cost model: closed forms on small GEMMs (an oracle written here from the tiling rule of
 * src/compile/program.ts and the DMA rule of src/sim/timing.ts: one burst of ceil(row bytes / beat) per row,
 * one DMA outstanding per queue, 64 cycles of DRAM latency), energy from the cited per-unit figures, and
 * agreement with `qacc sim --timing-only` (the tolerance docs/estimate.md states).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseWorkload } from '../../src/compile/workload.js';
import { estimateDesign } from '../../src/estimate/estimate.js';
import { simulateWorkload } from '../../src/sim/run.js';
import { exampleAccelerators, ROOT, sourceAccelerators } from '../sim/helpers.js';

const FP16_MAC = `
pe p : mac { weights = fp16; activations = fp16; accumulator = fp32; }
array a { pe = p; rows = 4; cols = 4; }
buffer w { size = 64 KiB; width = 64; banks = 1; role = weights; }
buffer x { size = 64 KiB; width = 64; banks = 1; role = activations; }
accelerator acc { arrays = [a]; buffers = [w, x]; clock = 1 GHz; dram = 64 b/cycle; }
`;

/**
 * The oracle: a 4×4 fp16 MAC array (1 lane, 1 pipeline stage), 8-byte DRAM beats and buffer ports, k tiles of
 * at most 1024 (the RTL staging depth). Compute queue (docs/array-rtl.md, engine_mac): setfmt, setmode and two
 * csync (1 cycle each), a settile (1) whenever the tile shape changes, per k step a mac_tile of
 * F + kt + 1 + 2 cycles with F = max(mt, nt) · ceil(2 kt / 8) staging reads, per output tile a writeback of
 * mt · ceil(2 nt / 8) + 2. DRAM port: per step mt + nt rows of ceil(2 kt / 8) beats, per output tile mt rows of
 * ceil(2 nt / 8) beats. DRAM side: the busier of the port and the load and store queues (one DMA in flight each,
 * its port cycles + 64 cycles of latency; a step loads act and wgt, a tile stores its outputs once).
 */
function oracle(m: number, k: number, n: number): { compute: number; dram: number; bytes: number } {
  const beat = 8;
  const tilesOf = (x: number, t: number): number[] => Array.from({ length: Math.ceil(x / t) }, (_, i) => Math.min(t, x - i * t));
  const ms = tilesOf(m, 4);
  const ns = tilesOf(n, 4);
  const ks = tilesOf(k, 1024);
  let compute = 4;
  let port = 0;
  let loadQ = 0;
  let storeQ = 0;
  let bytes = 0;
  let shape = '';
  for (const mt of ms) {
    for (const nt of ns) {
      for (const kt of ks) {
        if (shape !== `${mt},${nt},${kt}`) compute += 1;
        shape = `${mt},${nt},${kt}`;
        compute += Math.max(mt, nt) * Math.ceil((2 * kt) / beat) + kt + 1 + 2;
        port += (mt + nt) * Math.ceil((2 * kt) / beat);
        loadQ += mt * Math.ceil((2 * kt) / beat) + 64 + nt * Math.ceil((2 * kt) / beat) + 64;
        bytes += (mt + nt) * 2 * kt;
      }
      compute += mt * Math.ceil((2 * nt) / beat) + 2;
      port += mt * Math.ceil((2 * nt) / beat);
      storeQ += mt * Math.ceil((2 * nt) / beat) + 64;
      bytes += mt * nt * 2;
    }
  }
  return { compute, dram: Math.max(port, loadQ, storeQ), bytes };
}

describe('qacc cost model', () => {
  const [acc] = sourceAccelerators(FP16_MAC);

  for (const [m, k, n] of [[1, 64, 4], [10, 40, 6], [4, 1024, 4], [7, 2048, 9], [33, 256, 17]] as const) {
    it(`closed form: ${m}×${k}×${n} on a 4×4 fp16 MAC array`, () => {
      const spec = `gemm:m=${m},k=${k},n=${n}`;
      const r = estimateDesign(acc, { workload: spec });
      const o = oracle(m, k, n);
      const l = r.layers[0];
      expect([l.compute_cycles, l.dram_cycles]).toEqual([o.compute, o.dram]);
      expect(l.bound).toBe(o.compute >= o.dram ? 'compute' : 'memory');
      // the composition (the double-buffered pipeline) against the simulator: within 2.5% on these small layers
      const sim = simulateWorkload(acc, parseWorkload(spec), { timingOnly: true }).report.cycles;
      expect(Math.abs(l.cycles - sim) / sim, `estimate ${l.cycles}, sim ${sim}`).toBeLessThan(0.025);
      // energy: 0.77 pJ per fp16 MAC (BitMoD's FP16 MAC, 0.77 mW at 1 GHz), every DRAM byte twice through a
      // 64 KiB SRAM bank (Horowitz 45 nm 64-bit reads: 20 pJ at 32 KB, 100 pJ at 1 MB, log-interpolated,
      // × 28/45, / 8 bytes) and 18.75 pJ per DRAM bit.
      const sram = ((20 * 5 ** (1 / 5)) * (28 / 45)) / 8;
      expect(l.energy_pj).toBeCloseTo(m * k * n * 0.77 + o.bytes * (2 * sram + 150), 6);
    });
  }

  it('area: PEs × the PE figure, buffers × bits × 0.127 µm² / 0.7; GE = µm² × 3.9', () => {
    const r = estimateDesign(acc);
    expect(r.components.map((c) => c.area_um2)).toEqual([16 * 1968.7, 65536 * 8 * (0.127 / 0.7), 65536 * 8 * (0.127 / 0.7), 0]);
    for (const c of r.components) expect(c.gate_equivalents).toBe(Math.round(c.area_um2 * 3.9));
    expect(r.area_um2).toBeCloseTo(16 * 1968.7 + 2 * 65536 * 8 * (0.127 / 0.7), 6);
    expect(r.peak).toEqual([{ mode: 'fp16 x fp16', macs_per_cycle: 16 }]);
    // at 56 nm: area × 4, energy × 2
    const r56 = estimateDesign(acc, { technologyNm: 56 });
    expect(r56.area_um2).toBeCloseTo(4 * r.area_um2, 3);
    expect(r56.energy_rates[0].pj).toBeCloseTo(2 * r.energy_rates[0].pj, 9);
  });

  it('agrees with qacc sim --timing-only within 0.5% on memory-bound LLM layers of the examples', () => {
    const bitmod = exampleAccelerators('bitmod');
    for (const a of [bitmod[0], bitmod[1]]) {
      for (const spec of ['gemm:m=1,k=4096,n=4096', 'gemm:m=16,k=4096,n=11008', 'gemm:m=256,k=11008,n=4096']) {
        const est = estimateDesign(a, { workload: spec }).layers[0];
        const sim = simulateWorkload(a, parseWorkload(spec), { timingOnly: true }).report.cycles;
        expect(est.bound, `${a.name} ${spec}`).toBe('memory');
        expect(Math.abs(est.cycles - sim) / sim, `${a.name} ${spec}: estimate ${est.cycles}, sim ${sim}`).toBeLessThan(0.005);
      }
    }
  });

  it('agrees with qacc sim within 0.1% (or 16 cycles of start-up) on compute-bound layers', () => {
    // the examples with a DRAM 32× wider (every kind's engine closed forms: mac, bit_serial_mod, simd_mac)
    const fast = (text: string): string => text.replace(/dram = [^;]*;/g, 'dram = 8192 b/cycle;').replace(/const dram_bw = [^;]*;/, 'const dram_bw = 8192 b/cycle;');
    const example = (name: string): string => readFileSync(resolve(ROOT, 'examples', `${name}.qacc`), 'utf8');
    const accels = [...sourceAccelerators(fast(FP16_MAC)), ...sourceAccelerators(fast(example('bitmod'))).slice(0, 2), ...sourceAccelerators(fast(example('xr-npe')))];
    for (const a of accels) {
      for (const spec of ['gemm:m=64,k=1024,n=64', 'gemm:m=128,k=2048,n=256']) {
        const est = estimateDesign(a, { workload: spec }).layers[0];
        const sim = simulateWorkload(a, parseWorkload(spec), { timingOnly: true }).report.cycles;
        expect(est.bound).toBe('compute');
        expect(Math.abs(est.cycles - sim), `${a.name} ${spec}: estimate ${est.cycles}, sim ${sim}`).toBeLessThanOrEqual(Math.max(16, 0.001 * sim));
      }
    }
  });

  it('sums a model workload: cycles = Σ layers × count, per-block names', () => {
    const [a] = exampleAccelerators('bitmod');
    const r = estimateDesign(a, { workload: 'model:llama-2-7b,stage=decode,tokens=3' });
    expect(r.layers.length).toBe(32 * 7 + 1);
    expect(r.layers[0].name).toBe('model.layers.0.self_attn.q_proj');
    expect(r.layers[7 * 31 + 6].name).toBe('model.layers.31.mlp.down_proj');
    expect(r.layers.at(-1)?.name).toBe('lm_head');
    for (const l of r.layers) expect(l.count).toBe(3);
    for (const key of ['cycles', 'compute_cycles', 'dram_cycles'] as const) expect(r[key]).toBe(r.layers.reduce((s, l) => s + l[key] * l.count, 0));
    const opt = estimateDesign(a, { workload: 'model:opt-1.3b,stage=prefill,tokens=8' });
    const phi = estimateDesign(a, { workload: 'model:phi-2,stage=decode,tokens=1', costModel: 'bitmod2025' });
    expect(phi.layers.slice(0, 6).map((l) => l.name)).toEqual(['self_attn.q_proj', 'self_attn.k_proj', 'self_attn.v_proj', 'self_attn.dense', 'mlp.fc1', 'mlp.fc2'].map((s) => `model.layers.0.${s}`));
    expect(opt.layers.slice(0, 6).map((l) => l.name)).toEqual(['q_proj', 'k_proj', 'v_proj', 'out_proj', 'fc1', 'fc2'].map((s, i) => `model.decoder.layers.0.${i < 4 ? 'self_attn.' : ''}${s}`));
  });
});
