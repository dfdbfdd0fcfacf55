/**
 * The arithmetic of the simulator's tile instructions, on operand codes unpacked from the on-chip
 * buffers and on the accumulator entries. Nothing here re-defines arithmetic: every rounding and every
 * within-group datapath step is the golden model's (src/golden), applied to one tile's slice in the
 * order docs/golden.md fixes, with the accumulator state carried across k tiles in `acc` entries:
 * - bit_serial_mod: each scale group's value (stages 1–4 of the PE) is the golden bit_serial_mod GEMM of
 *   that one group with an fp32 output and unit channel scales (= exactly the group's fp32 value), and
 *   the entry adds it with the fp32 cross-group adder (fp32Add), groups ascending. `dequant use_cscale`
 *   keeps the exact product C · s_ch (fp32 × fp16 fits a float64), rounded once by `writeback`.
 * - simd_mac: exact: the entry is the quire in units of 2^−2F (a float64 integer when the quire fits 53
 *   bits, else a BigInt); round-each-step: the entry is the output-format accumulator, addRounded per step.
 * - lowrank_gemm: every step is the golden's exported step function (lowRankGroupStep per group,
 *   lowRankEpilogue for dequant, lowRankDownStep / lowRankUpStep / lowRankDownResult for the branch,
 *   lowRankOutputCode for writeback); the entry holds the P accumulator, then the fp32 y.
 * - mac: int8: the golden int8 GEMM of the k tile (a wrapping 32-bit sum) added modulo 2^32 (wrapping
 *   addition is associative); fp16: macFmaStep per k, k ascending.
 * NaN/NaR poisoning follows golden: a poisoned entry writes back the output format's NaN/NaR code.
 */
import { FP16, FP32, FP4_E2M1, FP8_E4M3 } from '../formats/float.js';
import { intFormat } from '../formats/int.js';
import { add, fromNumber, rational } from '../formats/rational.js';
import { wideFormat } from '../golden/common.js';
import { lowRankDownResult, lowRankDownStep, lowRankEpilogue, lowRankGroupStep, lowRankOutputCode, lowRankUpStep } from '../golden/lowrank-gemm.js';
import { bitSerialModGemm, fp32Add, macFmaStep, macGemm, simdElementFormat, simdMacQuire, simdOutputFormat, addRounded } from '../golden/index.js';
import type { BitSerialModConfig, LowRankGemmConfig, MacConfig, SimdMacConfig } from '../golden/types.js';

/** Accumulator entries: a float64 value per entry, BigInt quires for wide SIMD quires, poison flags. */
export class AccStore {
  readonly v: Float64Array;
  readonly big: bigint[] | undefined;
  readonly poison: Uint8Array;
  constructor(entries: number, wideQuire: boolean) {
    this.v = new Float64Array(entries);
    this.big = wideQuire ? new Array<bigint>(entries).fill(0n) : undefined;
    this.poison = new Uint8Array(entries);
  }
  clear(at: number): void {
    this.v[at] = 0;
    if (this.big) this.big[at] = 0n;
    this.poison[at] = 0;
  }
}

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

/** dequant use_cscale for bit_serial_mod / mac: the exact product v · s (rounded once in writeback). */
export function scaleExact(acc: AccStore, base: number, m: number, n: number, cscale: Uint32Array): void {
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) acc.v[base + i * n + j] *= FP16.decode(cscale[j]);
}

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

const INT4 = Int32Array.from({ length: 16 }, (_, c) => intFormat(4, true).decode(c));
const UINT4 = Int32Array.from({ length: 16 }, (_, c) => c);
const FP4X2 = Int32Array.from({ length: 16 }, (_, c) => 2 * FP4_E2M1.decode(c));

/** qgemm_tile: the 4-bit main path of lowrank_gemm, groups ascending, each group the golden `lowRankGroupStep`. */
export function qgemmTile(cfg: LowRankGemmConfig, acc: AccStore, base: number, m: number, n: number, k: number, qa: Uint32Array, qw: Uint32Array, sa: Uint32Array, sw: Uint32Array, clear: boolean): void {
  const main = cfg.main;
  const gs = main.groupSize;
  const G = Math.ceil(k / gs);
  const actT = main.kind === 'nvfp4' ? FP4X2 : main.activations === 'int4' ? INT4 : UINT4;
  const wgtT = main.kind === 'nvfp4' ? FP4X2 : INT4;
  const unit = main.kind === 'nvfp4' ? 4 : 1;
  const sf = main.kind === 'nvfp4' ? FP8_E4M3 : wideFormat(main.scaleFormat);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const e = base + i * n + j;
      if (clear) acc.clear(e);
      let a = acc.v[e];
      for (let g = 0; g < G; g++) {
        let dot = 0;
        for (let kk = g * gs; kk < Math.min(k, (g + 1) * gs); kk++) dot += actT[qa[i * k + kk]] * wgtT[qw[j * k + kk]];
        a = lowRankGroupStep(cfg, a, dot / unit, sf.decode(sa[i * G + g]), sf.decode(sw[j * G + g])).accumulator;
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

/** writeback of a bit_serial_mod entry. */
export function bitSerialWriteback(cfg: BitSerialModConfig, acc: AccStore, e: number): number {
  return (cfg.output === 'fp16' ? FP16 : FP32).encode(acc.v[e]);
}
