/**
 * Cycle counts of mac's tile engine (docs/array-rtl.md): mac_tile, dequant and writeback, as closed
 * forms. The rules are documented in src/sim/timing.ts's header, section "mac".
 */
import { rowBytes } from '../../compile/pack.js';
import type { TargetOf } from '../facets/compile.js';

/** Cycles of a mac_tile of m × n × k (header, "mac"): per array pass F + ceil(k / lanes) + S + 2. */
export function macTileCycles(t: TargetOf<'mac'>, m: number, n: number, k: number): number {
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
