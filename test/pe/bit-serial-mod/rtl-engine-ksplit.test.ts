/**
 * The K split on the bit_serial_mod tile engine (acc_spill / acc_fill; docs/scheduler.md "Branch
 * prefill2"), in its self-bench (engine-bsm-bench.ts). A K of three chunks ending on group boundaries runs
 * as three bench runs: run 1 is chunk 0's mod_tile (clear) and acc_spill; run 2's meta image holds run 1's
 * spilled bytes, and it runs a decoy tile (another n, inf / NaN activations in every token, dequant,
 * writeback: NaN flags, channel scales and the dequantized state the fill must reset), acc_fill of run 1's
 * words, chunk 1's mod_tile without clear and acc_spill; run 3 runs the decoy, acc_fill of golden's words
 * after chunk 1 (some replaced by NaN codes), acc_spill straight back, chunk 2's mod_tile without clear,
 * dequant (or none: the fill's channel scales of 1.0) and writeback.
 * Oracles, independent of the engine: the final outputs are golden's GEMM over the whole K
 * (bitSerialModGemm), bit for bit; each spilled word is the fp32 partial sum of golden's chain
 * (bitSerialModGroupValue folded by bitSerialModCrossGroup, FP32-encoded, as k-split-chain.test.ts rebuilds
 * it); each command's cycles are timing.ts's closed forms (bsmSpillCycles, bsmFillCycles, bsmPassCycles per
 * array pass, bsmDequantCycles, bsmWritebackCycles). Cases: one pass on narrow ports (one raw word per
 * cycle), two passes (tile_m = 2 · cols) on wide ports (4 words per cycle, a column's 5 rows in 2 items),
 * the authors' datapath (bitmod_rtl) in two passes, inf / NaN activations on both sides of a cut, NaN words
 * with a payload and a signalling NaN filled (golden decodes them to NaN, which the chain keeps). Also the
 * K split's traps.
 */
import { describe, expect, it } from 'vitest';
import type { Target } from '../../../src/compile/target.js';
import { FP32 } from '../../../src/formats/float.js';
import { createInstruction } from '../../../src/isa/index.js';
import { packMatrix } from '../../../src/compile/pack.js';
import { BSM_TRAP } from '../../../src/pe/bit-serial-mod/rtl-engine.js';
import { bitSerialModCrossGroup, bitSerialModGemm, bitSerialModGroupValue, bitSerialModOutputCode, bitSerialModScaled, type BitSerialModConfig } from '../../../src/pe/bit-serial-mod/golden.js';
import { bsmRawSlots } from '../../../src/pe/bit-serial-mod/microarch.js';
import { bsmDequantCycles, bsmFillCycles, bsmPassCycles, bsmSpillCycles, bsmWritebackCycles } from '../../../src/pe/bit-serial-mod/timing.js';
import { AccStore } from '../../../src/sim/acc-store.js';
import { buildBsmBench, runBsmBench, type BsmCommand } from './engine-bsm-bench.js';
import { cpwOf, DESIGN, designTarget, emptyBufs, randomTile, stageModTile, word, type Tile } from './engine-bsm-tiles.js';
import { prng } from '../../verify/rtl-helpers.js';

/** The chunk [k0, k1) of a tile (k0 on a group boundary). */
function chunkOf(cfg: BitSerialModConfig, full: Tile, k0: number, k1: number): Tile {
  const gs = cfg.groupSize;
  const G = Math.ceil(full.k / gs);
  const g0 = k0 / gs;
  const Gc = Math.ceil(k1 / gs) - g0;
  const k = k1 - k0;
  const rows = (src: Uint32Array, r: number, w: number, off: number, len: number): Uint32Array => Uint32Array.from({ length: r * len }, (_, x) => src[Math.floor(x / len) * w + off + (x % len)]);
  return { m: full.m, n: full.n, k, act: rows(full.act, full.m, full.k, k0, k), wgt: rows(full.wgt, full.n, full.k, k0, k), scales: rows(full.scales, full.n, G, g0, Gc), sels: rows(full.sels, full.n, G, g0, Gc) };
}

