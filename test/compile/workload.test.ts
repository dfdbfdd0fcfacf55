/** Workload specs: gemm shapes, model layer shapes from workloads.md, and rejected specs. */
import { describe, expect, it } from 'vitest';
import { CompileError, parseWorkload } from '../../src/compile/index.js';

describe('parseWorkload', () => {
  it('gemm', () => {
    expect(parseWorkload('gemm:m=64,k=1024,n=1024').layers).toEqual([{ name: 'gemm', m: 64, k: 1024, n: 1024, count: 1 }]);
    expect(parseWorkload('gemm: n=3, m=1 ,k=2').layers[0]).toMatchObject({ m: 1, k: 2, n: 3 });
  });

  it('Llama-3-8B prefill: grouped-query k/v, gated MLP, lm_head (workloads.md)', () => {
    const w = parseWorkload('model:llama-3-8b,stage=prefill,tokens=16');
    const by = Object.fromEntries(w.layers.map((l) => [l.name, l]));
    expect(by.q).toEqual({ name: 'q', m: 16, k: 4096, n: 4096, count: 32 });
    expect(by.k).toEqual({ name: 'k', m: 16, k: 4096, n: 8 * 128, count: 32 });
    expect(by.down).toEqual({ name: 'down', m: 16, k: 14336, n: 4096, count: 32 });
    expect(by.lm_head).toEqual({ name: 'lm_head', m: 16, k: 4096, n: 128256, count: 1 });
  });

  it('Phi-2 decode: fc1/fc2, one token at a time', () => {
    const w = parseWorkload('model:Phi-2,stage=decode,tokens=3');
    expect(w.layers.map((l) => l.name)).toEqual(['q', 'k', 'v', 'o', 'fc1', 'fc2', 'lm_head']);
    expect(w.layers.every((l) => l.m === 1)).toBe(true);
    expect(w.layers[4]).toEqual({ name: 'fc1', m: 1, k: 2560, n: 10240, count: 3 * 32 });
  });

  it('rejects bad specs with user errors', () => {
    for (const s of ['gemm:m=1,k=2', 'gemm:m=1,k=2,n=x', 'gemm:m=1,k=2,n=3,q=4', 'conv:1', 'model:nope', 'model:phi-2,stage=train', 'gemm:m=-1,k=1,n=1', 'gemm:m=1,m=2,k=1,n=1']) {
      expect(() => parseWorkload(s), s).toThrow(CompileError);
    }
  });
});
