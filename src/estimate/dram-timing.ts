/**
 * The DMA timing the estimate assumes, in one place: the DRAM latency a transfer pays after its last beat and
 * how many transfers each DMA queue keeps in flight. A queue with N in flight and latency L is busy, per
 * transfer of p port cycles, max(p, (p + L) / N) cycles in steady state (the port when transfers are long,
 * the latency shared by N otherwise; N = 1: p + L, the simulator's rule in src/sim/timing.ts today).
 * When the accelerator declares its DRAM latency and outstanding DMAs, read them here.
 */
import { DMA_LATENCY_CYCLES } from '../arch/microarch.js';
import type { Target } from '../compile/target.js';

export interface DramTiming {
  /** Cycles from a transfer's last beat to its completion. */
  readonly latency: number;
  /** Transfers each of the load and store queues keeps in flight. */
  readonly outstanding: number;
}

/** The DMA timing of target `t` (see the file header). */
export function dramTiming(t: Target): DramTiming {
  void t;
  return { latency: DMA_LATENCY_CYCLES, outstanding: 1 };
}

/** Cycles a transfer of `port` port cycles keeps its queue busy. */
export function dmaQueueCycles(port: number, timing: DramTiming): number {
  return Math.max(port, (port + timing.latency) / timing.outstanding);
}
