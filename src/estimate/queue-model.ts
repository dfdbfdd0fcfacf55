/**
 * The estimate's timing model of the machine's three queues, restated from the protocol of docs/simulator.md
 * ("DRAM") and isa/README.md's execution model, without data and without statistics: a dispatcher (one
 * instruction a cycle, control instructions included, waiting while the target queue holds QUEUE_DEPTH entries
 * not yet started), the in-order compute queue (one instruction at a time, the kind's closed-form cycles), the
 * load and store DMA queues (issue stage, up to dram_outstanding in flight, in-order retirement one a cycle,
 * the shared DRAM port, latency), and the four token queues (a pop waits for its push; a push into a full queue
 * waits for the pop that makes room).
 *
 * Instructions are taken in program order, each placed at once from what came before; the one exception is
 * the DRAM port, which the simulator grants in order of start (a load first on a tie): a store is held back
 * until a load that starts after it arrives, so a load that starts earlier, though later in the program, gets
 * the port first. A compute instruction that pops a token a held store pushes (a writeback waiting for its
 * output slot) waits with it, and so does every compute instruction after it and a store popping their tokens:
 * loads running several steps ahead (schedule/choose.ts loadsAhead) start before the stores of the steps
 * just computed. Something that needs a held store's or a waiting compute instruction's time (a load popping
 * its token, a full dispatch window, the end) releases the stores in order: every load fed later starts after
 * that time, so the order at the port is the simulator's.
 *
 * `boundary()` gives the state relative to a floor below which no time can matter any more, so a repeat
 * whose state recurs is periodic and `jump` shifts it over whole periods (plan-cost.ts), as the simulator's
 * timing-only run does (src/sim/fast-timing.ts).
 */
import { QUEUE_DEPTH } from '../arch/microarch.js';
import type { Instruction } from '../isa/index.js';
import { findInstruction, ISA } from '../isa/index.js';
import type { DramTiming } from './dram-timing.js';

type Tok = 'lc' | 'cl' | 'cs' | 'sc';
const TOKS: readonly Tok[] = ['lc', 'cl', 'cs', 'sc'];
type Q = 'load' | 'compute' | 'store';
const POPS: Record<Q, readonly (readonly [string, Tok])[]> = { load: [['pop_next', 'cl']], compute: [['pop_prev', 'lc'], ['pop_next', 'sc']], store: [['pop_prev', 'cs']] };
const PUSHES: Record<Q, readonly (readonly [string, Tok])[]> = { load: [['push_next', 'lc']], compute: [['push_prev', 'cl'], ['push_next', 'cs']], store: [['push_prev', 'sc']] };

/** One token queue: the push times not yet popped, and the last pops (a push into a full queue waits for one). */
interface TokenQueue {
  pushes: number[];
  pops: number[];
  pushCount: number;
  popCount: number;
}

/** A DMA queue: issue stage free, last retirements (oldest first, up to dram_outstanding). */
interface DmaQueue {
  issueFree: number;
  retired: number[];
}

/** A store-queue instruction dispatched and waiting for its turn at the port (and its C→S token, `popsCs`). */
interface HeldStore {
  readonly base: number;
  readonly beats: number;
  readonly dma: boolean;
  readonly popsCs: boolean;
  readonly pushes: readonly Tok[];
}

/** A compute-queue instruction waiting for a token that a held store pushes (and those after it, in order). */
interface WaitingCompute {
  readonly base: number;
  readonly cycles: number;
  readonly pops: readonly Tok[];
  readonly pushes: readonly Tok[];
}

/** The mutable state (all times in cycles). */
interface State {
  dispatch: number;
  computeFree: number;
  port: number;
  end: number;
  load: DmaQueue;
  store: DmaQueue;
  tokens: Record<Tok, TokenQueue>;
  /** Start times of each queue's last QUEUE_DEPTH dispatched instructions (NaN: a held store). */
  starts: Record<Q, number[]>;
  held: HeldStore[];
  waiting: WaitingCompute[];
}

/** The state at a repeat boundary, relative to `floor`. */
export interface ModelBoundary {
  readonly key: string;
  readonly floor: number;
}

export class QueueModel {
  private s: State;

  constructor(private readonly timing: DramTiming, private readonly beat: number) {
    const dq = (): DmaQueue => ({ issueFree: 0, retired: [] });
    const tq = (): TokenQueue => ({ pushes: [], pops: [], pushCount: 0, popCount: 0 });
    this.s = {
      dispatch: 0, computeFree: 0, port: 0, end: 0, load: dq(), store: dq(),
      tokens: { lc: tq(), cl: tq(), cs: tq(), sc: tq() },
      starts: { load: [], compute: [], store: [] }, held: [], waiting: [],
    };
  }

