/**
 * lowrank_gemm honors its declared output tile (`tile_m`, `tile_n`): the tiler cuts M and N into tiles of at
 * most min(array, ISA, declared), so every `settile` of the program respects them, and a declared tile
 * larger than the array (examples/svdquant.qacc: 256 × 128 on 16 × 16) leaves the tiling as the array sets it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chooseTiling, compileGemm } from '../../../src/compile/program.js';
import { randomOperands } from '../../../src/compile/operands.js';
import { resolveTarget } from '../../../src/compile/target.js';
import { sourceAccelerators } from '../../sim/helpers.js';

const EXAMPLE = readFileSync('examples/svdquant.qacc', 'utf8');

function w4a4(tileM: number, tileN: number): ReturnType<typeof resolveTarget> {
  const text = EXAMPLE.replace('tile_m = 256;', `tile_m = ${tileM};`).replace('tile_n = 128;', `tile_n = ${tileN};`);
  const accel = sourceAccelerators(text).find((a) => a.name === 'svdquant_w4a4');
  if (!accel) throw new Error('no svdquant_w4a4');
  return resolveTarget(accel);
}

describe('lowrank_gemm tile_m / tile_n', () => {
  it('the example declares more than its 16 × 16 array: tiles are the array', () => {
    const t = w4a4(256, 128);
    expect([t.maxTileM, t.maxTileN]).toEqual([256, 128]);
    const tiling = chooseTiling(t, { m: 40, k: 128, n: 40 });
    expect([tiling.mt, tiling.nt]).toEqual([16, 16]);
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