/** Golden's chain over a chunk from the fp32 words `from` (+0 without): each entry's partial sum as its 32 bits. */
function chainWords(cfg: BitSerialModConfig, c: Tile, from?: Uint32Array): Uint32Array {
  const gs = cfg.groupSize;
  const G = Math.ceil(c.k / gs);
  const words = new Uint32Array(c.m * c.n);
  for (let i = 0; i < c.m; i++) {
    for (let j = 0; j < c.n; j++) {
      let v = from ? FP32.decode(from[i * c.n + j]) : 0;
      for (let g = 0; g < G; g++) {
        const s = g * gs;
        v = bitSerialModCrossGroup(v, bitSerialModGroupValue(cfg, c.act, i * c.k + s, c.wgt, j * c.k + s, Math.min(gs, c.k - s), cfg.candidates[c.sels[j * G + g]], c.scales[j * G + g]));
      }
      words[i * c.n + j] = FP32.encode(v);
    }
  }
  return words;
}

const le32 = (b: Uint8Array, at: number, count: number): number[] => Array.from({ length: count }, (_, e) => (b[at + 4 * e] | (b[at + 4 * e + 1] << 8) | (b[at + 4 * e + 2] << 16) | (b[at + 4 * e + 3] << 24)) >>> 0);
const le16 = (b: Uint8Array, at: number, count: number): number[] => Array.from({ length: count }, (_, e) => b[at + 2 * e] | (b[at + 2 * e + 1] << 8));
const hexWords = (w: ArrayLike<number>): string[] => Array.from(w, (x) => x.toString(16).padStart(8, '0'));

/** A bump allocator in a buffer space; throws where the case does not fit. */
function bump(cap: number, start = 0): (len: number) => number {
  let at = start;
  return (len) => {
    const a = at;
    at += len + 1; // odd offsets: reads and writes start anywhere in a RAM row
    if (at > cap) throw new Error(`test layout: ${at} bytes beyond ${cap}`);
    return a;
  };
}

interface KSplitCase {
  readonly seed: number;
  readonly m: number;
  readonly n: number;
  /** Chunk boundaries in elements: [0, c1, c2, K], c1 and c2 on group boundaries. */
  readonly cuts: readonly [number, number, number, number];
  /** Activations forced to inf / NaN: [token, k, code]. */
  readonly specials: readonly (readonly [number, number, number])[];
  /** Words of the second fill replaced: [entry, word]. */
  readonly filled: readonly (readonly [number, number])[];
  /** Whether the last chunk is dequantized with channel scales (without: the fill's scales of 1.0). */
  readonly dequant: boolean;
}

/** Cycles of a mod_tile: its passes' closed forms (every pass runs the same rows). */
function tileCycles(t: Target, cfg: BitSerialModConfig, tile: Tile): number {
  let sum = 0;
  for (let i0 = 0; i0 < tile.m; i0 += t.array.cols) sum += bsmPassCycles(t, Math.min(t.array.cols, tile.m - i0), tile.n, tile.k, cpwOf(cfg, tile));
  return sum;
}