  /** Places one instruction; `cycles` is its compute-queue duration (ignored for the others). */
  feed(inst: Instruction, cycles: number): void {
    const s = this.s;
    const queue = findInstruction(inst.kind)?.def.queue ?? 'control';
    if (queue === 'control') {
      s.dispatch++;
      return;
    }
    const q = queue as Q;
    const window = s.starts[q];
    let d = s.dispatch;
    if (window.length >= QUEUE_DEPTH) {
      while (Number.isNaN(window[window.length - QUEUE_DEPTH])) this.releaseOne();
      d = Math.max(d, window[window.length - QUEUE_DEPTH]);
    }
    s.dispatch = d + 1;
    const flags = inst as unknown as Record<string, unknown>;
    const pushes = PUSHES[q].filter(([f]) => flags[f]).map(([, t]) => t);
    const pops = POPS[q].filter(([f]) => flags[f]).map(([, t]) => t);
    let base = d + 1;
    const dma = inst.kind === 'load' || inst.kind === 'store';
    const beats = dma ? inst.rows * Math.ceil(inst.row_bytes / this.beat) : 0;
    if (q === 'store') {
      // its token is taken (queue order) and its time recorded when the store is placed
      s.held.push({ base, beats, dma, popsCs: pops.includes('cs'), pushes });
      this.remember(q, Number.NaN);
      return;
    }
    if (q === 'compute') {
      s.waiting.push({ base, cycles, pops, pushes });
      this.remember(q, Number.NaN);
      this.placeCompute();
      return;
    }
    for (const t of pops) {
      const tq = s.tokens[t];
      while (tq.pushes.length === 0) this.releaseOne();
      base = Math.max(base, tq.pushes[0]);
    }
    const start = this.dmaStart(s.load, base, dma);
    this.releaseStores(start);
    this.pop(q, flags, start);
    this.place(s.load, start, beats, dma, pushes);
    this.remember(q, start);
  }

  /** The cycles of the whole program (after its halt). */
  finish(): number {
    this.releaseStores(Number.POSITIVE_INFINITY);
    if (this.s.waiting.length > 0) throw new Error('queue model: compute instructions wait for tokens that are never pushed');
    return Math.max(this.s.end, this.s.dispatch);
  }

  /** Places the waiting compute instructions, in order, as far as their tokens have been pushed. */
  private placeCompute(): void {
    const s = this.s;
    while (s.waiting.length > 0) {
      const w = s.waiting[0];
      let start = Math.max(s.computeFree, w.base);
      for (const t of w.pops) {
        const tq = s.tokens[t];
        if (tq.pushes.length === 0) return;
        start = Math.max(start, tq.pushes[0]);
      }
      s.waiting.shift();
      for (const t of w.pops) {
        s.tokens[t].pushes.shift();
        this.recordPop(t, start);
      }
      let finish = start + w.cycles;
      const done = finish;
      for (const t of w.pushes) finish = Math.max(finish, this.push(t, done));
      s.computeFree = finish;
      s.end = Math.max(s.end, finish);
      this.fill('compute', start);
    }
  }

  /** Releases the oldest held store (something needs a time that waits on it). */
  private releaseOne(): void {
    const before = this.s.held.length;
    this.releaseStores(Number.POSITIVE_INFINITY, 1);
    if (this.s.held.length === before) throw new Error('queue model: a token is popped that is never pushed');
  }

  /** The state relative to the floor no future time can fall below (see the file header). */
  boundary(tile: string): ModelBoundary {
    const s = this.s;
    const floor = Math.min(s.dispatch, ...s.held.map((h) => h.base), ...s.waiting.map((w) => w.base));
    const c = (v: number): number => (Number.isNaN(v) ? -1 : Math.max(v, floor) - floor);
    const parts: (number | string)[] = [tile, s.dispatch - floor, c(s.computeFree), c(s.port), c(s.end)];
    for (const dq of [s.load, s.store]) parts.push('|', c(dq.issueFree), ...dq.retired.map(c));
    for (const t of TOKS) parts.push('|', ...s.tokens[t].pushes.map(c), '/', ...s.tokens[t].pops.map(c));
    for (const q of ['load', 'compute', 'store'] as const) parts.push('|', ...s.starts[q].map(c));
    for (const h of s.held) parts.push('|', h.base - floor, h.beats, h.dma ? 1 : 0, h.popsCs ? 1 : 0, ...h.pushes);
    for (const w of s.waiting) parts.push('|', w.base - floor, w.cycles, ...w.pops, '/', ...w.pushes);
    return { key: parts.join(','), floor };
  }

