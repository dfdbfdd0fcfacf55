/**
 * The simd_mac tile engine (src/pe/simd-mac/rtl-engine.ts) alone under Verilator
 * (engine-bench.ts): random tiles in every SIMD mode of the XR-NPE PE (size 2), k not a multiple
 * of the lanes with garbage in the unused bits of each row's last byte, NaN/NaR/inf, maximum and zero
 * operands, multi-k-tile accumulation (clear = 0) including the quire's carry range, and a round-each-step
 * design (3 rows × 2 columns, 4- and 6-byte operand chunks, not powers of two) whose output port holds
 * fewer entries than a column. The out bytes are compared with the simulator's arithmetic (src/pe/simd-mac/sim.ts
 * simdTile / simdWriteback on an AccStore: the golden model applied per tile) and every command's cycles
 * with the simulator's closed forms (simdTileCycles, simdWritebackCycles), which must be what the RTL
 * does. Also: traps, -Wall lint, Yosys synthesis, and a compiled GEMM end to end through the accelerator
 * top (src/verify/rtl/program-bench.ts) against the simulator: same DRAM, same cycles.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packMatrix, rowBytes, unpackMatrix } from '../../../src/compile/pack.js';
import { resolveTarget, type Target } from '../../../src/compile/target.js';
import { RTL } from '../../../src/pe/facets/rtl.js';
import { SIMD_ENGINE_TRAPS, simdMacEngine } from '../../../src/pe/simd-mac/rtl-engine.js';
import type { SimdElementFormat, SimdMacConfig } from '../../../src/pe/simd-mac/golden.js';
import { compileFile } from '../../../src/ir/elaborate.js';
import { assemble, createInstruction, encodeInstruction } from '../../../src/isa/index.js';
import { Machine } from '../../../src/sim/machine.js';
import { simdNeedsBigQuire, simdTile, simdWriteback } from '../../../src/pe/simd-mac/sim.js';
import { AccStore } from '../../../src/sim/acc-store.js';
import { simdTileCycles, simdWritebackCycles } from '../../../src/pe/simd-mac/timing.js';
import { bufferLanes } from '../../../src/sim/timing.js';
import { lintVerilog } from '../../../src/verify/rtl/verilator.js';
import { synthesize } from '../../../src/verify/rtl/yosys.js';
import { buildEngineBench, engineFiles, runEngineBench, type EngineCommand } from './engine-bench.js';

const ROOT = resolve(__dirname, '../../..');
const read = (p: string): string | undefined => {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return undefined;
  }
};

function xrNpe(size: number): Target {
  const c = compileFile(resolve(ROOT, 'examples/xr-npe.qacc'), { readFile: read }, { overrides: [`size=${size}`] });
  if (!c.design) throw new Error(c.diagnostics.map((d) => d.message).join('; '));
  return resolveTarget(c.design.accelerators[0]);
}

/** round-each-step, fp16 out, 3 rows × 2 columns, 5-byte act port (4-byte chunks), 6-byte wgt, 2-byte out. */
const ROUND_DESIGN = `
pe p : simd_mac { operand_width = 16; modes = 2 x fp8_e4m3 | 4 x int4 | 1 x posit16_1; accumulation = round_each_step; max_dot_length = 2048; output = fp16; pipeline_stages = 2; }
array a { pe = p; rows = 3; cols = 2; dataflow = output_stationary; }
buffer w { size = 6 KiB; width = 48; banks = 1; role = weights; }
buffer x { size = 5 KiB; width = 40; banks = 1; role = activations; }
buffer o { size = 1 KiB; width = 16; banks = 1; role = outputs; }
accelerator acc { arrays = a; buffers = [w, x, o]; clock = 1 GHz; dram = 64 b/cycle; }
`;

/** The smallest engine worth synthesizing: one 4-lane fp4 mode, fp16 out, 2 rows × 1 column, small buffers. */
const TINY_DESIGN = `
pe p : simd_mac { operand_width = 16; modes = 4 x fp4_e2m1; accumulation = exact; max_dot_length = 256; output = fp16; pipeline_stages = 1; }
array a { pe = p; rows = 2; cols = 1; dataflow = output_stationary; }
buffer w { size = 1 KiB; width = 32; banks = 1; role = weights; }
buffer x { size = 1 KiB; width = 32; banks = 1; role = activations; }
buffer o { size = 256 B; width = 32; banks = 1; role = outputs; }
accelerator acc { arrays = a; buffers = [w, x, o]; clock = 1 GHz; dram = 32 b/cycle; }
`;

