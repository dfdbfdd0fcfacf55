/**
 * The roofline bound (src/compile/schedule/bound.ts) against first principles: an int8 × int8 → int32
 * MAC array has one MAC per PE per cycle, and its DRAM image holds A (1 byte an element), W (1 byte) and
 * Y (4 bytes) once; BitMoD adds its group scales (1 byte), 2-bit selectors and fp16 channel scales.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { chooseTiling, layoutDram, resolveTarget } from '../../src/compile/index.js';
import { rooflineBound } from '../../src/compile/schedule/bound.js';
import { exampleAccelerators, sourceAccelerators } from '../sim/helpers.js';

const MAC = (dram: number): string => `pe p : mac { weights = int8; activations = int8; accumulator = int32; }
array arr { pe = p; rows = 8; cols = 4; }
buffer wb { size = 64 KiB; width = 256; banks = 8; role = weights; }
buffer ab { size = 64 KiB; width = 256; banks = 8; role = activations; }
accelerator acc { arrays = arr; buffers = [wb, ab]; clock = 1 GHz; dram = ${dram} b/cycle; }`;

describe('rooflineBound', () => {
  it('an int8 MAC array: compute = MACs / PEs, memory = (M·K + N·K + 4·M·N) bytes / bandwidth', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 70 }), fc.constantFrom(8, 64, 512), (m, k, n, dram) => {
        const t = resolveTarget(sourceAccelerators(MAC(dram))[0]);
        const shape = { m, k, n };
        const b = rooflineBound(t, shape, layoutDram(t, shape, chooseTiling(t, shape)));
        const bytes = m * k + n * k + 4 * m * n;
        expect(b.dramBytes).toBe(bytes);
        expect(b.computeCycles).toBe(Math.ceil((m * k * n) / 32));
        expect(b.dramCycles).toBe(Math.ceil(bytes / (dram / 8)));
        expect(b.cycles).toBe(Math.max(b.computeCycles, b.dramCycles));
        expect(b.bound).toBe(b.computeCycles >= b.dramCycles ? 'compute' : 'memory');
      }),
      { numRuns: 40 },
    );
  });

  it('BitMoD 64×16 decode is memory-bound: 4-bit weights, 8-bit scales and 2-bit selectors per group of 128, fp16 channel scales', () => {
    const accel = exampleAccelerators('bitmod').find((a) => a.name === 'bitmod');
    if (!accel) throw new Error('no bitmod accelerator');
    const t = resolveTarget({ ...accel });
    const shape = { m: 1, k: 4096, n: 4096 };
    const b = rooflineBound(t, shape, layoutDram(t, shape, chooseTiling(t, shape)));
    const groups = 4096 * (4096 / 128);
    const bytes = 4096 * 2 + (4096 * 4096) / 2 + groups + groups / 4 + 4096 * 2 + 4096 * 2;
    expect(b.dramBytes).toBe(bytes);
    expect(b.bound).toBe('memory');
    expect(b.dramCycles).toBe(Math.ceil(bytes / 32));
  });
});
