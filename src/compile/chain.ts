/**
 * Layer chains (issue 13, "double buffering across layers"; docs/scheduler.md "Layer chains"): one program
 * for two consecutive layers A → B, so that B's first loads are in flight while A's last tile computes and
 * stores, instead of every layer paying its own fill (first loads' DRAM latency) and drain (last tile's
 * compute, writeback and store).
 *
 * The program is A's (without its `halt`) followed by B's, B's DRAM regions laid out after A's (the model's
 * layers are independent operands, src/compile/workload.ts: no B load waits for an A store). No new
 * instruction: the ISA's token queues hand the free slots over from A to B (tokenBalance counts what A
 * leaves: `a` compute→load "slot free" tokens, `s` store→compute "output slot free" tokens):
 * - B's preamble first pops the s store→compute tokens (`csync pop_next`: B's compute starts its work once
 *   A's last stores have drained its output slots; B's store queue then pushes its own two as alone) and
 *   pushes one compute→load token fewer than alone (the one A leaves over stands for it);
 * - B's first step: `lsync pop_next` × (a − 1), so the load queue waits for A's second-last slot to be
 *   freed, then B's *early* loads, then one `lsync pop_next` (A's last step done, writeback included), then
 *   B's *late* loads, the last pushing load→compute as alone.
 * A load of B's first step is early when it cannot overwrite what A's last step still reads: A keeps no
 * resident panel in that buffer space, and its bytes miss every load of A's last step and, in the spaces
 * its kind names (CompileFacet.chainSpaces: where a tile's last step reads what the tile's earlier steps
 * loaded), every load of A's last tile. Everything else is late, which is always safe (A has then computed
 * everything). B's first step may take slot 1 instead of 0 (planProgram's `phase`), whichever leaves more
 * loads early. B's token count in flight is then exactly B's alone.
 *
 * Refused (a ChainRefusal, the caller keeps separate programs) when the kind has no chainSpaces, the joint
 * DRAM image exceeds the ISA's addresses, the joint loop program does not fit the instruction memory, or a
 * plan's edges are not the shape the hand-over rewrites.
 */
import { createInstruction, type Instruction } from '../isa/index.js';
import { compileFacet } from '../pe/facets/compile.js';
import { checkCompact, compactPlan, compactTimingPlan, IMEM_WORDS, loopProgram, words, type CompactItem } from './compact.js';
import { ISA_LIMITS, tightenLimits, type IsaLimits } from './isa-limits.js';
import type { AnyOperands } from './operands.js';
import { flattenPlan, type PlanNode } from './plan.js';
import { firstCode, flag, mapEdgeCode, reverseCodes, tokenBalance, topItems } from './plan-edges.js';
import { compileGemm, packDram, planProgram, type CompiledGemm, type DramLayout } from './program.js';
import type { Target } from './target.js';
import type { GemmShape } from './workload.js';

/** Why a chain was not built (what `--explain` and the JSON say). */
export type ChainRefusal = 'kind' | 'dram' | 'imem' | 'tokens';

/** One layer of a chain: compiled alone, where its regions lie in the joint image, and its first step's slot. */
export interface ChainLayer {
  readonly compiled: CompiledGemm;
  /** Its DRAM layout inside the joint image (after the layers before it). */
  readonly layout: DramLayout;
  readonly phase: number;
  /** Where its code starts in the joint program (instruction index; its code runs up to the next layer's). */
  readonly pc: number;
}

/** One program for consecutive layers (two or more). */
export interface CompiledChain {
  readonly layers: readonly ChainLayer[];
  /** Per boundary i → i + 1: loads of layer i + 1's first step that run before layer i's last step is done. */
  readonly earlyLoads: readonly number[];
  /** The joint loop program's dispatch stream as a plan (what the timing-only simulator and the estimate walk). */
  readonly plan: PlanNode;
  readonly program: readonly Instruction[];
  /** The joint DRAM image (absent for timing-only compilation). */
  readonly dram: Uint8Array | undefined;
}

/** Options of compileChain. */
export interface ChainOptions {
  readonly timingOnly?: boolean;
  readonly limits?: Partial<IsaLimits>;
  /** Words of instruction memory the joint program must fit (default IMEM_WORDS; tests shrink it). */
  readonly imemWords?: number;
  /** The layers already compiled alone (a workload's per-shape cache), instead of compiling them here. */
  readonly compiled?: readonly CompiledGemm[];
  /** The slots a later layer's first step may take (default [0, 1]: the one that leaves more loads early). */
  readonly phases?: readonly number[];
}

interface BufferRange {
  readonly buf: string;
  readonly from: number;
  readonly to: number;
}

/** Whether a step's code ends an output tile (or a K split chunk's pass over it). */
function endsTile(insts: readonly Instruction[]): boolean {
  return insts.some((i) => i.kind === 'writeback' || i.kind === 'acc_spill');
}

/**
 * The buffer bytes A's last step may read: its own loads', and in the kind's `tileSpaces` those of every
 * step of its output tile (walked back from the end to the step before it that ends a tile).
 */
