/**
 * Golden model of the SVDQuant / Nunchaku fused 4-bit GEMM with a 16-bit low-rank branch
 * (`lowrank_gemm`). docs/golden.md §lowrank_gemm is the prose version (with the Nunchaku sources cited).
 *
 * 0. With `activationQuant: 'runtime'`, qa and sa are first computed from the raw X by the runtime quantizer
 *    (`qact`, golden-qact.ts `lowRankQuantizeActivations`): the down projection and the quantizer read the same X.
 * For each output (m, n), in this order (P = the declared accumulation precision, R16 = branchFormat,
 * E = the epilogue format (fp32 or R16), round_X = one RNE rounding to X, every operation below rounds
 * exactly once):
 * 1. Main path, groups g ascending, acc₀ = +0 in P (`lowRankGroupStep`):
 *      d_g  = Σ_{k∈g} qa[m,k]·qw[n,k]            exact (int32 for int4; quarter-units for nvfp4)
 *      d̂_g  = round_P(d_g)                        (int → float conversion; exact in fp32)
 *      s_g  = round_P(sa[m,g] · sw[n,g])
 *      unfused: p_g = round_P(d̂_g · s_g), acc = round_P(acc + p_g)
 *      fused (fmaAccumulation, Nunchaku's int4 kernel): acc = round_P(d̂_g · s_g + acc)
 * 2.–3. Epilogue (`lowRankEpilogue`): y = fp32(acc) (exact widening); nvfp4: y = round_32(y · tensorScale).
 *    E = fp32: y = round_32(y · cs[n]) if channel scales, then y = round_32(y + bias[n]) if a bias.
 *    E = R16 (Nunchaku's EpilogueBias): y = round_R16(y); then round_R16(y·cs + b) fused when both,
 *    round_R16(y·cs) or round_R16(y + b) when one; then y = fp32(y) (exact).
 * 4. Branch: L[m,j] = round_R16(l) (with LoRA scales: round_R16(round_32(l · ls[⌊j/16⌋])), Nunchaku's
 *    lora_scales), l₀ = +0, l = round_32(l + round_32(X[m,k]·D[k,j])) for k ascending (`lowRankDownStep`,
 *    `lowRankDownResult`); then for j ascending: y = round_32(y + round_32(L[m,j]·U[n,j])) (`lowRankUpStep`).
 * 5. Y[m,n] = round_R16(y).
 * The per-step functions are exported so that the simulator computes through them, never re-stating them.
 */
import { BF16, FP16, FP32, FP4_E2M1, FP8_E4M3, type FloatFormat } from '../../formats/float.js';
import { addRounded, checkCodes, checkShape, fmaRounded, fp32Add, fp32Mul, roundTo, wideAdd, wideFormat, wideMul } from '../../golden/common.js';
import { GoldenError } from '../../golden/errors.js';
import type { GemmResult, WideFloatName } from '../../golden/types.js';
import { lowRankQuantizeActivations } from './golden-qact.js';

/** The 4-bit main path: int4 (signed weights, int4 or uint4 activations, 16-bit scales) or NVFP4. */
export type LowRankMainPath =
  | {
      readonly kind: 'int4';
      /** Activations are signed int4 (−8..7) or unsigned uint4 (0..15, after GELU). */
      readonly activations: 'int4' | 'uint4';
      /** Elements per scale group along K (64 in SVDQuant). */
      readonly groupSize: number;
      /** Format of both scale tensors. */
      readonly scaleFormat: 'fp16' | 'bf16';
    }
  | {
      readonly kind: 'nvfp4';
      /** Elements per block along K (16 in NVFP4). Scales are fp8_e4m3; one fp32 per-tensor weight scale. */
      readonly groupSize: number;
    };

