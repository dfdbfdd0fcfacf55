/**
 * Cycle counts of simd_mac's tile engine (docs/array-rtl.md): simd_tile's fetch-then-compute schedule and
 * the writeback, as closed forms (the generic rules: src/sim/timing.ts, cycle-rules.ts).
 * simd_tile (simdTileCycles), per pass over the array of m' ≤ cols tokens × n' ≤ rows channels): FETCH reads the m' activation rows and the n' weight
 * rows (RB = rowBytes(k, 16 / lanes) bytes each) into per-column / per-row operand staging, chunk by
 * chunk, activations and weights in parallel through their own read ports: a chunk is the even part of
 * the port (ch = 2·floor(portBytes / 2), so a 16-bit operand word never straddles two), fetch =
 * max(m'·ceil(RB / ch_act), n'·ceil(RB / ch_wgt)). COMPUTE then streams one operand word (lanes of the
 * mode) per cycle (one staging read each) through all PEs in parallel: ceil(k / lanes) cycles.
 * simdEngineLatency(S) = S + 1 fixed cycles, S = pipeline_stages: taking the command, the last staging
 * write, and the S cycles from the last word's staging read to its quire step (S = 3: the staging RAM's
 * register, the operand register (word select and lane mask), the PE's quire; S = 2 selects the word
 * combinationally, S = 1 also reads the staging combinationally, S > 3 adds S − 3 operand registers).
 * pass = fetch + ceil(k / lanes) + S + 1; the program-level RTL runs single-pass tiles only.
 * dequant: epilogueCycles (src/sim/cycle-rules.ts); writeback the same unless the out port is narrower
 * than a column (simdWritebackCycles).
 */
import { rowBytes } from '../../compile/pack.js';
import type { Target } from '../../compile/target.js';
import { EPILOGUE_DEPTH } from '../../arch/cycle-rules.js';
import { SIMD_ENGINE_PIPELINE_STAGES, SIMD_ENGINE_WORD_BITS } from './compile-engine.js';
import { simdChunkBytes, simdWritebackSlots } from './microarch.js';

/** Fixed cycles of a simd_tile besides fetch and compute with `stages` pipeline stages: stages + 1 (header). */
export function simdEngineLatency(stages: number): number {
  return stages + 1;
}

/** Cycles of a simd_tile of m × n × k in a mode of `lanes` lanes (one pass per array-sized piece). */
export function simdTileCycles(t: Target, m: number, n: number, k: number, lanes: number): number {
  // the engine runs modes that fill its word (compile-engine.ts): element bits = word / lanes
  const rb = rowBytes(k, SIMD_ENGINE_WORD_BITS / lanes);
  const chA = Math.max(1, simdChunkBytes(t.portBytes.act));
  const chW = Math.max(1, simdChunkBytes(t.portBytes.wgt));
  const steps = Math.ceil(k / lanes);
  // the registry dispatches simd_tile on a simd_mac target only
  const latency = simdEngineLatency(t.pe.kind === 'simd_mac' ? t.pe.pipelineStages : SIMD_ENGINE_PIPELINE_STAGES);
  let total = 0;
  for (let i = 0; i < m; i += t.array.cols) {
    for (let j = 0; j < n; j += t.array.rows) {
      const mp = Math.min(t.array.cols, m - i);
      const np = Math.min(t.array.rows, n - j);
      total += Math.max(mp * Math.ceil(rb / chA), np * Math.ceil(rb / chW)) + steps + latency;
    }
  }
  return total;
}

/** Cycles of a simd_mac writeback of an m × n tile: ceil(m·n / slots) + EPILOGUE_DEPTH. */
export function simdWritebackCycles(t: Target, m: number, n: number): number {
  return Math.ceil((m * n) / simdWritebackSlots(t)) + EPILOGUE_DEPTH;
}
