/**
 * PE-level vectors of the bit_serial_mod PE for the Verilator harness (was src/verify/rtl/pe-vectors.ts): the beats
 * the generated PE consumes and the results it must produce, one dot product per output element (m, n) in
 * row-major order, expected values from the golden model itself. Beat layout: the PE's header comment
 * (templates/bit_serial_mod_pe.v.hbs).
 */
import { bitSerialModGemm, termSchedule } from './golden.js';
import type { BitSerialModConfig, BitSerialModOperands } from './golden.js';
import { packLanes } from '../../verify/rtl/beats.js';
import type { PeVectors } from '../../verify/rtl/pe-vectors.js';

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
