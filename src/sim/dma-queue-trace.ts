/**
 * The per-cycle trace of a DMA queue (load or store) from the times of its instructions, as the RTL
 * defines it (docs/array-rtl.md "Trace", docs/simulator.md "DRAM"). A DMA queue's instructions overlap
 * (up to dram_outstanding in flight), so its signals are a function of all of their intervals, built
 * once at the end of a trace run: the events are emitted at every time any interval starts or ends.
 */
import type { DmaQueueName, StallReason, TraceEvent } from './machine.js';

/** The stall codes of the trace (src/sim/vcd.ts). */
export const STALL_CODE: Record<StallReason | 'none', number> = { none: 0, dispatch: 1, dma: 2, compute: 3, buffer_space: 4, dram_port: 5, token_queue_full: 6 };

/** What the trace of a DMA queue needs of one of its instructions (built at the end of a trace run). */
export interface DmaTraceRecord {
  readonly start: number;
  readonly begin: number;
  readonly done: number;
  retire: number;
  readonly pc: number;
  readonly op: number;
  readonly dispatch: number;
  /** Push times of the tokens it popped, in POPS order, with the stall each missing one shows. */
  readonly waits: readonly { readonly at: number; readonly why: StallReason }[];
}

/**
 * The busy, pc, op and stall trace of DMA queue q from its instructions' records, per cycle as the RTL
 * defines it (docs/simulator.md "DRAM"): busy while some instruction is between its first beat (or
 * start) and its retirement; pc and op of the one that last became busy; the stall code dram_port
 * while one waits for the port, else token_queue_full while one has completed but not retired, else
 * none while busy, else (idle, waiting for the next instruction) dispatch until it is dispatched, then
 * the first token it lacks.
 */
export function dmaQueueTrace(q: DmaQueueName, recs: readonly DmaTraceRecord[]): TraceEvent[] {
  const out: TraceEvent[] = [];
  const signal = `${q}_stall`;
  const points = new Set<number>();
  recs.forEach((r, i) => {
    const idle = i === 0 ? 0 : recs[i - 1].retire;
    for (const t of [idle, r.dispatch + 1, r.start, r.begin, r.done, r.retire, ...r.waits.map((w) => w.at)]) if (Number.isFinite(t)) points.add(t);
  });
  let lo = 0;
  for (const t of [...points].sort((a, b) => a - b)) {
    while (lo < recs.length && recs[lo].retire <= t) lo++;
    let busy = false;
    let port = false;
    let full = false;
    for (let i = lo; i < recs.length && recs[i].start <= t; i++) {
      const r = recs[i];
      if (r.begin <= t) busy = true;
      else port = true;
      if (r.done <= t) full = true;
    }
    let code: StallReason | 'none' = port ? 'dram_port' : full ? 'token_queue_full' : 'none';
    if (!busy && !port && lo < recs.length) {
      const r = recs[lo];
      const idle = lo === 0 ? 0 : recs[lo - 1].retire;
      if (t >= idle && t < r.start) code = t < r.dispatch + 1 ? 'dispatch' : (r.waits.find((w) => w.at > t)?.why ?? 'none');
    }
    out.push({ time: t, signal: `${q}_busy`, value: busy ? 1 : 0 });
    out.push({ time: t, signal, value: STALL_CODE[code] });
  }
  for (const r of recs) {
    out.push({ time: r.begin, signal: `${q}_pc`, value: r.pc });
    out.push({ time: r.begin, signal: `${q}_op`, value: r.op });
  }
  return out;
}
