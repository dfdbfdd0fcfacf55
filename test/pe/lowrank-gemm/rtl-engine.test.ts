/**
 * The lowrank_gemm tile engine (src/pe/lowrank-gemm/rtl-engine.ts) alone under Verilator
 * (rtl-engine-bench.ts), for both SVDQuant accelerators (int4 g64 with fp16 scales and an fp16
 * branch; NVFP4 g16 with fp8_e4m3 scales, a tensor scale and a bf16 branch) shrunk to a 2-row × 3-column
 * array with 8 dot lanes (2 branch lanes), rank 3 (two lr_down passes, the second partial), 160-element
 * staging and odd port widths (rows straddle read words): random tiles whose k spans several groups (the
 * last partial, odd k with garbage in each row's spare nibble), multi-k-tile accumulation (clear = 0 for
 * qgemm_tile and lr_down), NaN / inf / subnormals in the 16-bit branch operands and bias and in the group
 * scales (fp8 NaN codes included), partial tiles (m < cols, n < rows), multi-pass tiles (up to 2 × 2 array
 * passes, full and with partial last passes: accumulator register files, per-pass fetches), dequant with and without bias /
 * tensor scale / channel scales (both bench targets declare them, w4a4's in its fp16 epilogue, nvfp4's in
 * its fp32 one: alone, with the bias, with specials), lr_up with and without LoRA scales (w4a4 declares
 * them), writeback without dequant. The out bytes are compared with the simulator's arithmetic
 * (src/pe/lowrank-gemm/sim.ts qgemmTile, lrDown, lrUp, lowRankDequant, lowRankWriteback: the golden model applied
 * per tile) and every command's cycles with the simulator's closed forms (timing.ts lowRank*Cycles, what
 * machine.ts charges). Also: traps, -Wall lint and Yosys's coarse synthesis with check -assert (the full flow runs on
 * the engine with its qact part, rtl-engine-qact.test.ts). Compiled SVDQuant GEMMs run through
 * the accelerator top in qacc verify's program-level test (orchestration-program.test.ts).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { packMatrix, rowBytes, unpackMatrix } from '../../../src/compile/pack.js';
import type { Target } from '../../../src/compile/target.js';
import { RTL } from '../../../src/pe/facets/rtl.js';
import { LOWRANK_TRAP, lowRankEngine } from '../../../src/pe/lowrank-gemm/rtl-engine.js';
import type { LowRankGemmConfig } from '../../../src/pe/lowrank-gemm/golden.js';
import { createInstruction, encodeInstruction, type IsaBuffer } from '../../../src/isa/index.js';
import { AccStore } from '../../../src/sim/acc-store.js';
import { lowRankDequant, lowRankWriteback, lrDown, lrUp, qgemmTile } from '../../../src/pe/lowrank-gemm/sim.js';
import { lowRankDequantCycles, lowRankDownCycles, lowRankQgemmCycles, lowRankUpCycles, lowRankWritebackCycles } from '../../../src/pe/lowrank-gemm/timing.js';
import { lintVerilog } from '../../../src/verify/rtl/verilator.js';
import { runYosysInWorker } from '../../../src/verify/rtl/yosys.js';
import {
  BENCH_COLS,
  BENCH_PASSES,
  BENCH_RANK,
  BENCH_ROWS,
  benchTarget,
  buildLowRankBench,
  LOWRANK_ACCELERATORS,
  lowRankEngineFiles,
  prebuildLowRank,
  runLowRankBench,
  type LowRankCommand,
} from './rtl-engine-bench.js';

const ROWS = BENCH_ROWS;
const COLS = BENCH_COLS;
const RANK = BENCH_RANK;
const PASSES = BENCH_PASSES;

/** mulberry32. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 16-bit float codes of moderate magnitude, with ±0, subnormals, ±inf and NaN sprinkled in. */
function f16Codes(bf16: boolean, count: number, rnd: () => number, specials: boolean): number[] {
  const sp = bf16 ? [0x0000, 0x8000, 0x0001, 0x7f80, 0xff80, 0x7fc0] : [0x0000, 0x8000, 0x0001, 0x83ff, 0x7c00, 0xfc00, 0x7e00];
  return Array.from({ length: count }, () => {
    if (specials && rnd() < 0.04) return sp[Math.floor(rnd() * sp.length)];
    const sign = rnd() < 0.5 ? 0x8000 : 0;
    if (bf16) return sign | ((118 + Math.floor(rnd() * 14)) << 7) | Math.floor(rnd() * 128);
    return sign | ((8 + Math.floor(rnd() * 14)) << 10) | Math.floor(rnd() * 1024);
  });
}

