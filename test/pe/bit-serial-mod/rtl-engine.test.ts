/**
 * The bit_serial_mod tile engine (src/pe/bit-serial-mod/rtl-engine.ts) under Verilator, alone,
 * in its self-bench (engine-bsm-bench.ts): random tiles with every candidate type selected (BitMoD fp4
 * ER/EA, int4, fp4_e2m1), k spanning several groups and not a multiple
 * of the lanes, two-k-tile accumulation (clear = 0), dequant with channel scales, writeback with and
 * without dequant, zero / max / inf / NaN activations and scales. Out bytes are compared with the
 * simulator's golden-derived tile arithmetic (src/pe/bit-serial-mod/sim.ts) and each command's cycles with the
 * simulator's formulas (src/pe/bit-serial-mod/timing.ts), cycles per weight computed here from the term schedules.
 * Also: lint -Wall of the engine (test design and examples/bitmod.qacc at a small size) and the traps.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packMatrix } from '../../../src/compile/pack.js';
import type { Target } from '../../../src/compile/target.js';
import { BSM_TRAP } from '../../../src/pe/bit-serial-mod/rtl-engine.js';
import { bitSerialModScaled, type BitSerialModConfig } from '../../../src/pe/bit-serial-mod/golden.js';
import { createInstruction } from '../../../src/isa/index.js';
import { bitSerialWriteback } from '../../../src/pe/bit-serial-mod/sim.js';
import { AccStore } from '../../../src/sim/acc-store.js';
import { bsmDequantCycles, bsmPassCycles, bsmWritebackCycles } from '../../../src/pe/bit-serial-mod/timing.js';
import { lintVerilog } from '../../../src/verify/rtl/verilator.js';
import { bsmEngineFiles, buildBsmBench, runBsmBench, type BsmCommand } from './engine-bsm-bench.js';
import { cpwOf, DESIGN, designTarget, hex, randomTile, stageModTile, word, type Tile } from './engine-bsm-tiles.js';
import { prng } from '../../verify/rtl-helpers.js';

const ROOT = resolve(__dirname, '../../..');

function bitmodTarget(rows: number, cols: number, maxTileK: number): Target {
  return designTarget(readFileSync(resolve(ROOT, 'examples/bitmod.qacc'), 'utf8'), 'bitmod', [`rows=${rows}`, `cols=${cols}`], maxTileK);
}

interface Scenario {
  readonly bufs: Record<'act' | 'wgt' | 'meta' | 'out', Uint8Array>;
  readonly commands: BsmCommand[];
  readonly expectedOut: Uint8Array;
  readonly expectedCycles: number[];
}

/**
 * Tile A (3 × 5, two k tiles of 38 and 40: clear then accumulate), dequant with channel scales,
 * writeback; tile B (2 × 4 × maxTileK), writeback without dequant.
 */
