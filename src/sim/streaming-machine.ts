/**
 * The timing-only machine of fast-timing.ts: a Machine fed its program in pieces that can, at a program
 * boundary, (1) describe its timing state relative to the current dispatch time as a key, and (2) jump
 * forward by whole periods once two boundaries have the same key.
 *
 * Why a jump is exact: every timing rule of the machine is built from max and + over times, so the
 * evolution from a state shifted by Δ is the original evolution shifted by Δ (the queue choice breaks
 * ties by a fixed order, never by absolute time). If the state at boundary b equals the state at an
 * earlier boundary a shifted by Δ, and the instructions after b repeat those after a (a plan repeat,
 * plan.ts), the state at b + j·(b − a) is the state at a shifted by (j + 1)·Δ, and every counter grows
 * by the same amount per period.
 *
 * The key must hold all the state that decides the future, and only that, or periods are never found.
 * Times far in the past are brought up to a lower bound below which their value cannot matter (each such
 * rewrite of the machine state is neutral: the simulated times and counters stay what they would have
 * been); `normalize` lists them. The exception is a queue's `free` time, which also sets the stall
 * counted when that queue next starts (start − free): when it is below the queue's next possible start
 * it leaves the key, and a jump keeps it unshifted for a queue that executed nothing in the period (its
 * stall is then counted in full when it next starts) and requires it to match for one that did.
 */
import { ISA, type Instruction } from '../isa/index.js';
import { DMA_QUEUES, INSTRUCTION_CLASSES, Machine, POPS, PUSHES, QUEUES, STALL_REASONS, type QueueName, type TokenName } from './machine.js';
import { QUEUE_DEPTH } from './timing.js';

/** Instruction fields that name addresses, registers or data: they never change timing in a timing-only run. */
const DATA_FIELDS = new Set(['act', 'wgt', 'acc', 'out', 'lrw', 'lrt', 'meta', 'ascale', 'wscale', 'cscale', 'bias', 'buf_addr', 'dram_reg', 'dram_off', 'dram_stride', 'imm', 'rd', 'rs', 'value', 'clear', 'src', 'dst', 'scales']);

/** The timing content of an instruction: its kind and every field that is not an address or data. */
export function timingContent(inst: Instruction): string {
  const parts: string[] = [inst.kind];
  for (const [key, value] of Object.entries(inst)) if (key !== 'kind' && !DATA_FIELDS.has(key)) parts.push(`${key}=${String(value)}`);
  return parts.join(' ');
}

/** The queue that pops each token queue, and the one that pushes it. */
const CONSUMER = {} as Record<TokenName, QueueName>;
const PRODUCER = {} as Record<TokenName, QueueName>;
for (const q of QUEUES) {
  for (const [, tok] of POPS[q]) CONSUMER[tok] = q;
  for (const [, tok] of PUSHES[q]) PRODUCER[tok] = q;
}
const TOKENS: readonly TokenName[] = ['lc', 'cl', 'cs', 'sc'];

/** What fast-timing.ts records at a boundary. */
export interface Boundary {
  /** The timing state relative to `time`. */
  readonly key: string;
  /** The dispatch time at the boundary. */
  readonly time: number;
  /** Every statistic counter (see counters()). */
  readonly counters: readonly number[];
  /** Per queue: free − time when `free` left the key (below the next possible start), else undefined. */
  readonly staleFree: Readonly<Record<QueueName, number | undefined>>;
}

export class StreamingMachine extends Machine {
  /** The counters in a fixed order; the last three are the instructions executed per queue. */
  counters(): number[] {
    return [
      this.macs,
      this.count,
      this.peBusy,
      ...QUEUES.map((q) => this.busy[q]),
      ...INSTRUCTION_CLASSES.map((c) => this.byClass[c]),
      ...QUEUES.flatMap((q) => STALL_REASONS.map((r) => this.stalls[q][r])),
      this.bytes.dramRead,
      this.bytes.dramWrite,
      this.bytes.sramRead,
      this.bytes.sramWrite,
      ...QUEUES.map((q) => this.executed[q]),
    ];
  }