async function runCase(t: Target, top: string, c: KSplitCase): Promise<void> {
  const cfg = t.golden as BitSerialModConfig;
  const rnd = prng(c.seed);
  const { m, n, cuts } = c;
  const K = cuts[3];
  const full = randomTile(cfg, rnd, m, n, K, false);
  for (const [i, k, code] of c.specials) full.act[i * K + k] = code;
  const chunks = [0, 1, 2].map((x) => chunkOf(cfg, full, cuts[x], cuts[x + 1]));
  const scales = Uint32Array.from({ length: n }, () => ((rnd() < 0.5 ? 0x8000 : 0) | ((10 + Math.floor(rnd() * 10)) << 10) | Math.floor(rnd() * 1024)));
  const cs = c.dequant ? scales : new Uint32Array(n).fill(0x3c00);
  const G = (tile: Tile): number => Math.ceil(tile.k / cfg.groupSize);
  const metaBytes = (tile: Tile): number => tile.n * G(tile) + Math.ceil((tile.n * G(tile) * t.bits.selector) / 8);

  // buffer images shared by both runs: every chunk's operands, a decoy tile, channel scales, the fill words
  const bufs = emptyBufs(t);
  const scratch = new AccStore(t.accEntries, false);
  const actAt = bump(t.capacity.act, 1);
  const wgtAt = bump(t.capacity.wgt, 3);
  const metaAt = bump(t.capacity.meta, 2);
  const staged = (tile: Tile, clear: boolean, into: BsmCommand[]): void =>
    stageModTile(t, bufs, scratch, into, tile, { act: actAt(2 * tile.m * tile.k), wgt: wgtAt(tile.n * Math.ceil((tile.k * t.bits.wgt) / 8)), meta: metaAt(metaBytes(tile)) }, clear);
  const dequantAt = (scales: Uint32Array): number => {
    const at = metaAt(2 * scales.length);
    packMatrix(scales, 1, scales.length, 16, bufs.meta, at);
    return at;
  };
  const gsz = cfg.groupSize;
  const cmd = (name: 'acc_spill' | 'acc_fill' | 'dequant' | 'writeback', fields: Record<string, number | boolean>, mm: number, nn: number): BsmCommand => ({
    word: word(createInstruction(name, { acc: 0, ...fields } as never)),
    m: mm,
    n: nn,
    k: 1,
    group: gsz,
  });

  // run 1: chunk 0 (clear), acc_spill
  const run1: BsmCommand[] = [];
  staged(chunks[0], true, run1);
  run1.push(cmd('acc_spill', { out: 4 }, m, n));
  const w0 = chainWords(cfg, chunks[0]);
  const r1 = runBsmBench(await buildBsmBench(t, top), { ...bufs, out: new Uint8Array(t.capacity.out) }, run1);
  expect({ trap: r1.trap, cycles: r1.cycles }).toEqual({ trap: 0, cycles: [tileCycles(t, cfg, chunks[0]), bsmSpillCycles(t, m, n)] });
  expect(hexWords(le32(r1.out, 4, m * n))).toEqual(hexWords(w0));

  // the decoy (staged once, run first in runs 2 and 3): another n, an inf / NaN activation in every token,
  // dequantized and written back, so the NaN flags, channel scales and dequantized state the fill resets are set
  const decoyCmds: BsmCommand[] = [];
  const decoy = randomTile(cfg, rnd, m, n - 1, 24, false);
  for (let i = 0; i < m; i++) decoy.act[i * decoy.k + (i % decoy.k)] = i % 2 ? 0x7e00 : 0xfc00;
  staged(decoy, true, decoyCmds);
  decoyCmds.push(cmd('dequant', { use_cscale: true, cscale: dequantAt(scales.subarray(1)) }, m, n - 1));
  decoyCmds.push(cmd('writeback', { out: 0 }, m, n - 1));
  const decoyCycles = [tileCycles(t, cfg, decoy), bsmDequantCycles(t, n - 1, true), bsmWritebackCycles(t, m, n - 1)];

  // run 2: decoy, acc_fill (run 1's bytes), chunk 1 (no clear), acc_spill
  const run2 = [...decoyCmds];
  const cycles2 = [...decoyCycles];
  const fill0 = metaAt(4 * m * n);
  bufs.meta.set(r1.out.subarray(4, 4 + 4 * m * n), fill0);
  run2.push(cmd('acc_fill', { meta: fill0 }, m, n));
  cycles2.push(bsmFillCycles(t, m, n));
  staged(chunks[1], false, run2);
  cycles2.push(tileCycles(t, cfg, chunks[1]));
  run2.push(cmd('acc_spill', { out: 0 }, m, n));
  cycles2.push(bsmSpillCycles(t, m, n));
  const w1 = chainWords(cfg, chunks[1], w0);

  // run 3: decoy, acc_fill (golden's words after chunk 1, some replaced), acc_spill straight back (golden's
  // decode and encode of each word: a NaN comes back as the fp32 NaN), chunk 2 (no clear), dequant, writeback
  const run3 = [...decoyCmds];
  const cycles3 = [...decoyCycles];
  const w1filled = Uint32Array.from(w1);
  for (const [e, w] of c.filled) w1filled[e] = w;
  const fill1 = metaAt(4 * m * n);
  packMatrix(w1filled, 1, m * n, 32, bufs.meta, fill1);
  run3.push(cmd('acc_fill', { meta: fill1 }, m, n));
  cycles3.push(bsmFillCycles(t, m, n));
  run3.push(cmd('acc_spill', { out: 0 }, m, n));
  cycles3.push(bsmSpillCycles(t, m, n));
  staged(chunks[2], false, run3);
  cycles3.push(tileCycles(t, cfg, chunks[2]));
  if (c.dequant) {
    run3.push(cmd('dequant', { use_cscale: true, cscale: dequantAt(cs) }, m, n));
    cycles3.push(bsmDequantCycles(t, n, true));
  }
  const wbAt = 4 * m * n + 1;
  run3.push(cmd('writeback', { out: wbAt }, m, n));
  cycles3.push(bsmWritebackCycles(t, m, n));

  // the final outputs: golden's GEMM over the whole K; where a fill word was replaced, golden's chain from it
  const gemm = bitSerialModGemm(cfg, { m, k: K, n, activations: full.act, weights: full.wgt, selectors: full.sels, groupScales: full.scales, channelScales: cs }).codes;
  const fromFilled = chainWords(cfg, chunks[2], w1filled);
  const want = Array.from(gemm, (code, e) => (c.filled.some(([f]) => f === e) ? bitSerialModOutputCode(cfg, bitSerialModScaled(FP32.decode(fromFilled[e]), cs[e % n])) : code));
  // the case reaches what it says: finite outputs, and NaN ones where inf / NaN activations or NaN words are
  const finite = want.filter((x) => (x & 0x7c00) !== 0x7c00).length;
  if (c.specials.length + c.filled.length === 0) expect(finite, `seed ${c.seed}`).toBe(m * n);
  else expect([finite > 0, want.some((x) => x === 0x7e00)], `seed ${c.seed}`).toEqual([true, true]);
  if (c.specials.some(([, k]) => k < cuts[1])) expect(hexWords(w0)).toContain('7fc00000');

  const sim = await buildBsmBench(t, top);
  const r2 = runBsmBench(sim, bufs, run2);
  expect({ seed: c.seed, run: 2, trap: r2.trap, cycles: r2.cycles }).toEqual({ seed: c.seed, run: 2, trap: 0, cycles: cycles2 });
  expect(hexWords(le32(r2.out, 0, m * n))).toEqual(hexWords(w1));
  const r3 = runBsmBench(sim, bufs, run3);
  expect({ seed: c.seed, run: 3, trap: r3.trap, cycles: r3.cycles }).toEqual({ seed: c.seed, run: 3, trap: 0, cycles: cycles3 });
  expect(hexWords(le32(r3.out, 0, m * n))).toEqual(hexWords(Array.from(w1filled, (w) => FP32.encode(FP32.decode(w)))));
  if (c.filled.length > 0) expect(hexWords(le32(r3.out, 0, m * n))).toContain('7fc00000');
  expect(le16(r3.out, wbAt, m * n).map((x) => x.toString(16))).toEqual(want.map((x) => x.toString(16)));
}

