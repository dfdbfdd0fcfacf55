/**
 * The CUDA kernel sets' host contract (issue 14): launch() writes each operand as the launcher's input file
 * (codes packed into little-endian words, nothing lost or reordered), outputCodes() reads the launcher's
 * out.bin back, and `generateKernels(…, 'cuda')` emits the .cu with a kernels.json naming every entry's
 * bindings and packings.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codesToWords, wordsToCodes } from '../../../src/codegen/cuda/host.js';
import { acceleratorTargets, generateKernels, kernelSetFor } from '../../../src/codegen/kernels/targets.js';
import { randomOperands } from '../../../src/compile/operands.js';
import { compileFile } from '../../../src/ir/elaborate.js';
import type { LowRankGemmOperands } from '../../../src/pe/lowrank-gemm/golden.js';

const ROOT = resolve(__dirname, '../../..');
const host = { readFile: (p: string) => { try { return readFileSync(p, 'utf8'); } catch { return undefined; } } };
const design = (name: string) => compileFile(resolve(ROOT, 'examples', `${name}.qacc`), host, {}).design!;

describe('CUDA launch contract', () => {
  it('packs codes of 1, 2 and 4 bytes into words and back unchanged', () => {
    for (const bytes of [1, 2, 4] as const) {
      const max = bytes === 4 ? 0xffffffff : 2 ** (8 * bytes) - 1;
      const codes = Uint32Array.from({ length: 37 }, (_, i) => (i * 2654435761) % (max + 1));
      const words = codesToWords(codes, bytes);
      expect(words.length).toBe(Math.ceil((37 * bytes) / 4));
      expect(Array.from(wordsToCodes(words, 37, bytes))).toEqual(Array.from(codes));
      // little-endian: the first code sits in the first word's low bytes
      expect(words[0] & (bytes === 4 ? 0xffffffff : max)).toBe(codes[0]);
    }
  });

  it('hands every lowrank_gemm operand to the launcher as it is', () => {
    const accel = design('svdquant').accelerators.find((a) => a.name === 'svdquant_w4a4')!;
    const { target } = acceleratorTargets(accel)[0];
    const set = kernelSetFor(target, 'cuda')!;
    const ops = randomOperands(target, { m: 128, n: 128, k: 128 }, 5) as LowRankGemmOperands;
    const l = set.launch(ops);
    // svdquant declares activation_quant = runtime: the operands carry X only and the launcher gets X only
    // (lr_qact quantizes it on the GPU; test/codegen/cuda/lowrank-qact-host.test.ts checks its arithmetic).
    expect(ops.qa).toBeUndefined();
    expect(Object.keys(l.inputs)).not.toContain('qa');
    expect(Object.keys(l.inputs)).not.toContain('sa');
    expect(Array.from(wordsToCodes(l.inputs.x, ops.x!.length, 2))).toEqual(Array.from(ops.x!));
    expect(Array.from(wordsToCodes(l.inputs.sw, ops.sw.length, 2))).toEqual(Array.from(ops.sw));
    expect(Array.from(wordsToCodes(l.inputs.up, ops.up!.length, 2))).toEqual(Array.from(ops.up!));
    expect(l.params).toMatchObject({ m: 128, n: 128, k: 128, rank: 32 });
    expect(l.passes.map((p) => p.entryPoint)).toEqual(['lr_qact', 'lr_down', 'lr_wgmma<1>']);
    const ragged = set.launch(randomOperands(target, { m: 5, n: 7, k: 64 }, 6));
    // Without the tensor-core kernel `run` widens qa and qw to int8 values and runs the tiled kernel.
    expect(ragged.passes.map((p) => p.entryPoint)).toEqual(['lr_qact', 'lr_down', 'lr_widen', 'lr_widen', 'lr_tiled']);
  });

  it('writes cuda/<kind>.cu and cuda/kernels.json with bindings and packings', () => {
    const accel = design('svdquant').accelerators.find((a) => a.name === 'svdquant_w4a4')!;
    const files = generateKernels(accel, 'cuda', { version: 'test', source: 'svdquant.qacc' });
    expect(files.map((f) => f.path).sort()).toEqual(['cuda/kernels.json', 'cuda/lowrank_gemm.cu']);
    const manifest = JSON.parse(files.find((f) => f.path === 'cuda/kernels.json')!.text);
    expect(manifest.target).toBe('cuda');
    const entries = manifest.kernels[0].entries as { entryPoint: string; bindings: { name: string; packing: string; words: string }[] }[];
    expect(entries.map((e) => e.entryPoint)).toEqual(['lr_qact', 'lr_down', 'lr_wgmma<1>', 'lr_fast<true>', 'lr_widen', 'lr_tiled', 'lr_generic']);
    // A widened on the host too (the default build since 2026-12-07 07:31 UTC): one byte per activation, e4m3 for
    // groups of 64, the stage's shared-memory image; the 4-bit fragment order stated for -DLR_WG_ASMEM=0.
    const aw = entries[2].bindings.find((b) => b.name === 'Aw')!;
    expect(aw.words).toBe('M*K/4');
    expect(aw.packing).toMatch(/core matrices/);
    expect(aw.packing).toMatch(/e4m3 code of a\*2\^-9/);
    expect(aw.packing).toMatch(/-DLR_WG_ASMEM=0.*A-fragment order/);
    // B widened on the host (the default build since 2026-12-07): one byte per weight, e5m2 for groups of 64.
    const bw = entries[2].bindings.find((b) => b.name === 'Bw')!;
    expect(bw.packing).toMatch(/core matrices/);
    expect(bw.packing).toMatch(/e5m2 code of w\*2\^9/);
    expect(bw.words).toBe('N*K/4');
    const ap = entries[3].bindings.find((b) => b.name === 'Ap')!;
    expect(ap.packing).toMatch(/fragment order/);
    // Runtime activation quantization on the GPU (lr_qact): stated in the manifest and the .cu header.
    expect(manifest.kernels[0].exactness).toMatch(/activation_quant = runtime: the launcher reads x\.bin only.*lr_qact/);
    expect(files.find((f) => f.path === 'cuda/lowrank_gemm.cu')!.text).toMatch(/activation_quant = runtime: the launcher reads x\.bin only/);
  });
});
