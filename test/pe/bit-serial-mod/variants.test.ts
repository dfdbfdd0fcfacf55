/**
 * Issue 12 "what check accepts, every backend runs" for bit_serial_mod: variants of examples/bitmod.qacc
 * (other lanes, activation/cross-group/output formats, widths, stages, array shapes, weight schemes) are
 * each either rejected by `qacc check` with located errors or honored — sim matches golden and build
 * succeeds. Small arrays (--set) and no Verilator keep it fast.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectHonoredOrRejected, type VariantOutcome } from '../variants-lib.js';

const EXAMPLE = join(import.meta.dirname, '../../../examples/bitmod.qacc');
const BASE = readFileSync(EXAMPLE, 'utf8');
const SETS = ['rows=2', 'cols=2', 'banks=1'];
/** The first (qacc datapath) PE's declaration, the one each variant edits. */
const PE_HEAD = 'pe bitmod_pe : bit_serial_mod {';

/** The example with `from` replaced by `to` inside bitmod_pe (the first occurrence after its head). */
function editPe(from: string, to: string): string {
  const head = BASE.indexOf(PE_HEAD);
  const at = BASE.indexOf(from, head);
  if (head < 0 || at < 0) throw new Error(`variant: '${from}' not found in bitmod_pe`);
  return BASE.slice(0, at) + to + BASE.slice(at + from.length);
}

const SCHEME_HEAD = 'scheme bitmod_w4 : mixture {';

/** The example with a unified buffer of `width` bits (one bank) added to the bitmod accelerator: the meta space. */
function withMetaBuffer(width: number): string {
  const buffers = 'buffers = [weight_buf, act_buf];';
  const acts = 'buffer act_buf ';
  if (!BASE.includes(buffers) || !BASE.includes(acts)) throw new Error('variant: bitmod buffers not found');
  return BASE.replace(acts, `buffer meta_buf { size = 4 KiB; width = ${width}; banks = 1; role = unified; }\n${acts}`).replace(buffers, 'buffers = [weight_buf, act_buf, meta_buf];');
}

interface Variant {
  readonly name: string;
  readonly text: string;
  readonly sets?: readonly string[];
  readonly accelerator?: string;
  /** The outcome the design of this folder gives (documented in docs/golden.md §bit_serial_mod). */
  readonly expected: VariantOutcome;
}