export interface LowRankGemmConfig {
  readonly kind: 'lowrank_gemm';
  readonly main: LowRankMainPath;
  /** Precision of scale application and cross-group accumulation of the main path. */
  readonly accumulation: WideFloatName;
  /**
   * Cross-group accumulation fused: acc = round_P(d̂·s + acc) in one rounding (Nunchaku's int4 kernel,
   * `__hfma2`), instead of p = round_P(d̂·s), acc = round_P(acc + p). Default false.
   */
  readonly fmaAccumulation?: boolean;
  /**
   * Where channel scales and bias are applied: 'fp32' (default) on the fp32-widened main result, each
   * operation rounded to fp32; or the 16-bit branch format (Nunchaku's EpilogueBias): the main result is
   * rounded to it first, then y = round16(y·cs + b) fused (or y·cs, or y + b alone). Must be fp32 or branchFormat.
   */
  readonly epilogue?: 'fp32' | 'fp16' | 'bf16';
  /** Low-rank branch rank r (0: no branch). */
  readonly rank: number;
  /** The 16-bit format of X, the down/up projections, the bias, the rounded down result and Y. */
  readonly branchFormat: 'fp16' | 'bf16';
  /**
   * Where the 4-bit activation codes and scales come from: 'offline' (default: the operands' qa and sa) or
   * 'runtime' (Nunchaku: quantized from the raw X by `qact`, golden-qact.ts; qa and sa are then absent and X
   * is required, whatever the rank — the down projection and the quantizer read the same X).
   */
  readonly activationQuant?: 'offline' | 'runtime';
  /** The rounding register of the runtime quantizer's codes (default rne, Nunchaku's `cvt.rni` / `cvt.rn`). */
  readonly activationRounding?: 'rne' | 'rtz' | 'rna';
}

/** Operands of a lowrank_gemm. G = ceil(K / groupSize). 16-bit codes are in `branchFormat`. */
export interface LowRankGemmOperands {
  readonly m: number;
  readonly k: number;
  readonly n: number;
  /** 4-bit activation codes [M × K] (int4 two's complement nibble, uint4, or fp4_e2m1); offline only. */
  readonly qa?: ArrayLike<number>;
  /** Activation scale codes [M × G] (scaleFormat, or fp8_e4m3 for nvfp4); offline only. */
  readonly sa?: ArrayLike<number>;
  /** 4-bit weight codes [N × K]. */
  readonly qw: ArrayLike<number>;
  /** Weight scale codes [N × G]. */
  readonly sw: ArrayLike<number>;
  /** nvfp4 only: fp32 code of the per-tensor weight scale. */
  readonly tensorScale?: number;
  /** Bias codes [N], optional. */
  readonly bias?: ArrayLike<number>;
  /** Per-output-channel scale codes [N] in branchFormat (Nunchaku's `wcscales`), optional. */
  readonly channelScales?: ArrayLike<number>;
  /**
   * fp32 codes of the LoRA scales, one per 16 ranks [ceil(r / 16)] (Nunchaku's `lora_scales`), optional:
   * rank j's fp32 down-projection sum is multiplied by scale ⌊j / 16⌋ (rounded to fp32) before rounding to 16 bits.
   */
  readonly loraScales?: ArrayLike<number>;
  /** Raw (unquantized) activations X [M × K], branch-format codes: the down projection's input (rank > 0) and the runtime quantizer's. */
  readonly x?: ArrayLike<number>;
  /** Down projection D = diag(λ)⁻¹·Vᵀ, [K × r] row-major; rank > 0. */
  readonly down?: ArrayLike<number>;
  /** Up projection U, [N × r] row-major; rank > 0. */
  readonly up?: ArrayLike<number>;
}

/** Largest low-rank branch rank the golden model takes. */
export const LOW_RANK_MAX_RANK = 1024;

