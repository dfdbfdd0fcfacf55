/**
 * The fact a K split of bit_serial_mod would rest on (docs/scheduler.md, "Branch prefill2"): the cross-group
 * state of one output is exactly one fp32 value, so writing it out as its 32 bits after any group and
 * reading it back before the next group continues the golden chain bit for bit — also when an inf/NaN
 * activation has made it NaN. The oracle is the golden GEMM over the whole K; the split chain is rebuilt
 * from the golden step functions with the spill (FP32 encode, a 32-bit code) and reload (FP32 decode)
 * between two chunks at a random group boundary.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FP32 } from '../../../src/formats/float.js';
import { bitSerialModCrossGroup, bitSerialModGemm, bitSerialModGroupValue, bitSerialModOutputCode, bitSerialModScaled, type BitSerialDatapath, type BitSerialModConfig, type BitSerialModOperands } from '../../../src/pe/bit-serial-mod/golden.js';

const GROUP = 8;
const CANDIDATES = ['bitmod_fp4_er_pos', 'bitmod_fp4_er_neg', 'bitmod_fp4_ea_pos', 'bitmod_fp4_ea_neg'] as const;
/** fp16 codes worth meeting: zeros, subnormal, one, max, and inf / NaN (which make the group value NaN). */
const SPECIAL_ACTS = [0x0000, 0x8000, 0x0001, 0x3c00, 0x7bff, 0xfbff, 0x7c00, 0xfc00, 0x7e00];

/** Output codes of the split chain: groups [0, cut) into C, C spilled to 32 bits and reloaded, groups [cut, G) on. */
function splitChain(config: BitSerialModConfig, o: BitSerialModOperands, cut: number): Uint32Array {
  const { m, k, n } = o;
  const G = Math.ceil(k / GROUP);
  const codes = new Uint32Array(m * n);
  const fold = (c: number, mi: number, ni: number, g0: number, g1: number): number => {
    for (let g = g0; g < g1; g++) {
      const start = g * GROUP;
      const len = Math.min(k, start + GROUP) - start;
      c = bitSerialModCrossGroup(c, bitSerialModGroupValue(config, o.activations, mi * k + start, o.weights, ni * k + start, len, CANDIDATES[o.selectors[ni * G + g]], o.groupScales[ni * G + g]));
    }
    return c;
  };
  for (let mi = 0; mi < m; mi++) {
    for (let ni = 0; ni < n; ni++) {
      const spilled = FP32.encode(fold(0, mi, ni, 0, cut));
      expect(spilled).toBeLessThan(2 ** 32);
      const c = fold(FP32.decode(spilled), mi, ni, cut, G);
      codes[mi * n + ni] = bitSerialModOutputCode(config, bitSerialModScaled(c, o.channelScales[ni]));
    }
  }
  return codes;
}

const operands = fc
  .record({ m: fc.integer({ min: 1, max: 3 }), n: fc.integer({ min: 1, max: 3 }), groups: fc.integer({ min: 2, max: 6 }), tail: fc.integer({ min: 0, max: GROUP - 1 }), seed: fc.integer({ min: 0, max: 2 ** 30 }), specials: fc.boolean() })
  .map(({ m, n, groups, tail, seed, specials }) => {
    const k = (groups - 1) * GROUP + (tail === 0 ? GROUP : tail);
    let s = seed;
    const next = (): number => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 8;
    const G = Math.ceil(k / GROUP);
    const act = (): number => {
      if (specials && next() % 16 === 0) return SPECIAL_ACTS[next() % SPECIAL_ACTS.length];
      const code = next() & 0xffff;
      return ((code >> 10) & 31) === 31 ? code & 0xbfff : code;
    };
    const o: BitSerialModOperands = {
      m,
      k,
      n,
      activations: Array.from({ length: m * k }, act),
      weights: Array.from({ length: n * k }, () => next() % 16),
      selectors: Array.from({ length: n * G }, () => next() % 4),
      groupScales: Array.from({ length: n * G }, () => next() % 256),
      channelScales: Array.from({ length: n }, () => 0x3000 + (next() % 0x1000)),
    };
    return { o, G };
  });

describe('bit_serial_mod: the cross-group chain split at a group boundary through a 32-bit spill', () => {
  for (const datapath of ['qacc', 'bitmod_rtl'] as BitSerialDatapath[]) {
    for (const output of ['fp16', 'fp32'] as const) {
      it(`${datapath}, ${output} outputs: every cut gives the golden GEMM's codes`, () => {
        const config: BitSerialModConfig = { kind: 'bit_serial_mod', groupSize: GROUP, candidates: CANDIDATES, output, ...(datapath === 'qacc' ? {} : { datapath }) };
        let nan = 0;
        fc.assert(
          fc.property(operands, ({ o, G }) => {
            const want = bitSerialModGemm(config, o).codes;
            for (let cut = 1; cut < G; cut++) expect(splitChain(config, o, cut), `cut after group ${cut}`).toEqual(want);
            if (Array.from(o.activations).some((a) => ((a >> 10) & 31) === 31)) nan++;
          }),
          { numRuns: 60, seed: 17 },
        );
        // the runs met the NaN flag (an inf/NaN activation), which the spill must carry
        expect(nan).toBeGreaterThan(0);
      });
    }
  }
});
