/**
 * Variants of the mac baselines of examples/bitmod.qacc (fp16_baseline, ant_baseline; arrays and ports
 * shrunk by --set) under the contract of issue 12: `qacc check` rejects each with located errors only, or
 * `qacc sim` matches golden and `qacc build` succeeds — never an internal error. The expected outcome is
 * written beside each variant, so a variant silently changing side fails too.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectHonoredOrRejected, type VariantOutcome } from '../variants-lib.js';

const BITMOD = readFileSync('examples/bitmod.qacc', 'utf8');
const SETS = ['fp16_rows=2', 'fp16_cols=2', 'ant_rows=2', 'ant_cols=2', 'banks=1'];

const FP16_MAC = 'pe fp16_mac : mac {\n  weights = fp16;\n  activations = fp16;\n  accumulator = fp32;\n}';
const ANT_PE = 'pe ant_pe : mac {\n  weights = per_channel(flint4, scale = fp16);\n  activations = fp16;\n  accumulator = fp32;\n}';

interface Variant {
  readonly name: string;
  readonly accelerator: 'fp16_baseline' | 'ant_baseline';
  /** The PE block replacing the example's (fp16_mac for fp16_baseline, ant_pe for ant_baseline). */
  readonly pe: string;
  readonly sets?: readonly string[];
  /** Other text replacements of the example (buffers). */
  readonly edit?: readonly (readonly [string, string])[];
  readonly expect: VariantOutcome;
}

const fp16 = (body: string): string => `pe fp16_mac : mac {\n  ${body}\n}`;
const ant = (body: string): string => `pe ant_pe : mac {\n  ${body}\n}`;

/** Buffers of `bytes` each for fp16_baseline alone (the example's buffers serve the 32 × 32 bitmod array too). */
const smallBuffers = (bytes: number, width = 32): string =>
  `\nbuffer small_w { size = ${bytes} B; width = ${width}; banks = 1; role = weights; }\nbuffer small_x { size = ${bytes} B; width = ${width}; banks = 1; role = activations; }`;
// The example's buffers are shared with the bit_serial_mod accelerators (whose engine needs wider ports), so a
// variant of fp16_baseline's buffers gives it buffers of its own.
const OWN_BUFFERS = ['arrays = fp16_array;\n  buffers = [weight_buf, act_buf];', 'arrays = fp16_array;\n  buffers = [small_w, small_x];'] as const;

const WS_FP16 = ['array fp16_array { pe = fp16_mac; rows = fp16_rows; cols = fp16_cols; }', 'array fp16_array { pe = fp16_mac; rows = fp16_rows; cols = fp16_cols; dataflow = weight_stationary; }'] as const;
const WS_ANT = ['array ant_array { pe = ant_pe; rows = ant_rows; cols = ant_cols; }', 'array ant_array { pe = ant_pe; rows = ant_rows; cols = ant_cols; dataflow = weight_stationary; }'] as const;

