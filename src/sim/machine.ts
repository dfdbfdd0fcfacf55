/**
 * The cycle-level simulator of one accelerator running one ISA program (isa/README.md's execution
 * model): a dispatch unit (one instruction per cycle, control instructions executed there, DMA addresses
 * resolved there, stalling while the target queue holds QUEUE_DEPTH entries), three in-order queues
 * (load, compute, store; the compute queue executes one instruction at a time, each DMA queue keeps up to
 * dram_outstanding DMAs in flight and retires them in order: docs/simulator.md "DRAM"), four dependency-token queues of the
 * ISA's depth, one DRAM port shared by the load and store DMAs, the on-chip buffer spaces as byte arrays,
 * and the accumulator / low-rank entries.
 *
 * Algorithm (event-driven at instruction granularity): every instruction's start time is the maximum of
 * its queue becoming free, its dispatch, and the push times of the tokens it pops; its duration is a
 * closed form (timing.ts); its pushes happen at completion, or — when the token queue is full — one cycle
 * after the consumer pops the token that makes room (the pushing queue stalls meanwhile; placePushes
 * places them once that pop is known). The simulator repeatedly executes the queue head with
 * the earliest possible start among those whose dependencies are known, so DRAM-port requests are served
 * in time order. Cost is linear in the number of instructions; arithmetic is done per tile (SimFacet.execute)
 * on the bytes actually moved by the DMAs, so a wrong address or a missing token shows up as a wrong
 * result or a deadlock, as on hardware.
 *
 * A streaming run (SimOptions.stream) receives its program in pieces and stops when the dispatcher has
 * used one up; streaming-machine.ts builds the timing-only jump over repeated periods on it.
 *
 * Trace points (VCD, compared cycle by cycle with the RTL's trace port, docs/array-rtl.md "Trace"): the
 * pc of the last dispatched instruction; per queue busy (from the first beat / start to the last push;
 * the DMA queues' busy, pc, op and stall are built at the end from every instruction's times, since their
 * instructions overlap: traceDmaQueue),
 * pc and opcode (of the instruction that last became busy) and the stall code (why an idle queue waits);
 * each token counter (a push counts from its push time, a pop from the cycle after the popping start);
 * DRAM port busy (a beat in the cycle); PE array busy (a tile instruction from start to completion).
 */
import { CompileError } from '../compile/errors.js';
import { packMatrix, rowBytes, unpackMatrix } from '../compile/pack.js';
import type { Target } from '../compile/target.js';
import { FP32 } from '../formats/float.js';
import { findInstruction, ISA, isTileOpcode, type Instruction, type IsaBuffer, type IsaRounding } from '../isa/index.js';
import { opcodeOwner, simFacet, type KindInstruction, type SimContext, type SimFacet, type TileOpcode } from '../pe/facets/sim.js';
import type { PeKind } from '../pe/kinds.js';
import { AccStore } from './acc-store.js';
import { dmaQueueTrace, STALL_CODE, type DmaTraceRecord } from './dma-queue-trace.js';
import { dmaPortCycles } from './cycle-rules.js';
import { TokenTimes } from './token-times.js';
import { dramBeatBytes, dramLatency, dramOutstanding, QUEUE_DEPTH } from '../arch/microarch.js';

export type QueueName = 'load' | 'compute' | 'store';
export const QUEUES: readonly QueueName[] = ['load', 'compute', 'store'];
/** The queues of the DMA units, which keep up to dram_outstanding instructions in flight. */
export type DmaQueueName = 'load' | 'store';
export const DMA_QUEUES: readonly DmaQueueName[] = ['load', 'store'];
export type TokenName = 'lc' | 'cl' | 'cs' | 'sc';

/** Why a queue waited before starting an instruction. */
export type StallReason = 'dispatch' | 'dma' | 'compute' | 'buffer_space' | 'dram_port' | 'token_queue_full';
export const STALL_REASONS: readonly StallReason[] = ['dispatch', 'dma', 'compute', 'buffer_space', 'dram_port', 'token_queue_full'];

/** Instruction classes for the cycle breakdown. */
export type InstructionClass = 'load' | 'store' | 'tile' | 'epilogue' | 'config' | 'sync' | 'control';
export const INSTRUCTION_CLASSES: readonly InstructionClass[] = ['load', 'store', 'tile', 'epilogue', 'config', 'sync', 'control'];

export interface SimOptions {
  /** Skip the arithmetic and the data movement (timing only; used for whole-model workloads). */
  readonly timingOnly?: boolean;
  /** Record trace events for a VCD file. */
  readonly trace?: boolean;
  /**
   * The program arrives in pieces (`feed`): `advance` returns when the dispatcher has used up what it
   * was given, at a point where appending the next piece continues exactly as if it had been there all
   * along (streaming-machine.ts). Straight-line programs only (no `loop`).
   */
  readonly stream?: boolean;
  /** Called now and then (every 256 instructions) with the MACs done so far, for progress reports. */
  readonly onProgress?: (macs: number) => void;
}

