/**
 * PE-level vectors for the Verilator harness: turns a golden GEMM (config + operands) into the beats a
 * generated PE consumes and the results it must produce, one dot product per output element (m, n) in
 * row-major order, expected values from the golden model itself (src/golden is the definition the RTL
 * must match bit for bit). Beat layouts follow each PE's header comment (rtl-templates/*_pe.v.hbs).
 */
import { bitSerialModGemm, termSchedule } from '../../golden/bit-serial-mod.js';
import { simdElementFormat, simdMacGemm } from '../../golden/simd-mac.js';
import { wideFormat } from '../../golden/common.js';
import { lowRankOutputTrace } from '../../golden/lowrank-gemm.js';
import { lowRankPorts, type LowRankOptionalOperands } from '../../codegen/verilog/pe-lowrank.js';
import { macGemm } from '../../golden/mac.js';
import type { BitSerialModConfig, BitSerialModOperands, LowRankGemmConfig, LowRankGemmOperands, MacConfig, MacOperands, SimdMacConfig, SimdMacOperands } from '../../golden/types.js';

/** Stimulus rows (one per beat) and expected rows (one per result), values in port order. */
export interface PeVectors {
  readonly stimulus: bigint[][];
  readonly expected: bigint[][];
}

function packLanes(values: readonly number[], width: number): bigint {
  let w = 0n;
  values.forEach((v, i) => {
    w |= BigInt(v) << BigInt(i * width);
  });
  return w;
}

/**
 * bit_serial_mod beats: act, wgt, sel, gscale, cscale, group_last, dot_last — one per step of 4 lanes,
 * groups of `groupSize` along K (the last group and step may be short: missing lanes are +0 / code 0).
 */
export function bitSerialModVectors(config: BitSerialModConfig, ops: BitSerialModOperands): PeVectors {
  const golden = bitSerialModGemm(config, ops);
  const weightBits = Math.max(...config.candidates.map((c) => termSchedule(c).bits));
  const G = Math.ceil(ops.k / config.groupSize);
  const stimulus: bigint[][] = [];
  const expected: bigint[][] = [];
  for (let m = 0; m < ops.m; m++) {
    for (let n = 0; n < ops.n; n++) {
      for (let g = 0; g < G; g++) {
        const start = g * config.groupSize;
        const end = Math.min(ops.k, start + config.groupSize);
        for (let base = start; base < end; base += 4) {
          const acts: number[] = [];
          const wgts: number[] = [];
          for (let i = base; i < base + 4; i++) {
            acts.push(i < end ? ops.activations[m * ops.k + i] : 0);
            wgts.push(i < end ? ops.weights[n * ops.k + i] : 0);
          }
          const groupLast = base + 4 >= end;
          const dotLast = groupLast && g === G - 1;
          stimulus.push([packLanes(acts, 16), packLanes(wgts, weightBits), BigInt(ops.selectors[n * G + g]), BigInt(ops.groupScales[n * G + g]), BigInt(ops.channelScales[n]), groupLast ? 1n : 0n, dotLast ? 1n : 0n]);
        }
      }
      expected.push([BigInt(golden.codes[m * ops.n + n])]);
    }
  }
  return { stimulus, expected };
}

/**
 * simd_mac beats for mode `mode` of a multi-mode PE: a, b, mode, first, last — one per step of `lanes`
 * elements (16 / element bits), missing lanes of the last step are code 0 (zero in every element format).
 */
export function simdMacVectors(config: SimdMacConfig, mode: number, ops: SimdMacOperands): PeVectors {
  const golden = simdMacGemm(config, ops);
  const bits = simdElementFormat(config.element).bits;
  const lanes = 16 / bits;
  const stimulus: bigint[][] = [];
  const expected: bigint[][] = [];
  const steps = Math.ceil(ops.k / lanes);
  for (let m = 0; m < ops.m; m++) {
    for (let n = 0; n < ops.n; n++) {
      for (let t = 0; t < steps; t++) {
        const as: number[] = [];
        const bs: number[] = [];
        for (let i = t * lanes; i < (t + 1) * lanes; i++) {
          as.push(i < ops.k ? ops.activations[m * ops.k + i] : 0);
          bs.push(i < ops.k ? ops.weights[n * ops.k + i] : 0);
        }
        stimulus.push([packLanes(as, bits), packLanes(bs, bits), BigInt(mode), t === 0 ? 1n : 0n, t === steps - 1 ? 1n : 0n]);
      }
      expected.push([BigInt(golden.codes[m * ops.n + n])]);
    }
  }
  return { stimulus, expected };
}

/** mac beats: a, b, [cscale,] first, last — one per k; cscale (fp16_int8) is 1.0 when absent. */
export function macVectors(config: MacConfig, ops: MacOperands): PeVectors {
  const golden = macGemm(config, ops);
  const stimulus: bigint[][] = [];
  const expected: bigint[][] = [];
  for (let m = 0; m < ops.m; m++) {
    for (let n = 0; n < ops.n; n++) {
      for (let k = 0; k < ops.k; k++) {
        const row = [BigInt(ops.activations[m * ops.k + k]), BigInt(ops.weights[n * ops.k + k])];
        if (config.variant === 'fp16_int8') row.push(BigInt(ops.channelScales ? ops.channelScales[n] : 0x3c00));
        row.push(k === 0 ? 1n : 0n, k === ops.k - 1 ? 1n : 0n);
        stimulus.push(row);
      }
      expected.push([BigInt(golden.codes[m * ops.n + n])]);
    }
  }
  return { stimulus, expected };
}

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
            as.push(i < end ? ops.qa[m * ops.k + i] : 0);
            ws.push(i < end ? ops.qw[n * ops.k + i] : 0);
          }
          beat(0, { qa: packLanes(as, 4), qw: packLanes(ws, 4), sa: ops.sa[m * G + g], sw: ops.sw[n * G + g], first: g === 0 && base === start, gfirst: base === start, glast: base + lanes >= end });
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