function scenario(t: Target, seed: number, special: boolean): Scenario {
  const cfg = t.golden as BitSerialModConfig;
  const rnd = prng(seed);
  const bufs = { act: new Uint8Array(t.capacity.act), wgt: new Uint8Array(t.capacity.wgt), meta: new Uint8Array(t.capacity.meta), out: new Uint8Array(t.capacity.out) };
  const acc = new AccStore(t.accEntries, false);
  const commands: BsmCommand[] = [];
  const expectedCycles: number[] = [];
  const expectedOut = new Uint8Array(t.capacity.out);
  let actAt = 0;
  let wgtAt = 0;
  let metaAt = 0;
  const gs = cfg.groupSize;
  const sb = t.bits.selector;
  const modTile = (tile: Tile, clear: boolean): void => {
    const G = Math.ceil(tile.k / gs);
    stageModTile(t, bufs, acc, commands, tile, { act: actAt, wgt: wgtAt, meta: metaAt }, clear);
    expectedCycles.push(bsmPassCycles(t, tile.m, tile.n, tile.k, cpwOf(cfg, tile)));
    actAt += tile.m * tile.k * 2 + 6; // odd offsets: reads start anywhere in a RAM row
    wgtAt += tile.n * Math.ceil((tile.k * t.bits.wgt) / 8) + 3;
    metaAt += tile.n * G + Math.ceil((tile.n * G * sb) / 8) + 1;
  };
  const dequant = (m: number, n: number): void => {
    const cs = Uint32Array.from({ length: n }, () => (rnd() < 0.15 ? 0x7bff : rnd() < 0.1 ? 0 : (rnd() < 0.5 ? 0x8000 : 0) | ((8 + Math.floor(rnd() * 14)) << 10) | Math.floor(rnd() * 1024)));
    packMatrix(cs, 1, n, 16, bufs.meta, metaAt);
    commands.push({ word: word(createInstruction('dequant', { acc: 0, cscale: metaAt, use_cscale: true })), m, n, k: 1, group: gs });
    for (let e = 0; e < m * n; e++) acc.v[e] = bitSerialModScaled(acc.v[e], cs[e % n]);
    expectedCycles.push(bsmDequantCycles(t, n, true));
    metaAt += 2 * n + 1;
  };
  const writeback = (m: number, n: number, out: number): void => {
    commands.push({ word: word(createInstruction('writeback', { acc: 0, out })), m, n, k: 1, group: gs });
    for (let e = 0; e < m * n; e++) {
      const code = bitSerialWriteback(cfg, acc, e);
      expectedOut[out + 2 * e] = code & 0xff;
      expectedOut[out + 2 * e + 1] = code >> 8;
    }
    expectedCycles.push(bsmWritebackCycles(t, m, n));
  };
  modTile(randomTile(cfg, rnd, 3, 5, 38, special), true);
  modTile(randomTile(cfg, rnd, 3, 5, 40, special), false);
  dequant(3, 5);
  writeback(3, 5, 2);
  modTile(randomTile(cfg, rnd, 2, 4, t.maxTileK, special), true);
  writeback(2, 4, 100);
  return { bufs, commands, expectedOut, expectedCycles };
}

