/**
 * Issue 12, "what check accepts, every backend runs", for lowrank_gemm: variants of examples/svdquant.qacc
 * (its int4 PE svd_int4, its NVFP4 PE svd_nvfp4) are each rejected by `qacc check` with located errors, or
 * honored (sim matches golden, build succeeds) — never an internal error. Each variant also says which of
 * the two it must be, so a property that starts or stops being honored shows up here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectHonoredOrRejected, type VariantOutcome } from '../variants-lib.js';

const EXAMPLE = readFileSync('examples/svdquant.qacc', 'utf8');
/** Small arrays and buffers keep sim and build fast. */
const SETS = ['rows=2', 'cols=2', 'lanes=8', 'rank=16', 'banks=1'];

/** The example with `from` (a unique line fragment) replaced by `to` in the text. */
function edit(pairs: readonly (readonly [string, string])[]): string {
  let text = EXAMPLE;
  for (const [from, to] of pairs) {
    expect(text.split(from).length, `'${from}' occurs once in svdquant.qacc`).toBe(2);
    text = text.replace(from, to);
  }
  return text;
}

interface Variant {
  readonly name: string;
  readonly edits: readonly (readonly [string, string])[];
  readonly accelerator: 'svdquant_w4a4' | 'svdquant_nvfp4';
  readonly expected: VariantOutcome;
  readonly sets?: readonly string[];
}

const NV_PE = 'pe svd_nvfp4 : lowrank_gemm {';

const VARIANTS: readonly Variant[] = [
  { name: 'the example (int4)', edits: [], accelerator: 'svdquant_w4a4', expected: 'honored' },
  { name: 'the example (nvfp4)', edits: [], accelerator: 'svdquant_nvfp4', expected: 'honored' },
  { name: 'fused = false', edits: [['fused = true;\n  tile_m', 'fused = false;\n  tile_m']], accelerator: 'svdquant_w4a4', expected: 'rejected' },
  { name: 'tile_m = 1', edits: [['tile_m = 256;', 'tile_m = 1;']], accelerator: 'svdquant_w4a4', expected: 'honored' },
  { name: 'tile_n = 1', edits: [['tile_n = 128;', 'tile_n = 1;']], accelerator: 'svdquant_w4a4', expected: 'honored' },
  { name: 'branch_accumulation = fp16', edits: [['branch_accumulation = fp32;', 'branch_accumulation = fp16;']], accelerator: 'svdquant_w4a4', expected: 'rejected' },
  { name: 'output = fp32', edits: [['branch_accumulation = fp32;', 'branch_accumulation = fp32;\n  output = fp32;']], accelerator: 'svdquant_w4a4', expected: 'rejected' },
  { name: 'output = fp16 (the branch format)', edits: [['branch_accumulation = fp32;', 'branch_accumulation = fp32;\n  output = fp16;']], accelerator: 'svdquant_w4a4', expected: 'honored' },
  { name: 'mx(fp4_e2m1) weights', edits: [['scheme fp4_g16', 'scheme mx4 = mx(fp4_e2m1, block = 32);\nscheme fp4_g16'], ['weights = fp4_g16;\n  activations = fp4_g16;', 'weights = mx4;\n  activations = mx4;']], accelerator: 'svdquant_nvfp4', expected: 'rejected' },
  { name: 'per_group(int8) activations', edits: [['scheme fp4_g16', 'scheme a8 = per_group(int8, group = 64, scale = fp16);\nscheme fp4_g16'], ['activations = w4_g64;', 'activations = a8;']], accelerator: 'svdquant_w4a4', expected: 'rejected' },
  { name: 'per_group(uint4) activations', edits: [['scheme fp4_g16', 'scheme u4 = per_group(uint4, group = 64, scale = fp16);\nscheme fp4_g16'], ['activations = w4_g64;', 'activations = u4;']], accelerator: 'svdquant_w4a4', expected: 'honored' },
  { name: 'per_group(uint4) weights', edits: [['scheme fp4_g16', 'scheme u4 = per_group(uint4, group = 64, scale = fp16);\nscheme fp4_g16'], ['weights = w4_g64;', 'weights = u4;']], accelerator: 'svdquant_w4a4', expected: 'rejected' },
  { name: 'bf16 group scales', edits: [['scale = fp16);', 'scale = bf16);']], accelerator: 'svdquant_w4a4', expected: 'honored' },
  { name: 'fp32 group scales', edits: [['scale = fp16);', 'scale = fp32);']], accelerator: 'svdquant_w4a4', expected: 'rejected' },
  { name: 'activation scales unlike the weights', edits: [['scheme fp4_g16', 'scheme a16 = per_group(int4, group = 64, scale = bf16);\nscheme fp4_g16'], ['activations = w4_g64;', 'activations = a16;']], accelerator: 'svdquant_w4a4', expected: 'rejected' },
  { name: 'nvfp4 weights, per_group activations', edits: [['activations = fp4_g16;', 'activations = w4_g64;']], accelerator: 'svdquant_nvfp4', expected: 'rejected' },
  { name: 'per_group weights, nvfp4 activations', edits: [['activations = w4_g64;', 'activations = fp4_g16;']], accelerator: 'svdquant_w4a4', expected: 'rejected' },
  { name: 'nvfp4 with fp8_e5m2 block scales', edits: [['scale = fp8_e4m3);', 'scale = fp8_e5m2);']], accelerator: 'svdquant_nvfp4', expected: 'rejected' },
  { name: 'asymmetric int4 weights', edits: [['scale = fp16);', 'scale = fp16, zero_point = true);']], accelerator: 'svdquant_w4a4', expected: 'rejected' },
  { name: 'rank 4096', edits: [], accelerator: 'svdquant_w4a4', expected: 'rejected', sets: ['rows=2', 'cols=2', 'lanes=8', 'rank=4096', 'banks=1'] },
  { name: 'rank 0', edits: [['lora_scales = fp32;', 'lora_scales = none;']], accelerator: 'svdquant_w4a4', expected: 'honored', sets: ['rows=2', 'cols=2', 'lanes=8', 'rank=0', 'banks=1'] },
  { name: 'accumulation = bf16, epilogue = fp32', edits: [['accumulation = fp16_fma;', 'accumulation = bf16;'], ['epilogue = fp16;', 'epilogue = fp32;']], accelerator: 'svdquant_w4a4', expected: 'honored' },
  { name: 'lanes = 3', edits: [], accelerator: 'svdquant_w4a4', expected: 'honored', sets: ['rows=2', 'cols=2', 'lanes=3', 'rank=16', 'banks=1'] },
  { name: 'nvfp4, tile_k = 16', edits: [[NV_PE, `${NV_PE}\n  tile_m = 1;`], ['tile_k = tile_k;                                        // four', 'tile_k = 16;                                        // four']], accelerator: 'svdquant_nvfp4', expected: 'honored' },
];

describe('lowrank_gemm variants: rejected with a location, or honored by sim and build', () => {
  for (const v of VARIANTS) {
    it(v.name, { timeout: 20_000 }, async () => {
      expect(await expectHonoredOrRejected({ text: edit(v.edits) }, v.accelerator, { sets: v.sets ?? SETS })).toBe(v.expected);
    });
  }
});
