/**
 * Compact programs: the straight-line program plan of a GEMM (program.ts planProgram) rewritten with the
 * ISA's `loop` and `addi`, so that a program's size grows with the number of distinct tile shapes, not
 * of tiles, and fits the instruction memory (IMEM_WORDS).
 *
 * Addresses: every DMA of the straight-line plan is `seti aX, addr` + a load/store through aX. Here each
 * DRAM region of the layout (A, W, meta, …, Y: at most 12) owns one address register a1…a12; a DMA's
 * `seti` becomes `addi aR, aR, addr − (aR's value)` (the first access of a region, or a step beyond a
 * signed 32-bit immediate, keeps a `seti aR, addr`), and the DMA reads aR. One instruction is replaced
 * by one, so the dispatch stream keeps its length and timing. Since every tensor is walked with
 * constant strides per loop level, the iterations of a plan repeat then become *identical* instruction
 * lists (for slot parities that alternate, identical pairs; for rings of 3 or 4 slots, identical triples or
 * quadruples).
 *
 * Loops: each plan repeat (count c) is compacted by generating its first iterations with the register
 * state tracked; when iterations i and i+1 (or the u-tuples from i and i+u, u ≤ 4: LOOP_PERIODS) are identical, the
 * rest of the repeat is `loop ⌊(c − i)/u⌋, body` (bodies of at most 4095 words, counts of at most 65535, nesting
 * at most the ISA's loop depth), and the registers advance by that many iterations' steps; otherwise
 * iteration i is emitted as it is and the search goes on from i + 1. The straight-line semantics are kept
 * exactly when every tensor's addresses are affine in the loop indices, which the compiler's plans are;
 * `checkCompact` verifies it instruction by instruction (run on every arithmetic compile and in tests).
 *
 * Timing: `compactTimingPlan` gives the plan that the timing-only simulator walks (fast-timing.ts): the
 * dispatch stream of the loop program, each `loop` instruction standing as `seti a0, 0` (a control
 * instruction whose write is discarded: one dispatch cycle, as the `loop` takes; the end of a body costs
 * no cycle) and each loop a repeat of its identical body. So the simulated cycles are the loop program's.
 */
import { createInstruction, ISA, type Instruction } from '../isa/index.js';
import type { PlanNode } from './plan.js';
import type { DramLayout } from './program.js';

/** Words of the instruction memory (the RTL's imem depth, src/codegen/verilog/top.ts): every program must fit. */
export const IMEM_WORDS = 1 << 14;

/** An instruction or a loop of a compact program. */
export type CompactItem = { readonly kind: 'inst'; readonly inst: Instruction } | { readonly kind: 'loop'; readonly count: number; readonly body: readonly CompactItem[] };

/**
 * The periods (in iterations) at which a repeat's iterations are compared: 1, 2 for slot parities that
 * alternate, 3 and 4 for the streamed rings of multi-pass kinds (choose.ts STREAM_RINGS: step s uses slot
 * s mod ring). Without 3 and 4 a ring's k loop never repeats with period 1 or 2, so every level above it
 * was generated and compared whole: a minute per layer.
 */
const LOOP_PERIODS = [1, 2, 3, 4] as const;
const MAX_LOOP_COUNT = 2 ** 16 - 1;
const MAX_LOOP_BODY = 2 ** 12 - 1;
const IMM_MIN = -(2 ** 31);
const IMM_MAX = 2 ** 31 - 1;

/** Region starts (sorted) of a layout; region r uses address register r + 1. */
function regionStarts(layout: DramLayout): number[] {
  const starts = (Object.entries(layout) as [string, number][]).filter(([name, at]) => name !== 'bytes' && name !== 'tensorBytes' && at >= 0).map(([, at]) => at);
  return [...new Set(starts)].sort((a, b) => a - b);
}

/** Register state: the value of each region's register, undefined until its first `seti`. */
type Regs = (number | undefined)[];

class Compactor {
  private readonly starts: number[];
  constructor(layout: DramLayout) {
    this.starts = regionStarts(layout);
    if (this.starts.length + 1 > ISA.machine.addressRegisters) throw new Error(`compact: ${this.starts.length} DRAM regions need more address registers than the ISA has`);
  }