/** Checks a lowrank_gemm config; throws GoldenError on a bad one. */
export function checkLowRankGemmConfig(config: LowRankGemmConfig): void {
  const g = config.main.groupSize;
  if (!Number.isInteger(g) || g < 1 || g > 4096) throw new GoldenError('bad-config', `lowrank_gemm: groupSize must be an integer in 1..4096, got ${g}`);
  switch (config.main.kind) {
    case 'int4':
      if (config.main.activations !== 'int4' && config.main.activations !== 'uint4') throw new GoldenError('bad-config', 'lowrank_gemm: int4 activations must be int4 or uint4');
      wideFormat(config.main.scaleFormat);
      break;
    case 'nvfp4':
      break;
    default: {
      const never: never = config.main;
      throw new GoldenError('bad-config', `lowrank_gemm: unknown main path ${JSON.stringify(never)}`);
    }
  }
  wideFormat(config.accumulation);
  if (config.branchFormat !== 'fp16' && config.branchFormat !== 'bf16') throw new GoldenError('bad-config', 'lowrank_gemm: branchFormat must be fp16 or bf16');
  const e = config.epilogue ?? 'fp32';
  if (e !== 'fp32' && e !== config.branchFormat) throw new GoldenError('bad-config', `lowrank_gemm: epilogue must be fp32 or the branch format ${config.branchFormat}, got ${e}`);
  if (!Number.isInteger(config.rank) || config.rank < 0 || config.rank > LOW_RANK_MAX_RANK) throw new GoldenError('bad-config', `lowrank_gemm: rank must be an integer in 0..${LOW_RANK_MAX_RANK}, got ${config.rank}`);
  const aq = config.activationQuant ?? 'offline';
  if (aq !== 'offline' && aq !== 'runtime') throw new GoldenError('bad-config', `lowrank_gemm: activationQuant must be offline or runtime, got ${String(aq)}`);
  const ar = config.activationRounding ?? 'rne';
  if (ar !== 'rne' && ar !== 'rtz' && ar !== 'rna') throw new GoldenError('bad-config', `lowrank_gemm: activationRounding must be rne, rtz or rna, got ${String(ar)}`);
}

/** The activation codes and scales a GEMM multiplies: the operands' (offline), or `qact` of X (runtime). */
export function lowRankActivationCodes(config: LowRankGemmConfig, ops: LowRankGemmOperands): { readonly qa: ArrayLike<number>; readonly sa: ArrayLike<number> } {
  if (config.activationQuant === 'runtime') {
    if (!ops.x) throw new GoldenError('bad-operands', 'lowrank_gemm: runtime activation quantization needs the raw activations x');
    if (ops.qa || ops.sa) throw new GoldenError('bad-operands', 'lowrank_gemm: runtime activation quantization computes qa and sa from x; the operands must not give them');
    return lowRankQuantizeActivations(config, ops.m, ops.k, ops.x, config.activationRounding ?? 'rne');
  }
  if (!ops.qa || !ops.sa) throw new GoldenError('bad-operands', 'lowrank_gemm: offline activations need qa and sa');
  return { qa: ops.qa, sa: ops.sa };
}

/**
 * Element value tables of the main path, scaled to integers: value = table[code] / unit. The one
 * definition of the 4-bit element values: the GEMM, the simulator (through `lowRankGroupDot`) and the
 * RTL's `lr_elem` ROMs (through this function) read it.
 */
export interface LowRankElementValues {
  /** Activation values ·unit by 4-bit code (int4 −8..7, uint4 0..15, or 2·fp4_e2m1). */
  readonly act: Int32Array;
  /** Weight values ·unit by 4-bit code (int4, or 2·fp4_e2m1). */
  readonly wgt: Int32Array;
  /** Names of the two tables ('int4' | 'uint4' | 'fp4x2': fp4_e2m1 values doubled). */
  readonly actName: LowRankElementTable;
  readonly wgtName: LowRankElementTable;
  /** 1 for int4, 4 for nvfp4 (fp4 × fp4 products are multiples of 1/4): an element product is (act·wgt) / unit. */
  readonly unit: number;
}

/** The 4-bit element tables of the main path. */
export type LowRankElementTable = 'int4' | 'uint4' | 'fp4x2';

const ELEMENT_TABLES: Readonly<Record<LowRankElementTable, Int32Array>> = {
  int4: Int32Array.from({ length: 16 }, (_, c) => (c >= 8 ? c - 16 : c)),
  uint4: Int32Array.from({ length: 16 }, (_, c) => c),
  fp4x2: Int32Array.from({ length: 16 }, (_, c) => 2 * FP4_E2M1.decode(c)),
};

function elementValues(actName: LowRankElementTable, wgtName: LowRankElementTable, unit: number): LowRankElementValues {
  return { act: ELEMENT_TABLES[actName], wgt: ELEMENT_TABLES[wgtName], actName, wgtName, unit };
}

const INT4_INT4 = elementValues('int4', 'int4', 1);
const UINT4_INT4 = elementValues('uint4', 'int4', 1);
const NVFP4 = elementValues('fp4x2', 'fp4x2', 4);