/** One value change of a trace signal. */
export interface TraceEvent {
  readonly time: number;
  readonly signal: string;
  readonly value: number;
}

export interface MachineStats {
  readonly cycles: number;
  readonly macs: number;
  readonly instructions: number;
  readonly busy: Readonly<Record<QueueName, number>>;
  readonly cyclesByClass: Readonly<Record<InstructionClass, number>>;
  readonly stalls: Readonly<Record<QueueName, Readonly<Record<StallReason, number>>>>;
  readonly peBusyCycles: number;
  readonly bytes: { readonly dramRead: number; readonly dramWrite: number; readonly sramRead: number; readonly sramWrite: number };
}

/** An executed instruction whose token pushes are not all placed yet. */
export interface PendingPushes {
  readonly entry: Entry;
  done: number;
  finish: number;
  readonly toks: TokenName[];
}

/**
 * A load- or store-queue instruction between its start and its retirement (docs/simulator.md "DRAM"):
 * its pushes are placed in order at retirement, at most one retirement per cycle per queue.
 */
export interface InFlight extends PendingPushes {
  /** A DMA; false for a token-only instruction, which waits for the queue to drain and holds it until it retires. */
  readonly dma: boolean;
  /** The wait before its start (the cycle it was bound to, and why), counted as a stall from the previous retirement once that is known. */
  wait?: { at: number; readonly reason: StallReason };
  readonly rec?: DmaTraceRecord;
}

/** The earliest start of a queue head: `base` is where a stall is counted from, `reasonStart` the bound set by dispatch and tokens. */
interface Candidate {
  readonly start: number;
  readonly base: number;
  readonly reason: StallReason | undefined;
  readonly reasonStart: number;
}

export interface Entry {
  readonly inst: Instruction;
  readonly pc: number;
  dispatch: number;
  readonly dram: number;
  start: number;
}

export const POPS: Record<QueueName, readonly [string, TokenName, StallReason][]> = {
  load: [['pop_next', 'cl', 'buffer_space']],
  compute: [
    ['pop_prev', 'lc', 'dma'],
    ['pop_next', 'sc', 'buffer_space'],
  ],
  store: [['pop_prev', 'cs', 'compute']],
};
export const PUSHES: Record<QueueName, readonly [string, TokenName][]> = {
  load: [['push_next', 'lc']],
  compute: [
    ['push_prev', 'cl'],
    ['push_next', 'cs'],
  ],
  store: [['push_prev', 'sc']],
};

function classOf(kind: Instruction['kind']): InstructionClass {
  if (isTileOpcode(kind)) return 'tile';
  switch (kind) {
    case 'load':
      return 'load';
    case 'store':
      return 'store';
    case 'dequant':
    case 'writeback':
    case 'acc_spill':
    case 'acc_fill':
      return 'epilogue';
    case 'setfmt':
    case 'setmode':
    case 'settile':
    case 'setscale':
      return 'config';
    case 'lsync':
    case 'csync':
    case 'ssync':
      return 'sync';
    case 'halt':
    case 'loop':
    case 'seti':
    case 'addi':
      return 'control';
    default: {
      const never: never = kind;
      throw new Error(`unknown instruction ${String(never)}`);
    }
  }
}



/** Simulates `program` on `target` with DRAM image `dram` (mutated by stores). */
export class Machine {
  private readonly buffers: Record<IsaBuffer, Uint8Array>;
  private readonly acc: AccStore;
  private readonly lrt: Float64Array;
  /** The PE kind's simulator hooks, and the view of this machine they get. */
  private readonly kind: SimFacet<PeKind>;
  private readonly ctx: SimContext<PeKind>;
  // Timing state (protected: streaming-machine.ts normalizes and shifts it at program boundaries).
  protected readonly queues: Record<QueueName, Entry[]> = { load: [], compute: [], store: [] };
  protected readonly heads: Record<QueueName, number> = { load: 0, compute: 0, store: 0 };
  protected readonly free: Record<QueueName, number> = { load: 0, compute: 0, store: 0 };
  protected readonly tokens: Record<TokenName, TokenTimes> = { lc: new TokenTimes(), cl: new TokenTimes(), cs: new TokenTimes(), sc: new TokenTimes() };
  private readonly regs = new Array<number>(ISA.machine.addressRegisters).fill(0);
  protected readonly loops: { start: number; end: number; left: number }[] = [];
  private program: readonly Instruction[];
  private pc = 0;
  /** Index of program[0] in the whole instruction stream (streaming runs receive it in pieces). */
  private pcBase = 0;
  /** Set when a streaming dispatcher has used up its program (see SimOptions.stream). */
  private starved = false;
  protected dispatchTime = 0;
  protected halted = false;
  /** The cycle the halt was dispatched in (the RTL's `halted` register is set from the next cycle). */
  private haltTime = -1;
  protected portFree = 0;
  /** Per queue: the executed instruction whose token pushes are not all placed yet (see execute; compute queue only). */
  protected readonly pending: Record<QueueName, PendingPushes | undefined> = { load: undefined, compute: undefined, store: undefined };
  /** Per DMA queue: the started instructions not yet retired, oldest first (placeFlight). */
  protected readonly flight: Record<DmaQueueName, InFlight[]> = { load: [], store: [] };
  /** Per DMA queue: retirement times of its last dram_outstanding retired instructions, oldest first. */
  protected readonly retired: Record<DmaQueueName, number[]> = { load: [], store: [] };
  /** Per DMA queue: the first cycle its issue stage is free (the cycle after a DMA's last beat). */
  protected readonly issueFree: Record<DmaQueueName, number> = { load: 0, store: 0 };
  /** Per DMA queue: completion time of its latest instruction (busy cycles are the union of [begin, done)). */
  protected readonly lastDone: Record<DmaQueueName, number> = { load: 0, store: 0 };
  private readonly dmaTrace: Record<DmaQueueName, DmaTraceRecord[]> = { load: [], store: [] };
  protected end = 0;
  // Configuration registers.
  protected tile = { m: 1, n: 1, k: 1 };
  protected group = 1;
  protected rank = 0;
  protected simdMode = 0;
  private tscale = 1;
  /** The setfmt rounding register (qact's codes). */
  private rounding: IsaRounding = 'rne';
  // Statistics.
  protected macs = 0;
  protected count = 0;
  protected peBusy = 0;
  protected readonly busy: Record<QueueName, number> = { load: 0, compute: 0, store: 0 };
  /** Instructions executed per queue. */
  protected readonly executed: Record<QueueName, number> = { load: 0, compute: 0, store: 0 };
  protected readonly byClass: Record<InstructionClass, number> = { load: 0, store: 0, tile: 0, epilogue: 0, config: 0, sync: 0, control: 0 };
  protected readonly stalls: Record<QueueName, Record<StallReason, number>>;
  protected readonly bytes = { dramRead: 0, dramWrite: 0, sramRead: 0, sramWrite: 0 };
  readonly events: TraceEvent[] = [];

