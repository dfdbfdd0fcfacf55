/**
 * PE-level vectors of the lowrank_gemm PE for the Verilator harness (was src/verify/rtl/pe-vectors.ts): the beats
 * the generated PE consumes and the results it must produce, one dot product per output element (m, n) in
 * row-major order, expected values from the golden model itself. Beat layout: the PE's header comment
 * (templates/lowrank_pe.v.hbs).
 */
import { wideFormat } from '../../golden/common.js';
import { lowRankActivationCodes, lowRankOutputTrace } from './golden.js';
import type { LowRankGemmConfig, LowRankGemmOperands } from './golden.js';
import { packLanes } from '../../verify/rtl/beats.js';
import type { PeVectors } from '../../verify/rtl/pe-vectors.js';
import { lowRankPorts, type LowRankOptionalOperands } from './rtl-pe.js';

/**
 * lowrank_gemm beats: op, qa, qw, sa, sw, x16, u16, [ts,] [cs,] [ls,] first, gfirst, glast, flag (see
 * lowrank_pe.v.hbs; cs and ls when the PE declares channel / LoRA scales (`opt`, as the RTL was generated
 * with), 1.0 where an operand is absent).
 * Per row m (rank > 0) the branch unit first computes and emits every L[m, j] (DOWN, DOWN_OUT with rank j's
 * LoRA scale); then per output (m, n): DOT beats of `lanes` products per group, EPILOGUE (bias and channel
 * scale), one UP per j, OUT.
 */
export function lowRankVectors(config: LowRankGemmConfig, lanes: number, ops: LowRankGemmOperands, opt: LowRankOptionalOperands): PeVectors {
  const nv = config.main.kind === 'nvfp4';
  const r16 = wideFormat(config.branchFormat);
  const G = Math.ceil(ops.k / config.main.groupSize);
  const gs = config.main.groupSize;
  const r = config.rank;
  const stimulus: bigint[][] = [];
  const expected: bigint[][] = [];
  const ports = lowRankPorts(config, lanes, opt);
  const one16 = r16.encode(1);
  const oneF32 = 0x3f800000;
  const beat = (op: number, fields: { qa?: bigint; qw?: bigint; sa?: number; sw?: number; x16?: number; u16?: number; cs?: number; ls?: number; first?: boolean; gfirst?: boolean; glast?: boolean; flag?: boolean }): void => {
    const row = [BigInt(op), fields.qa ?? 0n, fields.qw ?? 0n, BigInt(fields.sa ?? 0), BigInt(fields.sw ?? 0), BigInt(fields.x16 ?? 0), BigInt(fields.u16 ?? 0)];
    if (nv) row.push(BigInt(ops.tensorScale ?? 0));
    if (ports.channelScale) row.push(BigInt(fields.cs ?? one16));
    if (ports.loraScale) row.push(BigInt(fields.ls ?? oneF32));
    row.push(fields.first ? 1n : 0n, fields.gfirst ? 1n : 0n, fields.glast ? 1n : 0n, fields.flag ? 1n : 0n);
    stimulus.push(row);
  };
  const act = lowRankActivationCodes(config, ops);
  for (let m = 0; m < ops.m; m++) {
    let down: readonly number[] = [];
    for (let n = 0; n < ops.n; n++) {
      const trace = lowRankOutputTrace(config, ops, m, n);
      if (n === 0 && r > 0 && ops.x && ops.down) {
        down = trace.down;
        for (let j = 0; j < r; j++) {
          for (let k = 0; k < ops.k; k++) beat(4, { x16: ops.x[m * ops.k + k], u16: ops.down[k * r + j], first: k === 0 });
          beat(5, { ls: ops.loraScales ? ops.loraScales[j >> 4] : oneF32 });
          expected.push([BigInt(r16.encode(down[j]))]);
        }
      }
      for (let g = 0; g < G; g++) {
        const start = g * gs;
        const end = Math.min(ops.k, start + gs);
        for (let base = start; base < end; base += lanes) {
          const as: number[] = [];
          const ws: number[] = [];
          for (let i = base; i < base + lanes; i++) {
            as.push(i < end ? act.qa[m * ops.k + i] : 0);
            ws.push(i < end ? ops.qw[n * ops.k + i] : 0);
          }
          beat(0, { qa: packLanes(as, 4), qw: packLanes(ws, 4), sa: act.sa[m * G + g], sw: ops.sw[n * G + g], first: g === 0 && base === start, gfirst: base === start, glast: base + lanes >= end });
        }
      }
      beat(1, { x16: ops.bias ? ops.bias[n] : 0, flag: ops.bias !== undefined, cs: ops.channelScales ? ops.channelScales[n] : one16 });
      if (r > 0 && ops.up) for (let j = 0; j < r; j++) beat(2, { x16: r16.encode(down[j]), u16: ops.up[n * r + j] });
      beat(3, {});
      expected.push([BigInt(trace.code)]);
    }
  }
  return { stimulus, expected };
}