function lastTileLoads(plan: PlanNode, tileSpaces: readonly string[]): BufferRange[] {
  const ranges: BufferRange[] = [];
  let started = false;
  for (const insts of reverseCodes(plan)) {
    if (!started && !endsTile(insts)) continue;
    if (started && endsTile(insts)) break;
    for (const r of insts.map(loadRange)) if (r && (!started || tileSpaces.includes(r.buf))) ranges.push(r);
    started = true;
  }
  return ranges;
}

/** Every region start of a layout moved by `base` bytes (absent regions stay −1). */
function shiftLayout(layout: DramLayout, base: number): DramLayout {
  const out: Record<string, number> = {};
  for (const [key, at] of Object.entries(layout) as [keyof DramLayout, number][]) out[key] = key === 'tensorBytes' ? at : key === 'bytes' ? base + at : at < 0 ? at : base + at;
  return out as unknown as DramLayout;
}

function loadRange(inst: Instruction): BufferRange | undefined {
  if (inst.kind !== 'load') return undefined;
  return { buf: inst.buf, from: inst.buf_addr, to: inst.buf_addr + inst.rows * inst.row_bytes };
}

/** The buffer spaces A keeps a resident panel in (its scheduler's decision). */
function residentSpaces(a: CompiledGemm): Set<string> {
  const r = a.schedule.resident;
  const spaces = new Set<string>();
  if (r === 'act' || r === 'both') spaces.add('act');
  if (r === 'wgt' || r === 'both') spaces.add('wgt');
  return spaces;
}

/**
 * A `seti` + `load` pair cut after its longest prefix of whole rows that is early (two pairs), or kept whole.
 */
function splitEarlyRows(pair: Instruction[], early: (r: BufferRange) => boolean): Instruction[][] {
  const [set, load] = pair;
  if (set.kind !== 'seti' || load.kind !== 'load' || load.rows < 2) return [pair];
  const head = (rows: number): BufferRange => ({ buf: load.buf, from: load.buf_addr, to: load.buf_addr + rows * load.row_bytes });
  let lo = 0;
  let hi = load.rows;
  // the largest r whose first r rows are early (early is monotone: fewer rows miss at least as much)
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (early(head(mid))) lo = mid;
    else hi = mid - 1;
  }
  if (lo === 0 || lo === load.rows) return [pair];
  const rest = load.rows - lo;
  return [
    [set, { ...load, rows: lo }],
    [createInstruction('seti', { rd: set.rd, imm: set.imm + lo * load.dram_stride }), { ...load, rows: rest, buf_addr: load.buf_addr + lo * load.row_bytes }],
  ];
}

/**
 * B's first step rewritten for the hand-over (see the file header): its `seti` + `load` pairs split into
 * early and late ones around the token that A's last step frees. Undefined when the step has no load.
 */
function handOverStep(insts: Instruction[], residual: number, early: (r: BufferRange) => boolean): { insts: Instruction[]; early: number } | undefined {
  const pairs: Instruction[][] = [];
  const rest: Instruction[] = [];
  for (let j = 0; j < insts.length; j++) {
    const next = insts[j + 1];
    if (insts[j].kind === 'seti' && next?.kind === 'load') {
      pairs.push([insts[j], { ...next, pop_next: false, push_next: false }]);
      j++;
    } else if (insts[j].kind === 'lsync' || insts[j].kind === 'load') return undefined;
    else rest.push(insts[j]);
  }
  if (pairs.length === 0) return undefined;
  // a load whose first rows miss A's bytes (B's slot larger than the free one) splits there: those rows early
  const split = pairs.flatMap((p) => splitEarlyRows(p, early));
  pairs.splice(0, pairs.length, ...split);
  const isEarly = pairs.map((p) => early(loadRange(p[1]) as BufferRange));
  // the token of A's last step is popped before at least one load, which then pushes B's first token
  if (isEarly.every((e) => e)) isEarly[isEarly.length - 1] = false;
  const earlyPairs = pairs.filter((_, j) => isEarly[j]);
  const latePairs = pairs.filter((_, j) => !isEarly[j]);
  const lastLate = latePairs[latePairs.length - 1];
  lastLate[1] = { ...lastLate[1], push_next: true } as Instruction;
  const pop = (): Instruction => createInstruction('lsync', { pop_next: true });
  const out: Instruction[] = [...Array.from({ length: residual - 1 }, pop), ...earlyPairs.flat(), pop(), ...latePairs.flat(), ...rest];
  return { insts: out, early: earlyPairs.length };
}

/** B's preamble rewritten for the hand-over: pop A's output-slot tokens, push one slot token fewer. */
function handOverPreamble(insts: Instruction[], outputTokens: number): Instruction[] | undefined {
  const at = insts.findIndex((i) => i.kind === 'csync' && flag(i, 'push_prev') && !flag(i, 'pop_prev') && !flag(i, 'pop_next') && !flag(i, 'push_next'));
  if (at < 0) return undefined;
  const pops = Array.from({ length: outputTokens }, () => createInstruction('csync', { pop_next: true }));
  return [...pops, ...insts.slice(0, at), ...insts.slice(at + 1)];
}