/** The main path's element tables (shared constants: callers must not write them). */
export function lowRankElementValues(config: LowRankGemmConfig): LowRankElementValues {
  const main = config.main;
  switch (main.kind) {
    case 'int4':
      return main.activations === 'int4' ? INT4_INT4 : UINT4_INT4;
    case 'nvfp4':
      return NVFP4;
    default: {
      const never: never = main;
      throw new GoldenError('bad-config', `lowrank_gemm: unknown main path ${JSON.stringify(never)}`);
    }
  }
}

/** The format of both group-scale tensors: the int4 path's fp16/bf16, NVFP4's fp8_e4m3. */
export function lowRankScaleFormat(config: LowRankGemmConfig): FloatFormat {
  const main = config.main;
  return main.kind === 'nvfp4' ? FP8_E4M3 : main.scaleFormat === 'bf16' ? BF16 : FP16;
}

/** The value of one group-scale code (sa or sw). */
export function lowRankScaleValue(config: LowRankGemmConfig, code: number): number {
  return lowRankScaleFormat(config).decode(code);
}

/**
 * Step 1's exact group dot product d_g = Σ qa[aOff + i]·qw[wOff + i] over i < len (4-bit codes), as a value:
 * an integer (int4) or a multiple of 1/4 (nvfp4), exact in float64 for any group the golden accepts.
 */
export function lowRankGroupDot(config: LowRankGemmConfig, qa: ArrayLike<number>, aOff: number, qw: ArrayLike<number>, wOff: number, len: number): number {
  const { act, wgt, unit } = lowRankElementValues(config);
  let dot = 0;
  for (let i = 0; i < len; i++) dot += act[qa[aOff + i]] * wgt[qw[wOff + i]];
  return dot / unit; // exact: a small integer divided by 1 or 4
}

/** One group of the main path: its rounded dot product, rounded scale product and the new accumulator. */
export interface LowRankGroupStep {
  readonly dotRounded: number;
  readonly scale: number;
  /** round_P(d̂·s), the unfused path's product; NaN when fused (there is no rounded product). */
  readonly product: number;
  readonly accumulator: number;
}

/**
 * Step 1 for one group: `dot` is the exact group dot product (value units), `sa`/`sw` the decoded scale
 * values, `acc` the accumulator (a value of P).
 */
export function lowRankGroupStep(config: LowRankGemmConfig, acc: number, dot: number, sa: number, sw: number): LowRankGroupStep {
  const P = config.accumulation;
  const dotRounded = P === 'fp32' ? Math.fround(dot) : roundTo(wideFormat(P), dot);
  const scale = wideMul(P, sa, sw);
  if (config.fmaAccumulation === true) return { dotRounded, scale, product: Number.NaN, accumulator: fmaRounded(wideFormat(P), dotRounded, scale, acc) };
  const product = wideMul(P, dotRounded, scale);
  return { dotRounded, scale, product, accumulator: wideAdd(P, acc, product) };
}

/**
 * Steps 2–3: the main accumulator `acc` (a value of P) through the nvfp4 tensor scale (when given) and the
 * epilogue's channel scale and bias (decoded values, each optional); returns the fp32 value y.
 */
export function lowRankEpilogue(config: LowRankGemmConfig, acc: number, tensorScale: number | undefined, channelScale: number | undefined, bias: number | undefined): number {
  let y = acc; // fp16/bf16/fp32 values are all fp32 values: the widening is exact
  if (tensorScale !== undefined) y = fp32Mul(y, tensorScale);
  const e = config.epilogue ?? 'fp32';
  if (e === 'fp32') {
    if (channelScale !== undefined) y = fp32Mul(y, channelScale);
    if (bias !== undefined) y = fp32Add(y, bias);
    return y;
  }
  const f = wideFormat(e);
  y = roundTo(f, y);
  if (channelScale !== undefined && bias !== undefined) return fmaRounded(f, y, channelScale, bias);
  if (channelScale !== undefined) return roundTo(f, y * channelScale);
  if (bias !== undefined) return addRounded(f, y, bias);
  return y;
}

/** Step 4, down projection: one term of l = round_32(l + round_32(x · d)) (decoded 16-bit values). */
export function lowRankDownStep(l: number, x: number, d: number): number {
  return fp32Add(l, fp32Mul(x, d));
}