function roundTarget(): Target {
  const c = compileFile('/virtual/round.qacc', { readFile: (p) => (p === '/virtual/round.qacc' ? ROUND_DESIGN : read(p)) }, {});
  if (!c.design) throw new Error(c.diagnostics.map((d) => d.message).join('; '));
  return resolveTarget(c.design.accelerators[0]);
}

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

type Content = 'finite' | 'special' | 'max' | 'zero';

/** Operand codes of a tile: finite random, random with NaN/NaR/inf sprinkled in, all ±max, or all zero. */
function codes(f: SimdElementFormat, count: number, content: Content, rnd: () => number): number[] {
  const size = 2 ** f.bits;
  const finite: number[] = [];
  const special: number[] = [];
  let maxCode = 0;
  for (let c = 0; c < size; c++) {
    const v = f.decode(c);
    if (Number.isFinite(v)) {
      finite.push(c);
      if (v > f.decode(maxCode)) maxCode = c;
    } else special.push(c);
  }
  const pick = (xs: number[]): number => xs[Math.floor(rnd() * xs.length)];
  return Array.from({ length: count }, () => {
    switch (content) {
      case 'finite':
        return pick(finite);
      case 'special':
        return special.length && rnd() < 0.05 ? pick(special) : rnd() < 0.2 ? maxCode : pick(finite);
      case 'max':
        return maxCode;
      case 'zero':
        return 0;
    }
  });
}

interface TileSpec {
  readonly mode: number;
  readonly m: number;
  readonly n: number;
  /** k of each k tile (accumulated with clear = 0 after the first). */
  readonly ks: readonly number[];
  readonly content: Content;
}

/** Builds buffers, commands and the reference (sim arithmetic, sim timing) for a list of tiles. */
function scenario(t: Target, tiles: readonly TileSpec[], seed: number) {
  const rnd = prng(seed);
  const pe = t.pe;
  if (pe.kind !== 'simd_mac' || t.golden.kind !== 'simd_mac') throw new Error('not simd');
  const golden = t.golden;
  const rndBytes = (n: number): Uint8Array => Uint8Array.from({ length: n }, () => Math.floor(rnd() * 256));
  const act = rndBytes(t.capacity.act);
  const wgt = rndBytes(t.capacity.wgt);
  const outInit = rndBytes(t.capacity.out);
  const out = outInit.slice();
  const commands: EngineCommand[] = [];
  const expectedCycles: number[] = [];
  const ob = t.bits.out / 8;
  let actAt = 3;
  let wgtAt = 5;
  let outAt = 1;
  /** Places a [rows × k] code matrix at `at` with random bits after each row's last code. */
  const place = (mem: Uint8Array, at: number, rows: number, k: number, bits: number, cs: number[]): void => {
    const rb = rowBytes(k, bits);
    mem.fill(0, at, at + rows * rb);
    packMatrix(cs, rows, k, bits, mem, at);
    const used = (k * bits) % 8;
    if (used) for (let r = 0; r < rows; r++) mem[at + r * rb + rb - 1] |= Math.floor(rnd() * 256) & (0xff << used) & 0xff;
  };
  for (const tile of tiles) {
    const mode = pe.modes[tile.mode];
    const cfg: SimdMacConfig = { ...golden, element: mode.format as SimdElementFormat, lanes: mode.lanes };
    const acc = new AccStore(tile.m * tile.n, simdNeedsBigQuire(cfg));
    tile.ks.forEach((k, ki) => {
      const bits = mode.laneBits;
      const rb = rowBytes(k, bits);
      place(act, actAt, tile.m, k, bits, codes(cfg.element, tile.m * k, tile.content, rnd));
      place(wgt, wgtAt, tile.n, k, bits, codes(cfg.element, tile.n * k, tile.content, rnd));
      simdTile(cfg, acc, 0, tile.m, tile.n, k, unpackMatrix(act, actAt, tile.m, k, bits), unpackMatrix(wgt, wgtAt, tile.n, k, bits), ki === 0);
      const word = encodeInstruction(createInstruction('simd_tile', { act: actAt, wgt: wgtAt, acc: 0, clear: ki === 0 }));
      commands.push({ word, m: tile.m, n: tile.n, k, simd: tile.mode });
      expectedCycles.push(simdTileCycles(t, tile.m, tile.n, k, mode.lanes));
      actAt += tile.m * rb + 1;
      wgtAt += tile.n * rb + 3;
    });
    for (let e = 0; e < tile.m * tile.n; e++) {
      let code = simdWriteback(cfg, acc, e);
      for (let b = 0; b < ob; b++) {
        out[outAt + e * ob + b] = code & 0xff;
        code = Math.floor(code / 256);
      }
    }
    const k = tile.ks[tile.ks.length - 1];
    commands.push({ word: encodeInstruction(createInstruction('writeback', { acc: 0, out: outAt })), m: tile.m, n: tile.n, k, simd: tile.mode });
    expectedCycles.push(simdWritebackCycles(t, tile.m, tile.n));
    outAt += tile.m * tile.n * ob + 1;
  }
  if (actAt > t.capacity.act || wgtAt > t.capacity.wgt || outAt > t.capacity.out) throw new Error('scenario does not fit');
  return { act, wgt, outInit, out, commands, expectedCycles };
}