  constructor(
    protected readonly target: Target,
    program: readonly Instruction[],
    private readonly dram: Uint8Array | undefined,
    private readonly options: SimOptions = {},
  ) {
    this.program = program;
    const cap = target.capacity;
    const alloc = (b: IsaBuffer): Uint8Array => new Uint8Array(options.timingOnly ? 0 : cap[b]);
    this.buffers = { act: alloc('act'), wgt: alloc('wgt'), meta: alloc('meta'), out: alloc('out'), lrw: alloc('lrw') };
    this.kind = simFacet(target.golden.kind);
    this.acc = new AccStore(options.timingOnly ? 0 : target.accEntries, this.kind.wideAccumulators(target.golden));
    this.lrt = new Float64Array(options.timingOnly ? 0 : target.lrtEntries);
    this.ctx = this.simContext();
    const zero = (): Record<StallReason, number> => ({ dispatch: 0, dma: 0, compute: 0, buffer_space: 0, dram_port: 0, token_queue_full: 0 });
    this.stalls = { load: zero(), compute: zero(), store: zero() };
    if (!options.timingOnly && !dram) throw new Error('Machine: a DRAM image is needed unless timingOnly');
  }

  private trace(time: number, signal: string, value: number): void {
    if (this.options.trace) this.events.push({ time, signal, value });
  }

  /** Dispatches until the stream halts or a full queue blocks it. */
  private dispatch(): void {
    while (!this.halted) {
      if (this.pc >= this.program.length && this.options.stream) {
        this.starved = true;
        return;
      }
      if (this.pc >= this.program.length) throw new CompileError('bad-program', `the program runs past its end at instruction ${this.pc} without a halt`);
      const top = this.loops[this.loops.length - 1];
      if (top && this.pc === top.end) {
        if (top.left > 1) {
          top.left--;
          this.pc = top.start;
        } else this.loops.pop();
        continue;
      }
      const inst = this.program[this.pc];
      const info = findInstruction(inst.kind);
      const queue = info?.def.queue ?? 'control';
      if (queue === 'control') {
        this.trace(this.dispatchTime, 'dispatch_pc', this.pcBase + this.pc);
        switch (inst.kind) {
          case 'halt':
            this.halted = true;
            this.haltTime = this.dispatchTime;
            break;
          case 'loop':
            if (this.options.stream) throw new Error('Machine: a streamed program cannot hold loops');
            if (this.loops.length >= ISA.machine.loopDepth) throw new CompileError('bad-program', `loop at ${this.pc} nests deeper than ${ISA.machine.loopDepth}`);
            this.loops.push({ start: this.pc + 1, end: this.pc + 1 + inst.body, left: inst.count });
            break;
          case 'seti':
            if (inst.rd !== 0) this.regs[inst.rd] = inst.imm;
            break;
          case 'addi':
            if (inst.rd !== 0) this.regs[inst.rd] = (((this.regs[inst.rs] + inst.imm) % 2 ** 40) + 2 ** 40) % 2 ** 40;
            break;
          default:
            throw new Error(`not a control instruction: ${inst.kind}`);
        }
        this.byClass.control++;
        this.dispatchTime++;
        this.pc++;
        continue;
      }
      const q = queue as QueueName;
      const list = this.queues[q];
      let t = this.dispatchTime;
      if (list.length >= QUEUE_DEPTH) {
        const blocker = list[list.length - QUEUE_DEPTH];
        if (blocker.start < 0) return; // the queue is full until that entry starts
        t = Math.max(t, blocker.start);
      }
      const dram = inst.kind === 'load' || inst.kind === 'store' ? (this.regs[inst.dram_reg] + inst.dram_off) % 2 ** 40 : 0;
      list.push({ inst, pc: this.pcBase + this.pc, dispatch: t, dram, start: -1 });
      this.trace(t, 'dispatch_pc', this.pcBase + this.pc);
      this.dispatchTime = t + 1;
      this.pc++;
    }
  }