/** Group scale codes: fp8_e4m3 (nvfp4; NaN codes 0x7f / 0xff sprinkled in) or 16-bit floats. */
function scaleCodes(cfg: LowRankGemmConfig, count: number, rnd: () => number, specials: boolean): number[] {
  if (cfg.main.kind === 'int4') return f16Codes(cfg.main.scaleFormat === 'bf16', count, rnd, specials);
  return Array.from({ length: count }, () => (specials && rnd() < 0.04 ? (rnd() < 0.5 ? 0x7f : 0xff) : (rnd() < 0.5 ? 0x80 : 0) | (0x20 + Math.floor(rnd() * 0x30))));
}

/** One output tile: k tiles of qgemm (and lr_down when `branch`), then an epilogue. */
interface TileSpec {
  readonly m: number;
  readonly n: number;
  readonly ks: readonly number[];
  readonly branch: boolean;
  /**
   * dequant: with bias, with the tensor scale, with channel scales (where the PE declares them);
   * undefined = writeback straight from the accumulators.
   */
  readonly dequant?: { readonly bias: boolean; readonly ts: boolean; readonly cs?: boolean };
  /** lr_up with LoRA scales (where the PE declares them). */
  readonly ls?: boolean;
  readonly specials: boolean;
}

/** Buffers, commands and the reference (sim arithmetic, sim timing) of a list of tiles. */
function scenario(t: Target, tiles: readonly TileSpec[], seed: number) {
  const rnd = prng(seed);
  const cfg = t.golden;
  if (cfg.kind !== 'lowrank_gemm') throw new Error('not lowrank');
  const bf16 = cfg.branchFormat === 'bf16';
  const declared = t.pe.kind === 'lowrank_gemm' ? t.pe : { channelScales: false, loraScales: false };
  const GS = t.groupSize;
  const SB = t.bits.gscale;
  const rndBytes = (n: number): Uint8Array => Uint8Array.from({ length: n }, () => Math.floor(rnd() * 256));
  const bufs: Record<IsaBuffer, Uint8Array> = { act: rndBytes(t.capacity.act), wgt: rndBytes(t.capacity.wgt), meta: rndBytes(t.capacity.meta), lrw: rndBytes(t.capacity.lrw), out: rndBytes(t.capacity.out) };
  const out = bufs.out.slice();
  const commands: LowRankCommand[] = [];
  const cycles: number[] = [];
  const scale = 0x3fa00000 + Math.floor(rnd() * 0x100000); // tensor scale ≈ 1.25..1.38
  const acc = new AccStore(t.accEntries, false);
  const lrt = new Float64Array(t.lrtEntries);
  /** Places a [rows × cols] code matrix at a random address, random bits after each row's last code. */
  const alloc: Record<IsaBuffer, number> = { act: 0, wgt: 0, meta: 0, lrw: 0, out: 0 };
  const place = (buf: IsaBuffer, rows: number, cols: number, bits: number, cs: number[]): number => {
    const at = alloc[buf] + 1 + Math.floor(rnd() * 3);
    const rb = rowBytes(cols, bits);
    alloc[buf] = at + rows * rb;
    if (alloc[buf] > t.capacity[buf]) throw new Error(`${buf} full`);
    const mem = bufs[buf];
    mem.fill(0, at, at + rows * rb);
    packMatrix(cs, rows, cols, bits, mem, at);
    const used = (cols * bits) % 8;
    if (used) for (let r = 0; r < rows; r++) mem[at + r * rb + rb - 1] |= Math.floor(rnd() * 256) & (0xff << used) & 0xff;
    return at;
  };
  const codes4 = (n: number): number[] => Array.from({ length: n }, () => Math.floor(rnd() * 16));
  let outAt = 0;
  for (const tile of tiles) {
    const { m, n } = tile;
    const cmd = (k: number, inst: Parameters<typeof encodeInstruction>[0]): LowRankCommand => ({ word: encodeInstruction(inst), m, n, k, group: GS, rank: RANK, scale });
    tile.ks.forEach((k, ki) => {
      const G = Math.ceil(k / GS);
      const clear = ki === 0;
      if (tile.branch) {
        const xc = f16Codes(bf16, m * k, rnd, tile.specials);
        const dc = f16Codes(bf16, RANK * k, rnd, tile.specials);
        const xa = place('act', m, k, 16, xc);
        const da = place('lrw', RANK, k, 16, dc);
        commands.push(cmd(k, createInstruction('lr_down', { act: xa, lrw: da, lrt: 0, clear })));
        cycles.push(lowRankDownCycles(t, m, k, RANK));
        lrDown(cfg, lrt, 0, m, k, unpackMatrix(bufs.act, xa, m, k, 16), unpackMatrix(bufs.lrw, da, RANK, k, 16), clear);
      }
      const qa = place('act', m, k, 4, codes4(m * k));
      const qw = place('wgt', n, k, 4, codes4(n * k));
      const sa = place('meta', m, G, SB, scaleCodes(cfg, m * G, rnd, tile.specials));
      const sw = place('meta', n, G, SB, scaleCodes(cfg, n * G, rnd, tile.specials));
      commands.push(cmd(k, createInstruction('qgemm_tile', { act: qa, wgt: qw, acc: 0, ascale: sa, wscale: sw, clear })));
      cycles.push(lowRankQgemmCycles(t, m, n, k, GS));
      qgemmTile(cfg, acc, 0, m, n, k, unpackMatrix(bufs.act, qa, m, k, 4), unpackMatrix(bufs.wgt, qw, n, k, 4), unpackMatrix(bufs.meta, sa, m, G, SB), unpackMatrix(bufs.meta, sw, n, G, SB), clear);
    });
    const k = tile.ks[tile.ks.length - 1];
    if (tile.dequant) {
      const useBias = tile.dequant.bias;
      const useCs = tile.dequant.cs === true && declared.channelScales;
      const bias = useBias ? place('meta', 1, n, 16, f16Codes(bf16, n, rnd, tile.specials)) : 0;
      const cscale = useCs ? place('meta', 1, n, 16, f16Codes(bf16, n, rnd, tile.specials)) : 0;
      commands.push(cmd(k, createInstruction('dequant', { acc: 0, bias, use_bias: useBias, use_tscale: tile.dequant.ts, cscale, use_cscale: useCs })));
      cycles.push(lowRankDequantCycles(t, m, n, (useBias ? 1 : 0) + (useCs ? 1 : 0)));
      const meta = (at: number, use: boolean): Uint32Array | undefined => (use ? unpackMatrix(bufs.meta, at, 1, n, 16) : undefined);
      lowRankDequant(cfg, acc, 0, m, n, tile.dequant.ts ? new Float32Array(new Uint32Array([scale]).buffer)[0] : undefined, meta(cscale, useCs), meta(bias, useBias));
    }
    if (tile.branch) {
      const ua = place('lrw', n, RANK, 16, f16Codes(bf16, n * RANK, rnd, tile.specials));
      const useLs = tile.ls === true && declared.loraScales;
      // fp32 LoRA scales near 1 (an fp32 NaN / inf now and then with specials)
      const lsCodes = Array.from({ length: Math.ceil(RANK / 16) }, () => (tile.specials && rnd() < 0.3 ? 0x7f800000 : 0x3f000000 + Math.floor(rnd() * 0x1000000)));
      const lscale = useLs ? place('meta', 1, lsCodes.length, 32, lsCodes) : 0;
      commands.push(cmd(k, createInstruction('lr_up', { acc: 0, lrt: 0, lrw: ua, lscale, use_lscale: useLs })));
      cycles.push(lowRankUpCycles(t, m, n, RANK, useLs));
      lrUp(cfg, acc, 0, lrt, 0, m, n, unpackMatrix(bufs.lrw, ua, n, RANK, 16), useLs ? unpackMatrix(bufs.meta, lscale, 1, lsCodes.length, 32) : undefined);
    }
    commands.push(cmd(k, createInstruction('writeback', { acc: 0, out: outAt })));
    cycles.push(lowRankWritebackCycles(t, m, n));
    for (let e = 0; e < m * n; e++) {
      const code = lowRankWriteback(cfg, acc, e);
      out[outAt + 2 * e] = code & 0xff;
      out[outAt + 2 * e + 1] = code >> 8;
    }
    outAt += 2 * m * n + 1;
  }
  return { bufs, commands, out, cycles };
}

