/**
 * qacc's own cost model: closed forms on small GEMMs (an oracle written here from the tiling rule of
 * src/compile/program.ts and the DMA protocol of docs/simulator.md "DRAM": one beat a cycle, ceil(row bytes /
 * beat) per row, dram_latency after the last beat, dram_outstanding DMAs in flight per queue), the steady state
 * of a long k loop derived from that protocol, energy from the cited per-unit figures, and agreement with
 * `qacc sim --timing-only` (docs/estimate.md: exact).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scheduleGemm, type Schedule } from '../../src/compile/schedule/index.js';
import { resolveTarget } from '../../src/compile/target.js';
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
 * The oracle: a 4×4 fp16 MAC array (1 lane, 1 pipeline stage), 8-byte DRAM beats and buffer ports. The schedule
 * (tile sizes, loop order, resident operand: the compiler's decision, an input here) is walked by the rules of
 * docs/scheduler.md's table: `none` loads the act and wgt k tiles of every step; `act` loads an m tile's
 * activation panel only in its first n tile; `wgt` (n → m → k) an n tile's weight panel only in its first m
 * tile; `both` (blocks of n tiles → m → n → k) the act panel once per block and m tile, each weight panel only
 * in its block's first m tile; where the schedule's loads run more than 2 steps ahead (`ahead`, an input too)
 * and the m tiles are all full, odd blocks walk the m tiles backwards and start on the panel the block before
 * ended on (not loaded again). Compute queue (docs/array-rtl.md, engine_mac): setfmt, setmode and `ahead`
 * csync (1 cycle each), a settile (1) whenever the tile shape changes, per k step a mac_tile of F + kt + 1 + 2 cycles
 * with F = max(mt, nt) · ceil(2 kt / 8) staging reads, per output tile a writeback of mt · ceil(2 nt / 8) + 2.
 * DRAM port: a load of r rows takes r · ceil(2 kt / 8) beats, a store of an output tile mt · ceil(2 nt / 8).
 * DRAM side: the busier of the port and the load and store queues; a queue running alone (the defaults: N = 8
 * in flight, L = 64) starts a DMA of x beats when its issue stage is free (x cycles after the previous one's
 * first beat) and when the DMA N before has retired (x + L after that one's first beat), so it takes
 * max(x, (x + L) / N) per DMA.
 */
function oracle(m: number, k: number, n: number, s: Schedule): { compute: number; dram: number; bytes: number } {
  const beat = 8;
  const { mt: MT, nt: NT, kt: KT } = s.tiling;
  const tilesOf = (x: number, t: number): number[] => Array.from({ length: Math.ceil(x / t) }, (_, i) => Math.min(t, x - i * t));
  const ms = tilesOf(m, MT);
  const ns = tilesOf(n, NT);
  const ks = tilesOf(k, KT);
  const queued = (x: number): number => Math.max(x, (x + 64) / 8);
  let compute = 2 + s.ahead;
  let port = 0;
  let loadQ = 0;
  let storeQ = 0;
  let bytes = 0;
  let shape = '';
  const load = (rows: number, kt: number): void => {
    const x = rows * Math.ceil((2 * kt) / beat);
    port += x;
    loadQ += queued(x);
    bytes += rows * 2 * kt;
  };
  /** One output tile: its k steps (loading what is not resident), then writeback and store. */
  const tile = (mi: number, ni: number, loadAct: boolean, loadWgt: boolean): void => {
    const mt = ms[mi];
    const nt = ns[ni];
    for (const kt of ks) {
      if (shape !== `${mt},${nt},${kt}`) compute += 1;
      shape = `${mt},${nt},${kt}`;
      compute += Math.max(mt, nt) * Math.ceil((2 * kt) / beat) + kt + 1 + 2;
      if (loadAct) load(mt, kt);
      if (loadWgt) load(nt, kt);
    }
    compute += mt * Math.ceil((2 * nt) / beat) + 2;
    const x = mt * Math.ceil((2 * nt) / beat);
    port += x;
    storeQ += queued(x);
    bytes += mt * nt * 2;
  };
  const M = ms.length;
  const N = ns.length;
  if (s.resident === 'none' || s.resident === 'act') {
    for (let mi = 0; mi < M; mi++) for (let ni = 0; ni < N; ni++) tile(mi, ni, s.resident === 'none' || ni === 0, true);
  } else if (s.resident === 'wgt') {
    for (let ni = 0; ni < N; ni++) for (let mi = 0; mi < M; mi++) tile(mi, ni, true, mi === 0);
  } else {
    const serpentine = s.ahead > 2 && m % MT === 0 && M > 1;
    for (let b0 = 0; b0 < N; b0 += s.block) {
      // the m tiles in walking order: the first of a serpentine block after block 0 is the one just used
      for (let o = 0; o < M; o++) for (let ni = b0; ni < Math.min(N, b0 + s.block); ni++) tile(o, ni, ni === b0 && !(serpentine && b0 > 0 && o === 0), o === 0);
    }
  }
  return { compute, dram: Math.ceil(Math.max(port, loadQ, storeQ)), bytes };
}