/** Step 4, up projection: y = round_32(y + round_32(L · u)), L = round_R16(l) from `lowRankDownResult`. */
export function lowRankUpStep(y: number, down: number, u: number): number {
  return fp32Add(y, fp32Mul(down, u));
}

/**
 * L[m, j] = round_R16(l): the down projection's fp32 sum rounded to the branch format; with a LoRA scale
 * (the decoded fp32 value of rank j's 16-rank tile), round_R16(round_32(l · scale)) (Nunchaku lora.cuh:154–156).
 */
export function lowRankDownResult(config: LowRankGemmConfig, l: number, loraScale?: number): number {
  return roundTo(wideFormat(config.branchFormat), loraScale === undefined ? l : fp32Mul(l, loraScale));
}

/** Number of LoRA scales of a rank-r branch: one per 16 ranks. */
export function loraScaleCount(rank: number): number {
  return Math.ceil(rank / 16);
}

/** Step 5: the output code round_R16(y). */
export function lowRankOutputCode(config: LowRankGemmConfig, y: number): number {
  return wideFormat(config.branchFormat).encode(y);
}

/** The main-path values of one group, for traces. */
export interface LowRankGroupTrace {
  readonly group: number;
  /** Exact group dot product (a multiple of 1/4 for nvfp4). */
  readonly dot: number;
  readonly dotRounded: number;
  readonly scale: number;
  readonly product: number;
  readonly accumulator: number;
}

/** Every intermediate value of one output element. */
export interface LowRankOutputTrace {
  readonly groups: readonly LowRankGroupTrace[];
  /** fp32 value after the main loop (and the nvfp4 tensor scale). */
  readonly main: number;
  readonly afterBias: number;
  /** The rounded 16-bit down-projection results L[m, ·]. */
  readonly down: readonly number[];
  /** y after each up-projection term j. */
  readonly afterUp: readonly number[];
  readonly code: number;
}

/** Resolved operands, shared by the GEMM and the single-output trace. */
interface Prepared {
  readonly config: LowRankGemmConfig;
  readonly ops: LowRankGemmOperands;
  readonly G: number;
  readonly P: WideFloatName;
  readonly r16: ReturnType<typeof wideFormat>;
  readonly tensorScale: number;
  /** The activation codes and scales (the operands', or quantized from X at run time). */
  readonly qa: ArrayLike<number>;
  readonly sa: ArrayLike<number>;
}

function prepare(config: LowRankGemmConfig, ops: LowRankGemmOperands): Prepared {
  checkLowRankGemmConfig(config);
  const { m: M, k: K, n: N } = ops;
  checkShape(M, K, N);
  const scaleBits = lowRankScaleFormat(config).bits;
  const G = Math.ceil(K / config.main.groupSize);
  if (config.activationQuant === 'runtime' && ops.x) checkCodes(ops.x, M * K, 16, 'x');
  const { qa, sa } = lowRankActivationCodes(config, ops);
  checkCodes(qa, M * K, 4, 'qa');
  checkCodes(ops.qw, N * K, 4, 'qw');
  checkCodes(sa, M * G, scaleBits, 'sa');
  checkCodes(ops.sw, N * G, scaleBits, 'sw');
  let tensorScale = 1;
  if (config.main.kind === 'nvfp4') {
    if (ops.tensorScale === undefined) throw new GoldenError('bad-operands', 'lowrank_gemm: nvfp4 needs tensorScale (an fp32 code)');
    checkCodes([ops.tensorScale], 1, 32, 'tensorScale');
    tensorScale = FP32.decode(ops.tensorScale);
  }
  if (ops.bias) checkCodes(ops.bias, N, 16, 'bias');
  if (ops.channelScales) checkCodes(ops.channelScales, N, 16, 'channelScales');
  if (ops.loraScales) checkCodes(ops.loraScales, loraScaleCount(config.rank), 32, 'loraScales');
  const r = config.rank;
  if (r > 0) {
    if (!ops.x || !ops.down || !ops.up) throw new GoldenError('bad-operands', `lowrank_gemm: rank ${r} needs x, down and up`);
    checkCodes(ops.x, M * K, 16, 'x');
    checkCodes(ops.down, K * r, 16, 'down');
    checkCodes(ops.up, N * r, 16, 'up');
  }
  return { config, ops, G, P: config.accumulation, r16: wideFormat(config.branchFormat), tensorScale, qa, sa };
}

