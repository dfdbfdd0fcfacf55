/**
 * Golden model of the SVDQuant / Nunchaku fused 4-bit GEMM with a 16-bit low-rank branch
 * (`lowrank_gemm`). docs/golden.md §lowrank_gemm is the prose version.
 *
 * For each output (m, n), in this order (P = the declared accumulation precision, R16 = branchFormat,
 * round_X = one RNE rounding to X, every operation below rounds exactly once):
 * 1. Main path, groups g ascending, acc₀ = +0 in P:
 *      d_g  = Σ_{k∈g} qa[m,k]·qw[n,k]            exact (int32 for int4; quarter-units for nvfp4)
 *      d̂_g  = round_P(d_g)                        (int → float conversion; exact in fp32)
 *      s_g  = round_P(sa[m,g] · sw[n,g])
 *      p_g  = round_P(d̂_g · s_g)
 *      acc  = round_P(acc + p_g)                   (unfused multiply, then add: reproducible everywhere)
 * 2. y = fp32(acc) (exact widening); nvfp4: y = round_32(y · tensorScale).
 * 3. Bias: y = round_32(y + bias[n]).
 * 4. Branch: L[m,j] = round_R16(l), l₀ = +0, l = round_32(l + round_32(X[m,k]·D[k,j])) for k ascending;
 *    then for j ascending: y = round_32(y + round_32(L[m,j]·U[n,j])).
 * 5. Y[m,n] = round_R16(y).
 * This is the epilogue order of ../shared/reference/svdquant.md: scales and bias, then the up projection
 * into the fp32-widened main result, then the 16-bit output.
 */
import { FP32, FP4_E2M1, FP8_E4M3 } from '../formats/float.js';
import { checkCodes, checkShape, fp32Add, fp32Mul, roundTo, wideAdd, wideFormat, wideMul } from './common.js';
import { GoldenError } from './errors.js';
import type { GemmResult, LowRankGemmConfig, LowRankGemmOperands, WideFloatName } from './types.js';

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
  if (!Number.isInteger(config.rank) || config.rank < 0 || config.rank > 1024) throw new GoldenError('bad-config', `lowrank_gemm: rank must be an integer in 0..1024, got ${config.rank}`);
}

/** Element value tables of the main path, scaled to integers: value = table[code] / unit. */
interface MainTables {
  readonly act: Int32Array;
  readonly wgt: Int32Array;
  /** 1 for int4, 4 for nvfp4 (fp4 × fp4 products are multiples of 1/4). */
  readonly unit: number;
  readonly scaleValue: (code: number) => number;
  readonly scaleBits: number;
}

const INT4 = Int32Array.from({ length: 16 }, (_, c) => (c >= 8 ? c - 16 : c));
const UINT4 = Int32Array.from({ length: 16 }, (_, c) => c);
const FP4X2 = Int32Array.from({ length: 16 }, (_, c) => 2 * FP4_E2M1.decode(c));

function mainTables(config: LowRankGemmConfig): MainTables {
  const main = config.main;
  switch (main.kind) {
    case 'int4': {
      const f = wideFormat(main.scaleFormat);
      return { act: main.activations === 'int4' ? INT4 : UINT4, wgt: INT4, unit: 1, scaleValue: (c) => f.decode(c), scaleBits: 16 };
    }
    case 'nvfp4':
      return { act: FP4X2, wgt: FP4X2, unit: 4, scaleValue: (c) => FP8_E4M3.decode(c), scaleBits: 8 };
    default: {
      const never: never = main;
      throw new GoldenError('bad-config', `lowrank_gemm: unknown main path ${JSON.stringify(never)}`);
    }
  }
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
  readonly tables: MainTables;
  readonly G: number;
  readonly P: WideFloatName;
  readonly r16: ReturnType<typeof wideFormat>;
  readonly tensorScale: number;
}

function prepare(config: LowRankGemmConfig, ops: LowRankGemmOperands): Prepared {
  checkLowRankGemmConfig(config);
  const { m: M, k: K, n: N } = ops;
  checkShape(M, K, N);
  const tables = mainTables(config);
  const G = Math.ceil(K / config.main.groupSize);
  checkCodes(ops.qa, M * K, 4, 'qa');
  checkCodes(ops.qw, N * K, 4, 'qw');
  checkCodes(ops.sa, M * G, tables.scaleBits, 'sa');
  checkCodes(ops.sw, N * G, tables.scaleBits, 'sw');
  let tensorScale = 1;
  if (config.main.kind === 'nvfp4') {
    if (ops.tensorScale === undefined) throw new GoldenError('bad-operands', 'lowrank_gemm: nvfp4 needs tensorScale (an fp32 code)');
    checkCodes([ops.tensorScale], 1, 32, 'tensorScale');
    tensorScale = FP32.decode(ops.tensorScale);
  }
  if (ops.bias) checkCodes(ops.bias, N, 16, 'bias');
  const r = config.rank;
  if (r > 0) {
    if (!ops.x || !ops.down || !ops.up) throw new GoldenError('bad-operands', `lowrank_gemm: rank ${r} needs x, down and up`);
    checkCodes(ops.x, M * K, 16, 'x');
    checkCodes(ops.down, K * r, 16, 'down');
    checkCodes(ops.up, N * r, 16, 'up');
  }
  return { config, ops, tables, G, P: config.accumulation, r16: wideFormat(config.branchFormat), tensorScale };
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
    for (let k = 0; k < K; k++) l = fp32Add(l, fp32Mul(r16.decode(ops.x[m * K + k]), r16.decode(ops.down[k * r + j])));
    row.push(roundTo(r16, l));
  }
  return row;
}

/** Computes one output element; pushes group traces into `trace` when given. */
function outputElement(p: Prepared, m: number, n: number, down: readonly number[], trace?: { groups: LowRankGroupTrace[]; afterUp: number[]; main?: number; afterBias?: number }): number {
  const { ops, config, tables, G, P, r16 } = p;
  const K = ops.k;
  const gs = config.main.groupSize;
  const { act, wgt, unit } = tables;
  const qa = ops.qa;
  const qw = ops.qw;
  let acc = 0;
  for (let g = 0; g < G; g++) {
    const start = g * gs;
    const end = Math.min(K, start + gs);
    let dot = 0;
    for (let k = start; k < end; k++) dot += act[qa[m * K + k]] * wgt[qw[n * K + k]];
    const exact = dot / unit; // exact: a small integer divided by 1 or 4
    const dotRounded = P === 'fp32' ? Math.fround(exact) : roundTo(wideFormat(P), exact);
    const scale = wideMul(P, tables.scaleValue(ops.sa[m * G + g]), tables.scaleValue(ops.sw[n * G + g]));
    const product = wideMul(P, dotRounded, scale);
    acc = wideAdd(P, acc, product);
    trace?.groups.push({ group: g, dot: exact, dotRounded, scale, product, accumulator: acc });
  }
  let y = acc; // fp16/bf16/fp32 values are all fp32 values: the widening is exact
  if (config.main.kind === 'nvfp4') y = fp32Mul(y, p.tensorScale);
  if (trace) trace.main = y;
  if (ops.bias) y = fp32Add(y, r16.decode(ops.bias[n]));
  if (trace) trace.afterBias = y;
  const r = config.rank;
  if (r > 0 && ops.up) {
    for (let j = 0; j < r; j++) {
      y = fp32Add(y, fp32Mul(down[j], r16.decode(ops.up[n * r + j])));
      trace?.afterUp.push(y);
    }
  }
  return r16.encode(y);
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