async function expectEngineMatches(t: Target, top: string, tiles: readonly TileSpec[], seed: number): Promise<void> {
  const sim = await buildEngineBench(t, top);
  const s = scenario(t, tiles, seed);
  const r = runEngineBench(sim, s.act, s.wgt, s.outInit, s.commands);
  expect(r.trap).toBe(0);
  expect(r.cycles).toEqual(s.expectedCycles);
  const diffs: string[] = [];
  for (let i = 0; i < s.out.length && diffs.length < 8; i++) if (r.out[i] !== s.out[i]) diffs.push(`out[${i}]: expected ${s.out[i].toString(16)} got ${r.out[i].toString(16)}`);
  expect(diffs).toEqual([]);
}

describe('simd_mac tile engine', () => {
  it('is registered for simd_mac and lints -Wall clean (XR-NPE, the odd-port design)', async () => {
    expect(RTL.simd_mac.engine).toBe(simdMacEngine);
    for (const [t, top] of [[xrNpe(2), 'xr2'], [roundTarget(), 'rnd']] as const) {
      const { engine, files } = engineFiles(t, top);
      expect(await lintVerilog(engine, files), top).toEqual([]);
      // the ports have the widths of docs/array-rtl.md: LANES_X bytes, AW_X = ceil(log2(capacity)) bits
      const text = files.find((f) => f.path === `${engine}.v`)?.text ?? '';
      const L = bufferLanes(t);
      for (const x of ['act', 'wgt', 'meta', 'lrw'] as const) {
        expect(text).toMatch(new RegExp(`input  wire \\[${8 * L[x] - 1}:0\\] ${x}_rd_data,`));
        expect(text).toMatch(new RegExp(`output wire \\[${Math.max(1, Math.ceil(Math.log2(Math.max(1, t.capacity[x])))) - 1}:0\\]  ${x}_rd_addr,`));
      }
      expect(text).toMatch(new RegExp(`output reg  \\[${8 * L.out - 1}:0\\] out_wr_data,`));
    }
  }, 60_000);

  it('the simulator charges simd_tile and writeback the engine formulas', () => {
    for (const mode of [0, 3]) {
      const c = compileFile(resolve(ROOT, 'examples/xr-npe.qacc'), { readFile: read }, { overrides: ['size=2'] });
      if (!c.design) throw new Error('xr-npe');
      const t = resolveTarget(c.design.accelerators[0], { simdMode: mode });
      const a = assemble(`setmode group=1, simd=${mode}\nsettile m=2, n=1, k=77\nsimd_tile act=0, wgt=0, acc=0, clear\nsimd_tile act=0, wgt=0, acc=0\nwriteback acc=0, out=0\nhalt`);
      expect(a.diagnostics).toEqual([]);
      const r = new Machine(t, a.instructions, undefined, { timingOnly: true }).run();
      const lanes = t.pe.kind === 'simd_mac' ? t.pe.modes[mode].lanes : NaN;
      expect({ tile: r.cyclesByClass.tile, epilogue: r.cyclesByClass.epilogue }).toEqual({ tile: 2 * simdTileCycles(t, 2, 1, 77, lanes), epilogue: simdWritebackCycles(t, 2, 1) });
    }
  });

  it('XR-NPE, every mode: random, special, max and zero tiles, k not a multiple of the lanes, multi-k accumulation', async () => {
    const t = xrNpe(2);
    const tiles: TileSpec[] = [];
    for (let mode = 0; mode < 4; mode++) {
      tiles.push({ mode, m: 2, n: 2, ks: [37], content: 'finite' });
      tiles.push({ mode, m: 2, n: 2, ks: [13], content: 'special' });
      tiles.push({ mode, m: 2, n: 1, ks: [64, 29, 7], content: 'finite' });
      tiles.push({ mode, m: 1, n: 2, ks: [5], content: 'zero' });
      tiles.push({ mode, m: 1, n: 1, ks: [1], content: 'finite' });
    }
    // the quire's carry range: 2048 products of the largest magnitude, in the widest mode and in fp4
    tiles.push({ mode: 3, m: 2, n: 2, ks: [1024, 1024], content: 'max' });
    tiles.push({ mode: 0, m: 2, n: 1, ks: [1024, 1021], content: 'max' });
    await expectEngineMatches(t, 'xr2', tiles, 7);
  }, 300_000);

  it('round-each-step design: every mode, a writeback port narrower than a column', async () => {
    const t = roundTarget();
    expect(simdWritebackCycles(t, 2, 3)).toBe(6 + 2); // one fp16 entry per cycle through the 2-byte port
    const tiles: TileSpec[] = [];
    for (let mode = 0; mode < 3; mode++) {
      tiles.push({ mode, m: 2, n: 3, ks: [23], content: 'finite' });
      tiles.push({ mode, m: 2, n: 2, ks: [40, 11], content: 'special' });
      tiles.push({ mode, m: 1, n: 3, ks: [48, 48], content: 'max' });
    }
    await expectEngineMatches(t, 'rnd', tiles, 11);
  }, 300_000);

  it('traps on what it does not execute, with the documented code, and never writes', async () => {
    const t = roundTarget();
    const sim = await buildEngineBench(t, 'rnd');
    const zeros = (n: number): Uint8Array => new Uint8Array(n);
    const tile = (over: Partial<EngineCommand> & { acc?: number }): EngineCommand => ({ word: encodeInstruction(createInstruction('simd_tile', { act: 0, wgt: 0, acc: over.acc ?? 0, clear: true })), m: 2, n: 3, k: 8, simd: 0, ...over });
    const cases: [string, EngineCommand, number][] = [
      ['dequant', { word: encodeInstruction(createInstruction('dequant', { acc: 0 })), m: 1, n: 1, k: 1, simd: 0 }, SIMD_ENGINE_TRAPS.unsupported],
      ['mac_tile', { word: encodeInstruction(createInstruction('mac_tile', { act: 0, wgt: 0, acc: 0 })), m: 1, n: 1, k: 1, simd: 0 }, SIMD_ENGINE_TRAPS.unsupported],
      ['m > cols', tile({ m: 3 }), SIMD_ENGINE_TRAPS.multiPass],
      ['n > rows', tile({ n: 4 }), SIMD_ENGINE_TRAPS.multiPass],
      ['acc != 0', tile({ acc: 1 }), SIMD_ENGINE_TRAPS.accBase],
      ['k > maxTileK', tile({ k: t.maxTileK + 1 }), SIMD_ENGINE_TRAPS.tileK],
      ['mode', tile({ simd: 3 }), SIMD_ENGINE_TRAPS.mode],
      ['act out of the buffer', { ...tile({}), word: encodeInstruction(createInstruction('simd_tile', { act: t.capacity.act - 8, wgt: 0, acc: 0 })) }, SIMD_ENGINE_TRAPS.bounds],
      ['out out of the buffer', { word: encodeInstruction(createInstruction('writeback', { acc: 0, out: t.capacity.out - 11 })), m: 2, n: 3, k: 1, simd: 0 }, SIMD_ENGINE_TRAPS.bounds],
      ['relu', { word: encodeInstruction(createInstruction('writeback', { acc: 0, out: 0, relu: true })), m: 1, n: 1, k: 1, simd: 0 }, SIMD_ENGINE_TRAPS.relu],
    ];
    for (const [what, cmd, code] of cases) {
      const init = Uint8Array.from({ length: t.capacity.out }, (_, i) => (i * 7) & 0xff);
      const r = runEngineBench(sim, zeros(t.capacity.act), zeros(t.capacity.wgt), init, [cmd]);
      expect({ what, trap: r.trap, cycles: r.cycles, same: r.out.every((b, i) => b === init[i]) }).toEqual({ what, trap: code, cycles: [1], same: true });
    }
    // the first trap is kept: a later good command neither clears nor replaces it
    const r = runEngineBench(sim, zeros(t.capacity.act), zeros(t.capacity.wgt), zeros(t.capacity.out), [tile({ m: 3 }), tile({}), tile({ acc: 1 })]);
    expect(r.trap).toBe(SIMD_ENGINE_TRAPS.multiPass);
  }, 300_000);

  it('synthesizes with Yosys (a one-mode PE on a 2 × 1 array, 64-element staging)', async () => {
    const c = compileFile('/virtual/tiny.qacc', { readFile: (p) => (p === '/virtual/tiny.qacc' ? TINY_DESIGN : undefined) }, {});
    if (!c.design) throw new Error(c.diagnostics.map((d) => d.message).join('; '));
    const { engine, files } = engineFiles({ ...resolveTarget(c.design.accelerators[0]), maxTileK: 64 }, 'tiny');
    const r = await synthesize(engine, files);
    expect(r.cells).toBeGreaterThan(500);
  }, 120_000);
});