describe('bit_serial_mod tile engine (self-bench)', () => {
  const t = designTarget(DESIGN, 't');

  it('lints clean with -Wall (test design, and examples/bitmod.qacc at 4 x 3, with and without a staging ring, with array passes)', async () => {
    const passes = designTarget(DESIGN.replace('output = fp16; }', 'output = fp16; tile_m = 7; }'), 't');
    const authors = designTarget(readFileSync(resolve(ROOT, 'examples/bitmod.qacc'), 'utf8').replace('datapath = bitmod_rtl;\n  output = fp16;', 'datapath = bitmod_rtl;\n  output = fp16;\n  tile_m = 12;'), 'bitmod_authors', ['rows=4', 'cols=3']);
    expect([passes.tilePassesM, authors.tilePassesM]).toEqual([3, 4]);
    for (const [tt, top] of [[t, 'lt'], [bitmodTarget(4, 3, 256), 'lb'], [{ ...bitmodTarget(4, 3, 2048), stagingK: 256 }, 'lr'], [passes, 'lp'], [authors, 'la']] as const) {
      const { engine, files } = bsmEngineFiles(tt, top);
      expect(await lintVerilog(engine, files), top).toEqual([]);
    }
  });

  it('matches the simulator arithmetic and cycle formulas on random tiles', async () => {
    const sim = await buildBsmBench(t, 'tb');
    for (const [seed, special] of [[1, false], [2, true], [3, false]] as const) {
      const sc = scenario(t, seed, special);
      // the cases reach what they say: finite nonzero results, and inf / NaN outputs when asked for
      const codes = Array.from({ length: 15 }, (_, e) => sc.expectedOut[2 + 2 * e] | (sc.expectedOut[3 + 2 * e] << 8));
      expect(codes.filter((c) => (c & 0x7c00) !== 0x7c00 && (c & 0x7fff) !== 0).length, `seed ${seed}: ${codes.map((c) => c.toString(16)).join(" ")}`).toBeGreaterThan(special ? 0 : 3);
      if (special) expect(codes.some((c) => (c & 0x7c00) === 0x7c00), `seed ${seed}`).toBe(true);
      const r = runBsmBench(sim, sc.bufs, sc.commands);
      expect({ seed, trap: r.trap }).toEqual({ seed, trap: 0 });
      expect({ seed, cycles: r.cycles }).toEqual({ seed, cycles: sc.expectedCycles });
      expect({ seed, tileA: hex(r.out, 2, 30), tileB: hex(r.out, 100, 16) }).toEqual({ seed, tileA: hex(sc.expectedOut, 2, 30), tileB: hex(sc.expectedOut, 100, 16) });
    }
  }, 600_000);

  // Tiles deeper than the staging stream through it as a ring (microarch.ts bsmRingSlots): 16 staged
  // elements give the act ring 5 chunks of 4 (a group of 16 plus one chunk) and the wgt ring 3 chunks of 8,
  // so a group's last chunks are fetched only once the group before has been handed off, and one and two
  // token tiles (fetch faster than compute) stall the compute on them: the closed form counts those waits.
  it('streams tiles deeper than its staging through the ring: same outputs, cycles = the closed form with its waits', async () => {
    const rt: Target = { ...designTarget(DESIGN, 't', [], 96), stagingK: 16 };
    const cfg = rt.golden as BitSerialModConfig;
    const sim = await buildBsmBench(rt, 'tr');
    const unbounded: Target = { ...rt, stagingK: 96 };
    for (const [seed, m, n] of [[5, 1, 1], [6, 2, 5], [7, 3, 2]] as const) {
      const rnd = prng(seed);
      const bufs = { act: new Uint8Array(rt.capacity.act), wgt: new Uint8Array(rt.capacity.wgt), meta: new Uint8Array(rt.capacity.meta), out: new Uint8Array(rt.capacity.out) };
      const acc = new AccStore(rt.accEntries, false);
      const commands: BsmCommand[] = [];
      const cycles: number[] = [];
      let actAt = 1;
      let wgtAt = 3;
      let metaAt = 5;
      // two back-to-back deep passes accumulating (96 = 6 groups, then 90: a partial last group), then writeback
      for (const [k, clear] of [[96, true], [90, false]] as const) {
        const tile = randomTile(cfg, rnd, m, n, k, false);
        const G = Math.ceil(k / cfg.groupSize);
        stageModTile(rt, bufs, acc, commands, tile, { act: actAt, wgt: wgtAt, meta: metaAt }, clear);
        cycles.push(bsmPassCycles(rt, m, n, k, cpwOf(cfg, tile)));
        // the ring's waits are in the closed form: with a staging as deep as the tile there are none
        if (m < 3) expect(cycles[cycles.length - 1], `m ${m} n ${n} k ${k}`).toBeGreaterThan(bsmPassCycles(unbounded, m, n, k, cpwOf(cfg, tile)));
        actAt += m * k * 2 + 2;
        wgtAt += n * Math.ceil((k * rt.bits.wgt) / 8) + 1;
        metaAt += n * G + Math.ceil((n * G * rt.bits.selector) / 8) + 3;
      }
      commands.push({ word: word(createInstruction('writeback', { acc: 0, out: 4 })), m, n, k: 1, group: cfg.groupSize });
      cycles.push(bsmWritebackCycles(rt, m, n));
      const expected = new Uint8Array(2 * m * n);
      for (let e = 0; e < m * n; e++) {
        const code = bitSerialWriteback(cfg, acc, e);
        expected[2 * e] = code & 0xff;
        expected[2 * e + 1] = code >> 8;
      }
      const r = runBsmBench(sim, bufs, commands);
      expect({ seed, trap: r.trap, cycles: r.cycles, out: hex(r.out, 4, 2 * m * n) }).toEqual({ seed, trap: 0, cycles, out: hex(expected, 0, 2 * m * n) });
    }
  }, 600_000);

  // tile_m = 7 on 3 columns: the engine runs an m tile as up to 3 array passes (3 + 3 + 1 tokens) over the
  // same weights, each PE holding one fp32 entry per pass; each pass is the one-pass schedule, the next
  // starting in the cycle after the previous one's last add, so a mod_tile takes the sum of its passes'
  // closed forms. Two k tiles accumulate (clear, then not), the first tile with a dequant; NaN / inf
  // activations land in single passes, so the per-pass NaN flags are exercised.
  it('runs an m tile of several array passes (tile_m = 7 on 3 columns): outputs = the simulator, cycles = the sum of the passes', async () => {
    const mt = designTarget(DESIGN.replace('output = fp16; }', 'output = fp16; tile_m = 7; }'), 't');
    expect([mt.tilePassesM, mt.tilePassesN, mt.accEntries]).toEqual([3, 1, 5 * 3 * 3]);
    const cfg = mt.golden as BitSerialModConfig;
    const sim = await buildBsmBench(mt, 'tp');
    const passSizes = (m: number): number[] => Array.from({ length: Math.ceil(m / 3) }, (_, p) => Math.min(3, m - 3 * p));
    for (const [seed, m, n, special, deq] of [[11, 7, 5, true, true], [12, 5, 4, false, false], [13, 6, 2, true, false]] as const) {
      const rnd = prng(seed);
      const bufs = { act: new Uint8Array(mt.capacity.act), wgt: new Uint8Array(mt.capacity.wgt), meta: new Uint8Array(mt.capacity.meta), out: new Uint8Array(mt.capacity.out) };
      const acc = new AccStore(mt.accEntries, false);
      const commands: BsmCommand[] = [];
      const cycles: number[] = [];
      let actAt = 3;
      let wgtAt = 1;
      let metaAt = 2;
      for (const [k, clear] of [[40, true], [29, false]] as const) {
        const tile = randomTile(cfg, rnd, m, n, k, special);
        const G = Math.ceil(k / cfg.groupSize);
        stageModTile(mt, bufs, acc, commands, tile, { act: actAt, wgt: wgtAt, meta: metaAt }, clear);
        // every pass of the tile runs the same n rows: the same cycles per weight
        cycles.push(passSizes(m).reduce((sum, mc) => sum + bsmPassCycles(mt, mc, n, k, cpwOf(cfg, tile)), 0));
        actAt += m * k * 2 + 5;
        wgtAt += n * Math.ceil((k * mt.bits.wgt) / 8) + 3;
        metaAt += n * G + Math.ceil((n * G * mt.bits.selector) / 8) + 1;
      }
      if (deq) {
        const cs = Uint32Array.from({ length: n }, () => ((8 + Math.floor(rnd() * 14)) << 10) | Math.floor(rnd() * 1024));
        packMatrix(cs, 1, n, 16, bufs.meta, metaAt);
        commands.push({ word: word(createInstruction('dequant', { acc: 0, cscale: metaAt, use_cscale: true })), m, n, k: 1, group: cfg.groupSize });
        for (let e = 0; e < m * n; e++) acc.v[e] = bitSerialModScaled(acc.v[e], cs[e % n]);
        cycles.push(bsmDequantCycles(mt, n, true));
      }
      commands.push({ word: word(createInstruction('writeback', { acc: 0, out: 6 })), m, n, k: 1, group: cfg.groupSize });
      cycles.push(bsmWritebackCycles(mt, m, n));
      const expected = new Uint8Array(2 * m * n);
      for (let e = 0; e < m * n; e++) {
        const code = bitSerialWriteback(cfg, acc, e);
        expected[2 * e] = code & 0xff;
        expected[2 * e + 1] = code >> 8;
      }
      // the case reaches what it says: finite nonzero outputs, and with specials NaN tokens next to finite ones
      const codes = Array.from({ length: m * n }, (_, e) => expected[2 * e] | (expected[2 * e + 1] << 8));
      expect(codes.filter((c) => (c & 0x7c00) !== 0x7c00 && (c & 0x7fff) !== 0).length, `seed ${seed}`).toBeGreaterThan(1);
      if (special) expect(codes.some((c) => c === 0x7e00), `seed ${seed}`).toBe(true);
      const r = runBsmBench(sim, bufs, commands);
      expect({ seed, trap: r.trap, cycles: r.cycles, out: hex(r.out, 6, 2 * m * n) }).toEqual({ seed, trap: 0, cycles, out: hex(expected, 0, 2 * m * n) });
    }
    // m beyond the passes' tokens (3 × 3 = 9) traps as a tile shape
    const over = runBsmBench(sim, { act: new Uint8Array(mt.capacity.act), wgt: new Uint8Array(mt.capacity.wgt), meta: new Uint8Array(mt.capacity.meta), out: new Uint8Array(mt.capacity.out) }, [
      { word: word(createInstruction('mod_tile', { act: 0, wgt: 0, meta: 0, acc: 0, clear: true })), m: 10, n: 2, k: 8, group: cfg.groupSize },
    ]);
    expect([over.trap, over.cycles[0]]).toEqual([BSM_TRAP.tileShape, 1]);
  }, 600_000);

  it('traps on what it does not execute, with the documented code, and completes the command at once', async () => {
    const sim = await buildBsmBench(t, 'tb');
    const sc = scenario(t, 4, false);
    const g = (t.golden as BitSerialModConfig).groupSize;
    const cases: [string, BsmCommand[], number][] = [
      ['mac_tile', [{ word: word(createInstruction('mac_tile', { act: 0, wgt: 0, acc: 0 })), m: 2, n: 2, k: 8, group: g }], BSM_TRAP.unsupported],
      ['acc = 1', [{ word: word(createInstruction('mod_tile', { act: 0, wgt: 0, meta: 0, acc: 1, clear: true })), m: 2, n: 2, k: 8, group: g }], BSM_TRAP.accAddress],
      ['m > cols', [{ word: word(createInstruction('mod_tile', { act: 0, wgt: 0, meta: 0, acc: 0, clear: true })), m: 4, n: 2, k: 8, group: g }], BSM_TRAP.tileShape],
      ['k > maxTileK', [{ word: word(createInstruction('mod_tile', { act: 0, wgt: 0, meta: 0, acc: 0, clear: true })), m: 2, n: 2, k: t.maxTileK + 4, group: g }], BSM_TRAP.tileShape],
      ['writeback relu', [{ word: word(createInstruction('writeback', { acc: 0, out: 0, relu: true })), m: 2, n: 2, k: 8, group: g }], BSM_TRAP.unsupportedFlag],
      ['writeback of another n', [sc.commands[0], { word: word(createInstruction('writeback', { acc: 0, out: 0 })), m: 3, n: 4, k: 8, group: g }], BSM_TRAP.accState],
      ['dequant twice', [sc.commands[0], sc.commands[2], sc.commands[2]], BSM_TRAP.accState],
      ['operands beyond act', [{ word: word(createInstruction('mod_tile', { act: t.capacity.act - 8, wgt: 0, meta: 0, acc: 0, clear: true })), m: 2, n: 2, k: 8, group: g }], BSM_TRAP.outOfBuffer],
    ];
    for (const [what, cmds, code] of cases) {
      const r = runBsmBench(sim, sc.bufs, cmds);
      expect({ what, trap: r.trap, last: r.cycles[cmds.length - 1] }).toEqual({ what, trap: code, last: 1 });
    }
  }, 120_000);
});