describe('qacc cost model', () => {
  const [acc] = sourceAccelerators(FP16_MAC);

  for (const [m, k, n] of [[1, 64, 4], [10, 40, 6], [4, 1024, 4], [7, 2048, 9], [33, 256, 17], [1, 16, 9], [3, 520, 23]] as const) {
    it(`closed form: ${m}×${k}×${n} on a 4×4 fp16 MAC array`, () => {
      const spec = `gemm:m=${m},k=${k},n=${n}`;
      const r = estimateDesign(acc, { workload: spec });
      const sched = scheduleGemm(resolveTarget(acc), { m, k, n });
      const o = oracle(m, k, n, sched);
      const l = r.layers[0];
      expect([l.compute_cycles, l.dram_cycles]).toEqual([o.compute, o.dram]);
      expect(l.bound).toBe(o.compute >= o.dram ? 'compute' : 'memory');
      // the composition (the queues and tokens of the whole program) against the simulator: exact
      const sim = simulateWorkload(acc, parseWorkload(spec), { timingOnly: true }).report.cycles;
      expect(l.cycles).toBe(sim);
      // energy: 0.77 pJ per fp16 MAC (BitMoD's FP16 MAC, 0.77 mW at 1 GHz), every DRAM byte twice through a
      // 64 KiB SRAM bank (Horowitz 45 nm 64-bit reads: 20 pJ at 32 KB, 100 pJ at 1 MB, log-interpolated,
      // × 28/45, / 8 bytes) and 18.75 pJ per DRAM bit.
      const sram = ((20 * 5 ** (1 / 5)) * (28 / 45)) / 8;
      expect(l.energy_pj).toBeCloseTo(m * k * n * 0.77 + o.bytes * (2 * sram + 150), 6);
    });
  }

  it('area: PEs × the PE figure, the engine fit, buffers × bits × 0.127 µm² / 0.7, the parts outside the engine; GE = µm² × 3.9', () => {
    const r = estimateDesign(acc);
    // the fp16 × fp16 → fp32 MAC engine cell's calibrated closed form (docs/estimate.md "Calibration"):
    // 18.93 GE per multiplier cell × 11·11 + 11.86 GE per aligned-add cell × w·log2 w, w = 11 + 11 + 24,
    // + 3 GE per accumulator bit of the lane multiplexer + 1.5 GE per bit of the 32-bit accumulator's input
    // clear + 8.5 GE per bit of its register; GE / 3.9 µm²
    const pe = (18.93 * 121 + 11.86 * 46 * Math.log2(46) + 3 * 32 + 1.5 * 32 + 8.5 * 32) / 3.9;
    const comps = r.components.map((c) => c.area_um2);
    expect(comps[0]).toBeCloseTo(16 * pe, 6);
    // the output-stationary engine's own logic (since 2026-12-07 08:30 UTC, test/estimate/engine-area.test.ts):
    // the fit 1, R, C, R·C·W (W = 32 fp32 accumulator bits) of the recorded fp16-baseline engine syntheses; no RAMs
    // of its own (its operand stagings are sub-units, listed as unpriced)
    const engine = Math.round(15132.4918 + 922.8946136 * 4 + 190.8946136 * 4 + 13.24784104 * 4 * 4 * 32);
    expect(r.components.slice(1, 3).map((c) => c.name)).toEqual(['a tile engine logic', 'a tile engine RAMs']);
    expect(comps[1]).toBeCloseTo(engine / 4 / 3.9, 6);
    expect(comps[2]).toBe(0);
    expect(r.unpriced.map((u) => u.component)).toEqual(['a tile engine sub-units']);
    expect(comps.slice(3, 5)).toEqual([65536 * 8 * (0.127 / 0.7), 65536 * 8 * (0.127 / 0.7)]);
    // what every generated design holds outside its engine (test/estimate/outside-engine.test.ts): the buffers'
    // port logic, the controller, and the top's RAMs — 2,108,088 bits, what Yosys reports for the top of every
    // recorded design (2,099,128) and its three queues (16 × (200 + 160 + 200))
    expect(r.components.slice(5).map((c) => c.name)).toEqual(['buffer port logic', 'controller and instruction queues', 'instruction memory and queue RAMs', 'DRAM interface']);
    expect(comps[7]).toBeCloseTo((2099128 + 16 * 560) * (0.127 / 0.7), 6);
    expect(comps[8]).toBe(0);
    for (const c of r.components) expect(c.gate_equivalents).toBe(Math.round(c.area_um2 * 3.9));
    expect(r.area_um2).toBeCloseTo(16 * pe + comps[1] + 2 * 65536 * 8 * (0.127 / 0.7) + comps[5] + comps[6] + comps[7], 6);
    expect(r.peak).toEqual([{ mode: 'fp16 x fp16', macs_per_cycle: 16 }]);
    // at 56 nm: area × 4, energy × 2
    const r56 = estimateDesign(acc, { technologyNm: 56 });
    expect(r56.area_um2).toBeCloseTo(4 * r.area_um2, 3);
    expect(r56.energy_rates[0].pj).toBeCloseTo(2 * r.energy_rates[0].pj, 9);
  });

  /**
   * The steady state of one 4×4 output tile over S k steps of 1024 (k = 1024·S), from the protocol: a step
   * loads act and wgt, x = 4 rows × 256 beats each, then computes c = 4·256 + 1024 + 3 cycles. The compute of
   * step s + 2 starts when its last load retires (the token) and the compute before it is done; the first
   * load of step s + 2 starts when the compute of step s frees its slot (two input slots), the port is free
   * (the loads' beats back to back) and the DMA N before has retired; its second load's beats follow its
   * first's, and with N = 1 only once the first has retired. Cycle means of that recurrence per two steps:
   * 2c (compute), 4x (port), 4(x + L)/N (the in-flight window: a DMA starts x + L after the one N before it),
   * and c + 2x + L (+ L with N = 1): compute of s → loads of s + 2 → compute of s + 2.
   */
  it('steady state of a long k loop = the closed form of the protocol, at 1..8 DMAs in flight and latency 1..200', () => {
    const x = 4 * 256;
    const c = 4 * 256 + 1024 + 3;
    for (const outstanding of [1, 2, 4, 8]) {
      for (const latency of [1, 5, 64, 200]) {
        const text = FP16_MAC.replace('dram = 64 b/cycle;', `dram = 64 b/cycle; dram_latency = ${latency} cycles; dram_outstanding = ${outstanding};`);
        const [a] = sourceAccelerators(text);
        const cyclesAt = (steps: number): number => estimateDesign(a, { workload: `gemm:m=4,k=${1024 * steps},n=4` }).layers[0].cycles;
        const period = Math.max(2 * c, 4 * x, (4 * (x + latency)) / outstanding, c + 2 * x + latency + (outstanding === 1 ? latency : 0));
        const what = `N=${outstanding} L=${latency}`;
        expect(cyclesAt(40) - cyclesAt(20), what).toBe(10 * period);
        const sim = simulateWorkload(a, parseWorkload('gemm:m=4,k=40960,n=4'), { timingOnly: true }).report.cycles;
        expect(cyclesAt(40), what).toBe(sim);
      }
    }
  });

  it('equals qacc sim --timing-only on every example accelerator at 1..8 DMAs in flight and latency 1..200', () => {
    for (const example of ['bitmod', 'xr-npe', 'svdquant']) {
      for (const declared of exampleAccelerators(example)) {
        for (const [dramOutstanding, dramLatencyCycles] of [[1, 1], [1, 200], [2, 64], [3, 17], [8, 1], [8, 64], [8, 200]]) {
          const a = { ...declared, dramOutstanding, dramLatencyCycles };
          for (const spec of ['gemm:m=37,k=640,n=70', 'gemm:m=3,k=1000,n=300']) {
            const est = estimateDesign(a, { workload: spec }).layers[0].cycles;
            const sim = simulateWorkload(a, parseWorkload(spec), { timingOnly: true }).report.cycles;
            expect(est, `${a.name} N=${dramOutstanding} L=${dramLatencyCycles} ${spec}`).toBe(sim);
          }
        }
      }
    }
  });

  it('equals qacc sim --timing-only on LLM layers of the examples', () => {
    const bitmod = exampleAccelerators('bitmod');
    for (const a of [bitmod[0], bitmod[1]]) {
      for (const spec of ['gemm:m=1,k=4096,n=4096', 'gemm:m=16,k=4096,n=11008', 'gemm:m=256,k=11008,n=4096']) {
        const est = estimateDesign(a, { workload: spec }).layers[0];
        const sim = simulateWorkload(a, parseWorkload(spec), { timingOnly: true }).report.cycles;
        expect(est.cycles, `${a.name} ${spec}`).toBe(sim);
      }
    }
  });

  it('equals qacc sim --timing-only on a multi-pass bit_serial_mod design (tile_m = 96: m tiles of up to 3 array passes)', () => {
    const text = readFileSync(resolve(ROOT, 'examples', 'bitmod.qacc'), 'utf8').replace('tile_m = 2 * cols;', 'tile_m = 96;');
    const a = sourceAccelerators(text)[0];
    const t = resolveTarget(a);
    expect(t.tilePassesM).toBe(3);
    for (const [dramOutstanding, dramLatencyCycles] of [[1, 64], [8, 64], [3, 17]]) {
      const at = { ...a, dramOutstanding, dramLatencyCycles };
      for (const spec of ['gemm:m=96,k=1024,n=256', 'gemm:m=200,k=2048,n=512', 'gemm:m=70,k=640,n=70']) {
        const shape = parseWorkload(spec).layers[0];
        // the case runs what it says: the scheduler takes m tiles of several passes
        expect(scheduleGemm(resolveTarget(at), shape).tiling.mt, spec).toBeGreaterThan(t.array.cols);
        const est = estimateDesign(at, { workload: spec }).layers[0].cycles;
        const sim = simulateWorkload(at, parseWorkload(spec), { timingOnly: true }).report.cycles;
        expect(est, `N=${dramOutstanding} L=${dramLatencyCycles} ${spec}`).toBe(sim);
      }
    }
  });

  it('equals qacc sim on compute-bound layers', () => {
    // the examples with a DRAM 32× wider (every kind's engine closed forms: mac, bit_serial_mod, simd_mac)
    const fast = (text: string): string => text.replace(/dram = [^;]*;/g, 'dram = 8192 b/cycle;').replace(/const dram_bw = [^;]*;/, 'const dram_bw = 8192 b/cycle;');
    const example = (name: string): string => readFileSync(resolve(ROOT, 'examples', `${name}.qacc`), 'utf8');
    const accels = [...sourceAccelerators(fast(FP16_MAC)), ...sourceAccelerators(fast(example('bitmod'))).slice(0, 2), ...sourceAccelerators(fast(example('xr-npe')))];
    for (const a of accels) {
      for (const spec of ['gemm:m=64,k=1024,n=64', 'gemm:m=128,k=2048,n=256']) {
        const est = estimateDesign(a, { workload: spec }).layers[0];
        const sim = simulateWorkload(a, parseWorkload(spec), { timingOnly: true }).report.cycles;
        expect(est.bound).toBe('compute');
        expect(est.cycles, `${a.name} ${spec}`).toBe(sim);
      }
    }
  });

  it('sums a model workload: cycles = Σ layers × count − layer chains, per-block names', () => {
    const [a] = exampleAccelerators('bitmod');
    const r = estimateDesign(a, { workload: 'model:llama-2-7b,stage=decode,tokens=3' });
    expect(r.layers.length).toBe(32 * 7 + 1);
    expect(r.layers[0].name).toBe('model.layers.0.self_attn.q_proj');
    expect(r.layers[7 * 31 + 6].name).toBe('model.layers.31.mlp.down_proj');
    expect(r.layers.at(-1)?.name).toBe('lm_head');
    for (const l of r.layers) expect(l.count).toBe(3);
    for (const key of ['compute_cycles', 'dram_cycles'] as const) expect(r[key]).toBe(r.layers.reduce((s, l) => s + l[key] * l.count, 0));
    // cycles: the sum less what the layer chains save (compile/layer-overlap.ts), all of it without them
    expect(r.overlap_cycles).toBeGreaterThan(0);
    expect(r.cycles).toBe(r.layers.reduce((s, l) => s + l.cycles * l.count, 0) - r.overlap_cycles);
    const alone = estimateDesign(a, { workload: 'model:llama-2-7b,stage=decode,tokens=3', layerOverlap: false });
    expect([alone.overlap_cycles, alone.cycles]).toEqual([0, r.layers.reduce((s, l) => s + l.cycles * l.count, 0)]);
    const opt = estimateDesign(a, { workload: 'model:opt-1.3b,stage=prefill,tokens=8' });
    const phi = estimateDesign(a, { workload: 'model:phi-2,stage=decode,tokens=1', costModel: 'bitmod2025' });
    expect(phi.layers.slice(0, 6).map((l) => l.name)).toEqual(['self_attn.q_proj', 'self_attn.k_proj', 'self_attn.v_proj', 'self_attn.dense', 'mlp.fc1', 'mlp.fc2'].map((s) => `model.layers.0.${s}`));
    expect(opt.layers.slice(0, 6).map((l) => l.name)).toEqual(['q_proj', 'k_proj', 'v_proj', 'out_proj', 'fc1', 'fc2'].map((s, i) => `model.decoder.layers.0.${i < 4 ? 'self_attn.' : ''}${s}`));
  });
});