  private addCounters(delta: readonly number[], times: number): void {
    let i = 0;
    const next = (): number => delta[i++] * times;
    this.macs += next();
    this.count += next();
    this.peBusy += next();
    for (const q of QUEUES) this.busy[q] += next();
    for (const c of INSTRUCTION_CLASSES) this.byClass[c] += next();
    for (const q of QUEUES) for (const r of STALL_REASONS) this.stalls[q][r] += next();
    this.bytes.dramRead += next();
    this.bytes.dramWrite += next();
    this.bytes.sramRead += next();
    this.bytes.sramWrite += next();
    for (const q of QUEUES) this.executed[q] += next();
  }

  /** Lower bound of every future start in queue q, and whether q's `free` is below it (stale). */
  private nextStart(q: QueueName): { bound: number; stale: boolean } {
    const head = this.queues[q][this.heads[q]];
    const pending = this.pending[q];
    const dispatched = (head ? head.dispatch : this.dispatchTime) + 1;
    if (q !== 'compute') {
      // a DMA queue starts after its issue stage is free; its last retirement (`free`) is the base of the
      // next stall when nothing is in flight, and bounds the next retirement (+1) while something is
      const bound = Math.max(this.issueFree[q], dispatched);
      return { bound, stale: this.flight[q].length === 0 && this.free[q] < bound };
    }
    // a pending instruction's pushes set `free` again (to its finish ≥ done) before q starts anything
    const bound = Math.max(this.free[q], dispatched, pending ? pending.done : Number.NEGATIVE_INFINITY);
    return { bound, stale: pending !== undefined || this.free[q] < dispatched };
  }

  /**
   * Drops what no future step can read and raises stale times to the bound below which they cannot
   * matter (each rewrite neutral, see the file header):
   * - `end` to the dispatch time (the run's length is max(end, final dispatch time));
   * - the DRAM port's free time to the earliest possible start of a load or store (a DMA begins at
   *   max(start, portFree));
   * - an unpopped token's push time to its consumer's next possible start (it raises a start only above);
   * - a pop time a future push may wait for to the producer's next possible completion − 1;
   * - the start of an executed entry (kept as the dispatcher's queue-full blocker) to the dispatch time;
   * - a queued entry's dispatch time to its queue's `free` − 1 (or the pending finish − 1; a DMA queue's
   *   issue stage − 1, below every later stall base);
   * - a DMA queue's issue-stage time, latest completion and recent retirements to its next possible start
   *   (each only ever bounds a start or a begin from below).
   */
  private normalize(): void {
    const t0 = this.dispatchTime;
    this.end = Math.max(this.end, t0);
    const bound = {} as Record<QueueName, number>;
    for (const q of QUEUES) {
      const list = this.queues[q];
      const drop = Math.min(this.heads[q], Math.max(0, list.length - QUEUE_DEPTH));
      if (drop > 0) {
        list.splice(0, drop);
        this.heads[q] -= drop;
      }
      bound[q] = this.nextStart(q).bound;
      for (let i = 0; i < this.heads[q]; i++) list[i].start = Math.max(list[i].start, t0);
      if (q !== 'compute') {
        this.issueFree[q] = bound[q];
        this.lastDone[q] = Math.max(this.lastDone[q], bound[q]);
        const r = this.retired[q];
        for (let i = 0; i < r.length; i++) r[i] = Math.max(r[i], bound[q]);
      }
      const base = q !== 'compute' ? this.issueFree[q] : this.pending[q] ? this.pending[q].done : this.free[q];
      for (let i = this.heads[q]; i < list.length; i++) list[i].dispatch = Math.max(list[i].dispatch, base - 1);
    }
    this.portFree = Math.max(this.portFree, Math.min(bound.load, bound.store));
    for (const tok of TOKENS) {
      const tq = this.tokens[tok];
      tq.trim(ISA.machine.tokenDepth);
      const w = tq.window;
      const c = bound[CONSUMER[tok]];
      for (let i = 0; i < w.pushes.length; i++) w.pushes[i] = Math.max(w.pushes[i], c);
      const producer = PRODUCER[tok];
      const done = producer !== 'compute' ? (this.flight[producer][0]?.done ?? bound[producer]) : (this.pending[producer]?.done ?? bound[producer]);
      for (let i = 0; i < w.pops.length; i++) w.pops[i] = Math.max(w.pops[i], done - 1);
    }
  }

