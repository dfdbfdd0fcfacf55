/**
 * A Value Change Dump (IEEE 1364 §18) of the simulator's trace events, viewable in GTKWave. One
 * timescale unit is one clock cycle. Signals (all under scope `qacc`): dispatch_pc [32]; for each of
 * load, compute, store: <q>_busy [1], <q>_pc [32], <q>_op [6] (opcode), <q>_stall [3] (0 none, 1 dispatch,
 * 2 dma, 3 compute, 4 buffer_space, 5 dram_port, 6 token_queue_full); tok_lc, tok_cl, tok_cs, tok_sc [4]
 * (token-queue occupancy); dram_busy [1]; pe_busy [1]. Token events are deltas (+1 push, −1 pop) and
 * are integrated here; every other event sets a value. Events at the same cycle apply in recording order.
 */
import type { TraceEvent } from './machine.js';

export { TRACE_SIGNALS } from '../arch/trace-signals.js';
import { TRACE_SIGNALS } from '../arch/trace-signals.js';

/** Renders trace events as VCD text; `endTime` closes the dump. */
export function renderVcd(
  events: readonly TraceEvent[],
  endTime: number,
  header: { design: string; version: string },
): string {
  const ids = new Map<string, { id: string; width: number }>();
  TRACE_SIGNALS.forEach(([name, width], i) => ids.set(name, { id: String.fromCharCode(33 + i), width }));
  const lines: string[] = [
    `$date qacc simulation $end`,
    `$version qacc ${header.version} $end`,
    `$comment ${header.design.replace(/\$end/g, '')} $end`,
    '$timescale 1ns $end',
    '$scope module qacc $end',
  ];
  for (const [name, width] of TRACE_SIGNALS)
    lines.push(`$var wire ${width} ${ids.get(name)?.id ?? '?'} ${name} $end`);
  lines.push('$upscope $end', '$enddefinitions $end');
  const value = (name: string, v: number): string => {
    const s = ids.get(name);
    if (!s) return '';
    return s.width === 1 ? `${v ? 1 : 0}${s.id}` : `b${(v >>> 0).toString(2)} ${s.id}`;
  };
  lines.push('#0', '$dumpvars');
  for (const [name] of TRACE_SIGNALS) lines.push(value(name, 0));
  lines.push('$end');
  const order = events.map((e, i) => ({ e, i })).sort((a, b) => a.e.time - b.e.time || a.i - b.i);
  const tokens: Record<string, number> = { tok_lc: 0, tok_cl: 0, tok_cs: 0, tok_sc: 0 };
  const current = new Map<string, number>();
  let time = 0;
  let pending = new Map<string, number>();
  const flush = (): void => {
    const changed = [...pending].filter(([n, v]) => current.get(n) !== v);
    if (changed.length === 0) return;
    lines.push(`#${time}`);
    for (const [n, v] of changed) {
      current.set(n, v);
      lines.push(value(n, v));
    }
  };
  for (const { e } of order) {
    if (e.time !== time) {
      flush();
      pending = new Map();
      time = e.time;
    }
    if (e.signal in tokens) {
      tokens[e.signal] += e.value;
      pending.set(e.signal, tokens[e.signal]);
    } else pending.set(e.signal, e.value);
  }
  flush();
  lines.push(`#${Math.max(endTime, time)}`);
  return lines.join('\n') + '\n';
}
