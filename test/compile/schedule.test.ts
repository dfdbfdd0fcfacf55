/**
 * The scheduler (src/compile/schedule): every candidate it may choose is valid — one-pass tiles within
 * the array and the ISA, aligned k tiles, slots (and resident panels) within the usable buffer bytes —
 * and computes the GEMM: each candidate schedule of every PE kind, run cycle by cycle on the simulator,
 * equals the golden model bit for bit on ragged shapes with several m, n and k tiles. The oracle is the
 * golden GEMM on whole tensors; it never sees the schedule.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compileGemm, flattenPlan, ISA_LIMITS, randomOperands, resolveTarget, type Target } from '../../src/compile/index.js';
import { unpackMatrix } from '../../src/compile/pack.js';
import { scheduleCandidates } from '../../src/compile/schedule/choose.js';
import { beatBytes, costDramTiming } from '../../src/compile/schedule/cost.js';
import { BUFFER_SPACES, slotCount, slotNeeds, usableCapacity, type Resident } from '../../src/compile/schedule/tiling.js';
import { dramBeatBytes, dramLatency, dramOutstanding } from '../../src/arch/microarch.js';
import { goldenGemm, type GoldenConfig, type GoldenOperands } from '../../src/golden/index.js';
import { Machine } from '../../src/sim/index.js';
import { exampleAccelerators, sourceAccelerators } from '../sim/helpers.js';

/** Runs a compiled GEMM cycle by cycle and returns whether Y equals golden. */
function matchesGolden(t: Target, shape: { m: number; k: number; n: number }, seed: number, resident: Resident): boolean {
  const ops = randomOperands(t, shape, seed);
  const c = compileGemm(t, shape, ops, { resident });
  expect(c.schedule.resident).toBe(resident);
  new Machine(t, c.program, c.dram).run();
  const got = unpackMatrix(c.dram as Uint8Array, c.layout.y, shape.m, shape.n, t.bits.out);
  const want = goldenGemm(t.golden, ops as GoldenOperands<GoldenConfig>).codes;
  return got.every((v, i) => v === want[i]);
}

/** A copy of a multi-pass target whose tiles take at most 2 × 2 array passes (accumulators to match). */
function twoByTwoPasses(t: Target): Target {
  const { rows, cols } = t.array;
  return { ...t, maxTileM: 2 * cols, maxTileN: 2 * rows, tilePassesM: 2, tilePassesN: 2, accEntries: 4 * rows * cols, lrtEntries: 2 * cols * Math.max(1, t.lrtEntries / (t.array.cols * t.tilePassesM)) };
}

/** A copy of a target whose act and wgt spaces hold `bytes` each. */
function shrink(t: Target, bytes: number): Target {
  return { ...t, capacity: { ...t.capacity, act: bytes, wgt: bytes } };
}

const MAC = (rows: number, cols: number, kib: number): string => `pe p : mac { weights = int8; activations = int8; accumulator = int32; }
array arr { pe = p; rows = ${rows}; cols = ${cols}; }
buffer wb { size = ${kib} KiB; width = 128; banks = 2; role = weights; }
buffer ab { size = ${kib} KiB; width = 128; banks = 2; role = activations; }
accelerator tiny { arrays = arr; buffers = [wb, ab]; clock = 1 GHz; dram = 128 b/cycle; }`;

