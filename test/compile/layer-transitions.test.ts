/**
 * The transitions between a workload's consecutive layers (compile/layer-overlap.ts layerTransitions), against
 * the execution order written out layer by layer: per token (decode) or once (prefill) every decoder block
 * runs its linear layers in order, then lm_head; each adjacent pair of that sequence is one transition.
 */
import { describe, expect, it } from 'vitest';
import { layerTransitions } from '../../src/compile/layer-overlap.js';
import { MODELS, parseWorkload } from '../../src/compile/workload.js';

/** The layers' names in execution order, written out (the oracle). */
function executionOrder(model: string, stage: 'prefill' | 'decode', tokens: number): string[] {
  const m = MODELS[model];
  const block = m.gated ? ['q', 'k', 'v', 'o', 'gate', 'up', 'down'] : ['q', 'k', 'v', 'o', 'fc1', 'fc2'];
  const order: string[] = [];
  for (let t = 0; t < (stage === 'decode' ? tokens : 1); t++) {
    for (let b = 0; b < m.layers; b++) order.push(...block);
    order.push('lm_head');
  }
  return order;
}

describe('layer transitions', () => {
  for (const [model, stage, tokens] of [['llama-2-7b', 'decode', 3], ['llama-2-7b', 'prefill', 16], ['opt-1.3b', 'decode', 1], ['phi-2', 'decode', 2]] as const) {
    it(`${model} ${stage} ${tokens} tokens: every adjacent pair of the execution order, counted`, () => {
      const w = parseWorkload(`model:${model},stage=${stage},tokens=${tokens}`);
      const want = new Map<string, number>();
      const order = executionOrder(model, stage, tokens);
      for (let i = 0; i + 1 < order.length; i++) {
        const key = `${order[i]}→${order[i + 1]}`;
        want.set(key, (want.get(key) ?? 0) + 1);
      }
      const got = new Map(layerTransitions(w.layers).map((t) => [`${w.layers[t.from].name}→${w.layers[t.to].name}`, t.count]));
      expect(got).toEqual(want);
    });
  }

  it('a single GEMM has none', () => {
    expect(layerTransitions(parseWorkload('gemm:m=4,k=64,n=8').layers)).toEqual([]);
  });
});