const TILES: readonly TileSpec[] = [
  // full tile, branch, two k tiles (the first with a partial last group), bias + tensor scale
  { m: COLS, n: ROWS, ks: [150, 67], branch: true, dequant: { bias: true, ts: true }, specials: false },
  // the same with channel scales and bias (one fused 16-bit multiply-add) and LoRA scales, where declared
  { m: COLS, n: ROWS, ks: [96], branch: true, dequant: { bias: true, ts: true, cs: true }, ls: true, specials: false },
  // partial tile with NaN / inf / subnormal operands everywhere, one k tile
  { m: 2, n: 1, ks: [40], branch: true, dequant: { bias: true, ts: false, cs: true }, ls: true, specials: true },
  // single output, three k tiles, dequant without bias
  { m: 1, n: 1, ks: [9, 130, 64], branch: false, dequant: { bias: false, ts: true }, specials: false },
  // channel scales alone (y · cs without the bias)
  { m: 2, n: 2, ks: [20], branch: false, dequant: { bias: false, ts: false, cs: true }, specials: false },
  // writeback straight from the accumulators (round of the P value)
  { m: 1, n: 2, ks: [33], branch: false, specials: true },
  // multi-pass: the largest tile (2 × 2 passes), branch, two k tiles, every epilogue operand
  { m: PASSES * COLS, n: PASSES * ROWS, ks: [70, 33], branch: true, dequant: { bias: true, ts: true, cs: true }, ls: true, specials: false },
  // multi-pass with partial last passes (4 = 3 + 1 tokens, 3 = 2 + 1 channels), specials
  { m: COLS + 1, n: ROWS + 1, ks: [40], branch: true, dequant: { bias: true, ts: false }, specials: true },
  // two m passes of one n pass, and one m pass of two n passes, without the branch
  { m: 5, n: 2, ks: [17], branch: false, dequant: { bias: false, ts: true, cs: true }, specials: false },
  { m: 2, n: 4, ks: [64, 9], branch: false, specials: false },
];

