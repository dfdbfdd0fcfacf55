/**
 * simd_mac's simulator hooks (SimFacet, src/pe/facets/sim.ts): simd_tile and writeback on the accumulator
 * entries, their cycles (./timing.ts) and SRAM traffic. simd_mac programs never dequant (the golden model
 * has no epilogue): a dequant is a bad program, as the tile engine traps on it (./rtl-engine.ts).
 * Arithmetic: none of its own. An entry holds golden's SimdAccumulator (./golden.ts): `v` its float64
 * value (the quire in units of 2^−2F, or the round-each-step accumulator), `big` its BigInt quire when
 * simdMacNeedsBigQuire, `poison` its flag; simd_tile is simdMacAccumulate over the tile's k (whole steps:
 * the compiler aligns k tiles to the mode's lanes), writeback is simdMacOutputCode.
 */
import { CompileError } from '../../compile/errors.js';
import { rowBytes } from '../../compile/pack.js';
import type { AccStore } from '../../sim/acc-store.js';
import type { TargetOf } from '../facets/compile.js';
import type { SimFacet } from '../facets/sim.js';
import { simdMacAccumulate, simdMacNeedsBigQuire, simdMacOutputCode, type SimdAccumulator, type SimdMacConfig } from './golden.js';
import { simdTileCycles, simdWritebackCycles } from './timing.js';

/** True when the config's quire needs BigInt entries. */
export const simdNeedsBigQuire = simdMacNeedsBigQuire;

function entry(acc: AccStore, e: number): SimdAccumulator {
  return { value: acc.v[e], quire: acc.big ? acc.big[e] : 0n, poisoned: acc.poison[e] === 1 };
}

/** simd_tile: [m × k] · [n × k]ᵀ into the entries base + i·n + j, through golden's simdMacAccumulate. */
export function simdTile(cfg: SimdMacConfig, acc: AccStore, base: number, m: number, n: number, k: number, act: Uint32Array, wgt: Uint32Array, clear: boolean): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const e = base + i * n + j;
      if (clear) acc.clear(e);
      const r = simdMacAccumulate(cfg, entry(acc, e), act, i * k, wgt, j * k, k);
      acc.v[e] = r.value;
      if (acc.big) acc.big[e] = r.quire;
      acc.poison[e] = r.poisoned ? 1 : 0;
    }
  }
}

/** writeback of a simd_mac entry: golden's simdMacOutputCode. */
export function simdWriteback(cfg: SimdMacConfig, acc: AccStore, e: number): number {
  return simdMacOutputCode(cfg, entry(acc, e));
}
/** The mode `simd` of the target's PE; CompileError('bad-program') when it has no such mode. */
function modeLanes(t: TargetOf<'simd_mac'>, simd: number): number {
  const pe = t.pe;
  const mode = pe.modes[simd];
  if (!mode) throw new CompileError('bad-program', `SIMD mode ${simd} does not exist (the PE has ${pe.modes.length})`);
  return mode.lanes;
}

export const simdMacSim: SimFacet<'simd_mac'> = {
  opcodes: ['simd_tile'],
  wideAccumulators: simdNeedsBigQuire,
  checkSetmode(inst, t) {
    if (inst.simd !== t.simdMode) throw new CompileError('bad-program', `setmode simd=${inst.simd}: the simulation was set up for SIMD mode ${t.simdMode}`);
  },
  cycles(inst, ctx) {
    const { m, n, k } = ctx.tile;
    switch (inst.kind) {
      case 'simd_tile':
        return simdTileCycles(ctx.t, m, n, k, modeLanes(ctx.t, ctx.simd));
      case 'writeback':
        return simdWritebackCycles(ctx.t, m, n);
      default:
        throw new Error(`simd_mac PEs do not time ${inst.kind}`);
    }
  },
  sramBytes(inst, ctx) {
    const { m, n, k } = ctx.tile;
    const bits = ctx.t.bits;
    if (inst.kind === 'simd_tile') return { read: m * rowBytes(k, bits.act) + n * rowBytes(k, bits.wgt), write: 0 };
    return { read: 0, write: 0 };
  },
  execute(inst, ctx) {
    const { m, n, k } = ctx.tile;
    const bits = ctx.t.bits;
    switch (inst.kind) {
      case 'simd_tile':
        ctx.checkAcc(inst.acc, m * n, 'simd_tile');
        simdTile(ctx.t.golden, ctx.acc, inst.acc, m, n, k, ctx.read('act', inst.act, m, k, bits.act, 'simd_tile activations'), ctx.read('wgt', inst.wgt, n, k, bits.wgt, 'simd_tile weights'), inst.clear);
        return;
      default:
        throw new CompileError('bad-program', `${inst.kind} cannot run on simd_mac PEs`);
    }
  },
  writeback: simdWriteback,
};
