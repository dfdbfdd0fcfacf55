/**
 * Cycle counts of mac's tile engine (docs/array-rtl.md): mac_tile, dequant and writeback, as closed
 * forms (the generic rules: src/sim/timing.ts, cycle-rules.ts). The engine is engine_mac (./rtl-engine.ts);
 * the program-level RTL runs single-pass tiles m ≤ cols, n ≤ rows; longer tiles cost one such schedule
 * per pass. Every instruction is one decode cycle, then
 * - mac_tile: FETCH of the m activation rows (RB_a = rowBytes(k, act bits)) into per-column staging and
 *   the n weight rows into per-row staging, each row as ceil(RB / port bytes) reads, the act and wgt
 *   ports in parallel: F = max(m · ceil(RB_a / port_act), n · ceil(RB_w / port_wgt)); one cycle for the
 *   last read's data to land; then one step of `lanes` elements per cycle through all PEs in parallel,
 *   each step reaching the accumulators S = pipeline_stages cycles after its staging read:
 *   macTileCycles = F + ceil(k / lanes) + S + 2.
 *   A weight-stationary array (`dataflow = weight_stationary`) takes macWsTileCycles instead (./compile-ws.ts:
 *   weight passes of rows · lanes elements, m tokens streamed through each, fill and drain rows + n + S − 1).
 * - dequant use_cscale: the n fp16 channel scales read from meta, ceil(2n / port_meta) reads, the last
 *   landing one cycle later: ceil(2n / port_meta) + 2; without flags 2 (macDequantCycles).
 * - writeback: one token (array column, n outputs, contiguous in the out tile) per ceil(n · out bytes /
 *   port_out) writes, through a registered write port: m · ceil(n · ob / port_out) + 2
 *   (macWritebackCycles).
 */
import { rowBytes } from '../../compile/pack.js';
import type { TargetOf } from '../facets/compile.js';
import { macWsTileCycles } from './compile-ws.js';

/** Cycles of a mac_tile of m × n × k (header, "mac"): per array pass F + ceil(k / lanes) + S + 2. */
export function macTileCycles(t: TargetOf<'mac'>, m: number, n: number, k: number): number {
  if (t.array.dataflow === 'weight_stationary') return macWsTileCycles(t, m, n, k);
  const p = t.portBytes;
  const steps = Math.ceil(k / t.pe.lanes);
  const rbA = rowBytes(k, t.bits.act);
  const rbW = rowBytes(k, t.bits.wgt);
  let total = 0;
  for (let i = 0; i < m; i += t.array.cols) {
    for (let j = 0; j < n; j += t.array.rows) {
      const mp = Math.min(t.array.cols, m - i);
      const np = Math.min(t.array.rows, n - j);
      const fetch = Math.max(
        mp * Math.ceil(rbA / Math.max(1, p.act)),
        np * Math.ceil(rbW / Math.max(1, p.wgt)),
      );
      total += fetch + steps + t.pe.pipelineStages + 2;
    }
  }
  return total;
}

/** Cycles of a mac dequant on n channels (header, "mac"): the channel-scale reads when use_cscale. */
export function macDequantCycles(t: TargetOf<'mac'>, n: number, useCscale: boolean): number {
  return useCscale ? Math.ceil((2 * n) / Math.max(1, t.portBytes.meta)) + 2 : 2;
}

/** Cycles of a mac writeback of an m × n tile (header, "mac"): one token per ceil(n · ob / port) writes. */
export function macWritebackCycles(t: TargetOf<'mac'>, m: number, n: number): number {
  return m * Math.ceil((n * t.bits.out) / 8 / Math.max(1, t.portBytes.out)) + 2;
}