  private region(addr: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (this.starts[mid] <= addr) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Rewrites straight-line code: seti + DMA pairs through the region registers (see the file header). */
  private code(insts: readonly Instruction[], regs: Regs): CompactItem[] {
    const out: CompactItem[] = [];
    for (let j = 0; j < insts.length; j++) {
      const inst = insts[j];
      const next = insts[j + 1];
      if (inst.kind === 'seti' && next && (next.kind === 'load' || next.kind === 'store') && next.dram_reg === inst.rd && next.dram_off === 0 && inst.rd !== 0) {
        const r = this.region(inst.imm);
        const reg = r + 1;
        const have = regs[r];
        const delta = have === undefined ? undefined : inst.imm - have;
        const set = delta === undefined || delta < IMM_MIN || delta > IMM_MAX ? createInstruction('seti', { rd: reg, imm: inst.imm }) : createInstruction('addi', { rd: reg, rs: reg, imm: delta });
        regs[r] = inst.imm;
        out.push({ kind: 'inst', inst: set }, { kind: 'inst', inst: { ...next, dram_reg: reg } });
        j++;
        continue;
      }
      out.push({ kind: 'inst', inst });
    }
    return out;
  }

  node(node: PlanNode, regs: Regs): CompactItem[] {
    switch (node.kind) {
      case 'code':
        return this.code(node.emit(), regs);
      case 'seq':
        return node.items.flatMap((item) => this.node(item, regs));
      case 'repeat':
        return this.repeat(node.count, node.body, regs);
      default: {
        const never: never = node;
        throw new Error(`unknown plan node ${JSON.stringify(never)}`);
      }
    }
  }

  private repeat(count: number, body: (i: number) => PlanNode, regs: Regs): CompactItem[] {
    const out: CompactItem[] = [];
    let i = 0;
    // Iterations i, i+1, … generated in sequence from the current register state, each at most once: the
    // comparisons at every period read them, and when none matches iteration i is emitted from the window
    // (without it each unmatched iteration was generated 21 times, at every nesting level).
    let window: Generated[] = [];
    const generated = (j: number): Generated => {
      while (window.length <= j - i) {
        const s = [...(window.length === 0 ? regs : window[window.length - 1].after)];
        const items = this.node(body(i + window.length), s);
        window.push({ items, keys: items.map((it) => JSON.stringify(it)), after: s });
      }
      return window[j - i];
    };
    search: while (count - i >= 2) {
      for (const u of LOOP_PERIODS) {
        if (count - i < 2 * u) continue;
        const a: CompactItem[] = [];
        for (let j = i; j < i + u; j++) a.push(...generated(j).items);
        if (words(a) > MAX_LOOP_BODY || depth(a) + 1 > ISA.machine.loopDepth) continue;
        generated(i + 2 * u - 1);
        if (!sameKeys(window, u)) continue;
        // identical iterations move every register by the same step
        const s0 = generated(i + u - 1).after;
        const s1 = generated(i + 2 * u - 1).after;
        const q = Math.floor((count - i) / u);
        for (let r = 0; r < regs.length || r < s1.length; r++) {
          const v0 = s0[r];
          const v1 = s1[r];
          if (v0 !== undefined && v1 !== undefined) regs[r] = v0 + (q - 1) * (v1 - v0);
          else regs[r] = v0;
        }
        for (let left = q; left > 0; left -= MAX_LOOP_COUNT) {
          const n = Math.min(MAX_LOOP_COUNT, left);
          if (n === 1) out.push(...a);
          else out.push({ kind: 'loop', count: n, body: a });
        }
        i += q * u;
        window = [];
        continue search;
      }
      const first = generated(i);
      out.push(...first.items);
      for (let r = 0; r < first.after.length; r++) regs[r] = first.after[r];
      window.shift();
      i++;
    }
    if (i < count) {
      const last = generated(i); // the one iteration left
      out.push(...last.items);
      for (let r = 0; r < last.after.length; r++) regs[r] = last.after[r];
    }
    return out;
  }
}

/** One generated iteration of a repeat: its compact items, their keys, and the register state after it. */
interface Generated {
  readonly items: CompactItem[];
  readonly keys: string[];
  readonly after: Regs;
}

/** Whether the u iterations at the window's start equal (item for item) the u after them. */
function sameKeys(window: readonly Generated[], u: number): boolean {
  const a = window.slice(0, u).flatMap((g) => g.keys);
  const b = window.slice(u, 2 * u).flatMap((g) => g.keys);
  return a.length === b.length && a.every((k, x) => k === b[x]);
}

/** Instruction words of compact items (a loop: its own word and its body's). */
export function words(items: readonly CompactItem[]): number {
  return items.reduce((s, it) => s + (it.kind === 'inst' ? 1 : 1 + words(it.body)), 0);
}

/** Loop nesting depth of compact items. */
function depth(items: readonly CompactItem[]): number {
  return items.reduce((d, it) => Math.max(d, it.kind === 'inst' ? 0 : 1 + depth(it.body)), 0);
}

/** The compact form of a straight-line program plan over a DRAM layout (see the file header). */
export function compactPlan(plan: PlanNode, layout: DramLayout): CompactItem[] {
  return new Compactor(layout).node(plan, []);
}

/** The loop program of compact items. */
export function loopProgram(items: readonly CompactItem[], out: Instruction[] = []): Instruction[] {
  for (const it of items) {
    if (it.kind === 'inst') out.push(it.inst);
    else {
      out.push(createInstruction('loop', { count: it.count, body: words(it.body) }));
      loopProgram(it.body, out);
    }
  }
  return out;
}

/** The dispatch-equivalent plan of compact items, for the timing-only simulator (see the file header). */
export function compactTimingPlan(items: readonly CompactItem[]): PlanNode {
  const nodes: PlanNode[] = [];
  let run: Instruction[] = [];
  const flush = (): void => {
    if (run.length === 0) return;
    const insts = run;
    nodes.push({ kind: 'code', emit: () => insts });
    run = [];
  };
  for (const it of items) {
    if (it.kind === 'inst') {
      run.push(it.inst);
      continue;
    }
    run.push(createInstruction('seti', { rd: 0, imm: 0 }));
    flush();
    const body = compactTimingPlan(it.body);
    nodes.push({ kind: 'repeat', count: it.count, body: () => body });
  }
  flush();
  return nodes.length === 1 ? nodes[0] : { kind: 'seq', items: nodes };
}

/** Each non-control instruction a program dispatches, with its DMA's resolved DRAM address (loops expanded). */
function* dispatched(program: readonly Instruction[]): Generator<string> {
  const regs = new Array<number>(ISA.machine.addressRegisters).fill(0);
  const loops: { start: number; end: number; left: number }[] = [];
  let pc = 0;
  while (pc < program.length) {
    const top = loops[loops.length - 1];
    if (top && pc === top.end) {
      if (top.left > 1) {
        top.left--;
        pc = top.start;
      } else loops.pop();
      continue;
    }
    const inst = program[pc++];
    switch (inst.kind) {
      case 'loop':
        loops.push({ start: pc, end: pc + inst.body, left: inst.count });
        break;
      case 'seti':
        if (inst.rd !== 0) regs[inst.rd] = inst.imm;
        break;
      case 'addi':
        if (inst.rd !== 0) regs[inst.rd] = regs[inst.rs] + inst.imm;
        break;
      case 'load':
      case 'store':
        yield JSON.stringify({ ...inst, dram_reg: 0, dram_off: regs[inst.dram_reg] + inst.dram_off });
        break;
      default:
        yield JSON.stringify(inst);
    }
  }
}

/**
 * Throws (an internal error: a compiler invariant) unless the loop program dispatches exactly the
 * straight-line program's instructions with the same DRAM addresses.
 */
export function checkCompact(straight: readonly Instruction[], compact: readonly Instruction[]): void {
  const a = dispatched(straight);
  const b = dispatched(compact);
  for (let n = 0; ; n++) {
    const x = a.next();
    const y = b.next();
    if (x.done && y.done) return;
    if (x.done || y.done || x.value !== y.value) throw new Error(`compact program differs from the straight-line one at dispatched instruction ${n}: ${x.done ? 'end' : x.value} vs ${y.done ? 'end' : y.value}`);
  }
}