  /**
   * Earliest start of queue q's head, or undefined when it waits on something not yet known. The bound
   * set by dispatch and tokens (`reasonStart`, with the last constraint that raised it) is taken first;
   * the compute queue then waits for its previous instruction (`free`), a DMA queue for its issue stage
   * and an outstanding slot (the retirement of the instruction dram_outstanding before; a token-only
   * instruction for every earlier one).
   */
  private candidate(q: QueueName): Candidate | undefined {
    const e = this.queues[q][this.heads[q]];
    if (!e || this.pending[q]) return undefined;
    let reasonStart = Number.NEGATIVE_INFINITY;
    let reason: StallReason | undefined;
    if (e.dispatch + 1 > reasonStart) {
      reasonStart = e.dispatch + 1;
      reason = 'dispatch';
    }
    const flags = e.inst as unknown as Record<string, unknown>;
    for (const [flag, tok, why] of POPS[q]) {
      if (!flags[flag]) continue;
      const tq = this.tokens[tok];
      const t = tq.pushAt(tq.popCount);
      if (t === undefined) return undefined;
      if (t > reasonStart) {
        reasonStart = t;
        reason = why;
      }
    }
    const base = this.free[q];
    if (q === 'compute') return { start: Math.max(base, reasonStart), base, reason: reasonStart > base ? reason : undefined, reasonStart };
    const fl = this.flight[q];
    if (fl.some((f) => !f.dma)) return undefined;
    let slot: number;
    if (e.inst.kind === 'load' || e.inst.kind === 'store') {
      const n = dramOutstanding(this.target);
      if (fl.length >= n) return undefined;
      const r = this.retired[q];
      slot = r[r.length - (n - fl.length)] ?? 0;
    } else {
      if (fl.length > 0) return undefined;
      slot = base;
    }
    return { start: Math.max(this.issueFree[q], slot, reasonStart), base, reason, reasonStart };
  }

  /** Runs the program to completion; throws CompileError on a deadlock or a bad access. */
  run(): MachineStats {
    if (!this.advance()) throw new CompileError('bad-program', `the program runs past its end at instruction ${this.pcBase + this.pc} without a halt`);
    return this.finish();
  }

  /** Streaming runs: appends the next piece of the program (call when `advance` returned false). */
  feed(instructions: readonly Instruction[]): void {
    if (!this.options.stream) throw new Error('Machine.feed needs SimOptions.stream');
    if (this.pc < this.program.length) throw new Error('Machine.feed before the dispatcher used up its program');
    this.pcBase += this.program.length;
    this.program = instructions;
    this.pc = 0;
  }

  /**
   * Simulates until every instruction has completed after a halt (true) or, in a streaming run, until
   * the dispatcher needs the next piece of the program (false).
   */
  advance(): boolean {
    for (;;) {
      this.starved = false;
      this.dispatch();
      if (this.starved) return false;
      let best: (Candidate & { q: QueueName }) | undefined;
      for (const q of QUEUES) {
        const c = this.candidate(q);
        if (c && (!best || c.start < best.start)) best = { q, ...c };
      }
      if (!best) {
        const pending = QUEUES.filter((q) => this.heads[q] < this.queues[q].length || this.pending[q] || (q !== 'compute' && this.flight[q].length > 0));
        if (this.halted && pending.length === 0) return true;
        const what = pending.map((q) => { const e = this.pending[q]?.entry ?? (q !== 'compute' ? this.flight[q][0]?.entry : undefined) ?? this.queues[q][this.heads[q]]; return `${q} queue at instruction ${e.pc} (${e.inst.kind})`; }).join(', ');
        throw new CompileError('bad-program', `deadlock: ${what || 'dispatch'} waiting for tokens that are never pushed`);
      }
      this.execute(best.q, best);
      if (this.options.onProgress && this.count % 256 === 0) this.options.onProgress(this.macs);
      // a start pops tokens: pushes that waited for room may now be placed
      for (const q of QUEUES) {
        if (q === 'compute') this.placePushes(q);
        else this.placeFlight(q);
      }
    }
  }