  /** Normalizes the state (neutral) and describes it relative to the dispatch time. */
  boundary(): Boundary {
    if (this.halted || this.loops.length > 0) throw new Error('StreamingMachine: a boundary inside a loop or after the halt');
    this.normalize();
    const t0 = this.dispatchTime;
    const parts: string[] = [`${this.tile.m},${this.tile.n},${this.tile.k} ${this.group} ${this.rank} ${this.simdMode}`, `p${this.portFree - t0} e${this.end - t0}`];
    const staleFree = {} as Record<QueueName, number | undefined>;
    for (const q of QUEUES) {
      const stale = this.nextStart(q).stale;
      staleFree[q] = stale ? this.free[q] - t0 : undefined;
      const p = this.pending[q];
      const list = this.queues[q];
      const entries = list.map((e, i) => (i < this.heads[q] ? `s${e.start - t0}` : `${timingContent(e.inst)}@${e.dispatch - t0}`));
      parts.push(`${q} f${stale ? '?' : this.free[q] - t0} ${p ? `P${p.done - t0},${p.finish - t0},${p.toks.join('+')}` : '-'} [${entries.join('; ')}]`);
    }
    for (const q of DMA_QUEUES) {
      const fl = this.flight[q].map((f) => `${f.dma ? 'D' : 'S'}${f.done - t0},${f.finish - t0},${f.toks.join('+')},${f.wait ? `${f.wait.at - t0}${f.wait.reason}` : '-'}`);
      parts.push(`${q} i${this.issueFree[q] - t0} d${this.lastDone[q] - t0} r${this.retired[q].map((x) => x - t0).join(',')} [${fl.join('; ')}]`);
    }
    for (const tok of TOKENS) {
      const w = this.tokens[tok].window;
      parts.push(`${tok} ${w.pushes.map((x) => x - t0).join(',')} / ${w.pops.map((x) => x - t0).join(',')}`);
    }
    return { key: parts.join(' | '), time: t0, counters: this.counters(), staleFree };
  }

  /**
   * Whether boundary `b` continues boundary `a` periodically: same key, and the same stale `free` offset
   * for every queue that executed something in between (that offset sets the stall it counted).
   */
  static periodic(a: Boundary, b: Boundary): boolean {
    if (a.key !== b.key) return false;
    const n = a.counters.length;
    return QUEUES.every((q, i) => b.counters[n - 3 + i] === a.counters[n - 3 + i] || a.staleFree[q] === b.staleFree[q]);
  }

  /**
   * Jumps `periods` periods ahead from boundary `b`, the period being a → b (periodic(a, b) must hold and
   * the machine must still be at b): shifts every time by periods · (b.time − a.time), except the stale
   * `free` of a queue that executed nothing in the period, and adds periods times the counters' growth.
   */
  jump(a: Boundary, b: Boundary, periods: number): void {
    const shift = periods * (b.time - a.time);
    const n = a.counters.length;
    const delta = b.counters.map((v, i) => v - a.counters[i]);
    QUEUES.forEach((q, i) => {
      if (delta[n - 3 + i] > 0) this.free[q] += shift;
      for (const e of this.queues[q]) {
        if (e.start >= 0) e.start += shift;
        e.dispatch += shift;
      }
      const p = this.pending[q];
      if (p) {
        p.done += shift;
        p.finish += shift;
      }
    });
    for (const tok of TOKENS) {
      const w = this.tokens[tok].window;
      for (let i = 0; i < w.pushes.length; i++) w.pushes[i] += shift;
      for (let i = 0; i < w.pops.length; i++) w.pops[i] += shift;
    }
    for (const q of DMA_QUEUES) {
      this.issueFree[q] += shift;
      this.lastDone[q] += shift;
      const r = this.retired[q];
      for (let i = 0; i < r.length; i++) r[i] += shift;
      for (const f of this.flight[q]) {
        f.done += shift;
        f.finish += shift;
        if (f.wait) f.wait.at += shift;
      }
    }
    this.dispatchTime += shift;
    this.portFree += shift;
    this.end += shift;
    this.addCounters(delta, periods);
  }
}
