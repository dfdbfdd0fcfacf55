/**
 * Walking a program plan (plan.ts) at its edges without flattening it: the first and last code nodes (a
 * plan's preamble, first step and last step), rewriting them, and the tokens a plan leaves in the dependency
 * queues at its end. Layer chains (chain.ts) join two layers' plans at these edges.
 */
import { findInstruction, type Instruction } from '../isa/index.js';
import type { PlanNode } from './plan.js';

export type TokenFlag = 'pop_prev' | 'pop_next' | 'push_prev' | 'push_next';

export function flag(inst: Instruction, f: TokenFlag): boolean {
  return (inst as unknown as Partial<Record<TokenFlag, boolean>>)[f] === true;
}

/** Tokens a plan leaves in the compute→load and store→compute queues at its end (pushes − pops). */
export function tokenBalance(plan: PlanNode): { computeToLoad: number; storeToCompute: number } {
  let c2l = 0;
  let s2c = 0;
  const walk = (node: PlanNode, weight: number): void => {
    if (node.kind === 'seq') for (const item of node.items) walk(item, weight);
    else if (node.kind === 'repeat') {
      if (node.count > 0) walk(node.body(0), weight * node.count);
    } else {
      for (const inst of node.emit()) {
        const queue = findInstruction(inst.kind)?.def.queue;
        if (queue === 'load' && flag(inst, 'pop_next')) c2l -= weight;
        if (queue === 'compute' && flag(inst, 'push_prev')) c2l += weight;
        if (queue === 'compute' && flag(inst, 'pop_next')) s2c -= weight;
        if (queue === 'store' && flag(inst, 'push_prev')) s2c += weight;
      }
    }
  };
  walk(plan, 1);
  return { computeToLoad: c2l, storeToCompute: s2c };
}

/** The nodes of a plan's top-level sequence in order (repeats stay whole). */
export function topItems(plan: PlanNode): PlanNode[] {
  return plan.kind === 'seq' ? [...plan.items] : [plan];
}

/** Replaces the first (last) code node met depth first through sequences; undefined when a repeat comes first. */
export function mapEdgeCode(node: PlanNode, last: boolean, f: (insts: Instruction[]) => Instruction[]): PlanNode | undefined {
  if (node.kind === 'code') return { kind: 'code', emit: () => f(node.emit()) };
  if (node.kind === 'repeat') return undefined;
  const items = [...node.items];
  const at = last ? items.length - 1 : 0;
  if (items.length === 0) return undefined;
  const mapped = mapEdgeCode(items[at], last, f);
  if (!mapped) return undefined;
  items[at] = mapped;
  return { kind: 'seq', items };
}

/** The first code node met depth first through sequences (a plan mapped by mapEdgeCode starts with one). */
export function firstCode(node: PlanNode): PlanNode {
  return node.kind === 'seq' && node.items.length > 0 ? firstCode(node.items[0]) : node;
}

/** The code nodes of a plan from the last to the first. */
export function* reverseCodes(node: PlanNode): Generator<Instruction[]> {
  if (node.kind === 'code') yield node.emit();
  else if (node.kind === 'seq') for (let i = node.items.length - 1; i >= 0; i--) yield* reverseCodes(node.items[i]);
  else for (let i = node.count - 1; i >= 0; i--) yield* reverseCodes(node.body(i));
}

