/**
 * bit_serial_mod's simulator hooks (SimFacet, src/pe/facets/sim.ts): mod_tile, dequant and writeback on
 * the accumulator entries, their cycles (./timing.ts) and SRAM traffic.
 * Arithmetic only through the golden step functions (./golden.ts, one golden truth): each scale group's
 * value is `bitSerialModGroupValue`, the entry adds it with `bitSerialModCrossGroup` (groups ascending),
 * `dequant use_cscale` keeps the exact product `bitSerialModScaled`, and `writeback` is
 * `bitSerialModOutputCode`. The K split's acc_spill / acc_fill move an entry as its fp32 bits (the entry is
 * golden's cross-group sum C, an fp32 value, so the reload continues the chain bit for bit:
 * test/pe/bit-serial-mod/k-split-chain.test.ts).
 */
import { CompileError } from '../../compile/errors.js';
import { rowBytes } from '../../compile/pack.js';
import type { AccStore } from '../../sim/acc-store.js';
import { groupLengths } from '../../sim/cycle-rules.js';
import type { KindInstruction, SimContext, SimFacet } from '../facets/sim.js';
import { bitSerialModCrossGroup, bitSerialModGroupValue, bitSerialModOutputCode, bitSerialModScaled, termSchedule, type BitSerialModConfig } from './golden.js';
import { FP32 } from '../../formats/float.js';
import { bsmDequantCycles, bsmFillCycles, bsmPassCycles, bsmSpillCycles, bsmWritebackCycles } from './timing.js';

/** mod_tile: adds the groups of an [m × k] · [n × k]ᵀ tile into entries base + i·n + j. */
export function bitSerialTile(cfg: BitSerialModConfig, acc: AccStore, base: number, m: number, n: number, k: number, act: Uint32Array, wgt: Uint32Array, scales: Uint32Array, sels: Uint32Array, clear: boolean): void {
  const gs = cfg.groupSize;
  const G = Math.ceil(k / gs);
  if (clear) for (let i = 0; i < m * n; i++) acc.clear(base + i);
  for (let g = 0; g < G; g++) {
    const s = g * gs;
    const len = Math.min(gs, k - s);
    for (let j = 0; j < n; j++) {
      const type = cfg.candidates[sels[j * G + g]];
      if (type === undefined) throw new CompileError('bad-program', `mod_tile: selector ${sels[j * G + g]} of row ${j}, group ${g} names no candidate (${cfg.candidates.length} candidates)`);
      const scale = scales[j * G + g];
      for (let i = 0; i < m; i++) {
        const e = base + i * n + j;
        acc.v[e] = bitSerialModCrossGroup(acc.v[e], bitSerialModGroupValue(cfg, act, i * k + s, wgt, j * k + s, len, type, scale));
      }
    }
  }
}

/** dequant: the channel scale's exact product (rounded once by writeback); use_bias / use_tscale are bad programs. */
function bitSerialDequant(inst: Extract<KindInstruction, { readonly kind: 'dequant' }>, ctx: SimContext<'bit_serial_mod'>): void {
  const { m, n } = ctx.tile;
  if (inst.use_bias || inst.use_tscale) throw new CompileError('bad-program', 'dequant cannot run on bit_serial_mod PEs with use_bias/use_tscale');
  if (!inst.use_cscale) return;
  const cscale = ctx.read('meta', inst.cscale, 1, n, 16, 'dequant channel scales');
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) ctx.acc.v[inst.acc + i * n + j] = bitSerialModScaled(ctx.acc.v[inst.acc + i * n + j], cscale[j]);
}

/** writeback of a bit_serial_mod entry. */
export function bitSerialWriteback(cfg: BitSerialModConfig, acc: AccStore, e: number): number {
  return bitSerialModOutputCode(cfg, acc.v[e]);
}

/** Cycles per weight of group g for rows r0..r0+rows of the tile (the slowest selected type). */
function cyclesPerWeight(ctx: SimContext<'bit_serial_mod'>, meta: number, r0: number, rows: number, n: number, G: number, g: number): number {
  const t = ctx.t;
  const cands = t.golden.candidates.map((c) => termSchedule(c).cycles);
  // Timing-only runs have no selectors in the buffers: every group is taken to select candidate 0.
  if (ctx.timingOnly || t.bits.selector === 0) return cands[0];
  const sels = ctx.peek('meta', meta + n * G, 1, n * G, t.bits.selector, 'mod_tile selectors');
  let c = 0;
  for (let r = r0; r < r0 + rows; r++) c = Math.max(c, cands[sels[r * G + g]] ?? 0);
  return c;
}

