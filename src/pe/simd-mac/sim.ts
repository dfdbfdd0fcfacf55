/**
 * simd_mac's simulator hooks (SimFacet, src/pe/facets/sim.ts): simd_tile, dequant and writeback on the
 * accumulator entries, their cycles (./timing.ts) and SRAM traffic.
 * Arithmetic: exact: the entry is the quire in units of 2^−2F (a float64 integer when the quire fits 53
 * bits, else a BigInt); round-each-step: the entry is the output-format accumulator, addRounded per step.
 * NaN/NaR poisoning follows golden: a poisoned entry writes back the output format's NaN/NaR code.
 * Still re-stated here (issue 12 step 1): the element tables (golden's elementTables again), the exact and
 * round-each-step dot loops and the final rounding — golden/simd-mac.ts to export `simdMacNeedsBigQuire`,
 * `simdMacAccumulate(config, acc, a, aOff, b, bOff, len)` and `simdMacOutputCode(config, acc)`.
 */
import { CompileError } from '../../compile/errors.js';
import { rowBytes } from '../../compile/pack.js';
import { add, fromNumber, rational } from '../../formats/rational.js';
import { addRounded } from '../../golden/common.js';
import { simdElementFormat, simdMacQuire, simdOutputFormat } from '../../golden/simd-mac.js';
import type { SimdMacConfig } from '../../golden/types.js';
import type { AccStore } from '../../sim/acc-store.js';
import { epilogueCycles } from '../../sim/cycle-rules.js';
import { plainDequant } from '../../sim/plain-dequant.js';
import type { TargetOf } from '../facets/compile.js';
import type { SimFacet } from '../facets/sim.js';
import { simdTileCycles, simdWritebackCycles } from './timing.js';

/** Element tables of a SIMD mode: value · 2^F as float64 and BigInt, and the special (NaN/NaR/inf) flags. */
interface SimdTables {
  readonly scaled: Float64Array;
  readonly scaledBig: readonly bigint[];
  readonly special: Uint8Array;
  readonly F2: number;
  readonly fast: boolean;
  readonly lanes: number;
}
const simdCache = new Map<string, SimdTables>();
function simdTables(cfg: SimdMacConfig): SimdTables {
  const key = `${cfg.element}/${cfg.maxDotLength}`;
  const hit = simdCache.get(key);
  if (hit) return hit;
  const geo = simdMacQuire(cfg);
  const fmt = simdElementFormat(cfg.element);
  const size = 2 ** fmt.bits;
  const scaled = new Float64Array(size);
  const special = new Uint8Array(size);
  const scaledBig: bigint[] = [];
  for (let c = 0; c < size; c++) {
    const v = fmt.decode(c);
    special[c] = Number.isFinite(v) ? 0 : 1;
    scaled[c] = special[c] ? 0 : v * 2 ** geo.elementFractionBits;
    scaledBig.push(BigInt(scaled[c]));
  }
  const t: SimdTables = { scaled, scaledBig, special, F2: 2 * geo.elementFractionBits, fast: geo.productBits + geo.carryBits <= 53, lanes: geo.lanes };
  simdCache.set(key, t);
  return t;
}

/** True when the config's quire needs BigInt entries. */
export function simdNeedsBigQuire(cfg: SimdMacConfig): boolean {
  return cfg.accumulation === 'exact' && !simdTables(cfg).fast;
}

/** simd_tile: exact (quire) or round-each-step accumulation of an [m × k] · [n × k]ᵀ tile. */
export function simdTile(cfg: SimdMacConfig, acc: AccStore, base: number, m: number, n: number, k: number, act: Uint32Array, wgt: Uint32Array, clear: boolean): void {
  const t = simdTables(cfg);
  const out = simdOutputFormat(cfg.output);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const e = base + i * n + j;
      if (clear) acc.clear(e);
      const ao = i * k;
      const wo = j * k;
      for (let kk = 0; kk < k; kk++) if (t.special[act[ao + kk]] || t.special[wgt[wo + kk]]) acc.poison[e] = 1;
      if (cfg.accumulation === 'exact') {
        if (t.fast) {
          let q = acc.v[e];
          for (let kk = 0; kk < k; kk++) q += t.scaled[act[ao + kk]] * t.scaled[wgt[wo + kk]];
          acc.v[e] = q;
        } else if (acc.big) {
          let q = acc.big[e];
          for (let kk = 0; kk < k; kk++) q += t.scaledBig[act[ao + kk]] * t.scaledBig[wgt[wo + kk]];
          acc.big[e] = q;
        }
        continue;
      }
      // round-each-step: k tiles are whole steps (the compiler aligns them to the lane count).
      let a = acc.v[e];
      const unit = 2 ** -t.F2;
      for (let s = 0; s < k; s += t.lanes) {
        const end = Math.min(k, s + t.lanes);
        if (t.fast) {
          let sum = 0;
          for (let kk = s; kk < end; kk++) sum += t.scaled[act[ao + kk]] * t.scaled[wgt[wo + kk]];
          a = addRounded(out, a, sum * unit);
        } else {
          let sum = 0n;
          for (let kk = s; kk < end; kk++) sum += t.scaledBig[act[ao + kk]] * t.scaledBig[wgt[wo + kk]];
          if (Number.isFinite(a)) a = out.decode(out.encode(add(fromNumber(a), rational(sum, 1n << BigInt(t.F2)))));
        }
      }
      acc.v[e] = a;
    }
  }
}

/** writeback of a simd_mac entry: one rounding of the quire (or the stepwise accumulator) to the output. */
export function simdWriteback(cfg: SimdMacConfig, acc: AccStore, e: number): number {
  const out = simdOutputFormat(cfg.output);
  if (acc.poison[e]) return out.encode(NaN);
  const t = simdTables(cfg);
  if (cfg.accumulation !== 'exact') return out.encode(acc.v[e]);
  if (acc.big) return out.encode(rational(acc.big[e], 1n << BigInt(t.F2)));
  return out.encode(acc.v[e] * 2 ** -t.F2);
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
      case 'dequant':
        return epilogueCycles(ctx.t, m, n);
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
    if (inst.kind === 'dequant') return { read: inst.use_cscale ? rowBytes(n, 16) : 0, write: 0 };
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
      case 'dequant':
        plainDequant(inst, ctx);
        return;
      default:
        throw new CompileError('bad-program', `${inst.kind} cannot run on simd_mac PEs`);
    }
  },
  writeback: simdWriteback,
  peakMacsPerCycle(t) {
    const pe = t.pe;
    const mode = pe.modes[t.simdMode];
    if (!mode) throw new CompileError('unsupported', `simd_mac PE '${pe.name}' has ${pe.modes.length} modes; mode ${t.simdMode} does not exist`);
    return t.array.pes * mode.lanes;
  },
};