const VARIANTS: readonly Variant[] = [
  { name: 'the example', text: BASE, expected: 'honored' },
  { name: 'the example, authors datapath', text: BASE, accelerator: 'bitmod_authors', expected: 'honored' },
  // other lane counts: the adder tree (lane_sum_bits) and the group adder (group_acc_bits) grow with ⌈log2 lanes⌉
  { name: 'lanes = 2', text: editPe('lanes = 4;', 'lanes = 2;').replace('lane_sum_bits = 17;          // 2-level', 'lane_sum_bits = 16;          // 1-level').replace('group_acc_bits = 23;', 'group_acc_bits = 22;'), expected: 'honored' },
  { name: 'lanes = 8', text: editPe('lanes = 4;', 'lanes = 8;').replace('lane_sum_bits = 17;          // 2-level', 'lane_sum_bits = 18;          // 3-level').replace('group_acc_bits = 23;', 'group_acc_bits = 24;'), expected: 'honored' },
  { name: 'lanes = 8, widths by default', text: editPe('lanes = 4;', 'lanes = 8;').replace(/ {2}lane_sum_bits = 17;[^\n]*\n {2}group_acc_bits = 23;[^\n]*\n/, ''), expected: 'honored' },
  { name: 'lanes = 1, widths by default', text: editPe('lanes = 4;', 'lanes = 1;').replace(/ {2}lane_sum_bits = 17;[^\n]*\n {2}group_acc_bits = 23;[^\n]*\n/, ''), expected: 'honored' },
  { name: 'lanes = 8, the 4-lane group adder', text: editPe('lanes = 4;', 'lanes = 8;').replace('lane_sum_bits = 17;          // 2-level', 'lane_sum_bits = 18;          // 3-level'), expected: 'rejected' },
  { name: 'lanes = 16', text: editPe('lanes = 4;', 'lanes = 16;').replace(/ {2}lane_sum_bits = 17;[^\n]*\n {2}group_acc_bits = 23;[^\n]*\n/, ''), expected: 'rejected' },
  { name: 'lanes = 3', text: editPe('lanes = 4;', 'lanes = 3;').replace(/ {2}lane_sum_bits = 17;[^\n]*\n {2}group_acc_bits = 23;[^\n]*\n/, ''), expected: 'rejected' },
  { name: 'lanes = 8, authors datapath', text: BASE.replace('pe bitmod_authors_pe : bit_serial_mod {\n  lanes = 4;', 'pe bitmod_authors_pe : bit_serial_mod {\n  lanes = 8;'), accelerator: 'bitmod_authors', expected: 'rejected' },
  { name: 'activations = bf16', text: editPe('activations = fp16;', 'activations = bf16;').replace(/ {2}align_bits = 14;[^\n]*\n {2}lane_sum_bits = 17;[^\n]*\n/, ''), expected: 'rejected' },
  { name: 'cross_group = fp16', text: editPe('cross_group = fp32;', 'cross_group = fp16;'), expected: 'rejected' },
  { name: 'output = bf16', text: editPe('output = fp16;', 'output = bf16;'), expected: 'rejected' },
  { name: 'output = fp32', text: editPe('output = fp16;', 'output = fp32;'), expected: 'honored' },
  { name: 'align_bits = 15', text: editPe('align_bits = 14;', 'align_bits = 15;').replace('lane_sum_bits = 17;          // 2-level', 'lane_sum_bits = 18;          // 2-level'), expected: 'rejected' },
  { name: 'group_acc_bits = 24', text: editPe('group_acc_bits = 23;', 'group_acc_bits = 24;'), expected: 'rejected' },
  { name: 'dequant_bits = 24', text: editPe('group_exponent_bits = 6;', 'group_exponent_bits = 6;\n  dequant_bits = 24;'), expected: 'rejected' },
  { name: 'pipeline_stages = 2', text: editPe('output = fp16;', 'output = fp16;\n  pipeline_stages = 2;'), expected: 'rejected' },
  { name: 'pipeline_stages = 4', text: editPe('output = fp16;', 'output = fp16;\n  pipeline_stages = 4;'), expected: 'honored' },
  // tile_m (the example declares 2 * cols): the accumulator tile's tokens, run as ceil(tile_m / cols) array passes (at most 16 entries per PE)
  { name: 'tile_m = 5 (3 passes of 2 columns)', text: editPe('tile_m = 2 * cols;', 'tile_m = 5;'), expected: 'honored' },
  { name: 'tile_m = 1', text: editPe('tile_m = 2 * cols;', 'tile_m = 1;'), expected: 'honored' },
  { name: 'tile_m = 40 (20 passes)', text: editPe('tile_m = 2 * cols;', 'tile_m = 40;'), expected: 'rejected' },
  { name: 'tile_m = 0', text: editPe('tile_m = 2 * cols;', 'tile_m = 0;'), expected: 'rejected' },
  { name: 'rows = 1', text: BASE, sets: ['rows=1', 'cols=2', 'banks=1'], expected: 'rejected' },
  { name: 'cols = 1', text: BASE, sets: ['rows=2', 'cols=1', 'banks=1'], expected: 'rejected' },
  { name: 'activation buffer 32 bits per cycle', text: BASE.replace('buffer act_buf    { size = 512 KiB; width = 256;', 'buffer act_buf    { size = 512 KiB; width = 32;'), expected: 'rejected' },
  { name: 'weight buffer 8 bits per cycle', text: BASE.replace('buffer weight_buf { size = 512 KiB; width = 256;', 'buffer weight_buf { size = 512 KiB; width = 8;'), expected: 'rejected' },
  // group scales come from the meta space: a unified buffer beside the weights and activations buffers
  { name: 'separate meta buffer 8 bits per cycle', text: withMetaBuffer(8), expected: 'rejected' },
  { name: 'separate meta buffer 16 bits per cycle', text: withMetaBuffer(16), expected: 'honored' },
  // outputs go to the weights buffer (no outputs buffer: the kind's out space lies there), not to the unified one
  { name: 'separate meta buffer 16 bits per cycle, output = fp32', text: withMetaBuffer(16).replace('output = fp16;', 'output = fp32;'), expected: 'honored' },
  // a 16-bit weights buffer reads a step of 4-bit weights and the group scales, but cannot take one fp32 output
  { name: 'weight buffer 16 bits per cycle', text: BASE.replace('buffer weight_buf { size = 512 KiB; width = 256;', 'buffer weight_buf { size = 512 KiB; width = 16;'), expected: 'honored' },
  { name: 'weight buffer 16 bits per cycle, output = fp32', text: BASE.replace('buffer weight_buf { size = 512 KiB; width = 256;', 'buffer weight_buf { size = 512 KiB; width = 16;').replace('output = fp16;', 'output = fp32;'), expected: 'rejected' },
  { name: 'scale = uint4', text: BASE.replace('scale = uint8;           // per-group', 'scale = uint4;           // per-group'), expected: 'honored' },
  { name: 'per_group(int4) weights', text: editPe('weights = bitmod_weights;', 'weights = per_group(int4, group = 128, scale = uint8);'), expected: 'honored' },
  { name: 'per_group(int8) weights', text: editPe('weights = bitmod_weights;', 'weights = per_group(int8, group = 128, scale = uint8);'), expected: 'honored' },
  { name: 'per_group(fp8_e4m3) weights', text: editPe('weights = bitmod_weights;', 'weights = per_group(fp8_e4m3, group = 128, scale = uint8);'), expected: 'rejected' },
  {
    name: 'a 3-candidate mixture',
    text: BASE.replace(`${SCHEME_HEAD}\n  candidates = [bitmod_fp4_er_pos, bitmod_fp4_er_neg, bitmod_fp4_ea_pos, bitmod_fp4_ea_neg];`, `${SCHEME_HEAD}\n  candidates = [bitmod_fp4_er_pos, int4, bitmod_fp4_ea_neg];`),
    expected: 'honored',
  },
];

describe('bit_serial_mod variants: check rejects with a location, or sim matches golden and build succeeds', () => {
  for (const v of VARIANTS) {
    it(v.name, async () => {
      const outcome = await expectHonoredOrRejected({ text: v.text }, v.accelerator ?? 'bitmod', { sets: v.sets ?? SETS });
      expect(outcome).toBe(v.expected);
    }, 60_000);
  }
});