describe.each(LOWRANK_ACCELERATORS)('lowrank_gemm engine (%s, 2 × 3 array)', (name) => {
  const t = benchTarget(name);
  beforeAll(() => prebuildLowRank([`bench:${name}`]), 900_000);

  it('matches the simulator bit for bit and cycle for cycle on random tiles', async () => {
    const sim = await buildLowRankBench(t, `lr_${name}`);
    for (const seed of [1, 2]) {
      const s = scenario(t, TILES, seed + (name === 'svdquant_nvfp4' ? 100 : 0));
      const r = runLowRankBench(sim, s.bufs, s.commands);
      expect(r.trap).toBe(0);
      expect(r.cycles).toEqual(s.cycles);
      const diff = [...s.out].flatMap((b, i) => (r.out[i] === b ? [] : [`@${i}: expected ${b.toString(16)} got ${r.out[i].toString(16)}`]));
      expect(diff.slice(0, 8)).toEqual([]);
    }
  }, 600_000);

  it('traps on what it does not implement, on tiles it cannot hold and on out-of-buffer accesses', async () => {
    const sim = await buildLowRankBench(t, `lr_${name}`);
    const base = { m: 2, n: 2, k: 64, group: t.groupSize, rank: RANK, scale: 0x3f800000 };
    const none = { act: new Uint8Array(t.capacity.act), wgt: new Uint8Array(t.capacity.wgt), meta: new Uint8Array(t.capacity.meta), lrw: new Uint8Array(t.capacity.lrw), out: new Uint8Array(t.capacity.out) };
    const trapOf = (c: LowRankCommand): number => runLowRankBench(sim, none, [c]).trap;
    const q = encodeInstruction(createInstruction('qgemm_tile', { act: 0, wgt: 0, acc: 0, ascale: 0, wscale: 0 }));
    expect(trapOf({ ...base, word: encodeInstruction(createInstruction('mac_tile', { act: 0, wgt: 0, acc: 0 })) })).toBe(LOWRANK_TRAP.unsupported);
    // use_cscale / use_lscale where the PE declares no channel / LoRA scales (both bench targets declare
    // channel scales; only svdquant_w4a4 declares LoRA scales)
    const cs = t.pe.kind === 'lowrank_gemm' && t.pe.channelScales;
    const ls = t.pe.kind === 'lowrank_gemm' && t.pe.loraScales;
    expect(trapOf({ ...base, word: encodeInstruction(createInstruction('dequant', { acc: 0, use_cscale: true })) })).toBe(cs ? 0 : LOWRANK_TRAP.unsupported);
    expect(trapOf({ ...base, word: encodeInstruction(createInstruction('lr_up', { acc: 0, lrt: 0, lrw: 0, use_lscale: true })) })).toBe(ls ? 0 : LOWRANK_TRAP.unsupported);
    if (cs) {
      expect(trapOf({ ...base, word: encodeInstruction(createInstruction('dequant', { acc: 0, use_cscale: true, cscale: t.capacity.meta - 2 * base.n })) })).toBe(0);
      expect(trapOf({ ...base, word: encodeInstruction(createInstruction('dequant', { acc: 0, use_cscale: true, cscale: t.capacity.meta - 2 * base.n + 1 })) })).toBe(LOWRANK_TRAP.range);
    }
    if (ls) expect(trapOf({ ...base, word: encodeInstruction(createInstruction('lr_up', { acc: 0, lrt: 0, lrw: 0, use_lscale: true, lscale: t.capacity.meta - 3 })) })).toBe(LOWRANK_TRAP.range);
    expect(trapOf({ ...base, word: encodeInstruction(createInstruction('writeback', { acc: 0, out: 0, relu: true })) })).toBe(LOWRANK_TRAP.unsupported);
    // a tile of more passes than the accumulators hold
    expect(trapOf({ ...base, m: PASSES * COLS + 1, word: q })).toBe(LOWRANK_TRAP.shape);
    expect(trapOf({ ...base, n: PASSES * ROWS + 1, word: q })).toBe(LOWRANK_TRAP.shape);
    expect(trapOf({ ...base, m: PASSES * COLS, n: PASSES * ROWS, word: q })).toBe(0);
    expect(trapOf({ ...base, k: t.maxTileK + 1, word: q })).toBe(LOWRANK_TRAP.shape);
    expect(trapOf({ ...base, group: t.groupSize * 2, word: q })).toBe(LOWRANK_TRAP.shape);
    expect(trapOf({ ...base, word: encodeInstruction(createInstruction('qgemm_tile', { act: 0, wgt: 0, acc: 1, ascale: 0, wscale: 0 })) })).toBe(LOWRANK_TRAP.shape);
    expect(trapOf({ ...base, rank: RANK + 1, word: encodeInstruction(createInstruction('lr_up', { acc: 0, lrt: 0, lrw: 0 })) })).toBe(LOWRANK_TRAP.shape);
    expect(trapOf({ ...base, word: encodeInstruction(createInstruction('lr_down', { act: 0, lrw: 0, lrt: 2 })) })).toBe(LOWRANK_TRAP.shape);
    // exactly fitting is fine, one byte more is not (the simulator's check: address + bytes > capacity)
    const kb = base.k / 2;
    expect(trapOf({ ...base, word: encodeInstruction(createInstruction('qgemm_tile', { act: t.capacity.act - 2 * kb, wgt: 0, acc: 0, ascale: 0, wscale: 0 })) })).toBe(0);
    expect(trapOf({ ...base, word: encodeInstruction(createInstruction('qgemm_tile', { act: t.capacity.act - 2 * kb + 1, wgt: 0, acc: 0, ascale: 0, wscale: 0 })) })).toBe(LOWRANK_TRAP.range);
    expect(trapOf({ ...base, word: encodeInstruction(createInstruction('writeback', { acc: 0, out: t.capacity.out - 7 })) })).toBe(LOWRANK_TRAP.range);
    expect(trapOf({ ...base, word: encodeInstruction(createInstruction('lr_down', { act: 0, lrw: t.capacity.lrw - 2 * base.k * RANK + 1, lrt: 0 })) })).toBe(LOWRANK_TRAP.range);
  }, 600_000);

  it('lints clean under verilator -Wall', async () => {
    const { engine, files } = lowRankEngineFiles(t, `lr_${name}`);
    expect(await lintVerilog(engine, files)).toEqual([]);
  });
});