describe('scheduler', () => {
  it("the cost model's constants are the simulator's", () => {
    const t = resolveTarget(sourceAccelerators(MAC(4, 4, 4))[0]);
    expect(costDramTiming(t)).toEqual({ latency: dramLatency(t), outstanding: dramOutstanding(t) });
    expect(beatBytes(t)).toBe(dramBeatBytes(t));
  });

  it('every candidate fits the array, the ISA and the buffers (random designs and shapes)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 16 }),
        fc.integer({ min: 1, max: 16 }),
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 1, max: 200 }),
        (rows, cols, kib, m, k, n) => {
          const t = resolveTarget(sourceAccelerators(MAC(rows, cols, kib))[0]);
          const shape = { m, k, n };
          let all;
          try {
            all = scheduleCandidates(t, shape, ISA_LIMITS);
          } catch (e) {
            // the only refusal: not even the smallest tile fits double-buffered
            expect((e as Error).message).toMatch(/does not fit/);
            return;
          }
          expect(all[0].resident).toBe('none');
          const cap = usableCapacity(t, ISA_LIMITS);
          for (const s of all) {
            const { mt, nt, kt, kTiles, kAlign } = s.tiling;
            expect(mt).toBeLessThanOrEqual(Math.min(cols, m));
            expect(nt).toBeLessThanOrEqual(Math.min(rows, n));
            expect(mt * nt).toBeLessThanOrEqual(t.accEntries);
            expect(kt % kAlign).toBe(0);
            expect(kt).toBeLessThanOrEqual(Math.min(ISA_LIMITS.tileK, t.maxTileK));
            expect(kTiles).toBe(Math.ceil(k / kt));
            // even k tiles: no kt of the alignment gives as many k tiles with less padding
            expect(kt - kAlign, `k ${k}: ${kTiles} k tiles of ${kt}`).toBeLessThan(k / kTiles);
            const need = slotNeeds(t, mt, nt, kt, k);
            for (const b of BUFFER_SPACES) if (need[b] > 0) expect(slotCount(s.resident, b, kTiles, s.block) * need[b]).toBeLessThanOrEqual(cap[b]);
            expect(s.order).toBe(s.resident === 'wgt' ? 'n-outer' : s.resident === 'both' ? 'n-block-outer' : 'm-outer');
            if (s.resident === 'both') expect(s.block).toBeGreaterThanOrEqual(2);
            expect(s.predicted.cycles).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('every candidate of a small MAC array computes golden (random ragged shapes, several m, n, k tiles)', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 13 }), fc.integer({ min: 1, max: 90 }), fc.integer({ min: 1, max: 13 }), fc.integer({ min: 1, max: 99 }), (m, k, n, seed) => {
        const t = shrink(resolveTarget(sourceAccelerators(MAC(3, 4, 4))[0]), 96);
        for (const s of scheduleCandidates(t, { m, k, n }, ISA_LIMITS)) {
          seen.add(s.resident);
          expect(matchesGolden(t, { m, k, n }, seed, s.resident), `${s.resident} ${m}×${k}×${n}`).toBe(true);
        }
      }),
      { numRuns: 25, seed: 13 },
    );
    expect([...seen].sort()).toEqual(['act', 'both', 'none', 'wgt']);
  });

  it('BitMoD meta: one DMA per tile when two tile slots fit the meta space, one per k step otherwise; both = golden', () => {
    // one-pass tiles (the example declares tile_m = 2 * cols, whose streamed rings of 3 and 4 slots would give
    // the two capacities below different k tiles; the meta blocks do not depend on the passes)
    const declared = resolveTarget(exampleAccelerators('bitmod')[0]);
    const bitmod: Target = { ...declared, maxTileM: Number.POSITIVE_INFINITY, tilePassesM: 1, accEntries: declared.array.rows * declared.array.cols };
    const shape = { m: 5, k: 3 * 128 + 8, n: 40 };
    const metaLoads = (t: Target): { loads: number; steps: number } => {
      const c = compileGemm(t, shape, randomOperands(t, shape, 3));
      const steps = c.tiling.mTiles * c.tiling.nTiles * c.tiling.kTiles;
      return { loads: flattenPlan(c.straightPlan).filter((i) => i.kind === 'load' && i.buf === 'meta').length, steps };
    };
    // small k tiles: several per tile
    const perTile = { ...bitmod, capacity: { ...bitmod.capacity, act: 4 * 5 * 128 * 2, wgt: 4 * 32 * 64 } };
    // room for two one-block slots (32 rows: 40 bytes a block, 64 of channel scales) but not two whole-K slots
    const perStep = { ...perTile, capacity: { ...perTile.capacity, meta: 300 } };
    const a = metaLoads(perTile);
    const b = metaLoads(perStep);
    expect(a.steps).toBe(b.steps);
    const tiles = Math.ceil(shape.n / 32) * Math.ceil(shape.m / 32);
    expect(a.steps).toBeGreaterThan(tiles); // several k tiles per tile
    expect(a.loads).toBe(2 * tiles); // the tile's blocks + its channel scales
    expect(b.loads).toBe(b.steps + tiles);
    expect(matchesGolden(perTile, shape, 4, 'none')).toBe(true);
    expect(matchesGolden(perStep, shape, 4, 'none')).toBe(true);
  });

  const cases: { name: string; target: Target }[] = [];
  for (const file of ['bitmod', 'svdquant', 'xr-npe']) {
    for (const accel of exampleAccelerators(file)) cases.push({ name: accel.name, target: resolveTarget(accel) });
  }
  it('BitMoD 32 × 32, Llama-2-7B prefill: the out space is two 2-pass output tiles in the weights buffer, 64-token tiles, k tiles past the staging, down at 23 tokens unsplit, 64 in K thirds', () => {
    const t = resolveTarget(exampleAccelerators('bitmod').find((a) => a.name === 'bitmod')!);
    // 512 KiB buffers, no outputs buffer, tile_m = 2 · 32: the out space is 2 tiles × 2 passes × 32 × 32
    // entries × 4 bytes at the end of the weights buffer (whose last eighth is then the meta space)
    expect([t.tilePassesM, t.capacity.out, t.capacity.act]).toEqual([2, 16384, 512 * 1024]);
    expect(t.capacity.wgt + t.capacity.meta).toBe(512 * 1024 - 16384);
    // q: a 64-token panel of K = 4096 is 512 KiB, the whole act space, in two slots of 2048-deep k tiles
    const q = compileGemm(t, { m: 256, k: 4096, n: 4096 }, undefined, { timingOnly: true });
    expect([q.schedule.resident, q.tiling.mt, q.tiling.nt, q.tiling.kt]).toEqual(['act', 64, 32, 2048]);
    // down: a token's panel of K = 11,008 is 22,016 bytes, so 23 tokens (506,368) fit and 24 do not
    expect(23 * 11008 * 2).toBeLessThanOrEqual(t.capacity.act);
    expect(24 * 11008 * 2).toBeGreaterThan(t.capacity.act);
    // unsplit, the act panel is 23 tokens; the K split (bit_serial_mod's acc_spill / acc_fill) in thirds
    // of 2 k tiles of 1,920 takes 64-token panels of 64 × 3,840 × 2 = 491,520 bytes
    const unsplit = compileGemm(t, { m: 256, k: 11008, n: 4096 }, undefined, { timingOnly: true, resident: 'act' });
    expect([unsplit.schedule.resident, unsplit.tiling.mt, unsplit.tiling.nt, unsplit.tiling.kt, unsplit.tiling.kTiles]).toEqual(['act', 23, 32, 5504, 2]);
    const down = compileGemm(t, { m: 256, k: 11008, n: 4096 }, undefined, { timingOnly: true });
    expect([down.schedule.resident, down.tiling.mt, down.tiling.nt, down.tiling.kt, down.tiling.kTiles, down.schedule.kChunks]).toEqual(['act', 64, 32, 1920, 6, 3]);
    expect(64 * 3840 * 2).toBeLessThanOrEqual(t.capacity.act);
  });

  it('covers every PE kind', () => {
    expect(new Set(cases.map((c) => c.target.golden.kind))).toEqual(new Set(['bit_serial_mod', 'simd_mac', 'lowrank_gemm', 'mac']));
  });
  const blockKinds = new Set<string>();
  for (const { name, target: declared } of cases) {
    it(`${name}: every candidate computes golden with several m, n and k tiles`, () => {
      // a multi-pass kind along m and n (lowrank_gemm) with tiles of up to 2 × 2 array passes, so that the
      // shape below still has several m and n tiles, each of several passes (bit_serial_mod's passes run
      // along m only: its declared tile_m is taken as it is)
      const target = declared.tilePassesN > 1 ? twoByTwoPasses(declared) : declared;
      const probe = compileGemm(target, { m: 3, k: 8, n: 3 }, undefined, { timingOnly: true });
      const align = probe.tiling.kAlign;
      const rows = target.array.rows * target.tilePassesN;
      const cols = target.array.cols * target.tilePassesM;
      const shape = { m: cols + 3, k: 3 * align + 8, n: 2 * rows + 5 };
      // room for six aligned steps of the full tile: streamed k tiles of 3 aligned steps, panels of two k tiles
      const raw = target.golden.kind === 'lowrank_gemm' && target.golden.rank > 0 ? cols * align * 2 : 0;
      const slot = Math.max(cols * Math.ceil((align * target.bits.act) / 8) + raw, rows * Math.ceil((align * target.bits.wgt) / 8));
      const small = shrink(target, 6 * slot);
      const all = scheduleCandidates(small, shape, ISA_LIMITS);
      const largest = Math.max(...all.map((s) => s.tiling.mt));
      for (const s of all) {
        // the contained tile at half the tokens (fittingTiles) may take all of k in one tile; it still computes golden
        if (s.tiling.mt * 2 > largest) expect(s.tiling.kTiles, `${name} ${s.resident}`).toBeGreaterThan(1);
        expect(s.tiling.mTiles * s.tiling.nTiles).toBeGreaterThan(1);
        expect(matchesGolden(small, shape, 7, s.resident), `${name} ${s.resident}`).toBe(true);
      }
      // the kinds without a branch offer both residencies (a multi-pass kind's streamed schedule comes in several rings)
      if (raw === 0 && target.golden.kind !== 'lowrank_gemm') expect([...new Set(all.map((s) => s.resident))].slice(0, 3)).toEqual(['none', 'act', 'wgt']);
      // a low-rank branch with offline codes offers the resident activation panel (m-outer) and nothing else
      if (raw > 0 && target.golden.kind === 'lowrank_gemm' && target.golden.activationQuant !== 'runtime') expect(all.map((s) => s.resident)).toEqual(['none', 'act']);
      for (const s of all) if (s.resident === 'both') blockKinds.add(target.golden.kind);
    });
  }
  it('the blocked schedule (both panels resident) ran on BitMoD and the MAC baselines above', () => {
    expect([...blockKinds].sort()).toEqual(['bit_serial_mod', 'mac']);
  });
});