const VARIANTS: readonly Variant[] = [
  { name: 'activations = fp8_e4m3', accelerator: 'fp16_baseline', pe: fp16('weights = fp16; activations = fp8_e4m3;'), expect: 'rejected' },
  { name: 'activations = bf16', accelerator: 'fp16_baseline', pe: fp16('weights = fp16; activations = bf16;'), expect: 'rejected' },
  { name: 'accumulator = bf16', accelerator: 'fp16_baseline', pe: fp16('weights = fp16; activations = fp16; accumulator = bf16;'), expect: 'rejected' },
  { name: 'accumulator = fp16', accelerator: 'fp16_baseline', pe: fp16('weights = fp16; activations = fp16; accumulator = fp16;'), expect: 'honored' },
  { name: 'weights = per_group(int4, group = 32)', accelerator: 'ant_baseline', pe: ant('weights = per_group(int4, group = 32, scale = fp16); activations = fp16;'), expect: 'rejected' },
  { name: 'weights = fp8_e4m3', accelerator: 'fp16_baseline', pe: fp16('weights = fp8_e4m3; activations = fp16;'), expect: 'rejected' },
  { name: 'weights = per_channel(fp8_e4m3)', accelerator: 'ant_baseline', pe: ant('weights = per_channel(fp8_e4m3, scale = fp16); activations = fp16;'), expect: 'rejected' },
  { name: 'weights = per_channel(int4, scale = bf16)', accelerator: 'ant_baseline', pe: ant('weights = per_channel(int4, scale = bf16); activations = fp16;'), expect: 'rejected' },
  { name: 'weights = per_channel(int4, zero_point = true)', accelerator: 'ant_baseline', pe: ant('weights = per_channel(int4, scale = fp16, zero_point = true); activations = fp16;'), expect: 'rejected' },
  { name: 'weights = per_channel(fp4_e2m1)', accelerator: 'ant_baseline', pe: ant('weights = per_channel(fp4_e2m1, scale = fp16); activations = fp16; accumulator = fp16;'), expect: 'honored' },
  { name: 'weights = per_tensor(int4, scale = fp16)', accelerator: 'ant_baseline', pe: ant('weights = per_tensor(int4, scale = fp16); activations = fp16;'), expect: 'honored' },
  { name: 'weights = int8 (fp16 × int8, no scale)', accelerator: 'fp16_baseline', pe: fp16('weights = int8; activations = fp16;'), expect: 'honored' },
  { name: 'int8 × int8 → int32', accelerator: 'fp16_baseline', pe: fp16('weights = int8; activations = int8;'), expect: 'honored' },
  { name: 'int8 × int8 with accumulator = fp32', accelerator: 'fp16_baseline', pe: fp16('weights = int8; activations = int8; accumulator = fp32;'), expect: 'rejected' },
  { name: 'int8 activations × fp16 weights', accelerator: 'fp16_baseline', pe: fp16('weights = fp16; activations = int8;'), expect: 'rejected' },
  { name: 'lanes = 3', accelerator: 'fp16_baseline', pe: fp16('weights = fp16; activations = fp16; lanes = 3;'), expect: 'honored' },
  { name: 'lanes = 3 (ant, scaled)', accelerator: 'ant_baseline', pe: ant('weights = per_channel(flint4, scale = fp16); activations = fp16; lanes = 3;'), expect: 'honored' },
  { name: 'lanes = 1024 (the largest the language takes)', accelerator: 'fp16_baseline', pe: fp16('weights = fp16; activations = fp16; lanes = 1024;'), expect: 'honored' },
  { name: 'pipeline_stages = 64 (the largest the language takes)', accelerator: 'fp16_baseline', pe: fp16('weights = fp16; activations = fp16; pipeline_stages = 64;'), expect: 'honored' },
  { name: 'pipeline_stages = 5', accelerator: 'fp16_baseline', pe: fp16('weights = fp16; activations = fp16; pipeline_stages = 5;'), expect: 'honored' },
  { name: 'rows = 1', accelerator: 'fp16_baseline', pe: FP16_MAC, sets: ['fp16_rows=1'], expect: 'honored' },
  { name: '1-byte buffer ports (width = 8)', accelerator: 'fp16_baseline', pe: FP16_MAC + smallBuffers(64 * 1024, 8), edit: [OWN_BUFFERS], expect: 'honored' },
  { name: '1-byte buffer ports, int8', accelerator: 'fp16_baseline', pe: fp16('weights = int8; activations = int8;') + smallBuffers(64 * 1024, 8), edit: [OWN_BUFFERS], expect: 'honored' },
  { name: 'buffers of 64 B (no room for a 2 × 2 × 8 tile)', accelerator: 'fp16_baseline', pe: FP16_MAC + smallBuffers(64), edit: [OWN_BUFFERS], expect: 'rejected' },
  { name: 'buffers of 256 B', accelerator: 'fp16_baseline', pe: FP16_MAC + smallBuffers(256), edit: [OWN_BUFFERS], expect: 'honored' },
  { name: 'wide ports (banks = 8)', accelerator: 'ant_baseline', pe: ANT_PE, sets: ['banks=8'], expect: 'honored' },
  // weight-stationary (src/pe/mac/compile-ws.ts, rtl-engine-ws.ts)
  { name: 'dataflow = weight_stationary', accelerator: 'fp16_baseline', pe: FP16_MAC, edit: [WS_FP16], expect: 'honored' },
  { name: 'dataflow = weight_stationary (ant, scaled, lanes = 3)', accelerator: 'ant_baseline', pe: ant('weights = per_channel(flint4, scale = fp16); activations = fp16; lanes = 3;'), edit: [WS_ANT], expect: 'honored' },
  { name: 'dataflow = weight_stationary, int8, pipeline_stages = 5', accelerator: 'fp16_baseline', pe: fp16('weights = int8; activations = int8; pipeline_stages = 5;'), edit: [WS_FP16], expect: 'honored' },
  { name: 'dataflow = weight_stationary, lanes = 1024', accelerator: 'fp16_baseline', pe: fp16('weights = fp16; activations = fp16; lanes = 1024;'), edit: [WS_FP16], expect: 'honored' },
  { name: 'dataflow = weight_stationary, 1-byte ports', accelerator: 'fp16_baseline', pe: FP16_MAC + smallBuffers(64 * 1024, 8), edit: [OWN_BUFFERS, WS_FP16], expect: 'honored' },
  { name: 'dataflow = weight_stationary, buffers of 256 B', accelerator: 'fp16_baseline', pe: FP16_MAC + smallBuffers(256), edit: [OWN_BUFFERS, WS_FP16], expect: 'honored' },
];

describe('mac variants: honored by every backend, or rejected by check at their span', () => {
  it('starts from the example file as it is', () => {
    expect(BITMOD).toContain(FP16_MAC);
    expect(BITMOD).toContain(ANT_PE);
  });

  for (const v of VARIANTS) {
    it(`${v.accelerator}: ${v.name} is ${v.expect}`, { timeout: 20_000 }, async () => {
      let text = BITMOD.replace(v.accelerator === 'fp16_baseline' ? FP16_MAC : ANT_PE, v.pe);
      for (const [from, to] of v.edit ?? []) {
        expect(text).toContain(from);
        text = text.replaceAll(from, to);
      }
      const sets = [...SETS.filter((s) => !(v.sets ?? []).some((o) => o.split('=')[0] === s.split('=')[0])), ...(v.sets ?? [])];
      expect(await expectHonoredOrRejected({ text }, v.accelerator, { sets })).toBe(v.expect);
    });
  }
});