/** L[m, ·]: the down projection of row m, fp32-accumulated over k ascending, rounded to 16 bits. */
function downRow(p: Prepared, m: number): number[] {
  const { ops, config, r16 } = p;
  const K = ops.k;
  const r = config.rank;
  const row: number[] = [];
  if (r === 0 || !ops.x || !ops.down) return row;
  for (let j = 0; j < r; j++) {
    let l = 0;
    for (let k = 0; k < K; k++) l = lowRankDownStep(l, r16.decode(ops.x[m * K + k]), r16.decode(ops.down[k * r + j]));
    row.push(lowRankDownResult(config, l, ops.loraScales ? FP32.decode(ops.loraScales[j >> 4]) : undefined));
  }
  return row;
}

/** Computes one output element; pushes group traces into `trace` when given. */
function outputElement(p: Prepared, m: number, n: number, down: readonly number[], trace?: { groups: LowRankGroupTrace[]; afterUp: number[]; main?: number; afterBias?: number }): number {
  const { ops, config, G, r16, qa, sa } = p;
  const K = ops.k;
  const gs = config.main.groupSize;
  let acc = 0;
  for (let g = 0; g < G; g++) {
    const start = g * gs;
    const exact = lowRankGroupDot(config, qa, m * K + start, ops.qw, n * K + start, Math.min(K, start + gs) - start);
    const st = lowRankGroupStep(config, acc, exact, lowRankScaleValue(config, sa[m * G + g]), lowRankScaleValue(config, ops.sw[n * G + g]));
    acc = st.accumulator;
    trace?.groups.push({ group: g, dot: exact, dotRounded: st.dotRounded, scale: st.scale, product: st.product, accumulator: acc });
  }
  const nv = config.main.kind === 'nvfp4';
  if (trace) trace.main = nv ? fp32Mul(acc, p.tensorScale) : acc;
  const cs = ops.channelScales ? r16.decode(ops.channelScales[n]) : undefined;
  const bias = ops.bias ? r16.decode(ops.bias[n]) : undefined;
  let y = lowRankEpilogue(config, acc, nv ? p.tensorScale : undefined, cs, bias);
  if (trace) trace.afterBias = y;
  const r = config.rank;
  if (r > 0 && ops.up) {
    for (let j = 0; j < r; j++) {
      y = lowRankUpStep(y, down[j], r16.decode(ops.up[n * r + j]));
      trace?.afterUp.push(y);
    }
  }
  return lowRankOutputCode(config, y);
}

/** The lowrank_gemm GEMM: Y [M × N] codes in branchFormat. */
export function lowRankGemm(config: LowRankGemmConfig, ops: LowRankGemmOperands): GemmResult {
  const p = prepare(config, ops);
  const { m: M, n: N } = ops;
  const codes = new Uint32Array(M * N);
  for (let m = 0; m < M; m++) {
    const down = downRow(p, m);
    for (let n = 0; n < N; n++) codes[m * N + n] = outputElement(p, m, n, down);
  }
  return { format: config.branchFormat, m: M, n: N, codes };
}

/** One output element (m, n) with every intermediate value, for simulator/RTL trace comparison. */
export function lowRankOutputTrace(config: LowRankGemmConfig, ops: LowRankGemmOperands, m: number, n: number): LowRankOutputTrace {
  const p = prepare(config, ops);
  if (!Number.isInteger(m) || m < 0 || m >= ops.m || !Number.isInteger(n) || n < 0 || n >= ops.n) throw new GoldenError('bad-operands', `output (${m}, ${n}) is outside ${ops.m} × ${ops.n}`);
  const down = downRow(p, m);
  const t: { groups: LowRankGroupTrace[]; afterUp: number[]; main?: number; afterBias?: number } = { groups: [], afterUp: [] };
  const code = outputElement(p, m, n, down, t);
  return { groups: t.groups, main: t.main ?? 0, afterBias: t.afterBias ?? 0, down, afterUp: t.afterUp, code };
}
