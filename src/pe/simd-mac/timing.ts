/**
 * Cycle counts of simd_mac's tile engine (docs/array-rtl.md): simd_tile's streamed fetch and compute and
 * the writeback, as closed forms (the generic rules: src/sim/timing.ts, cycle-rules.ts).
 * simd_tile (simdTileCycles), per pass over the array of m' ≤ cols tokens × n' ≤ rows channels: the engine
 * fetches the m' activation rows and the n' weight rows (RB = rowBytes(k, 16 / lanes) bytes each) into
 * per-column / per-row operand staging, activations and weights in parallel through their own read ports,
 * in rounds: round r reads chunk r of every row (a chunk is the even part of the port, ch = 2·floor(portBytes
 * / 2), so a 16-bit operand word never straddles two; R = ceil(RB / ch) rounds of m' (n') reads). COMPUTE
 * streams one operand word (lanes of the mode) per cycle through all PEs in parallel, ceil(k / lanes) words,
 * and overlaps the fetch: word w is read from staging once its round (floor(w / (ch / 2))) is written for
 * every row of both operands, the cycle after that round's last write (simdFetchExposed: the fetch cycles
 * the words wait for).
 * simdEngineLatency(S) = S + 1 fixed cycles, S = pipeline_stages: taking the command, the last staging
 * write, and the S cycles from the last word's staging read to its quire step (S = 3: the staging RAM's
 * register, the operand register (word select and lane mask), the PE's quire; S = 2 selects the word
 * combinationally, S = 1 also reads the staging combinationally, S > 3 adds S − 3 operand registers).
 * pass = simdFetchExposed + ceil(k / lanes) + S + 1; the program-level RTL runs single-pass tiles only.
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

/**
 * Fetch cycles a pass's last word waits for, beyond streaming: the words of round r (the first is r·wpc,
 * wpc = ch / 2 words a chunk) can start (r + 1)·rows cycles into the fetch, so the last word steps at
 * max over r of (r + 1)·rows + (words − 1 − r·wpc) + 1, linear in r: the max lies at r = 0 or r = R − 1.
 * Per operand rows = m' (n'), R = ceil(RB / ch); the larger of the two operands counts.
 */
export function simdFetchExposed(rows: number, rowBytes: number, chunk: number): number {
  const rounds = Math.ceil(rowBytes / chunk);
  // a chunk under one word (a port under 2 bytes, which the engine refuses) overlaps nothing
  const wpc = Math.floor(chunk / 2);
  return Math.max(rows, rounds * rows - (rounds - 1) * wpc);
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
      total += Math.max(simdFetchExposed(mp, rb, chA), simdFetchExposed(np, rb, chW)) + steps + latency;
    }
  }
  return total;
}

/** Cycles of a simd_mac writeback of an m × n tile: ceil(m·n / slots) + EPILOGUE_DEPTH. */
export function simdWritebackCycles(t: Target, m: number, n: number): number {
  return Math.ceil((m * n) / simdWritebackSlots(t)) + EPILOGUE_DEPTH;
}