  /** The statistics of a completed run (after `advance` returned true). */
  finish(): MachineStats {
    this.end = Math.max(this.end, this.dispatchTime);
    if (this.options.trace) for (const q of DMA_QUEUES) this.traceDmaQueue(q);
    // After each queue's last instruction: waiting for dispatch until the halt, then idle.
    for (const q of QUEUES) {
      const f = this.free[q];
      if (this.haltTime + 1 > f) this.trace(f, `${q}_stall`, STALL_CODE.dispatch);
      this.trace(Math.max(f, this.haltTime + 1), `${q}_stall`, STALL_CODE.none);
    }
    return {
      cycles: this.end,
      macs: this.macs,
      instructions: this.count,
      busy: { ...this.busy },
      cyclesByClass: { ...this.byClass },
      stalls: { load: { ...this.stalls.load }, compute: { ...this.stalls.compute }, store: { ...this.stalls.store } },
      peBusyCycles: this.peBusy,
      bytes: { ...this.bytes },
    };
  }

  /**
   * Starts queue q's head at `start`: pops its tokens, times it, applies its effect, and leaves its token
   * pushes pending (placePushes): a push to a full token queue waits for the consumer's pop, whose time
   * is known only once the consumer has started.
   */
  private execute(q: QueueName, c: Candidate): void {
    const { start, base, reason } = c;
    const e = this.queues[q][this.heads[q]++];
    e.start = start;
    this.count++;
    this.executed[q]++;
    if (q === 'compute' && reason && start > base) this.stalls[q][reason] += start - base;
    const flags = e.inst as unknown as Record<string, unknown>;
    const waits = q !== 'compute' && this.options.trace ? this.tokenWaits(q, e) : [];
    if (q === 'compute') this.traceWait(q, e, base, start);
    for (const [flag, tok] of POPS[q]) {
      if (!flags[flag]) continue;
      this.tokens[tok].addPop(start);
      // the token counter drops at the edge after the popping cycle
      this.trace(start + 1, `tok_${tok}`, -1);
    }
    let begin = start;
    let done: number;
    const inst = e.inst;
    if (inst.kind === 'load' || inst.kind === 'store') {
      const bytes = inst.rows * inst.row_bytes;
      begin = Math.max(start, this.portFree);
      if (begin > start) this.stalls[q].dram_port += begin - start;
      const x = dmaPortCycles(inst.rows, inst.row_bytes, dramBeatBytes(this.target));
      this.portFree = begin + x;
      if (q !== 'compute') this.issueFree[q] = begin + x;
      done = begin + x + dramLatency(this.target);
      this.trace(begin, 'dram_busy', 1);
      this.trace(begin + x, 'dram_busy', 0);
      if (inst.kind === 'load') {
        this.bytes.dramRead += bytes;
        this.bytes.sramWrite += bytes;
      } else {
        this.bytes.dramWrite += bytes;
        this.bytes.sramRead += bytes;
      }
      if (!this.options.timingOnly) this.dma(inst, e.dram);
    } else {
      done = start + this.computeCycles(inst);
      if (!this.options.timingOnly) this.compute(inst);
      else this.computeBookkeeping(inst);
      if (classOf(inst.kind) === 'tile') {
        this.peBusy += done - start;
        this.trace(start, 'pe_busy', 1);
        this.trace(done, 'pe_busy', 0);
      }
    }
    const cls = classOf(inst.kind);
    const op = findInstruction(inst.kind)?.def.opcode ?? 0;
    const toks = PUSHES[q].filter(([flag]) => flags[flag]).map(([, tok]) => tok);
    if (q !== 'compute') {
      this.startInFlight(q, e, c, { begin, done, op, toks, waits });
      return;
    }
    this.byClass[cls] += done - begin;
    this.busy[q] += done - begin;
    this.trace(start, `${q}_stall`, begin > start ? STALL_CODE.dram_port : STALL_CODE.none);
    this.trace(begin, `${q}_stall`, STALL_CODE.none);
    this.trace(begin, `${q}_busy`, 1);
    this.trace(begin, `${q}_pc`, e.pc);
    this.trace(begin, `${q}_op`, op);
    this.pending[q] = { entry: e, done, finish: done, toks };
    this.placePushes(q);
  }

  /**
   * Bookkeeping of a started load- or store-queue instruction: busy cycles (the union of the
   * instructions' [begin, done)), the issue stage (free after a DMA's last beat; a token-only instruction
   * holds it until it retires), the stall before its start (counted from the previous retirement, which
   * may not be known yet), and its place in the in-flight list.
   */
  private startInFlight(q: DmaQueueName, e: Entry, c: Candidate, x: { begin: number; done: number; op: number; toks: TokenName[]; waits: DmaTraceRecord['waits'] }): void {
    const dma = e.inst.kind === 'load' || e.inst.kind === 'store';
    const add = Math.max(0, x.done - Math.max(x.begin, this.lastDone[q]));
    this.byClass[classOf(e.inst.kind)] += add;
    this.busy[q] += add;
    this.lastDone[q] = Math.max(this.lastDone[q], x.done);
    if (!dma) this.issueFree[q] = x.done;
    const fl = this.flight[q];
    let wait: InFlight['wait'];
    if (c.reason) {
      if (fl.length === 0) {
        if (c.reasonStart > this.free[q]) this.stalls[q][c.reason] += c.reasonStart - this.free[q];
      } else wait = { at: c.reasonStart, reason: c.reason };
    }
    const rec = this.options.trace ? { start: e.start, begin: x.begin, done: x.done, retire: -1, pc: e.pc, op: x.op, dispatch: e.dispatch, waits: x.waits } : undefined;
    if (rec) this.dmaTrace[q].push(rec);
    fl.push({ entry: e, done: x.done, finish: x.done, toks: x.toks, dma, ...(wait ? { wait } : {}), ...(rec ? { rec } : {}) });
    this.placeFlight(q);
  }

