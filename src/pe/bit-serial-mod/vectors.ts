/**
 * PE-level vectors of the bit_serial_mod PE for the Verilator harness (was src/verify/rtl/pe-vectors.ts): the beats
 * the generated PE consumes and the results it must produce, one dot product per output element (m, n) in
 * row-major order, expected values from the golden model itself. Beat layout: the PE's header comment
 * (templates/bit_serial_mod_pe.v.hbs).
 */
import { bitSerialConfigGeometry, bitSerialModGemm, termSchedule } from './golden.js';
import type { BitSerialModConfig, BitSerialModOperands } from './golden.js';
import { packLanes } from '../../verify/rtl/beats.js';
import type { PeVectors } from '../../verify/rtl/pe-vectors.js';

/** A step's activations as the PE's ports take them: 4 lanes (64 bits) a port (act, act_w1, …). */
function actWords(acts: readonly number[]): bigint[] {
  const words: bigint[] = [];
  for (let i = 0; i < acts.length; i += 4) words.push(packLanes(acts.slice(i, i + 4), 16));
  return words;
}

/**
 * bit_serial_mod beats: act, wgt, sel, gscale, cscale, group_last, dot_last — one per step of `lanes` (4, or the config's geometry),
 * groups of `groupSize` along K (the last group and step may be short: missing lanes are +0 / code 0).
 */
export function bitSerialModVectors(config: BitSerialModConfig, ops: BitSerialModOperands): PeVectors {
  const golden = bitSerialModGemm(config, ops);
  const weightBits = Math.max(...config.candidates.map((c) => termSchedule(c).bits));
  const G = Math.ceil(ops.k / config.groupSize);
  const lanes = bitSerialConfigGeometry(config).lanes;
  const stimulus: bigint[][] = [];
  const expected: bigint[][] = [];
  for (let m = 0; m < ops.m; m++) {
    for (let n = 0; n < ops.n; n++) {
      for (let g = 0; g < G; g++) {
        const start = g * config.groupSize;
        const end = Math.min(ops.k, start + config.groupSize);
        for (let base = start; base < end; base += lanes) {
          const acts: number[] = [];
          const wgts: number[] = [];
          for (let i = base; i < base + lanes; i++) {
            acts.push(i < end ? ops.activations[m * ops.k + i] : 0);
            wgts.push(i < end ? ops.weights[n * ops.k + i] : 0);
          }
          const groupLast = base + lanes >= end;
          const dotLast = groupLast && g === G - 1;
          stimulus.push([...actWords(acts), packLanes(wgts, weightBits), BigInt(ops.selectors[n * G + g]), BigInt(ops.groupScales[n * G + g]), BigInt(ops.channelScales[n]), groupLast ? 1n : 0n, dotLast ? 1n : 0n]);
        }
      }
      expected.push([BigInt(golden.codes[m * ops.n + n])]);
    }
  }
  return { stimulus, expected };
}
