/**
 * One design point evaluated (src/estimate/sweep/point.ts): the point's --set values reach elaboration,
 * invalid settings give an invalid point with the rendered diagnostic, and the format metrics behave as
 * quantization theory says: bits per weight are the declared element bits, and each extra bit of a
 * uniform (int) weight format gains about 6.02 dB of SQNR (20·log10 2).
 */
import { describe, expect, it } from 'vitest';
import { memoryHost, loadProgram } from '../../../src/dsl/program.js';
import { evaluatePoint, type PointResult } from '../../../src/estimate/sweep/point.js';
import { parseWorkload } from '../../../src/compile/workload.js';

const SRC = [
  'param w = int4;',
  'param rows = 4;',
  'pe p : mac { weights = per_channel(w, scale = fp16); activations = fp16; accumulator = fp32; }',
  'array arr { pe = p; rows = rows; cols = 4; }',
  'buffer wb { size = 64 KiB; width = 128; banks = 2; role = weights; }',
  'buffer ab { size = 64 KiB; width = 128; banks = 2; role = activations; }',
  'accelerator x { arrays = arr; buffers = [wb, ab]; clock = 1 GHz; dram = 128 b/cycle; }',
  '',
].join('\n');
const program = loadProgram('d.qacc', memoryHost({ 'd.qacc': SRC }));
const spec = { accelerator: undefined, workload: parseWorkload('gemm:m=4,k=256,n=32') };

function valid(r: PointResult): Extract<PointResult, { ok: true }> {
  if (!r.ok) throw new Error(r.error);
  return r;
}

describe('evaluatePoint', () => {
  it('elaborates the point with its settings', () => {
    const a = valid(evaluatePoint(program, { index: 0, settings: [['rows', '4']] }, spec));
    const b = valid(evaluatePoint(program, { index: 1, settings: [['rows', '8']] }, spec));
    expect(a.metrics.peak_macs_per_cycle * 2).toBe(b.metrics.peak_macs_per_cycle);
    expect(a.estimate.macs).toBe(4 * 256 * 32);
    expect(a.metrics.macs_per_s).toBe(a.estimate.macs / a.estimate.seconds);
    expect(b.index).toBe(1);
  });

  it('makes a point its checks reject invalid, with the located diagnostic', () => {
    const r = evaluatePoint(program, { index: 3, settings: [['rows', '0']] }, spec);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/^d\.qacc:4:28: error\[E\d+\]: rows must be between 1 and \d+, found 0\n.*\n.*\^~~~/);
    const unknown = evaluatePoint(program, { index: 0, settings: [['nope', '1']] }, spec);
    expect(!unknown.ok && unknown.error).toMatch(/error\[E\d+\]: --set nope: there is no param named 'nope'/);
    const accel = evaluatePoint(program, { index: 0, settings: [] }, { ...spec, accelerator: 'y' });
    expect(!accel.ok && accel.error).toBe("no accelerator 'y' (the file has x)");
  });

  it('counts declared bits per weight and gains about 6 dB of weight SQNR per int bit', () => {
    const at = (w: string) => valid(evaluatePoint(program, { index: 0, settings: [['w', w]] }, spec)).metrics;
    const m = Object.fromEntries(['int3', 'int4', 'int6', 'int8'].map((w) => [w, at(w)]));
    expect([m.int3, m.int4, m.int6, m.int8].map((x) => x.bits_per_weight)).toEqual([3, 4, 6, 8]);
    for (const [lo, hi] of [['int4', 'int6'], ['int6', 'int8'], ['int3', 'int8']] as const) {
      const perBit = ((m[hi].weight_sqnr_db ?? NaN) - (m[lo].weight_sqnr_db ?? NaN)) / (m[hi].bits_per_weight - m[lo].bits_per_weight);
      expect(perBit).toBeGreaterThan(5.5);
      expect(perBit).toBeLessThan(6.6);
    }
  });
});
