/**
 * PE-level vectors for the Verilator harness: turns a golden GEMM (config + operands) into the beats a
 * generated PE consumes and the results it must produce, one dot product per output element (m, n) in
 * row-major order, expected values from the golden model itself (src/golden is the definition the RTL
 * must match bit for bit). Beat layouts follow each PE's header comment (rtl-templates/*_pe.v.hbs).
 */
import { bitSerialModGemm, termSchedule } from '../../golden/bit-serial-mod.js';
import { simdElementFormat, simdMacGemm } from '../../golden/simd-mac.js';
import { macGemm } from '../../golden/mac.js';
import type { BitSerialModConfig, BitSerialModOperands, MacConfig, MacOperands, SimdMacConfig, SimdMacOperands } from '../../golden/types.js';

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