  /**
   * Retires queue q's in-flight instructions in order (docs/simulator.md "DRAM"): the oldest retires at
   * max(its completion, the previous retirement + 1), its pushes placed as placePushes places them (a full
   * token queue delays it to one cycle after the pop that makes room, and every later one behind it).
   */
  private placeFlight(q: DmaQueueName): void {
    const fl = this.flight[q];
    while (fl.length > 0) {
      const p = fl[0];
      p.finish = Math.max(p.finish, this.free[q] + 1);
      while (p.toks.length > 0) {
        const tq = this.tokens[p.toks[0]];
        const need = tq.pushCount - ISA.machine.tokenDepth;
        let t = p.finish;
        if (need >= 0) {
          const popped = tq.popAt(need);
          if (popped === undefined) return;
          if (popped + 1 > t) {
            this.stalls[q].token_queue_full += popped + 1 - t;
            t = popped + 1;
          }
        }
        tq.addPush(t);
        this.trace(t, `tok_${p.toks[0]}`, 1);
        p.finish = t;
        p.toks.shift();
      }
      const r = p.finish;
      fl.shift();
      this.free[q] = r;
      const window = this.retired[q];
      window.push(r);
      if (window.length > dramOutstanding(this.target)) window.shift();
      this.end = Math.max(this.end, r);
      if (!p.dma) this.issueFree[q] = Math.max(this.issueFree[q], r);
      if (p.rec) p.rec.retire = r;
      const next = fl[0];
      if (next?.wait) {
        if (next.wait.at > r) this.stalls[q][next.wait.reason] += next.wait.at - r;
        next.wait = undefined;
      }
    }
  }

  /** The push times of the tokens entry e pops (before it pops them), in POPS order. */
  private tokenWaits(q: QueueName, e: Entry): DmaTraceRecord['waits'] {
    const flags = e.inst as unknown as Record<string, unknown>;
    return POPS[q].filter(([flag]) => flags[flag]).map(([, tok, why]) => ({ at: this.tokens[tok].pushAt(this.tokens[tok].popCount) ?? Number.POSITIVE_INFINITY, why }));
  }

  /** The DMA queue's busy, pc, op and stall trace events (dma-queue-trace.ts). */
  private traceDmaQueue(q: DmaQueueName): void {
    for (const e of dmaQueueTrace(q, this.dmaTrace[q])) this.trace(e.time, e.signal, e.value);
  }


  /**
   * Places the pending pushes of queue q in order. A push happens at completion (`done`) when the token
   * queue has room; when it is full, one cycle after the consumer pops the token that makes room (the
   * producer sees the pop in the popping cycle and pushes at the next edge). The queue becomes free when
   * its last push is placed.
   */
  private placePushes(q: QueueName): void {
    const p = this.pending[q];
    if (!p) return;
    while (p.toks.length > 0) {
      const tq = this.tokens[p.toks[0]];
      const need = tq.pushCount - ISA.machine.tokenDepth;
      let t = p.done;
      if (need >= 0) {
        const popped = tq.popAt(need);
        if (popped === undefined) return;
        if (popped + 1 > t) {
          this.stalls[q].token_queue_full += popped + 1 - t;
          t = popped + 1;
        }
      }
      tq.addPush(t);
      this.trace(t, `tok_${p.toks[0]}`, 1);
      p.finish = Math.max(p.finish, t);
      p.toks.shift();
    }
    this.pending[q] = undefined;
    this.free[q] = p.finish;
    this.end = Math.max(this.end, p.finish);
    if (p.finish > p.done) this.trace(p.done, `${q}_stall`, STALL_CODE.token_queue_full);
    this.trace(p.finish, `${q}_busy`, 0);
    this.trace(p.finish, `${q}_stall`, STALL_CODE.none);
  }

  /**
   * Trace of queue q's stall code while it waits for entry e, from `base` (the previous instruction's
   * finish) to `start`, per cycle as the RTL defines it: waiting for dispatch while the queue is empty,
   * then for each cycle the first missing token in POPS order (a token pushed at time t is there from
   * cycle t on).
   */
  private traceWait(q: QueueName, e: Entry, base: number, start: number): void {
    const signal = `${q}_stall`;
    if (e.dispatch + 1 > base) this.trace(base, signal, STALL_CODE.dispatch);
    const from = Math.max(base, e.dispatch + 1);
    if (from >= start) return;
    const flags = e.inst as unknown as Record<string, unknown>;
    const waits = POPS[q].filter(([flag]) => flags[flag]).map(([, tok, why]) => ({ at: this.tokens[tok].pushAt(this.tokens[tok].popCount) ?? Number.POSITIVE_INFINITY, why }));
    const times = [from, ...waits.map((w) => w.at).filter((t) => t > from && t < start)].sort((a, b) => a - b);
    for (const c of times) {
      const missing = waits.find((w) => w.at > c);
      this.trace(c, signal, missing ? STALL_CODE[missing.why] : STALL_CODE.none);
    }
  }