/**
 * Compiles consecutive layers as one program (see the file header), each under the schedule it gets alone;
 * the reason when the chain is refused.
 */
export function compileChain(t: Target, shapes: readonly GemmShape[], ops: readonly (AnyOperands | undefined)[], options: ChainOptions = {}): CompiledChain | ChainRefusal {
  if (shapes.length < 2 || ops.length !== shapes.length) throw new Error('compileChain: two or more layers, one operand set each');
  const tileSpaces = compileFacet(t.pe.kind).chainSpaces?.(t);
  if (!tileSpaces) return 'kind';
  const limits: IsaLimits = options.limits ? tightenLimits(options.limits) : ISA_LIMITS;
  const timingOnly = options.timingOnly ?? false;
  const compileOptions = { timingOnly, ...(options.limits ? { limits: options.limits } : {}) };
  const compiled = options.compiled ?? shapes.map((s, i) => compileGemm(t, s, ops[i], compileOptions));
  const bases: number[] = [];
  let bytes = 0;
  for (const c of compiled) {
    bases.push(bytes);
    bytes += c.layout.bytes;
  }
  if (bytes - 1 > limits.dramAddress) return 'dram';
  const layouts = compiled.map((c, i) => shiftLayout(c.layout, bases[i]));
  const plans: PlanNode[] = [compiled[0].straightPlan];
  const phases = [0];
  const earlyLoads: number[] = [];
  // the previous layer's plan as it runs (its slots), before any hand-over: where its last tile loads
  let previous = compiled[0].straightPlan;
  for (let i = 1; i < compiled.length; i++) {
    const a = compiled[i - 1];
    const b = compiled[i];
    const { computeToLoad, storeToCompute } = tokenBalance(a.straightPlan);
    if (computeToLoad < 1 || storeToCompute < 0) return 'tokens';
    // what A's last steps still read: its last tile's loads' bytes, and every space A keeps a resident panel in
    const busy = lastTileLoads(previous, tileSpaces);
    const resident = residentSpaces(a);
    const isEarly = (r: BufferRange): boolean => !resident.has(r.buf) && busy.some((x) => x.buf === r.buf) && busy.every((x) => x.buf !== r.buf || x.to <= r.from || r.to <= x.from);
    // B's plan with the hand-over, its first step in slot `phase`; the phase with the most early loads wins
    const handOver = (phase: number): { plan: PlanNode; raw: PlanNode; early: number; phase: number } | undefined => {
      const raw = planProgram(t, shapes[i], b.schedule, b.slots, layouts[i], ops[i], limits, phase);
      const items = topItems(raw);
      const preamble = items[0].kind === 'code' ? handOverPreamble(items[0].emit(), storeToCompute) : undefined;
      let early = -1;
      const body = mapEdgeCode({ kind: 'seq', items: items.slice(1) }, false, (insts) => {
        const step = handOverStep(insts, computeToLoad, isEarly);
        early = step?.early ?? -1;
        return step?.insts ?? insts;
      });
      if (!preamble || !body) return undefined;
      // emit the first step now (emission is lazy) to learn its early loads
      flattenPlan(firstCode(body));
      return early < 0 ? undefined : { plan: { kind: 'seq', items: [{ kind: 'code', emit: () => preamble }, body] }, raw, early, phase };
    };
    const variants = (options.phases ?? [0, 1]).map(handOver).filter((x) => x !== undefined);
    if (variants.length === 0) return 'tokens';
    const best = variants.reduce((x, y) => (y.early > x.early ? y : x));
    plans.push(best.plan);
    phases.push(best.phase);
    earlyLoads.push(best.early);
    previous = best.raw;
  }
  // every layer but the last runs on into the next: no halt
  const joined: PlanNode[] = [];
  for (const [i, plan] of plans.entries()) {
    const open = i + 1 < plans.length ? mapEdgeCode(plan, true, (insts) => insts.filter((x) => x.kind !== 'halt')) : plan;
    if (!open) return 'tokens';
    joined.push(open);
  }
  const parts: CompactItem[][] = joined.map((plan, i) => compactPlan(plan, layouts[i]));
  const pcs = parts.map((_, i) => words(parts.slice(0, i).flat()));
  const compact: CompactItem[] = parts.flat();
  if (words(compact) > (options.imemWords ?? IMEM_WORDS)) return 'imem';
  let dram: Uint8Array | undefined;
  let program: Instruction[] | undefined;
  if (!timingOnly && ops.every((o) => o !== undefined)) {
    const image = new Uint8Array(bytes);
    compiled.forEach((c, i) => image.set(packDram(t, shapes[i], c.tiling, layouts[i], ops[i] as AnyOperands).subarray(bases[i]), bases[i]));
    dram = image;
    program = loopProgram(compact);
    checkCompact(flattenPlan({ kind: 'seq', items: joined }), program);
  }
  return {
    layers: compiled.map((c, i) => ({ compiled: c, layout: layouts[i], phase: phases[i], pc: pcs[i] })),
    earlyLoads,
    plan: compactTimingPlan(compact),
    get program(): readonly Instruction[] {
      program ??= loopProgram(compact);
      return program;
    },
    dram,
  };
}
