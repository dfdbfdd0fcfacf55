/**
 * The ideal reference of every PE kind: the same GEMM in float64 on the dequantized operands (codes
 * decoded exactly, scales applied as real numbers, no intermediate rounding other than float64's own,
 * k ascending). Comparing it with the golden result (metrics.ts) shows the cost of the datapath's
 * widths, truncations and roundings; the float64 sums themselves are ~1e-16 relative.
 */
import { FP16, FP32, FP4_E2M1, FP8_E4M3 } from '../formats/float.js';
import type { NumberFormatBase } from '../formats/types.js';
import { groupCount, termSchedule } from './bit-serial-mod.js';
import { supportedFormat, wideFormat } from './common.js';
import { simdElementFormat } from './simd-mac.js';
import type {
  BitSerialModConfig,
  BitSerialModOperands,
  GemmResult,
  GoldenConfig,
  GoldenOperands,
  GoldenOutputName,
  LowRankGemmConfig,
  LowRankGemmOperands,
  MacConfig,
  MacOperands,
  SimdMacConfig,
  SimdMacOperands,
} from './types.js';
import { SIMD_OUTPUT_NAMES, WIDE_FLOAT_NAMES } from './types.js';

/** The format of a GEMM output name (int32 results decode as two's complement). */
export function outputFormat(name: GoldenOutputName): NumberFormatBase | 'int32' {
  return name === 'int32'
    ? 'int32'
    : supportedFormat(name, [...WIDE_FLOAT_NAMES, ...SIMD_OUTPUT_NAMES], 'GEMM output');
}

/** The float64 values of a GEMM result's codes. */
export function decodeResult(result: GemmResult): Float64Array {
  const f = outputFormat(result.format);
  const out = new Float64Array(result.codes.length);
  for (let i = 0; i < out.length; i++)
    out[i] = f === 'int32' ? result.codes[i] | 0 : f.decode(result.codes[i]);
  return out;
}

/** The float64 ideal of any config (dispatch on kind). */
export function idealGemm<C extends GoldenConfig>(config: C, ops: GoldenOperands<C>): Float64Array {
  const c: GoldenConfig = config;
  switch (c.kind) {
    case 'bit_serial_mod':
      return idealBitSerialMod(c, ops as BitSerialModOperands);
    case 'simd_mac':
      return idealSimdMac(c, ops as SimdMacOperands);
    case 'lowrank_gemm':
      return idealLowRank(c, ops as LowRankGemmOperands);
    case 'mac':
      return idealMac(c, ops as MacOperands);
    default: {
      const never: never = c;
      throw new RangeError(`unknown PE kind ${JSON.stringify(never)}`);
    }
  }
}

function idealBitSerialMod(config: BitSerialModConfig, ops: BitSerialModOperands): Float64Array {
  const { m: M, k: K, n: N } = ops;
  const G = groupCount(K, config.groupSize);
  const formats = config.candidates.map((t) => termSchedule(t).format);
  const y = new Float64Array(M * N);
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let s = 0;
      for (let g = 0; g < G; g++) {
        const f = formats[ops.selectors[n * G + g]];
        let d = 0;
        for (let k = g * config.groupSize; k < Math.min(K, (g + 1) * config.groupSize); k++)
          d += FP16.decode(ops.activations[m * K + k]) * f.decode(ops.weights[n * K + k]);
        s += d * ops.groupScales[n * G + g];
      }
      y[m * N + n] = s * FP16.decode(ops.channelScales[n]);
    }
  }
  return y;
}

function idealSimdMac(config: SimdMacConfig, ops: SimdMacOperands): Float64Array {
  const f = simdElementFormat(config.element);
  const { m: M, k: K, n: N } = ops;
  const y = new Float64Array(M * N);
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let s = 0;
      for (let k = 0; k < K; k++)
        s += f.decode(ops.activations[m * K + k]) * f.decode(ops.weights[n * K + k]);
      y[m * N + n] = s;
    }
  }
  return y;
}

function idealLowRank(config: LowRankGemmConfig, ops: LowRankGemmOperands): Float64Array {
  const { m: M, k: K, n: N } = ops;
  const gs = config.main.groupSize;
  const G = Math.ceil(K / gs);
  const nv = config.main.kind === 'nvfp4';
  const signedAct = config.main.kind === 'int4' && config.main.activations === 'int4';
  const elem = (c: number, signed: boolean): number =>
    nv ? FP4_E2M1.decode(c) : signed && c >= 8 ? c - 16 : c;
  const scale = (c: number): number =>
    config.main.kind === 'int4' ? wideFormat(config.main.scaleFormat).decode(c) : FP8_E4M3.decode(c);
  const r16 = wideFormat(config.branchFormat);
  const r = config.rank;
  const tensorScale = nv && ops.tensorScale !== undefined ? FP32.decode(ops.tensorScale) : 1;
  const y = new Float64Array(M * N);
  for (let m = 0; m < M; m++) {
    const down: number[] = [];
    for (let j = 0; j < r && ops.x && ops.down; j++) {
      let l = 0;
      for (let k = 0; k < K; k++) l += r16.decode(ops.x[m * K + k]) * r16.decode(ops.down[k * r + j]);
      down.push(l);
    }
    for (let n = 0; n < N; n++) {
      let s = 0;
      for (let g = 0; g < G; g++) {
        let d = 0;
        for (let k = g * gs; k < Math.min(K, (g + 1) * gs); k++)
          d += elem(ops.qa[m * K + k], signedAct) * elem(ops.qw[n * K + k], true);
        s += d * scale(ops.sa[m * G + g]) * scale(ops.sw[n * G + g]);
      }
      s *= tensorScale;
      if (ops.bias) s += r16.decode(ops.bias[n]);
      for (let j = 0; j < down.length && ops.up; j++) s += down[j] * r16.decode(ops.up[n * r + j]);
      y[m * N + n] = s;
    }
  }
  return y;
}

function idealMac(config: MacConfig, ops: MacOperands): Float64Array {
  const { m: M, k: K, n: N } = ops;
  const int8 = (c: number): number => (c >= 128 ? c - 256 : c);
  const a = config.variant === 'int8' ? int8 : (c: number) => FP16.decode(c);
  const w = config.variant === 'fp16_fma' ? (c: number) => FP16.decode(c) : int8;
  const y = new Float64Array(M * N);
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += a(ops.activations[m * K + k]) * w(ops.weights[n * K + k]);
      if (ops.channelScales) s *= FP16.decode(ops.channelScales[n]);
      y[m * N + n] = s;
    }
  }
  return y;
}