  /** Shifts every time by `delta` (whole periods of a repeat skipped). */
  jump(delta: number): void {
    const s = this.s;
    const sh = (v: number): number => v + delta;
    s.dispatch += delta;
    s.computeFree += delta;
    s.port += delta;
    s.end += delta;
    for (const dq of [s.load, s.store]) {
      dq.issueFree += delta;
      dq.retired = dq.retired.map(sh);
    }
    for (const t of TOKS) {
      s.tokens[t].pushes = s.tokens[t].pushes.map(sh);
      s.tokens[t].pops = s.tokens[t].pops.map(sh);
    }
    for (const q of ['load', 'compute', 'store'] as const) s.starts[q] = s.starts[q].map(sh);
    s.held = s.held.map((h) => ({ ...h, base: h.base + delta }));
    s.waiting = s.waiting.map((w) => ({ ...w, base: w.base + delta }));
  }

  /** A DMA queue's start rule: dispatched with its tokens, issue stage free, and an outstanding slot. */
  private dmaStart(dq: DmaQueue, base: number, dma: boolean): number {
    const n = this.timing.outstanding;
    const last = dq.retired.length > 0 ? dq.retired[dq.retired.length - 1] : 0;
    const slot = dma ? (dq.retired.length >= n ? dq.retired[dq.retired.length - n] : 0) : last;
    return Math.max(base, dq.issueFree, slot);
  }

  /** Beats, completion and in-order retirement of a DMA-queue instruction started at `start`. */
  private place(dq: DmaQueue, start: number, beats: number, dma: boolean, pushes: readonly Tok[]): void {
    const s = this.s;
    let done: number;
    if (dma) {
      const g = Math.max(start, s.port);
      s.port = g + beats;
      dq.issueFree = g + beats;
      done = g + beats + this.timing.latency;
    } else done = start + 1;
    const last = dq.retired.length > 0 ? dq.retired[dq.retired.length - 1] : 0;
    let r = Math.max(done, last + 1);
    for (const t of pushes) r = this.push(t, r);
    if (!dma) dq.issueFree = Math.max(dq.issueFree, r);
    dq.retired.push(r);
    if (dq.retired.length > this.timing.outstanding) dq.retired.shift();
    s.end = Math.max(s.end, r);
  }

  /** Places, in order, the held stores that start before `before` (all of them for +∞), at most `most`. */
  private releaseStores(before: number, most = Number.POSITIVE_INFINITY): void {
    const s = this.s;
    for (let k = 0; k < most && s.held.length > 0; k++) {
      const h = s.held[0];
      const cs = s.tokens.cs;
      // its token comes from a compute instruction still waiting: it waits too
      if (h.popsCs && cs.pushes.length === 0) return;
      const start = this.dmaStart(s.store, h.popsCs ? Math.max(h.base, cs.pushes[0]) : h.base, h.dma);
      if (start >= before) return;
      s.held.shift();
      if (h.popsCs) {
        cs.pushes.shift();
        this.recordPop('cs', start);
      }
      this.place(s.store, start, h.beats, h.dma, h.pushes);
      this.fill('store', start);
      this.placeCompute();
    }
  }

  /** Writes the start of a queue's oldest placeholder (a store or compute instruction placed late, in order). */
  private fill(q: Q, start: number): void {
    const w = this.s.starts[q];
    const i = w.findIndex((v) => Number.isNaN(v));
    if (i >= 0) w[i] = start;
  }

  private pop(q: Q, flags: Record<string, unknown>, at: number): void {
    for (const [f, t] of POPS[q]) {
      if (!flags[f]) continue;
      this.s.tokens[t].pushes.shift();
      this.recordPop(t, at);
    }
  }

  private recordPop(t: Tok, at: number): void {
    const tq = this.s.tokens[t];
    tq.pops.push(at);
    tq.popCount++;
    if (tq.pops.length > ISA.machine.tokenDepth) tq.pops.shift();
  }

  /** Pushes token `t` no earlier than `at` (later when its queue is full); returns the push time. */
  private push(t: Tok, at: number): number {
    const tq = this.s.tokens[t];
    const need = tq.pushCount - ISA.machine.tokenDepth;
    let time = at;
    if (need >= 0) {
      const i = need - (tq.popCount - tq.pops.length);
      if (i >= 0 && i < tq.pops.length) time = Math.max(time, tq.pops[i] + 1);
    }
    tq.pushes.push(time);
    tq.pushCount++;
    return time;
  }

  private remember(q: Q, start: number): void {
    const w = this.s.starts[q];
    w.push(start);
    if (w.length > QUEUE_DEPTH) w.shift();
  }
}