  private check(buf: IsaBuffer, addr: number, bytes: number, what: string): void {
    if (addr < 0 || addr + bytes > this.target.capacity[buf]) {
      throw new CompileError('bad-program', `${what}: ${bytes} bytes at ${buf} address ${addr} exceed the ${buf} buffer space (${this.target.capacity[buf]} bytes)`);
    }
  }

  private dma(inst: Extract<Instruction, { kind: 'load' | 'store' }>, base: number): void {
    const dram = this.dram as Uint8Array;
    const buf = this.buffers[inst.buf];
    this.check(inst.buf, inst.buf_addr, inst.rows * inst.row_bytes, inst.kind);
    for (let r = 0; r < inst.rows; r++) {
      const d = base + r * inst.dram_stride;
      if (d + inst.row_bytes > dram.length) throw new CompileError('bad-program', `${inst.kind}: DRAM bytes ${d}..${d + inst.row_bytes} lie outside the ${dram.length}-byte image`);
      const b = inst.buf_addr + r * inst.row_bytes;
      if (inst.kind === 'load') buf.set(dram.subarray(d, d + inst.row_bytes), b);
      else dram.set(buf.subarray(b, b + inst.row_bytes), d);
    }
  }

  private read(buf: IsaBuffer, addr: number, rows: number, cols: number, bits: number, what: string): Uint32Array {
    const bytes = rows * rowBytes(cols, bits);
    this.check(buf, addr, bytes, what);
    return unpackMatrix(this.buffers[buf], addr, rows, cols, bits);
  }

  private write(buf: IsaBuffer, addr: number, rows: number, cols: number, bits: number, codes: ArrayLike<number>, what: string): void {
    const bytes = rows * rowBytes(cols, bits);
    this.check(buf, addr, bytes, what);
    this.buffers[buf].fill(0, addr, addr + bytes); // whole bytes: a row's padding bits are written as 0
    packMatrix(codes, rows, cols, bits, this.buffers[buf], addr);
  }

  private checkAcc(base: number, entries: number, what: string): void {
    if (base + entries > this.target.accEntries) throw new CompileError('bad-program', `${what}: accumulator entries ${base}..${base + entries} exceed the ${this.target.accEntries} entries`);
  }

  /** What the PE kind's hooks see of this machine (live: the getters read the current registers). */
  private simContext(): SimContext<PeKind> {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the getters below read this machine's live state
    const self = this;
    return {
      t: this.target as SimContext<PeKind>['t'],
      get tile() {
        return self.tile;
      },
      get group() {
        return self.group;
      },
      get rank() {
        return self.rank;
      },
      get tscale() {
        return self.tscale;
      },
      get simd() {
        return self.simdMode;
      },
      acc: this.acc,
      lrt: this.lrt,
      timingOnly: this.options.timingOnly === true,
      get rounding() {
        return self.rounding;
      },
      read: (buf, addr, rows, cols, bits, what) => this.read(buf, addr, rows, cols, bits, what),
      peek: (buf, addr, rows, cols, bits, what) => this.read(buf, addr, rows, cols, bits, what),
      write: (buf, addr, rows, cols, bits, codes, what) => this.write(buf, addr, rows, cols, bits, codes, what),
      checkAcc: (base, entries, what) => this.checkAcc(base, entries, what),
    };
  }

  /** CompileError('bad-program') unless the array's PE kind executes tile opcode `op`. */
  private checkOpcode(op: TileOpcode): void {
    if (this.kind.opcodes.includes(op)) return;
    const owner = opcodeOwner(op);
    throw new CompileError('bad-program', `${op} needs ${owner ?? 'other'} PEs, the array has ${this.target.pe.kind}`);
  }

  /** The kind's raw accumulator transfer (the K split's acc_spill / acc_fill); CompileError('bad-program') when it has none. */
  private raw(op: 'acc_spill' | 'acc_fill'): NonNullable<SimFacet<PeKind>['rawAccumulator']> {
    const raw = this.kind.rawAccumulator;
    if (!raw) throw new CompileError('bad-program', `${op} cannot run on ${this.target.golden.kind} PEs`);
    return raw;
  }