// the test design's ports (act 8 bytes, wgt / meta / out 4 bytes): one raw word per spill item and fill read
const narrow = (): Target => designTarget(DESIGN, 't');
// 16-byte wgt / meta / out ports (4 raw words per item, a column's 5 rows in 2), two array passes of 3 tokens
const wide = (): Target => designTarget(DESIGN.replace('output = fp16; }', 'output = fp16; tile_m = 6; }').replace('width = 32; banks = 1; role = weights;', 'width = 128; banks = 1; role = weights;'), 't');

// the authors' datapath (datapath = bitmod_rtl: its own PE cell) with the four BitMoD fp4 types, narrow ports, two passes
const authors = (): Target =>
  designTarget(
    DESIGN.replace('candidates = [bitmod_fp4_er_pos, bitmod_fp4_ea_neg, int4, fp4_e2m1]', 'candidates = [bitmod_fp4_er_pos, bitmod_fp4_er_neg, bitmod_fp4_ea_pos, bitmod_fp4_ea_neg]').replace('output = fp16; }', 'datapath = bitmod_rtl; output = fp16; tile_m = 6; }'),
    't',
  );

describe('bit_serial_mod tile engine: the K split (acc_spill / acc_fill)', () => {
  it('the cases reach the slot counts and passes they say', () => {
    const [a, b] = [narrow(), wide()];
    expect([bsmRawSlots(a, 'out'), bsmRawSlots(a, 'meta'), a.tilePassesM]).toEqual([1, 1, 1]);
    expect([bsmRawSlots(b, 'out'), bsmRawSlots(b, 'meta'), b.tilePassesM, b.array.rows]).toEqual([4, 4, 2, 5]);
  });

  it('one pass, narrow ports: spilled words = golden chain, outputs = golden GEMM over the whole K, cycles = closed forms', async () => {
    const t = narrow();
    await runCase(t, 'ks1', { seed: 21, m: 3, n: 5, cuts: [0, 32, 64, 93], specials: [], filled: [], dequant: false });
    // inf in chunk 0 (NaN through the spill), NaN in chunk 2 (after the fill), NaN words with a payload and signalling
    await runCase(t, 'ks1', { seed: 22, m: 3, n: 5, cuts: [0, 16, 48, 61], specials: [[0, 5, 0x7c00], [2, 50, 0x7e01]], filled: [[6, 0xffc00001], [8, 0x7f800001]], dequant: true });
  }, 600_000);

  it('two array passes (tile_m = 6 = 2 · cols), wide ports: the same, entries of both passes', async () => {
    const t = wide();
    await runCase(t, 'ks2', { seed: 31, m: 6, n: 5, cuts: [0, 32, 48, 77], specials: [], filled: [], dequant: true });
    await runCase(t, 'ks2', { seed: 32, m: 5, n: 4, cuts: [0, 16, 48, 64], specials: [[4, 3, 0xfc00], [1, 20, 0x7c00]], filled: [[9, 0xffffffff]], dequant: false });
  }, 600_000);

  it("the authors' datapath (bitmod_rtl PE cell), two passes on narrow ports: the same", async () => {
    const t = authors();
    expect([(t.golden as BitSerialModConfig).datapath, t.tilePassesM]).toEqual(['bitmod_rtl', 2]);
    await runCase(t, 'ks3', { seed: 41, m: 4, n: 3, cuts: [0, 16, 48, 70], specials: [[3, 60, 0x7c00]], filled: [[2, 0xff800001]], dequant: true });
  }, 600_000);

  it('traps what the K split cannot run, completing the command at once', async () => {
    const t = narrow();
    const sim = await buildBsmBench(t, 'ks1');
    const g = (t.golden as BitSerialModConfig).groupSize;
    const tile: BsmCommand = { word: word(createInstruction('mod_tile', { act: 0, wgt: 0, meta: 0, acc: 0, clear: true })), m: 2, n: 3, k: 16, group: g };
    const c = (name: 'acc_spill' | 'acc_fill' | 'dequant', f: Record<string, number | boolean>, m = 2, n = 3): BsmCommand => ({ word: word(createInstruction(name, { acc: 0, ...f } as never)), m, n, k: 1, group: g });
    const cases: [string, BsmCommand[], number][] = [
      ['acc_spill of another n', [tile, c('acc_spill', { out: 0 }, 2, 2)], BSM_TRAP.accState],
      ['acc_spill after dequant', [tile, c('dequant', { use_cscale: true, cscale: 0 }), c('acc_spill', { out: 0 })], BSM_TRAP.accState],
      ['acc_spill beyond out', [tile, c('acc_spill', { out: t.capacity.out - 20 })], BSM_TRAP.outOfBuffer],
      ['acc_fill beyond meta', [c('acc_fill', { meta: t.capacity.meta - 20 })], BSM_TRAP.outOfBuffer],
      ['acc_fill acc = 1', [{ ...c('acc_fill', { meta: 0 }), word: word(createInstruction('acc_fill', { meta: 0, acc: 1 })) }], BSM_TRAP.accAddress],
      ['acc_spill n > rows', [c('acc_spill', { out: 0 }, 2, 6)], BSM_TRAP.tileShape],
    ];
    for (const [what, cmds, code] of cases) {
      const r = runBsmBench(sim, emptyBufs(t), cmds);
      expect({ what, trap: r.trap, last: r.cycles[cmds.length - 1] }).toEqual({ what, trap: code, last: 1 });
    }
    // a fill of another m × n, then a mod_tile without clear on it, runs (the fill records the tile it loaded)
    const ok = runBsmBench(sim, emptyBufs(t), [tile, c('acc_fill', { meta: 0 }, 3, 2), { ...tile, m: 3, n: 2, word: word(createInstruction('mod_tile', { act: 0, wgt: 0, meta: 0, acc: 0, clear: false })) }]);
    expect(ok.trap).toBe(0);
  }, 600_000);
});
