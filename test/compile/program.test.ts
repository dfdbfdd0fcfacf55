/** Tiling respects the array shape, group alignment and double-buffered capacities; programs are valid ISA. */
import { describe, expect, it } from 'vitest';
import { chooseTiling, compileGemm, CompileError, ISA_LIMITS, randomOperands, resolveTarget, rowBytes } from '../../src/compile/index.js';
import { scheduleCandidates } from '../../src/compile/schedule/choose.js';
import { checkLoops, decodeInstruction, encodeInstruction } from '../../src/isa/index.js';
import { exampleAccelerators } from '../sim/helpers.js';

describe('workload compiler', () => {
  const bitmod = resolveTarget(exampleAccelerators('bitmod')[0]);

  it('BitMoD: tiles of the declared tile_m (two array passes), k tiles whole groups, two copies fit (the streamed schedule)', () => {
    const small = { ...bitmod, capacity: { ...bitmod.capacity, act: 40000 } };
    const t = scheduleCandidates(small, { m: 100, k: 1000, n: 70 }, ISA_LIMITS)[0].tiling;
    expect([t.mt, t.nt]).toEqual([2 * bitmod.array.cols, bitmod.array.rows]);
    expect(t.kt % 128).toBe(0);
    expect(2 * t.mt * t.kt * 2).toBeLessThanOrEqual(40000);
    expect(2 * t.mt * (t.kt + 128) * 2).toBeGreaterThan(40000); // the largest such kt
    expect([t.mTiles, t.nTiles, t.kTiles]).toEqual([2, 3, Math.ceil(1000 / t.kt)]);
  });

  it('a design whose buffers cannot hold one aligned tile is rejected', () => {
    const tiny = { ...bitmod, capacity: { ...bitmod.capacity, wgt: 100 } };
    expect(() => chooseTiling(tiny, { m: 4, k: 256, n: 4 })).toThrow(CompileError);
  });

  it('the program is valid, encodable ISA with balanced tokens', () => {
    const shape = { m: 40, k: 300, n: 50 };
    const c = compileGemm(bitmod, shape, randomOperands(bitmod, shape, 1));
    expect(checkLoops(c.program)).toEqual([]);
    for (const inst of c.program) expect(decodeInstruction(encodeInstruction(inst))).toEqual(inst);
    const count = (kind: string, flag: string): number => c.program.filter((i) => i.kind === kind || kind === '*').filter((i) => (i as unknown as Record<string, unknown>)[flag] === true).length;
    const tiles = c.tiling.mTiles * c.tiling.nTiles;
    expect(c.program.filter((i) => i.kind === 'store')).toHaveLength(tiles);
    expect(c.program.filter((i) => i.kind === 'mod_tile')).toHaveLength(tiles * c.tiling.kTiles);
    // Every output row chunk lands once: store rows × row bytes sum to Y's size.
    const stored = c.program.filter((i) => i.kind === 'store').reduce((s, i) => s + (i.kind === 'store' ? i.rows * i.row_bytes : 0), 0);
    expect(stored).toBe(shape.m * rowBytes(shape.n, 16));
    expect(count('load', 'push_next')).toBe(count('*', 'pop_prev') - count('store', 'pop_prev'));
  });
});
