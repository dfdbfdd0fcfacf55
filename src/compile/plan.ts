/**
 * A program as a tree of repeats (what the compiler knows about its own loop nest), so that a consumer
 * can walk a huge straight-line program without materializing it and can recognize repetition without
 * comparing instructions.
 *
 * - `code`: a few instructions, emitted on demand;
 * - `seq`: nodes in order;
 * - `repeat`: `count` iterations of `body(i)`. Invariant (stated by whoever builds the node, checked by
 *   test/sim/fast-timing.test.ts against the flat program): every iteration has the same *timing
 *   content* — the same instructions in the same order, differing only in fields that name addresses
 *   (buffer and DRAM addresses, accumulator / partial-sum entries, `seti` immediates) or select data
 *   (`clear`, `setscale` values), never in kinds, shapes, byte counts or token flags.
 *
 * `flattenPlan` gives the straight-line program (the flat program is defined as this flattening).
 */
import type { Instruction } from '../isa/index.js';

export type PlanNode =
  | { readonly kind: 'code'; readonly emit: () => Instruction[] }
  | { readonly kind: 'seq'; readonly items: readonly PlanNode[] }
  | { readonly kind: 'repeat'; readonly count: number; readonly body: (i: number) => PlanNode };

/** Appends the instructions of `node` to `out` in program order. */
export function flattenPlan(node: PlanNode, out: Instruction[] = []): Instruction[] {
  switch (node.kind) {
    case 'code':
      for (const inst of node.emit()) out.push(inst);
      return out;
    case 'seq':
      for (const item of node.items) flattenPlan(item, out);
      return out;
    case 'repeat':
      for (let i = 0; i < node.count; i++) flattenPlan(node.body(i), out);
      return out;
    default: {
      const never: never = node;
      throw new Error(`unknown plan node ${JSON.stringify(never)}`);
    }
  }
}

/** Instructions of `node` without flattening it (repeats multiply). */
export function planLength(node: PlanNode): number {
  switch (node.kind) {
    case 'code':
      return node.emit().length;
    case 'seq':
      return node.items.reduce((s, item) => s + planLength(item), 0);
    case 'repeat':
      return node.count === 0 ? 0 : node.count * planLength(node.body(0));
    default: {
      const never: never = node;
      throw new Error(`unknown plan node ${JSON.stringify(never)}`);
    }
  }
}

/**
 * The iterations 0..count-1 of a loop as repeats of uniform timing content: `cuts` are the indices where
 * the content may change (e.g. 1 after a first iteration that differs, count-1 before a ragged last
 * one); each run between cuts becomes one repeat of `body(from + i)`.
 */
export function uniformRuns(count: number, cuts: readonly number[], body: (i: number) => PlanNode): PlanNode {
  const edges = [...new Set([0, ...cuts.filter((c) => c > 0 && c < count), count])].sort((a, b) => a - b);
  const items: PlanNode[] = [];
  for (let e = 0; e + 1 < edges.length; e++) {
    const from = edges[e];
    const n = edges[e + 1] - from;
    items.push(n === 1 ? body(from) : { kind: 'repeat', count: n, body: (i) => body(from + i) });
  }
  return items.length === 1 ? items[0] : { kind: 'seq', items };
}
