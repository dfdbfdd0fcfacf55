/**
 * Every field the workload compiler emits is in range of the ISA, for any GEMM shape, on every example
 * accelerator: large reductions (K up to 200,000 with m = n = 1, the reported `load.row_bytes` overflow)
 * and small m/n, compiled timing-only. The range oracle reads isa/qacc-isa.json itself (field width, type,
 * min) — not src/isa's tables nor the compiler's limits. The DMA splitter is checked against the byte
 * mapping of load/store written here from the ISA semantics, and programs compiled under tightened limits
 * (so that splitting and k-tile capping happen on small shapes) still equal golden bit for bit.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileGemm, CompileError, flattenPlan, ISA_LIMITS, randomOperands, resolveTarget, splitDma, unpackMatrix, type DmaTransfer, type GemmShape, type IsaLimits, type Target } from '../../src/compile/index.js';
import { goldenGemm, type GoldenConfig, type GoldenOperands } from '../../src/golden/index.js';
import type { Instruction } from '../../src/isa/index.js';
import { Machine, runGemm } from '../../src/sim/index.js';
import { exampleAccelerators, ROOT } from '../sim/helpers.js';

interface JsonField {
  readonly name: string;
  readonly width: number;
  readonly type: string;
  readonly min?: number;
}
interface JsonIsa {
  readonly instructions: readonly { readonly name: string; readonly fields: readonly JsonField[] }[];
}
const ISA_JSON = JSON.parse(readFileSync(resolve(ROOT, 'isa/qacc-isa.json'), 'utf8')) as JsonIsa;
const FIELDS = new Map(ISA_JSON.instructions.map((i) => [i.name, i.fields]));

/** The out-of-range fields of a program, by the JSON definition (numeric fields only). */
function outOfRange(program: readonly Instruction[]): string[] {
  const bad: string[] = [];
  for (const inst of program) {
    const rec = inst as unknown as Readonly<Record<string, unknown>>;
    for (const f of FIELDS.get(inst.kind) ?? []) {
      const v = rec[f.name];
      if (typeof v !== 'number') continue;
      const lo = f.type === 'sint' ? -(2 ** (f.width - 1)) : (f.min ?? 0);
      const hi = f.type === 'sint' ? 2 ** (f.width - 1) - 1 : 2 ** f.width - 1;
      if (!Number.isInteger(v) || v < lo || v > hi) bad.push(`${inst.kind}.${f.name} = ${v} (range ${lo}..${hi})`);
    }
  }
  return bad;
}

const TARGETS: { name: string; target: Target }[] = [];
for (const file of ['bitmod', 'svdquant', 'xr-npe']) {
  for (const accel of exampleAccelerators(file)) {
    const pe = accel.arrays[0].pe;
    const modes = pe.kind === 'simd_mac' ? pe.modes.length : 1;
    for (let mode = 0; mode < modes; mode++) TARGETS.push({ name: `${accel.name}${modes > 1 ? ` mode ${mode}` : ''}`, target: resolveTarget(accel, { simdMode: mode }) });
  }
}

/** Compiles under `limits`, simulates with arithmetic and returns the first output differing from golden. */
function firstMismatchUnder(t: Target, shape: GemmShape, seed: number, limits: Partial<IsaLimits>): number | undefined {
  const ops = randomOperands(t, shape, seed);
  const c = compileGemm(t, shape, ops, { limits });
  if (!c.dram) throw new Error('no DRAM image');
  new Machine(t, c.program, c.dram, { timingOnly: false, trace: false }).run();
  const out = unpackMatrix(c.dram, c.layout.y, shape.m, shape.n, t.bits.out);
  const want = goldenGemm(t.golden, ops as GoldenOperands<GoldenConfig>).codes;
  expect(out.length).toBe(want.length);
  return out.findIndex((v, i) => v !== want[i]) === -1 ? undefined : out.findIndex((v, i) => v !== want[i]);
}

/** The only user error a shape may legitimately get on an example: K beyond a SIMD MAC's dot length. */
function expectedRefusal(t: Target, shape: GemmShape): boolean {
  return t.golden.kind === 'simd_mac' && shape.k > t.golden.maxDotLength;
}

