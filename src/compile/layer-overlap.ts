/**
 * Where a model's layers run as chains (compile/chain.ts) and what that saves: the transitions between
 * consecutive layers of a workload and how often each occurs, and per distinct pair of shapes the cycles
 * one chained transition saves, measured by the caller's timing engine (the simulator's fast timing or the
 * estimate's queue model, which agree cycle for cycle) on the joint program against the two programs alone.
 * A transition is chained where the chain is built (chain.ts says when it is refused) and pays (saves > 0).
 * B's first step keeps slot 0 (chain.ts `phases`), so that every layer runs the same slots in both chains it
 * belongs to (as B of one, as A of the next), as it would in one program of many layers; the savings are
 * measured per pair and summed (on Llama-2-7B decode and prefill the other phase saves nothing more).
 *
 * Order of a workload's layers (workload.ts): maximal runs of equal count; with n the smallest count (every
 * count a multiple of it) the whole list runs n times, each run repeating count / n times in place. Llama
 * decode (T tokens): q … down 32·T times, then lm_head, T times; so q→k … up→down occur 32·T times, the
 * block's wrap down→q 31·T, down→lm_head T and lm_head→q T − 1.
 */
import { compileChain, type ChainRefusal } from './chain.js';
import type { CompiledGemm } from './program.js';
import type { Target } from './target.js';
import type { WorkloadLayer } from './workload.js';
import type { PlanNode } from './plan.js';

/** Layer `from` followed by layer `to` (indices into the workload's layers), `count` times. */
export interface LayerTransition {
  readonly from: number;
  readonly to: number;
  readonly count: number;
}

/** Every transition between consecutive layers and its count (see the file header); [] when the order is not that nest. */
export function layerTransitions(layers: readonly WorkloadLayer[]): LayerTransition[] {
  if (layers.length === 0) return [];
  const n = Math.min(...layers.map((l) => l.count));
  if (layers.some((l) => l.count % n !== 0)) return [];
  const runs: { first: number; last: number; count: number }[] = [];
  layers.forEach((l, i) => {
    const run = runs[runs.length - 1];
    if (run && run.count === l.count) run.last = i;
    else runs.push({ first: i, last: i, count: l.count });
  });
  const counts = new Map<string, LayerTransition>();
  const add = (from: number, to: number, count: number): void => {
    if (count <= 0) return;
    const key = `${from},${to}`;
    counts.set(key, { from, to, count: (counts.get(key)?.count ?? 0) + count });
  };
  runs.forEach((run, r) => {
    for (let i = run.first; i < run.last; i++) add(i, i + 1, run.count);
    add(run.last, run.first, run.count - n);
    add(run.last, runs[(r + 1) % runs.length].first, r + 1 < runs.length ? n : n - 1);
  });
  return [...counts.values()];
}

/** Why a transition is not chained: the chain's refusal, or it saves nothing. */
export type OverlapRefusal = ChainRefusal | 'no-gain' | 'off';

/** One transition with what a chained transition saves. */
export interface TransitionOverlap extends LayerTransition {
  /** Cycles one chained transition saves against the two layers run alone (0 when not chained). */
  readonly saved: number;
  /** Why it is not chained; absent when chained. */
  readonly refused?: OverlapRefusal;
}

/** What transitionOverlaps needs of the caller: each layer's compiled program and cycles alone, and its timing engine. */
export interface OverlapInputs {
  readonly compiled: (layer: number) => CompiledGemm;
  readonly cycles: (layer: number) => number;
  readonly planCycles: (plan: PlanNode) => number;
  /** false: no chains (`--no-layer-overlap`), every transition reported as 'off'. */
  readonly enabled: boolean;
  /** Words of instruction memory a joint program must fit (default: the ISA's; tests shrink it). */
  readonly imemWords?: number;
}

/** The transitions of a workload with their overlaps, each distinct pair of shapes compiled and timed once. */
export function transitionOverlaps(t: Target, layers: readonly WorkloadLayer[], inputs: OverlapInputs): TransitionOverlap[] {
  const shapeKey = (l: WorkloadLayer): string => `${l.m},${l.k},${l.n}`;
  const cache = new Map<string, { saved: number; refused?: OverlapRefusal }>();
  return layerTransitions(layers).map((tr) => {
    if (!inputs.enabled) return { ...tr, saved: 0, refused: 'off' };
    const key = `${shapeKey(layers[tr.from])}|${shapeKey(layers[tr.to])}`;
    let got = cache.get(key);
    if (!got) {
      const chain = compileChain(t, [layers[tr.from], layers[tr.to]], [undefined, undefined], { timingOnly: true, compiled: [inputs.compiled(tr.from), inputs.compiled(tr.to)], phases: [0], ...(inputs.imemWords === undefined ? {} : { imemWords: inputs.imemWords }) });
      if (typeof chain === 'string') got = { saved: 0, refused: chain };
      else {
        const saved = inputs.cycles(tr.from) + inputs.cycles(tr.to) - inputs.planCycles(chain.plan);
        got = saved > 0 ? { saved } : { saved: 0, refused: 'no-gain' };
      }
      cache.set(key, got);
    }
    return { ...tr, ...got };
  });
}
