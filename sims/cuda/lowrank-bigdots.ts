/**
 * The `bigdots` verification case of sims/cuda/make-cases.ts (lowrank_gemm, int4 main paths): operands whose group dots
 * all need more than fp16's 11 significant bits, so that a kernel rounding a group dot differently from golden's
 * round_fp16 (e.g. lr_wgmma's f16 tensor-core accumulators, LR_WG_F16ACC) differs in its output. Its power is checked
 * against golden by test/codegen/cuda/lowrank-bigdots.test.ts.
 */
import { inputHash } from '../../src/codegen/cuda/inputs.js';
import { lowRankElementValues, type LowRankGemmConfig, type LowRankGemmOperands } from '../../src/pe/lowrank-gemm/golden.js';
import { LOW_RANK_STREAMS } from '../../src/pe/lowrank-gemm/kernel-cuda.js';

/**
 * Operands whose group dots are large and odd (int4 main paths): rounding them to fp16 is not exact, so a kernel that
 * rounds a group dot differently from golden's round_fp16 (e.g. lr_wgmma's f16 tensor-core accumulators, LR_WG_F16ACC)
 * shows here, where hash inputs (|d| rarely beyond 2048) would not tell. In each 64-group, 63 activations of one
 * magnitude (±7 after runtime quantization of ±1.0, or the codes of -8 / 7) times weights -8 or 7 (sign by column and
 * group), and one last pair spread over every small value: |d| between ~3,000 and 4,096 with every residue mod 4.
 * Small weight scales keep the accumulation finite; up = 0 keeps the branch from hiding the main path's last bits.
 */
export function lowRankBigDotOperands(config: LowRankGemmConfig, m: number, n: number, k: number): LowRankGemmOperands {
  const values = lowRankElementValues(config);
  const code = (table: Int32Array, v: number): number => {
    const c = table.indexOf(v);
    if (c < 0) throw new Error(`make-cases: no 4-bit code for ${v}`);
    return c;
  };
  const GS = config.main.groupSize, G = Math.ceil(k / GS), r = config.rank;
  const last = (i: number): boolean => i % GS === GS - 1 || i === k - 1;
  const runtime = config.activationQuant === 'runtime';
  const x = new Uint16Array(m * k), qa = new Uint8Array(m * k), qw = new Uint8Array(n * k);
  const f16 = (v: number): number => (v === 0 ? 0 : (v < 0 ? 0x8000 : 0) | f16Positive(Math.abs(v)));
  for (let i = 0; i < m; i++)
    for (let j = 0; j < k; j++) {
      const neg = ((i >> 3) + Math.floor(j / GS)) & 1;
      const xv = last(j) ? ((i % 17) - 8) / 8 : neg ? -1 : 1;
      x[i * k + j] = f16(xv);
      qa[i * k + j] = code(values.act, last(j) ? (i % 16) - 8 : neg ? -8 : 7);
    }
  for (let i = 0; i < n; i++)
    for (let j = 0; j < k; j++) qw[i * k + j] = code(values.wgt, last(j) ? (i % 16) - 8 : ((i >> 2) + Math.floor(j / GS)) & 1 ? -8 : 7);
  const sw = new Uint16Array(n * G);
  for (let i = 0; i < sw.length; i++) sw[i] = 0x2000 | (inputHash(0xb16d, LOW_RANK_STREAMS.sw, i) & 0x03ff);   // 2^-7 .. 2^-6
  const sa = new Uint16Array(m * G);
  for (let i = 0; i < sa.length; i++) sa[i] = 0x2c00 | (inputHash(0xb16d, LOW_RANK_STREAMS.sa, i) & 0x03ff);   // 2^-4 .. 2^-3
  const down = new Uint16Array(k * r);
  for (let i = 0; i < down.length; i++) down[i] = (inputHash(0xb16d, LOW_RANK_STREAMS.down, i) & 0x8fff) | 0x3000;
  return {
    m, k, n,
    qa: runtime ? undefined : qa, qw, sa: runtime ? undefined : sa, sw,
    tensorScale: undefined, bias: undefined, channelScales: undefined, loraScales: undefined,
    x: r > 0 || runtime ? x : undefined, down: r > 0 ? down : undefined, up: r > 0 ? new Uint16Array(n * r) : undefined,
  };
}

/** The binary16 code of a positive value that fp16 holds exactly (the directed cases use ±1 and j/8 only). */
function f16Positive(v: number): number {
  const e = Math.floor(Math.log2(v));
  const mant = v / 2 ** e - 1;
  const code = ((e + 15) << 10) | Math.round(mant * 1024);
  if (e < -14 || e > 15 || mant * 1024 !== Math.round(mant * 1024)) throw new Error(`make-cases: ${v} is not a normal fp16 value`);
  return code;
}

