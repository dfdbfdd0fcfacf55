/**
 * lowrank_gemm's simulator hooks (SimFacet, src/pe/facets/sim.ts): qgemm_tile, lr_down, lr_up, dequant
 * and writeback on the accumulator and low-rank entries, their cycles (./timing.ts) and SRAM traffic.
 * Arithmetic: every step is the golden's exported step function (lowRankGroupDot and lowRankGroupStep per group,
 * lowRankEpilogue for dequant, lowRankDownStep / lowRankUpStep / lowRankDownResult for the branch,
 * lowRankOutputCode for writeback); the entry holds the P accumulator, then the fp32 y.
 * The main path's element values, group dot and scale decoding are the golden's too (lowRankGroupDot,
 * lowRankScaleValue): this file holds no table, decode loop or rounding of its own.
 * qact (runtime activation quantization) is the golden's `lowRankQuantizeActivations` on the raw act tile,
 * with the setfmt rounding register; its codes go to the act buffer and its scales to meta.
 */
import { CompileError } from '../../compile/errors.js';
import { rowBytes } from '../../compile/pack.js';
import { FP32 } from '../../formats/float.js';
import { wideFormat } from '../../golden/common.js';
import {
  loraScaleCount,
  lowRankDownResult,
  lowRankDownStep,
  lowRankEpilogue,
  lowRankGroupDot,
  lowRankGroupStep,
  lowRankOutputCode,
  lowRankScaleValue,
  lowRankUpStep,
  type LowRankGemmConfig,
} from './golden.js';
import { lowRankQuantizeActivations } from './golden-qact.js';
import type { AccStore } from '../../sim/acc-store.js';
import type { SimFacet } from '../facets/sim.js';
import { lowRankInstructionCycles, passSizes } from './timing.js';

/** qgemm_tile: the 4-bit main path of lowrank_gemm, groups ascending, each group the golden `lowRankGroupStep`. */
export function qgemmTile(cfg: LowRankGemmConfig, acc: AccStore, base: number, m: number, n: number, k: number, qa: Uint32Array, qw: Uint32Array, sa: Uint32Array, sw: Uint32Array, clear: boolean): void {
  const gs = cfg.main.groupSize;
  const G = Math.ceil(k / gs);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const e = base + i * n + j;
      if (clear) acc.clear(e);
      let a = acc.v[e];
      for (let g = 0; g < G; g++) {
        const k0 = g * gs;
        const dot = lowRankGroupDot(cfg, qa, i * k + k0, qw, j * k + k0, Math.min(k, k0 + gs) - k0);
        a = lowRankGroupStep(cfg, a, dot, lowRankScaleValue(cfg, sa[i * G + g]), lowRankScaleValue(cfg, sw[j * G + g])).accumulator;
      }
      acc.v[e] = a;
    }
  }
}

/** dequant for lowrank_gemm: the golden epilogue (fp32 tensor scale, then channel scale and bias). */
export function lowRankDequant(cfg: LowRankGemmConfig, acc: AccStore, base: number, m: number, n: number, tscale: number | undefined, cscale: Uint32Array | undefined, bias: Uint32Array | undefined): void {
  const r16 = wideFormat(cfg.branchFormat);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const e = base + i * n + j;
      acc.v[e] = lowRankEpilogue(cfg, acc.v[e], tscale, cscale ? r16.decode(cscale[j]) : undefined, bias ? r16.decode(bias[j]) : undefined);
    }
  }
}

/** lr_down: lrt[i, j] (+)= the golden down-projection steps over k ascending (d stored [rank × k]). */
export function lrDown(cfg: LowRankGemmConfig, lrt: Float64Array, base: number, m: number, k: number, x: Uint32Array, d: Uint32Array, clear: boolean): void {
  const r = cfg.rank;
  const r16 = wideFormat(cfg.branchFormat);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < r; j++) {
      let l = clear ? 0 : lrt[base + i * r + j];
      for (let kk = 0; kk < k; kk++) l = lowRankDownStep(l, r16.decode(x[i * k + kk]), r16.decode(d[j * k + kk]));
      lrt[base + i * r + j] = l;
    }
  }
}

/**
 * lr_up: the golden up-projection steps, rank j ascending, on L_j = lowRankDownResult(l_j) (with use_lscale,
 * `lscale` holds the fp32 codes of the LoRA scales, one per 16 ranks).
 */
export function lrUp(cfg: LowRankGemmConfig, acc: AccStore, base: number, lrt: Float64Array, lrtBase: number, m: number, n: number, up: Uint32Array, lscale?: Uint32Array): void {
  const r = cfg.rank;
  const r16 = wideFormat(cfg.branchFormat);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let y = acc.v[base + i * n + j];
      for (let q = 0; q < r; q++) y = lowRankUpStep(y, lowRankDownResult(cfg, lrt[lrtBase + i * r + q], lscale ? FP32.decode(lscale[q >> 4]) : undefined), r16.decode(up[j * r + q]));
      acc.v[base + i * n + j] = y;
    }
  }
}

/** writeback of a lowrank_gemm entry: the golden output rounding. */
export function lowRankWriteback(cfg: LowRankGemmConfig, acc: AccStore, e: number): number {
  return lowRankOutputCode(cfg, acc.v[e]);
}

