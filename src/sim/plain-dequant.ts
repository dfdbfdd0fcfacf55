/**
 * The `dequant` of the PE kinds whose epilogue is only a per-channel scale (bit_serial_mod, simd_mac,
 * mac): the entry keeps the exact product v · s_ch (fp-entry × fp16 scale fits a float64), rounded once
 * by `writeback`. Shared by those kinds' sim.ts; a kind with its own epilogue (lowrank_gemm) does not use it.
 * (Step 1 of issue 12 replaces the product by each kind's golden `…Scaled` step.)
 */
import { CompileError } from '../compile/errors.js';
import { FP16 } from '../formats/float.js';
import type { KindInstruction, SimContext } from '../pe/facets/sim.js';
import type { PeKind } from '../pe/kinds.js';
import type { AccStore } from './acc-store.js';

/** dequant use_cscale for bit_serial_mod / mac: the exact product v · s (rounded once in writeback). */
export function scaleExact(acc: AccStore, base: number, m: number, n: number, cscale: Uint32Array): void {
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) acc.v[base + i * n + j] *= FP16.decode(cscale[j]);
}

/** Executes a channel-scale-only dequant; use_bias / use_tscale are CompileError('bad-program'). */
export function plainDequant(inst: Extract<KindInstruction, { readonly kind: 'dequant' }>, ctx: SimContext<PeKind>): void {
  const { m, n } = ctx.tile;
  if (inst.use_bias || inst.use_tscale) throw new CompileError('bad-program', `dequant cannot run on ${ctx.t.golden.kind} PEs with use_bias/use_tscale`);
  if (inst.use_cscale) scaleExact(ctx.acc, inst.acc, m, n, ctx.read('meta', inst.cscale, 1, n, 16, 'dequant channel scales'));
}