  /** Cycles of a compute-queue instruction (timing.ts; the kind's own in src/pe/<kind>/timing.ts). */
  private computeCycles(inst: Instruction): number {
    if (isTileOpcode(inst.kind)) this.checkOpcode(inst.kind);
    switch (inst.kind) {
      case 'mod_tile':
      case 'simd_tile':
      case 'mac_tile':
      case 'qgemm_tile':
      case 'lr_down':
      case 'lr_up':
      case 'qact':
      case 'dequant':
      case 'writeback':
        return this.kind.cycles(inst, this.ctx);
      case 'acc_spill':
        return this.raw(inst.kind).spillCycles(this.ctx.t, this.tile.m, this.tile.n);
      case 'acc_fill':
        return this.raw(inst.kind).fillCycles(this.ctx.t, this.tile.m, this.tile.n);
      default:
        return 1;
    }
  }

  /**
   * Bytes a compute instruction reads from and writes to the buffers: what compute() reads and writes,
   * counted here once so that timing-only runs report the same SRAM traffic as arithmetic runs.
   */
  private sramTraffic(inst: Instruction): { read: number; write: number } {
    if (inst.kind === 'writeback') return { read: 0, write: this.tile.m * this.tile.n * (this.target.bits.out / 8) };
    // the K split's raw transfers: 4 bytes per entry, written to the out space / read from the meta space
    if (inst.kind === 'acc_spill') return { read: 0, write: this.tile.m * this.tile.n * 4 };
    if (inst.kind === 'acc_fill') return { read: this.tile.m * this.tile.n * 4, write: 0 };
    if (inst.kind === 'dequant' || isTileOpcode(inst.kind)) return this.kind.sramBytes(inst as KindInstruction, this.ctx);
    return { read: 0, write: 0 };
  }

  private computeBookkeeping(inst: Instruction): void {
    const traffic = this.sramTraffic(inst);
    this.bytes.sramRead += traffic.read;
    this.bytes.sramWrite += traffic.write;
    switch (inst.kind) {
      case 'settile':
        this.tile = { m: inst.m, n: inst.n, k: inst.k };
        break;
      case 'setmode':
        this.group = inst.group;
        this.rank = inst.rank;
        this.simdMode = inst.simd;
        break;
      case 'mod_tile':
      case 'simd_tile':
      case 'mac_tile':
      case 'qgemm_tile':
        this.macs += this.tile.m * this.tile.n * this.tile.k;
        break;
      default:
        break;
    }
  }

  /** Executes a compute instruction's effect on the buffers and entries. */
  private compute(inst: Instruction): void {
    this.computeBookkeeping(inst);
    const t = this.target;
    const cfg = t.golden;
    const { m, n } = this.tile;
    const bits = t.bits;
    switch (inst.kind) {
      case 'setscale':
        this.tscale = FP32.decode(inst.value);
        return;
      case 'setfmt':
        this.rounding = inst.rounding;
        return;
      case 'setmode':
        this.kind.checkSetmode(inst, t as SimContext<PeKind>['t']);
        return;
      case 'mod_tile':
      case 'simd_tile':
      case 'mac_tile':
      case 'qgemm_tile':
      case 'lr_down':
      case 'lr_up':
      case 'qact':
        if (!this.kind.opcodes.includes(inst.kind)) throw new CompileError('bad-program', `${inst.kind} cannot run on ${cfg.kind} PEs`);
        this.kind.execute(inst, this.ctx);
        return;
      case 'dequant':
        this.checkAcc(inst.acc, m * n, 'dequant');
        this.kind.execute(inst, this.ctx);
        return;
      case 'writeback': {
        this.checkAcc(inst.acc, m * n, 'writeback');
        const ob = bits.out / 8;
        this.check('out', inst.out, m * n * ob, 'writeback');
        const out = this.buffers.out;
        if (inst.relu) throw new CompileError('bad-program', 'writeback relu is not simulated');
        for (let e = 0; e < m * n; e++) {
          const a = inst.acc + e;
          let code = this.kind.writeback(cfg, this.acc, a);
          let p = inst.out + e * ob;
          for (let b = 0; b < ob; b++) {
            out[p++] = code & 0xff;
            code = Math.floor(code / 256);
          }
        }
        return;
      }
      case 'acc_spill': {
        // the K split's raw write-out: each entry's 32 bits, little-endian, the [m, n] tile row-major
        const raw = this.raw(inst.kind);
        this.checkAcc(inst.acc, m * n, 'acc_spill');
        this.check('out', inst.out, m * n * 4, 'acc_spill');
        const out = this.buffers.out;
        for (let e = 0; e < m * n; e++) {
          const w = raw.word(this.acc, inst.acc + e);
          for (let b = 0; b < 4; b++) out[inst.out + 4 * e + b] = Math.floor(w / 2 ** (8 * b)) & 0xff;
        }
        return;
      }
      case 'acc_fill': {
        // its inverse: entries from 32-bit little-endian words of the meta space
        const raw = this.raw(inst.kind);
        this.checkAcc(inst.acc, m * n, 'acc_fill');
        this.check('meta', inst.meta, m * n * 4, 'acc_fill');
        const src = this.buffers.meta;
        for (let e = 0; e < m * n; e++) {
          let w = 0;
          for (let b = 3; b >= 0; b--) w = w * 256 + src[inst.meta + 4 * e + b];
          raw.fill(this.acc, inst.acc + e, w);
        }
        return;
      }
      default:
        return;
    }
  }
}