describe('compiled programs stay within the ISA field ranges', () => {
  it('the reported case compiles: bitmod, m = n = 1, K = 49152 (timing-only), and the k tile fits a DMA row', () => {
    const t = resolveTarget(exampleAccelerators('bitmod')[0]);
    const c = compileGemm(t, { m: 1, k: 49152, n: 1 }, undefined, { timingOnly: true });
    expect(outOfRange(c.program)).toEqual([]);
    expect(c.tiling.kTiles).toBeGreaterThan(1);
    // fp16 activations: a k tile's act row is 2·kt bytes, which must fit the 16-bit row_bytes field.
    expect(2 * c.tiling.kt).toBeLessThanOrEqual(2 ** 16 - 1);
  });

  for (const { name, target } of TARGETS) {
    it(`${name}: any K ≤ 200,000 with m = n = 1, and small m, n with K ≤ 20,000`, () => {
      const shapes = fc.oneof(
        fc.record({ m: fc.constant(1), k: fc.integer({ min: 1, max: 200_000 }), n: fc.constant(1) }),
        fc.record({ m: fc.integer({ min: 1, max: 70 }), k: fc.integer({ min: 1, max: 20_000 }), n: fc.integer({ min: 1, max: 70 }) }),
      );
      fc.assert(
        fc.property(shapes, (shape) => {
          let c;
          try {
            c = compileGemm(target, shape, undefined, { timingOnly: true });
          } catch (e) {
            if (e instanceof CompileError && expectedRefusal(target, shape)) return;
            throw e;
          }
          expect(expectedRefusal(target, shape)).toBe(false);
          expect(outOfRange(c.program)).toEqual([]);
        }),
        { numRuns: 40, seed: 4 },
      );
    });
  }

  it('the simulator runs the programs of large-K shapes (timing-only) on every non-SIMD example', () => {
    for (const { name, target } of TARGETS) {
      if (target.golden.kind === 'simd_mac') continue;
      for (const k of [65_535, 131_073, 200_000]) {
        const c = compileGemm(target, { m: 1, k, n: 1 }, undefined, { timingOnly: true });
        const stats = new Machine(target, c.program, undefined, { timingOnly: true, trace: false }).run();
        expect(stats.macs, `${name} K=${k}`).toBe(k);
      }
    }
  });

  it('the reported case equals golden bit for bit (arithmetic, bitmod 1 × 49152 × 1)', () => {
    const t = resolveTarget(exampleAccelerators('bitmod')[0]);
    const run = runGemm(t, { m: 1, k: 49152, n: 1 }, { seed: 3 });
    expect(run.firstMismatch).toBeUndefined();
    expect(run.matchGolden).toBe(true);
  });
});

/** Buffer address → DRAM address of every byte a transfer moves, by the ISA's load semantics. */
function byteMap(ts: readonly DmaTransfer[]): Map<number, number> {
  const map = new Map<number, number>();
  for (const t of ts) for (let i = 0; i < t.rows; i++) for (let b = 0; b < t.rowBytes; b++) map.set(t.buf + i * t.rowBytes + b, t.dram + i * t.stride + b);
  return map;
}

describe('DMA splitting', () => {
  const limits = fc.record({ dmaRows: fc.integer({ min: 1, max: 6 }), dmaRowBytes: fc.integer({ min: 1, max: 40 }), dmaStride: fc.integer({ min: 1, max: 90 }) });
  const transfer = fc
    .record({ dram: fc.integer({ min: 0, max: 1000 }), buf: fc.integer({ min: 0, max: 1000 }), rows: fc.integer({ min: 1, max: 12 }), rowBytes: fc.integer({ min: 1, max: 120 }), stride: fc.integer({ min: 0, max: 300 }), contiguous: fc.boolean() })
    .map(({ contiguous, ...d }) => (contiguous ? { ...d, stride: d.rowBytes } : d));

  it('pieces move exactly the bytes of the transfer, each within the limits', () => {
    fc.assert(
      fc.property(transfer, limits, (d, l) => {
        const L: IsaLimits = { ...ISA_LIMITS, ...l };
        const pieces = splitDma(d, L);
        for (const p of pieces) {
          expect(p.rows).toBeGreaterThanOrEqual(1);
          expect(p.rows).toBeLessThanOrEqual(l.dmaRows);
          expect(p.rowBytes).toBeGreaterThanOrEqual(1);
          expect(p.rowBytes).toBeLessThanOrEqual(l.dmaRowBytes);
          expect(p.stride).toBeGreaterThanOrEqual(0);
          expect(p.stride).toBeLessThanOrEqual(l.dmaStride);
        }
        // Rows land densely in the buffer, so each buffer byte is written once by the original.
        expect(byteMap(pieces)).toEqual(byteMap([d]));
        const bytes = pieces.reduce((s, p) => s + p.rows * p.rowBytes, 0);
        expect(bytes).toBe(d.rows * d.rowBytes);
      }),
      { numRuns: 400, seed: 9 },
    );
  });

  it('a transfer in range is left as it is', () => {
    const d = { dram: 100, buf: 64, rows: 3, rowBytes: 20, stride: 50 };
    expect(splitDma(d, ISA_LIMITS)).toEqual([d]);
  });
});