/** mod_tile cycles: one engine schedule per array pass (timing.ts bsmPassCycles). */
function modTileCycles(ctx: SimContext<'bit_serial_mod'>, meta: number): number {
  const t = ctx.t;
  const { m, n, k } = ctx.tile;
  const pm = Math.ceil(m / t.array.cols);
  const pn = Math.ceil(n / t.array.rows);
  const lens = groupLengths(k, ctx.group);
  let total = 0;
  for (let a = 0; a < pm; a++) {
    for (let b = 0; b < pn; b++) {
      const rows = Math.min(t.array.rows, n - b * t.array.rows);
      const cpw = lens.map((_, g) => cyclesPerWeight(ctx, meta, b * t.array.rows, rows, n, lens.length, g));
      total += bsmPassCycles(t, Math.min(t.array.cols, m - a * t.array.cols), rows, k, cpw);
    }
  }
  return total;
}

export const bitSerialModSim: SimFacet<'bit_serial_mod'> = {
  opcodes: ['mod_tile'],
  wideAccumulators() {
    return false;
  },
  checkSetmode(inst, t) {
    if (inst.group !== t.groupSize) throw new CompileError('bad-program', `setmode group=${inst.group}: the PE's group size is ${t.groupSize}`);
  },
  cycles(inst, ctx) {
    const { m, n } = ctx.tile;
    switch (inst.kind) {
      case 'mod_tile':
        return modTileCycles(ctx, inst.meta);
      case 'dequant':
        return bsmDequantCycles(ctx.t, n, inst.use_cscale);
      case 'writeback':
        return bsmWritebackCycles(ctx.t, m, n);
      default:
        throw new Error(`bit_serial_mod PEs do not time ${inst.kind}`);
    }
  },
  sramBytes(inst, ctx) {
    const { m, n, k } = ctx.tile;
    const bits = ctx.t.bits;
    const G = Math.ceil(k / ctx.t.groupSize);
    if (inst.kind === 'mod_tile') {
      return { read: m * rowBytes(k, 16) + n * rowBytes(k, bits.wgt) + rowBytes(n * G, 8) + (bits.selector > 0 ? rowBytes(n * G, bits.selector) : 0), write: 0 };
    }
    if (inst.kind === 'dequant') return { read: inst.use_cscale ? rowBytes(n, 16) : 0, write: 0 };
    return { read: 0, write: 0 };
  },
  execute(inst, ctx) {
    const { m, n, k } = ctx.tile;
    const cfg = ctx.t.golden;
    const bits = ctx.t.bits;
    switch (inst.kind) {
      case 'mod_tile': {
        ctx.checkAcc(inst.acc, m * n, 'mod_tile');
        const G = Math.ceil(k / cfg.groupSize);
        const act = ctx.read('act', inst.act, m, k, 16, 'mod_tile activations');
        const wgt = ctx.read('wgt', inst.wgt, n, k, bits.wgt, 'mod_tile weights');
        const scales = ctx.read('meta', inst.meta, 1, n * G, 8, 'mod_tile scales');
        const sels = bits.selector > 0 ? ctx.read('meta', inst.meta + n * G, 1, n * G, bits.selector, 'mod_tile selectors') : new Uint32Array(n * G);
        bitSerialTile(cfg, ctx.acc, inst.acc, m, n, k, act, wgt, scales, sels, inst.clear);
        return;
      }
      case 'dequant':
        bitSerialDequant(inst, ctx);
        return;
      default:
        throw new CompileError('bad-program', `${inst.kind} cannot run on bit_serial_mod PEs`);
    }
  },
  writeback: bitSerialWriteback,
  rawAccumulator: {
    word: (acc, e) => FP32.encode(acc.v[e]),
    fill(acc, e, word) {
      acc.v[e] = FP32.decode(word);
    },
    spillCycles: bsmSpillCycles,
    fillCycles: bsmFillCycles,
  },
};
