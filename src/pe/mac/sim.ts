/**
 * mac's simulator hooks (SimFacet, src/pe/facets/sim.ts): mac_tile, dequant and writeback on the
 * accumulator entries, their cycles (./timing.ts) and SRAM traffic.
 * Arithmetic: int8: the golden int8 GEMM of the k tile (a wrapping 32-bit sum) added modulo 2^32
 * (wrapping addition is associative); fp16: macFmaStep per k, k ascending.
 * Still re-stated here (issue 12 step 1 replaces them by golden/mac.ts step functions): the INT8 table,
 * the fp16 decode of the operands and the output encode of writeback (`macStep`, `macDot`, `macScaled`,
 * `macOutputCode` to be exported by the golden file).
 */
import { CompileError } from '../../compile/errors.js';
import { rowBytes } from '../../compile/pack.js';
import { FP16 } from '../../formats/float.js';
import { macFmaStep, macGemm } from '../../golden/mac.js';
import type { MacConfig } from '../../golden/types.js';
import type { AccStore } from '../../sim/acc-store.js';
import { plainDequant } from '../../sim/plain-dequant.js';
import type { SimFacet } from '../facets/sim.js';
import { macDequantCycles, macTileCycles, macWritebackCycles } from './timing.js';

const INT8 = Int32Array.from({ length: 256 }, (_, c) => (c >= 128 ? c - 256 : c));

/** mac_tile. */
export function macTile(cfg: MacConfig, acc: AccStore, base: number, m: number, n: number, k: number, act: Uint32Array, wgt: Uint32Array, clear: boolean): void {
  if (clear) for (let i = 0; i < m * n; i++) acc.clear(base + i);
  if (cfg.variant === 'int8') {
    const r = macGemm(cfg, { m, k, n, activations: act, weights: wgt });
    for (let e = 0; e < m * n; e++) acc.v[base + e] = (acc.v[base + e] + (r.codes[e] | 0)) | 0;
    return;
  }
  const A = cfg.accumulator;
  const wv = cfg.variant === 'fp16_fma' ? (c: number) => FP16.decode(c) : (c: number) => INT8[c];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let a = acc.v[base + i * n + j];
      for (let kk = 0; kk < k; kk++) a = macFmaStep(A, FP16.decode(act[i * k + kk]), wv(wgt[j * k + kk]), a);
      acc.v[base + i * n + j] = a;
    }
  }
}

/** writeback of a mac entry. */
export function macWriteback(cfg: MacConfig, acc: AccStore, e: number): number {
  return cfg.variant === 'int8' ? acc.v[e] >>> 0 : FP16.encode(acc.v[e]);
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
        plainDequant(inst, ctx);
        return;
      default:
        throw new CompileError('bad-program', `${inst.kind} cannot run on mac PEs`);
    }
  },
  writeback: macWriteback,
  peakMacsPerCycle(t) {
    return t.array.macsPerCycle;
  },
};