/** How many passes of `per` cover `total`. */
function passes(total: number, per: number): number {
  return passSizes(total, per).length;
}

export const lowRankGemmSim: SimFacet<'lowrank_gemm'> = {
  opcodes: ['qgemm_tile', 'lr_down', 'lr_up', 'qact'],
  wideAccumulators() {
    return false;
  },
  checkSetmode(inst, t) {
    if (inst.group !== t.groupSize) throw new CompileError('bad-program', `setmode group=${inst.group}: the PE's group size is ${t.groupSize}`);
  },
  cycles(inst, ctx) {
    const c = lowRankInstructionCycles(ctx.t, inst, ctx.tile, ctx.group, ctx.rank);
    if (c === undefined) throw new Error(`lowrank_gemm PEs do not time ${inst.kind}`);
    return c;
  },
  sramBytes(inst, ctx) {
    const t = ctx.t;
    const { m, n, k } = ctx.tile;
    const G = Math.ceil(k / t.groupSize);
    const rank = t.golden.rank;
    switch (inst.kind) {
      // multi-pass tiles (timing.ts): the D rows are fetched again in every m pass
      case 'qgemm_tile':
        return { read: m * rowBytes(k, 4) + n * rowBytes(k, 4) + m * rowBytes(G, t.bits.gscale) + n * rowBytes(G, t.bits.gscale), write: 0 };
      case 'lr_down':
        return { read: m * rowBytes(k, 16) + passes(m, t.array.cols) * rank * rowBytes(k, 16), write: 0 };
      case 'lr_up':
        return { read: n * rowBytes(rank, 16), write: 0 };
      case 'qact':
        return { read: m * rowBytes(k, 16), write: m * rowBytes(k, 4) + m * rowBytes(G, t.bits.gscale) };
      case 'dequant':
        return { read: inst.use_bias ? rowBytes(n, 16) : 0, write: 0 };
      default:
        return { read: 0, write: 0 };
    }
  },
  execute(inst, ctx) {
    const t = ctx.t;
    const cfg = t.golden;
    const { m, n, k } = ctx.tile;
    switch (inst.kind) {
      case 'qgemm_tile': {
        ctx.checkAcc(inst.acc, m * n, 'qgemm_tile');
        const G = Math.ceil(k / cfg.main.groupSize);
        const qa = ctx.read('act', inst.act, m, k, 4, 'qgemm_tile activations');
        const qw = ctx.read('wgt', inst.wgt, n, k, 4, 'qgemm_tile weights');
        const sa = ctx.read('meta', inst.ascale, m, G, t.bits.gscale, 'qgemm_tile activation scales');
        const sw = ctx.read('meta', inst.wscale, n, G, t.bits.gscale, 'qgemm_tile weight scales');
        qgemmTile(cfg, ctx.acc, inst.acc, m, n, k, qa, qw, sa, sw, inst.clear);
        return;
      }
      case 'lr_down': {
        const r = cfg.rank;
        if (inst.lrt + m * r > t.lrtEntries) throw new CompileError('bad-program', `lr_down: partial-sum entries exceed ${t.lrtEntries}`);
        const x = ctx.read('act', inst.act, m, k, 16, 'lr_down activations');
        const d = ctx.read('lrw', inst.lrw, r, k, 16, 'lr_down factors');
        lrDown(cfg, ctx.lrt, inst.lrt, m, k, x, d, inst.clear);
        return;
      }
      case 'lr_up': {
        ctx.checkAcc(inst.acc, m * n, 'lr_up');
        const up = ctx.read('lrw', inst.lrw, n, cfg.rank, 16, 'lr_up factors');
        const lscale = inst.use_lscale ? ctx.read('meta', inst.lscale, 1, loraScaleCount(cfg.rank), 32, 'lr_up LoRA scales') : undefined;
        lrUp(cfg, ctx.acc, inst.acc, ctx.lrt, inst.lrt, m, n, up, lscale);
        return;
      }
      case 'qact': {
        const rounding = ctx.rounding;
        if (rounding === 'stochastic') throw new CompileError('bad-program', 'qact: the rounding register is stochastic; lowrank_gemm quantizes activations with rne, rtz or rna');
        const G = Math.ceil(k / cfg.main.groupSize);
        const x = ctx.read('act', inst.src, m, k, 16, 'qact raw activations');
        const q = lowRankQuantizeActivations(cfg, m, k, x, rounding);
        ctx.write('act', inst.dst, m, k, 4, q.qa, 'qact activation codes');
        ctx.write('meta', inst.scales, m, G, t.bits.gscale, q.sa, 'qact activation scales');
        return;
      }
      case 'dequant': {
        const cscale = inst.use_cscale ? ctx.read('meta', inst.cscale, 1, n, 16, 'dequant channel scales') : undefined;
        const bias = inst.use_bias ? ctx.read('meta', inst.bias, 1, n, 16, 'dequant bias') : undefined;
        lowRankDequant(cfg, ctx.acc, inst.acc, m, n, inst.use_tscale ? ctx.tscale : undefined, cscale, bias);
        return;
      }
      default:
        throw new CompileError('bad-program', `${inst.kind} cannot run on lowrank_gemm PEs`);
    }
  },
  writeback: lowRankWriteback,
};
