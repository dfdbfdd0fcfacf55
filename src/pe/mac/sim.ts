/**
 * mac's simulator hooks (SimFacet, src/pe/facets/sim.ts): mac_tile, dequant and writeback on the
 * accumulator entries, their cycles (./timing.ts) and SRAM traffic.
 * Arithmetic only through the golden step functions of ./golden.ts (one golden truth): a k tile is
 * `macDot` from the entry's value (the wrapping int32 sum and the per-step fused rounding both chain
 * across k tiles), the channel scale `macScaled`, the output `macOutputCode`.
 */
import { CompileError } from '../../compile/errors.js';
import { rowBytes } from '../../compile/pack.js';
import type { AccStore } from '../../sim/acc-store.js';
import type { KindInstruction, SimContext, SimFacet } from '../facets/sim.js';
import { macDot, macOutputCode, macScaled, type MacConfig } from './golden.js';
import { macDequantCycles, macTileCycles, macWritebackCycles } from './timing.js';

/** mac_tile: entry (i, j) ← macDot over the k tile, from its value (or 0 when `clear`). */
export function macTile(cfg: MacConfig, acc: AccStore, base: number, m: number, n: number, k: number, act: Uint32Array, wgt: Uint32Array, clear: boolean): void {
  if (clear) for (let i = 0; i < m * n; i++) acc.clear(base + i);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) acc.v[base + i * n + j] = macDot(cfg, acc.v[base + i * n + j], act, i * k, wgt, j * k, k);
  }
}

/** dequant use_cscale: entry (i, j) ← macScaled(v, s[j]), rounded once by writeback. */
export function macDequant(cfg: MacConfig, acc: AccStore, base: number, m: number, n: number, cscale: Uint32Array): void {
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) acc.v[base + i * n + j] = macScaled(cfg, acc.v[base + i * n + j], cscale[j]);
}

/** writeback of a mac entry. */
export function macWriteback(cfg: MacConfig, acc: AccStore, e: number): number {
  return macOutputCode(cfg, acc.v[e]);
}

function executeDequant(inst: Extract<KindInstruction, { readonly kind: 'dequant' }>, ctx: SimContext<'mac'>): void {
  const { m, n } = ctx.tile;
  if (inst.use_bias || inst.use_tscale) throw new CompileError('bad-program', 'dequant cannot run on mac PEs with use_bias/use_tscale');
  if (inst.use_cscale) macDequant(ctx.t.golden, ctx.acc, inst.acc, m, n, ctx.read('meta', inst.cscale, 1, n, 16, 'dequant channel scales'));
}

export const macSim: SimFacet<'mac'> = {
  opcodes: ['mac_tile'],
  wideAccumulators() {
    return false;
  },
  checkSetmode() {},
  cycles(inst, ctx) {
    const { m, n, k } = ctx.tile;
    switch (inst.kind) {
      case 'mac_tile':
        return macTileCycles(ctx.t, m, n, k);
      case 'dequant':
        return macDequantCycles(ctx.t, n, inst.use_cscale);
      case 'writeback':
        return macWritebackCycles(ctx.t, m, n);
      default:
        throw new Error(`mac PEs do not time ${inst.kind}`);
    }
  },
  sramBytes(inst, ctx) {
    const { m, n, k } = ctx.tile;
    const bits = ctx.t.bits;
    if (inst.kind === 'mac_tile') return { read: m * rowBytes(k, bits.act) + n * rowBytes(k, bits.wgt), write: 0 };
    if (inst.kind === 'dequant') return { read: inst.use_cscale ? rowBytes(n, 16) : 0, write: 0 };
    return { read: 0, write: 0 };
  },
  execute(inst, ctx) {
    const { m, n, k } = ctx.tile;
    const bits = ctx.t.bits;
    switch (inst.kind) {
      case 'mac_tile':
        ctx.checkAcc(inst.acc, m * n, 'mac_tile');
        macTile(ctx.t.golden, ctx.acc, inst.acc, m, n, k, ctx.read('act', inst.act, m, k, bits.act, 'mac_tile activations'), ctx.read('wgt', inst.wgt, n, k, bits.wgt, 'mac_tile weights'), inst.clear);
        return;
      case 'dequant':
        executeDequant(inst, ctx);
        return;
      default:
        throw new CompileError('bad-program', `${inst.kind} cannot run on mac PEs`);
    }
  },
  writeback: macWriteback,
};