describe('lowrank_gemm engine registration and synthesis', () => {
  it('is the RTL registry entry of lowrank_gemm', () => {
    expect(RTL.lowrank_gemm.engine).toBe(lowRankEngine);
  });

  // The full flow (src/verify/rtl/yosys.ts synthesize: techmap and abc too, 100-160 s here) runs on the engine
  // with its qact part in rtl-engine-qact.test.ts: the same modules and statements plus qact's. This engine
  // (offline activations: its decoder, pass and beat logic without the qact kind) goes through Yosys's front
  // end and synth's coarse passes (proc, memory inference, alumacc) and `check -assert` (no multiple
  // drivers, undriven bits or logic loops), the same size as there.
  it('synthesizes with Yosys at a small size (coarse passes and check -assert; the full flow: with qact)', async () => {
    const base = benchTarget('svdquant_w4a4');
    const t: Target = { ...base, array: { ...base.array, rows: 1, cols: 1 }, maxTileK: 16, pe: { ...base.pe, lanes: 4 } as Target['pe'] };
    const { engine, files } = lowRankEngineFiles(t, 'lr_synth');
    const tree = Object.fromEntries(files.map((f) => [f.path, f.text]));
    const script = [...files.map((f) => `read_verilog ${f.path}`), `synth -top ${engine} -run begin:fine`, 'hierarchy -check', 'check -assert', 'tee -o stat.txt stat'].join('; ');
    const r = await runYosysInWorker(['-q', '-p', script], tree, ['stat.txt']);
    expect(r.ok, `${r.message ?? ''}\n${r.log.split('\n').slice(-10).join('\n')}`).toBe(true);
    const cells = [...(r.files?.['stat.txt'] ?? '').matchAll(/Number of cells:\s+(\d+)/g)].map((m) => Number(m[1]));
    expect(cells.at(-1)).toBeGreaterThan(0);
  }, 600_000);
});
