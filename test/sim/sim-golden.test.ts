/**
 * The simulator equals the golden model bit for bit: every accelerator of every example (and every SIMD
 * mode of XR-NPE), random operands from several seeds, shapes not divisible by the tile in m, n and k,
 * and buffer spaces shrunk so that the reduction is split into several k tiles (the accumulator state
 * then crosses tiles through the `acc` entries). The oracle is the golden GEMM on the whole operand
 * tensors: it never sees tiles, buffers, DMA or the program. A corrupted DRAM image must be caught.
 */
import { describe, expect, it } from 'vitest';
import { compileGemm, randomOperands, resolveTarget, type Target } from '../../src/compile/index.js';
import { unpackMatrix } from '../../src/compile/pack.js';
import { goldenGemm, type GoldenConfig, type GoldenOperands } from '../../src/golden/index.js';
import { Machine, runGemm } from '../../src/sim/index.js';
import { exampleAccelerators } from './helpers.js';

/** A copy of a target whose act/wgt spaces hold only `bytes` each (forces several k tiles). */
function shrink(t: Target, bytes: number): Target {
  return { ...t, capacity: { ...t.capacity, act: bytes, wgt: bytes } };
}

const SHAPES: readonly [number, number, number][] = [
  [1, 8, 1],
  [5, 300, 37],
  [33, 136, 19],
];

const cases: { name: string; target: Target }[] = [];
for (const file of ['bitmod', 'svdquant', 'xr-npe']) {
  for (const accel of exampleAccelerators(file)) {
    const modes = accel.arrays[0].pe.kind === 'simd_mac' ? accel.arrays[0].pe.modes.length : 1;
    for (let mode = 0; mode < modes; mode++) cases.push({ name: `${accel.name}${modes > 1 ? ` mode ${mode}` : ''}`, target: resolveTarget(accel, { simdMode: mode }) });
  }
}

describe('simulator = golden, bit for bit', () => {
  it('covers every PE kind', () => {
    expect(new Set(cases.map((c) => c.target.golden.kind))).toEqual(new Set(['bit_serial_mod', 'simd_mac', 'lowrank_gemm', 'mac']));
  });

  for (const { name, target } of cases) {
    it(`${name}: random operands, edge shapes`, () => {
      SHAPES.forEach(([m, k, n], i) => {
        const run = runGemm(target, { m, k, n }, { seed: 11 + i });
        expect(run.output?.length).toBe(m * n);
        expect(run.firstMismatch, `${name} ${m}x${k}x${n}`).toBeUndefined();
        expect(run.matchGolden).toBe(true);
      });
    });

    it(`${name}: several k tiles carry the accumulators`, () => {
      // Smallest space that holds two k tiles of the alignment (group size / 8 elements) of the widest operand.
      const probe = runGemm(target, { m: 3, k: 8, n: 3 }, { seed: 1 });
      const align = probe.compiled.tiling.kAlign;
      // Two slots of exactly one aligned k tile for a 6 × 10 output tile (raw X rides in the act space for lowrank).
      const raw = target.golden.kind === 'lowrank_gemm' && target.golden.rank > 0 ? 6 * align * 2 : 0;
      const slot = Math.max(6 * Math.ceil((align * target.bits.act) / 8) + raw, 10 * Math.ceil((align * target.bits.wgt) / 8));
      const small = shrink(target, 2 * slot);
      const k = 3 * align + 8;
      const run = runGemm(small, { m: 6, k, n: 10 }, { seed: 5 });
      expect(run.compiled.tiling.kTiles).toBeGreaterThan(1);
      expect(run.firstMismatch).toBeUndefined();
    });
  }

  it('a corrupted weight byte in DRAM is caught', () => {
    const target = cases[0].target;
    const shape = { m: 4, k: 128, n: 8 };
    const ops = randomOperands(target, shape, 3);
    const compiled = compileGemm(target, shape, ops);
    const dram = compiled.dram as Uint8Array;
    dram[compiled.layout.w] ^= 0x11;
    new Machine(target, compiled.program, dram).run();
    const got = unpackMatrix(dram, compiled.layout.y, shape.m, shape.n, target.bits.out);
    const want = goldenGemm(target.golden, ops as GoldenOperands<GoldenConfig>).codes;
    expect([...got]).not.toEqual([...want]);
  });

  it('timing-only runs give the same cycle counts as full runs', () => {
    for (const { target } of cases.slice(0, 6)) {
      const full = runGemm(target, { m: 7, k: 200, n: 40 }, { seed: 2 });
      const timing = runGemm(target, { m: 7, k: 200, n: 40 }, { timingOnly: true });
      expect(timing.stats.cycles).toBe(full.stats.cycles);
      expect(timing.stats.macs).toBe(7 * 200 * 40);
    }
  });
});
