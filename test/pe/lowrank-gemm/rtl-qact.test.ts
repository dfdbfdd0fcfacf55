/**
 * lowrank_gemm's qact column unit (src/pe/lowrank-gemm/rtl-qact.ts) under Verilator (rtl-qact-bench.ts)
 * against the golden quantizer (golden-qact.ts `lowRankQuantizeGroup`, itself checked against a BigInt
 * oracle in golden-qact.test.ts), on five units at once: int4 codes with fp16 scales and fp16 X, uint4 with
 * bf16 scales and X, NVFP4 (fp8_e4m3 scales capped at 448) with fp16 and with bf16 X, int4 with bf16 scales
 * and X. Exhaustive over every 16-bit code x: alone in a group (its own maximum: s = |x|/qmax, codes at
 * ±qmax; NaN, inf, subnormal and zero groups), and beside each of several maxima under each rounding rule
 * (every conversion range, ties, saturation, 0 · inf); then fast-check groups of 1..8 elements (partial
 * beats of 3 lanes) mixing specials, subnormals and wide exponents. Also: -Wall lint of the unit.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { BF16, FP16, type FloatFormat } from '../../../src/formats/float.js';
import type { Rounding } from '../../../src/formats/types.js';
import { lowRankQuantizeGroup } from '../../../src/pe/lowrank-gemm/golden-qact.js';
import { lintVerilog, type BuiltSimulation } from '../../../src/verify/rtl/verilator.js';
import { buildQactBench, QACT_BENCH_CONFIGS, QACT_LMAX, qactBenchFiles, runQactBench, type QactGroup } from './rtl-qact-bench.js';

const ROUNDINGS: readonly Rounding[] = ['rne', 'rtz', 'rna'];

let sim: BuiltSimulation;
beforeAll(async () => {
  sim = await buildQactBench();
}, 600_000);

function r16(i: number): FloatFormat {
  return QACT_BENCH_CONFIGS[i].branchFormat === 'fp16' ? FP16 : BF16;
}

/** Mismatches of the bench's results against the golden, as readable lines (at most `cap`). */
async function mismatches(groups: readonly QactGroup[], cap = 8): Promise<string[]> {
  const got = await runQactBench(sim, groups);
  const bad: string[] = [];
  for (let g = 0; g < groups.length && bad.length < cap; g++) {
    QACT_BENCH_CONFIGS.forEach((cfg, u) => {
      const f = r16(u);
      const want = lowRankQuantizeGroup(cfg, groups[g].x.map((c) => f.decode(c)), ROUNDINGS[groups[g].rounding]);
      const have = got[g][u];
      if (have.scaleCode !== want.scaleCode || have.codes.some((c, e) => c !== want.codes[e])) {
        const hex = (xs: readonly number[]): string => xs.map((c) => c.toString(16)).join(' ');
        bad.push(`unit ${u} group [${hex(groups[g].x)}] ${ROUNDINGS[groups[g].rounding]}: rtl sa ${have.scaleCode.toString(16)} q ${hex(have.codes)}, golden sa ${want.scaleCode.toString(16)} q ${hex(want.codes)}`);
      }
    });
  }
  return bad;
}

describe('qact column unit vs golden-qact', () => {
  it('every 16-bit code alone in its group', async () => {
    const groups: QactGroup[] = [];
    for (let c = 0; c < 0x10000; c++) groups.push({ x: [c], rounding: c % 3 });
    expect(await mismatches(groups)).toEqual([]);
  });

  // maxima (fp16 / bf16 codes read per unit): 1, 7, 6, a large and a subnormal value, inf, 448·qmax-ish
  const MAXIMA = [0x3c00, 0x4700, 0x4600, 0x7bff, 0x0003, 0x7c00, 0x5f00, 0x3f80, 0x4b00, 0x0081];
  for (const rounding of [0, 1, 2]) {
    it(`every 16-bit code beside each of ${MAXIMA.length} maxima, ${ROUNDINGS[rounding]}`, async () => {
      const groups: QactGroup[] = [];
      for (let c = 0; c < 0x10000; c += 1) {
        const m = MAXIMA[c % MAXIMA.length];
        groups.push({ x: [c, m, c ^ 0x8000], rounding });
      }
      expect(await mismatches(groups)).toEqual([]);
    });
  }

  it('random groups of 1..8 elements (fast-check)', async () => {
    const special = fc.constantFrom(0x0000, 0x8000, 0x7c00, 0xfc00, 0x7e00, 0x7f80, 0xff80, 0x7fc0, 0x0001, 0x8001, 0x03ff, 0x7bff, 0x7f7f, 0x3c00, 0x4700, 0xc700);
    const code = fc.oneof(fc.integer({ min: 0, max: 0xffff }), special, fc.integer({ min: 0x3000, max: 0x5000 }));
    const group = fc.record({ x: fc.array(code, { minLength: 1, maxLength: QACT_LMAX }), rounding: fc.integer({ min: 0, max: 2 }) });
    const groups = fc.sample(group, { numRuns: 20_000, seed: 13 });
    expect(await mismatches(groups)).toEqual([]);
  });

  it('lints clean under -Wall', async () => {
    const { top, files } = qactBenchFiles();
    const unitFiles = files.filter((f) => f.path !== `${top}.v`);
    const warnings = await lintVerilog('qact_bench_col2', unitFiles);
    expect(warnings).toEqual([]);
  });
});
