/**
 * Issue 14: every example's WGSL reference kernels equal the golden model bit for bit on `qacc verify`'s
 * directed and random cases, run through Dawn on Mesa's software OpenGL ES (src/verify/wgsl-backend.ts),
 * plus variants of the examples that reach the other datapath modes (mac int8 and fp16 accumulators, simd_mac
 * round-each-step and IEEE outputs, lowrank_gemm unfused/bf16/fp32-epilogue). The oracle is the golden model;
 * a kind without a WGSL kernel is named, not skipped silently.
 */
import { describe, expect, it } from 'vitest';
import { kernelSetFor } from '../../../src/codegen/kernels/targets.js';
import { PE_KINDS } from '../../../src/pe/kinds.js';
import { exampleText, failures, goldenVsWgsl, targetsOf } from './lib.js';

const EXAMPLES = ['bitmod', 'svdquant', 'xr-npe'] as const;
const STEP = ['accumulation = exact;', 'accumulation = round_each_step;'] as const;

/** Kinds the WGSL target does not cover yet (this list must shrink, never silently grow). */
const NO_WGSL_YET = ['bit_serial_mod'];

describe('WGSL kernels = golden on the examples', () => {
  it('covers every PE kind but the ones listed as not done yet', () => {
    const covered = new Set<string>();
    for (const e of EXAMPLES) for (const t of targetsOf(exampleText(e))) if (kernelSetFor(t.target, 'wgsl')) covered.add(t.target.golden.kind);
    expect(PE_KINDS.filter((k) => !covered.has(k))).toEqual(NO_WGSL_YET);
  });

  for (const e of EXAMPLES) {
    it(`${e}: golden = wgsl on every directed and random case`, async () => {
      const targets = targetsOf(exampleText(e)).filter((t) => !NO_WGSL_YET.includes(t.target.golden.kind));
      expect(targets.length).toBeGreaterThan(0);
      const run = await goldenVsWgsl(targets, 3);
      expect(failures(run)).toEqual([]);
      expect(run.outcomes.length).toBeGreaterThan(10);
      expect(run.pairs[0]).toMatchObject({ reference: 'golden', other: 'wgsl', failed: 0 });
      expect(run.pairs[0].outputs).toBeGreaterThan(100);
    }, 60_000);
  }
});

describe('WGSL kernels = golden on variants of the examples', () => {
  const mac = (weights: string, activations: string, accumulator: string): string => `
pe p : mac { weights = ${weights}; activations = ${activations}; accumulator = ${accumulator}; }
array a { pe = p; rows = 4; cols = 4; }
buffer w { size = 16 KiB; width = 64; banks = 1; role = weights; }
buffer x { size = 16 KiB; width = 64; banks = 1; role = activations; }
accelerator acc { arrays = a; buffers = [w, x]; clock = 1 GHz; dram = 64 b/cycle; }
`;
  /** `text` with each [from, to] replaced once; throws when `from` is absent (a variant that changes nothing). */
  const edit = (text: string, ...edits: readonly (readonly [string, string])[]): string =>
    edits.reduce((t, [from, to]) => {
      if (!t.includes(from)) throw new Error(`variant: '${from}' not found`);
      return t.replace(from, to);
    }, text);
  const cases: readonly (readonly [string, () => string])[] = [
    ['mac int8 × int8 → int32', () => mac('int8', 'int8', 'int32')],
    ['mac fp16 × fp16 → fp16', () => mac('fp16', 'fp16', 'fp16')],
    ['mac fp16 × int4 (per-channel fp16 scales) → fp16', () => mac('per_channel(int4, scale = fp16)', 'fp16', 'fp16')],
    ['simd_mac round-each-step → posit16_1', () => edit(exampleText('xr-npe'), STEP)],
    ['simd_mac exact → fp16', () => edit(exampleText('xr-npe'), ['output = posit16_1;', 'output = fp16;'])],
    ['simd_mac round-each-step → bf16', () => edit(exampleText('xr-npe'), STEP, ['output = posit16_1;', 'output = bf16;'])],
    ['simd_mac round-each-step → posit8_0', () => edit(exampleText('xr-npe'), STEP, ['output = posit16_1;', 'output = posit8_0;'])],
    ['lowrank_gemm unfused fp32 accumulation, fp32 epilogue', () => edit(exampleText('svdquant'), ['accumulation = fp16_fma; ', 'accumulation = fp32; '], ['epilogue = fp16; ', 'epilogue = fp32; '])],
    ['lowrank_gemm bf16_fma accumulation, bf16 scales, no LoRA scales', () => edit(exampleText('svdquant'), ['accumulation = fp16_fma; ', 'accumulation = bf16_fma; '], ['scale = fp16)', 'scale = bf16)'], ['lora_scales = fp32;', ''])],
  ];
  for (const [name, text] of cases) {
    it(name, async () => {
      const src = text();
      const targets = targetsOf(src, ['rows=4', 'cols=4', 'size=4'].filter((s) => src.includes(`param ${s.split('=')[0]} `)));
      const run = await goldenVsWgsl(targets, 2, 3);
      expect(failures(run)).toEqual([]);
      expect(run.pairs[0].outputs).toBeGreaterThan(50);
    }, 60_000);
  }
});
