/**
 * bit_serial_mod's simulator hooks (SimFacet, src/pe/facets/sim.ts): mod_tile, dequant and writeback on
 * the accumulator entries, their cycles (./timing.ts) and SRAM traffic.
 * Arithmetic: each scale group's value (stages 1–4 of the PE) is the golden bit_serial_mod GEMM of that
 * one group with an fp32 output and unit channel scales (= exactly the group's fp32 value), and the entry
 * adds it with the fp32 cross-group adder (fp32Add), groups ascending. `dequant use_cscale` keeps the exact
 * product C · s_ch (fp32 × fp16 fits a float64), rounded once by `writeback`.
 * Still re-stated here (issue 12 step 1): the one-group GEMM trick (golden to export
 * `bitSerialModGroupValue` and `bitSerialModCrossGroup`) and the output encode of writeback
 * (`bitSerialModScaled` + `bitSerialModOutputCode`).
 */
import { CompileError } from '../../compile/errors.js';
import { rowBytes } from '../../compile/pack.js';
import { FP16, FP32 } from '../../formats/float.js';
import { bitSerialModGemm, termSchedule } from '../../golden/bit-serial-mod.js';
import { fp32Add } from '../../golden/common.js';
import type { BitSerialModConfig } from '../../golden/types.js';
import type { AccStore } from '../../sim/acc-store.js';
import { groupLengths } from '../../sim/cycle-rules.js';
import { plainDequant } from '../../sim/plain-dequant.js';
import type { SimContext, SimFacet } from '../facets/sim.js';
import { bsmDequantCycles, bsmPassCycles, bsmWritebackCycles } from './timing.js';

const ONE_FP16 = 0x3c00;

/** mod_tile: adds the groups of an [m × k] · [n × k]ᵀ tile into entries base + i·n + j. */
export function bitSerialTile(cfg: BitSerialModConfig, acc: AccStore, base: number, m: number, n: number, k: number, act: Uint32Array, wgt: Uint32Array, scales: Uint32Array, sels: Uint32Array, clear: boolean): void {
  const gs = cfg.groupSize;
  const G = Math.ceil(k / gs);
  if (clear) for (let i = 0; i < m * n; i++) acc.clear(base + i);
  const one: BitSerialModConfig = { ...cfg, output: 'fp32' };
  const ch = new Uint32Array(n).fill(ONE_FP16);
  for (let g = 0; g < G; g++) {
    const s = g * gs;
    const len = Math.min(gs, k - s);
    const a = new Uint32Array(m * len);
    const w = new Uint32Array(n * len);
    for (let i = 0; i < m; i++) a.set(act.subarray(i * k + s, i * k + s + len), i * len);
    for (let j = 0; j < n; j++) w.set(wgt.subarray(j * k + s, j * k + s + len), j * len);
    const gsel = new Uint32Array(n);
    const gsc = new Uint32Array(n);
    for (let j = 0; j < n; j++) {
      gsel[j] = sels[j * G + g];
      gsc[j] = scales[j * G + g];
    }
    const r = bitSerialModGemm(one, { m, k: len, n, activations: a, weights: w, selectors: gsel, groupScales: gsc, channelScales: ch });
    for (let e = 0; e < m * n; e++) acc.v[base + e] = fp32Add(acc.v[base + e], FP32.decode(r.codes[e]));
  }
}

/** writeback of a bit_serial_mod entry. */
export function bitSerialWriteback(cfg: BitSerialModConfig, acc: AccStore, e: number): number {
  return (cfg.output === 'fp16' ? FP16 : FP32).encode(acc.v[e]);
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
        plainDequant(inst, ctx);
        return;
      default:
        throw new CompileError('bad-program', `${inst.kind} cannot run on bit_serial_mod PEs`);
    }
  },
  writeback: bitSerialWriteback,
  peakMacsPerCycle(t) {
    return t.array.macsPerCycle;
  },
};
