/**
 * lowrank_gemm honors its declared output tile (`tile_m`, `tile_n`): its engine runs a tile of up to the
 * declared size as several array passes (issue 13), so the tiler cuts M and N into tiles of at most
 * min(ISA, declared) — the largest of them whose k steps fit the buffers double-buffered —, and every
 * `settile` of the program respects them; a multi-pass tile computes the golden GEMM.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chooseTiling, compileGemm } from '../../../src/compile/program.js';
import { ISA_LIMITS } from '../../../src/compile/isa-limits.js';
import { scheduleCandidates } from '../../../src/compile/schedule/choose.js';
import { randomOperands } from '../../../src/compile/operands.js';
import { resolveTarget } from '../../../src/compile/target.js';
import { unpackMatrix } from '../../../src/compile/pack.js';
import { goldenGemm, type GoldenConfig, type GoldenOperands } from '../../../src/golden/index.js';
import { Machine } from '../../../src/sim/index.js';
import { lowRankDownCycles, lowRankQgemmCycles } from '../../../src/pe/lowrank-gemm/timing.js';
import { qgemmPassOrder } from '../../../src/pe/lowrank-gemm/compile-cycles.js';
import { sourceAccelerators } from '../../sim/helpers.js';

const EXAMPLE = readFileSync('examples/svdquant.qacc', 'utf8');

function w4a4(tileM: number, tileN: number): ReturnType<typeof resolveTarget> {
  const text = EXAMPLE.replace('tile_m = 256;', `tile_m = ${tileM};`).replace('tile_n = 128;', `tile_n = ${tileN};`);
  const accel = sourceAccelerators(text).find((a) => a.name === 'svdquant_w4a4');
  if (!accel) throw new Error('no svdquant_w4a4');
  return resolveTarget(accel);
}

describe('lowrank_gemm tile_m / tile_n', () => {
  it('the example declares 256 × 128 on its 16 × 16 array: tiles up to that run as 16 × 8 array passes', () => {
    const t = w4a4(256, 128);
    expect([t.maxTileM, t.maxTileN, t.tilePassesM, t.tilePassesN, t.accEntries]).toEqual([256, 128, 16, 8, 256 * 128]);
    const tiling = chooseTiling(t, { m: 40, k: 128, n: 40 });
    expect([tiling.mt, tiling.nt]).toEqual([40, 40]);
    // issue 13's GEMM: the out space (half of the 256 KiB weights buffer, KindTarget.outInWeights: the
    // whole 512 KiB activations buffer is the act space) double-buffers the declared 256 × 128 tile's
    // 32,768 16-bit outputs; the cost model picks it: its 256-token code panel (384 KiB) fits, so the
    // weights stream once
    expect([t.capacity.act, t.capacity.wgt, t.capacity.out]).toEqual([512 * 1024, 128 * 1024, 128 * 1024]);
    const shape = { m: 256, k: 3072, n: 3072 };
    const tiles = scheduleCandidates(t, shape, ISA_LIMITS).filter((c) => c.resident === 'none').map((c) => [c.tiling.mt, c.tiling.nt]);
    expect(tiles).toEqual(expect.arrayContaining([[256, 128]]));
    for (const [mt, nt] of tiles) expect(2 * mt * nt * 2).toBeLessThanOrEqual(t.capacity.out);
    const big = chooseTiling(t, shape);
    expect([big.mt, big.nt, big.kt]).toEqual([256, 128, 64]);
  });

  it('with a 256 KiB activations buffer the 256-token code panel (384 KiB) cannot stay: the 128-token tile is offered and chosen', () => {
    const text = EXAMPLE.replace(/(buffer svd_acts\s*\{ size = )512 KiB/, '$1256 KiB');
    expect(text).not.toEqual(EXAMPLE);
    const accel = sourceAccelerators(text).find((a) => a.name === 'svdquant_w4a4')!;
    const t = resolveTarget(accel);
    expect(t.capacity.act).toBe(256 * 1024);
    const shape = { m: 256, k: 3072, n: 3072 };
    const tiles = scheduleCandidates(t, shape, ISA_LIMITS).map((c) => c.tiling.mt);
    expect(tiles).toEqual(expect.arrayContaining([256, 128]));
    // 128 tokens × 3,072 int4 codes + their fp16 scales per 64 = 204 KiB fits the act space; 256 tokens do not
    expect(128 * (3072 / 2 + (3072 / 64) * 2)).toBeLessThanOrEqual(t.capacity.act);
    expect(256 * (3072 / 2)).toBeGreaterThan(t.capacity.act);
    expect(chooseTiling(t, shape).mt).toBe(128);
  });

  it('qgemm_tile of a multi-pass tile: each pass fetches only what it lacks, its rows word after word, ahead of the beats (by hand)', () => {
    const t = w4a4(256, 128);
    // ports: act and wgt 4 banks × 512 bits = 256 bytes, meta (the unified buffer) 2 × 256 bits = 64 bytes
    expect([t.portBytes.act, t.portBytes.wgt, t.portBytes.meta]).toEqual([256, 256, 64]);
    // 16 × 16 × 64, one pass: 16 code rows of 32 bytes = 2 reads on act and on wgt; 16 + 16 fp16 scales =
    // 1 + 1 meta reads; decode + 2 reads + the data cycle + one 64-lane beat
    expect(lowRankQgemmCycles(t, 16, 16, 64, 64)).toBe(1 + 2 + 1 + 1);
    // 128 × 128 × 64, 8 × 8 passes in shell order (shell s: (s, 0 … s − 1), then (0 … s, s)): the 15 passes
    // that begin an m pass (s, 0) or an n pass (0, s) fetch 2 reads each, back to back from cycle 1 in that
    // order: fetch pass f's reads end in cycle 2f + 2, its pass beats in 2f + 4 at the earliest. Shells 0–2
    // beat in cycles 4 ((0, 0)), 6 ((1, 0)), 8 ((0, 1)), 9, 10 ((2, 0), fetch 3), 11, 12 ((0, 2), fetch 4), 13,
    // 14; from shell 3 on every fetch is done before its pass, so the other 55 passes beat back to back
    // (cycles 15–69)
    expect(lowRankQgemmCycles(t, 128, 128, 64, 64)).toBe(14 + 55 + 1);
    // 17 × 16 × 64: a second m pass of one token (17 · 32 = 544 bytes: 2 + 1 act reads in total, 1 scale
    // read): pass 0 is decode, 2 reads, the data cycle, its beat (cycle 4); pass 1's read is in cycle 3,
    // its data lands in 4, its beat follows in 5
    expect(lowRankQgemmCycles(t, 17, 16, 64, 64)).toBe(1 + 2 + 1 + 1 + 1);
  });

  it('qgemm_tile walks its passes in shells: every pass once, each m (n) pass begun by its fetching pass (s, 0) ((0, s))', () => {
    for (let pmN = 1; pmN <= 6; pmN++) {
      for (let pnN = 1; pnN <= 6; pnN++) {
        const order = qgemmPassOrder(pmN, pnN);
        expect(new Set(order.map(([a, b]) => a * pnN + b)).size).toBe(pmN * pnN);
        expect(order.length).toBe(pmN * pnN);
        order.forEach(([a, b], i) => {
          // a pass comes after the passes that fetch its m pass's and its n pass's rows
          expect(order.findIndex(([x, y]) => x === a && y === 0)).toBeLessThanOrEqual(i);
          expect(order.findIndex(([x, y]) => x === 0 && y === b)).toBeLessThanOrEqual(i);
          // and after every pass of a smaller shell
          if (i > 0) expect(Math.max(a, b)).toBeGreaterThanOrEqual(Math.max(...order[i - 1]));
        });
      }
    }
    expect(qgemmPassOrder(3, 2)).toEqual([[0, 0], [1, 0], [0, 1], [1, 1], [2, 0], [2, 1]]);
  });

  it('lr_down of a multi-pass tile fetches the D rows in the first m pass only (by hand)', () => {
    const t = w4a4(256, 128);
    // lrw port: the unified buffer, 2 × 256 bits = 64 bytes; rank 32 on 16 rows: two rank passes of 16 D rows
    // of 2 · 64 bytes (32 reads each); X: 16 rows of 128 bytes on the 256-byte act port (8 reads);
    // 4 beats of 16 chained MACs (lanes / 4) per rank pass.
    // m pass 0: (max(8, 32) + 1 + 4) + (32 + 1 + 4); m passes 1..7: (8 + 1 + 4) + 4 (D staged)
    expect(lowRankDownCycles(t, 128, 64, 32)).toBe(1 + 37 + 37 + 7 * (13 + 4));
    // one m pass: as before
    expect(lowRankDownCycles(t, 16, 64, 32)).toBe(1 + 37 + 37);
  });

  it('a multi-pass tile computes the golden GEMM on the simulator (4 × 4 array, 3 × 3 passes, ragged)', () => {
    const text = EXAMPLE.replace('param rows = 16;', 'param rows = 4;').replace('param cols = 16;', 'param cols = 4;').replace('tile_m = 256;', 'tile_m = 12;').replace('tile_n = 128;', 'tile_n = 12;');
    const accel = sourceAccelerators(text).find((a) => a.name === 'svdquant_w4a4');
    if (!accel) throw new Error('no svdquant_w4a4');
    const t = resolveTarget(accel);
    const shape = { m: 11, k: 130, n: 9 };
    const ops = randomOperands(t, shape, 5);
    const g = compileGemm(t, shape, ops);
    expect([g.tiling.mt, g.tiling.nt, g.tiling.mTiles, g.tiling.nTiles]).toEqual([11, 9, 1, 1]);
    expect(g.program.some((i) => i.kind === 'settile' && i.m === 11 && i.n === 9)).toBe(true);
    new Machine(t, g.program, g.dram).run();
    const got = unpackMatrix(g.dram as Uint8Array, g.layout.y, shape.m, shape.n, t.bits.out);
    const want = goldenGemm(t.golden, ops as GoldenOperands<GoldenConfig>).codes;
    expect([...got]).toEqual([...want]);
  });

  it('a declared tile smaller than the array caps the tiles, and every settile of the program', () => {
    const t = w4a4(3, 5);
    const shape = { m: 7, k: 64, n: 11 };
    const tiling = chooseTiling(t, shape);
    expect([tiling.mt, tiling.nt, tiling.mTiles, tiling.nTiles]).toEqual([3, 5, 3, 3]);
    const g = compileGemm(t, shape, randomOperands(t, shape, 1));
    const tiles = g.program.flatMap((i) => (i.kind === 'settile' ? [i] : []));
    expect(tiles.length).toBeGreaterThan(0);
    for (const s of tiles) {
      expect(s.m).toBeLessThanOrEqual(3);
      expect(s.n).toBeLessThanOrEqual(5);
    }
  });
});