describe('tightened limits: splitting and capping on small shapes still equal golden', () => {
  const AWKWARD: readonly GemmShape[] = [
    { m: 1, k: 8, n: 1 },
    { m: 5, k: 300, n: 7 },
    { m: 9, k: 136, n: 3 },
  ];
  for (const { name, target } of TARGETS) {
    it(`${name}: random tight limits, awkward shapes`, () => {
      let refused = 0;
      const tight = fc.record({
        dmaRows: fc.integer({ min: 1, max: 4 }),
        dmaRowBytes: fc.integer({ min: 1, max: 48 }),
        dmaStride: fc.integer({ min: 1, max: 64 }),
        tileM: fc.integer({ min: 1, max: 6 }),
        tileN: fc.integer({ min: 1, max: 6 }),
      });
      fc.assert(
        fc.property(tight, fc.constantFrom(...AWKWARD), fc.integer({ min: 0, max: 1000 }), (limits, shape, seed) => {
          let c;
          try {
            c = compileGemm(target, shape, undefined, { timingOnly: true, limits });
          } catch (e) {
            // rows of a few bytes split every DMA into hundreds of pieces, each with its own buffer
            // address (no register can step it): such a program may not fit the instruction memory
            if (e instanceof CompileError && /instruction memory/.test(e.message)) {
              refused++;
              return;
            }
            throw e;
          }
          expect(outOfRange(c.program)).toEqual([]);
          for (const i of c.program) {
            if (i.kind === 'load' || i.kind === 'store') {
              expect(i.rows).toBeLessThanOrEqual(limits.dmaRows);
              expect(i.row_bytes).toBeLessThanOrEqual(limits.dmaRowBytes);
              expect(i.dram_stride).toBeLessThanOrEqual(limits.dmaStride);
            }
            if (i.kind === 'settile') expect([i.m <= limits.tileM, i.n <= limits.tileN]).toEqual([true, true]);
          }
          expect(firstMismatchUnder(target, shape, seed, limits), `${name} ${shape.m}x${shape.k}x${shape.n} ${JSON.stringify(limits)}`).toBeUndefined();
        }),
        { numRuns: 12, seed: 21 },
      );
      expect(refused).toBeLessThanOrEqual(6);
    });
  }

  it('a row limit caps the k tile: the longest per-step row fits unless one aligned step does not', () => {
    const t = resolveTarget(exampleAccelerators('bitmod')[0]);
    // fp16 activations, group 128: an aligned step's act row is 256 bytes; allow two steps' worth.
    const c = compileGemm(t, { m: 2, k: 2000, n: 2 }, undefined, { timingOnly: true, limits: { dmaRowBytes: 600 } });
    expect(c.tiling.kt).toBe(256);
    const d = compileGemm(t, { m: 2, k: 2000, n: 2 }, undefined, { timingOnly: true, limits: { dmaRowBytes: 100 } });
    expect(d.tiling.kt).toBe(128);
  });
});

describe('workloads genuinely too large are user errors', () => {
  const bitmod = resolveTarget(exampleAccelerators('bitmod')[0]);
  const svd = resolveTarget(exampleAccelerators('svdquant')[0]);

  it('a DRAM image beyond the 40-bit address registers', () => {
    // A alone: 2^20 rows of 2^20 fp16 elements = 2^41 bytes.
    const shape = { m: 2 ** 20, k: 2 ** 20, n: 1 };
    expect(() => compileGemm(bitmod, shape, undefined, { timingOnly: true })).toThrow(/addresses at most 1099511627776 bytes/);
    expect(() => compileGemm(bitmod, shape, undefined, { timingOnly: true })).toThrow(CompileError);
  });

  it('a group size, rank or SIMD mode the setmode fields cannot hold', () => {
    expect(() => compileGemm({ ...bitmod, groupSize: 2 ** 16 }, { m: 1, k: 8, n: 1 }, undefined, { timingOnly: true })).toThrow(/setmode\.group/);
    if (svd.golden.kind !== 'lowrank_gemm') throw new Error('svdquant example is not lowrank_gemm');
    const bigRank = { ...svd, golden: { ...svd.golden, rank: 2 ** 12 } };
    expect(() => compileGemm(bigRank, { m: 1, k: 64, n: 1 }, undefined, { timingOnly: true })).toThrow(/setmode\.rank/);
    const xr = resolveTarget(exampleAccelerators('xr-npe')[0]);
    expect(() => compileGemm({ ...xr, simdMode: 16 }, { m: 1, k: 8, n: 1 }, undefined, { timingOnly: true })).toThrow(/setmode\.simd/);
  });

  it('an aligned k step longer than settile.k allows', () => {
    expect(() => compileGemm(bitmod, { m: 1, k: 1000, n: 1 }, undefined, { timingOnly: true, limits: { tileK: 64 } })).toThrow(/settile\.k/);
  });
});

describe('DRAM strides beyond dram_stride', () => {
  it('bitmod, m = n = 2, K = 8,400,000: the A rows lie 16.8 MB apart, so each row is loaded by itself', () => {
    const t = resolveTarget(exampleAccelerators('bitmod')[0]);
    const k = 8_400_000;
    const c = compileGemm(t, { m: 2, k, n: 2 }, undefined, { timingOnly: true });
    expect(2 * k).toBeGreaterThan(2 ** 24 - 1); // the fp16 A row pitch overflows the 24-bit stride field
    expect(outOfRange(c.program)).toEqual([]);
    // the straight-line program the loops stand for (compact.ts)
    const actLoads = flattenPlan(c.straightPlan).filter((i) => i.kind === 'load' && i.buf === 'act');
    // Two single-row loads per k step, together moving both rows of every k tile.
    expect(actLoads).toHaveLength(2 * c.tiling.kTiles);
    expect(actLoads.reduce((s, i) => s + (i.kind === 'load' ? i.rows * i.row_bytes : 0), 0)).toBe(2 * 2 * k);
  });
});
