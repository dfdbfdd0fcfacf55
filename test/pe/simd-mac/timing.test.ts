/**
 * simd_mac's simd_tile latency formula (src/pe/simd-mac/timing.ts): one pass over the array costs
 * exposed fetch + ceil(k / lanes) + S + 1 cycles, S = pipeline_stages (the RTL engine's operand pipeline; the
 * engine self-bench and `qacc verify --backends sim,rtl` check the RTL takes as many). The expected counts
 * are worked out by hand from the design below, not by the code under test.
 */
import { describe, expect, it } from 'vitest';
import { resolveTarget, type Target } from '../../../src/compile/target.js';
import { compileFile } from '../../../src/ir/elaborate.js';
import { simdEngineLatency, simdTileCycles } from '../../../src/pe/simd-mac/timing.js';

/** 2 × 2 array of 4 x fp4 (4-bit elements, 4 lanes a word), `port`-byte act and wgt ports (default 4). */
function design(stages: number, port = 4): Target {
  const text = `
pe p : simd_mac { operand_width = 16; modes = 4 x fp4_e2m1; accumulation = exact; max_dot_length = 256; output = fp16; pipeline_stages = ${stages}; }
array a { pe = p; rows = 2; cols = 2; dataflow = output_stationary; }
buffer w { size = 1 KiB; width = ${8 * port}; banks = 1; role = weights; }
buffer x { size = 1 KiB; width = ${8 * port}; banks = 1; role = activations; }
buffer o { size = 256 B; width = 32; banks = 1; role = outputs; }
accelerator acc { arrays = a; buffers = [w, x, o]; clock = 1 GHz; dram = 32 b/cycle; }
`;
  const c = compileFile('/virtual/t.qacc', { readFile: (p) => (p === '/virtual/t.qacc' ? text : undefined) }, {});
  if (!c.design) throw new Error(c.diagnostics.map((d) => d.message).join('; '));
  return resolveTarget(c.design.accelerators[0]);
}

describe('simd_tile latency', () => {
  it('is S + 1 fixed cycles', () => {
    for (const s of [1, 2, 3, 5, 64]) expect(simdEngineLatency(s)).toBe(s + 1);
  });

  // 2 × 2 × 64 in fp4: rows of 32 bytes. With 4-byte reads (2 words each) a round (chunk r of both rows)
  // takes 2 cycles and feeds 2 words: round r is in staging 2(r + 1) + 1 cycles into the fetch, its first
  // word 2r can step then; the last word (15, round 7) steps at 17 = 2 exposed fetch cycles + 15 words,
  // never waiting after round 0 (was: all 16 reads, then the 16 words).
  it('a 2 × 2 × 64 pass, 4-byte ports: the fetch runs under the words, 2 exposed + 16 words + S + 1', () => {
    for (const s of [1, 2, 3, 5, 64]) expect(simdTileCycles(design(s), 2, 2, 64, 4), `S = ${s}`).toBe(2 + 16 + s + 1);
  });

  // With 2-byte reads (1 word each) the fetch is the slower: round r (word r) is in staging at 2(r + 1) + 1,
  // the last word 15 steps at 33 = 17 exposed fetch cycles + the 16 words' last.
  it('a 2 × 2 × 64 pass, 2-byte ports: the words wait for the fetch, 17 + 16 + S + 1', () => {
    for (const s of [1, 3]) expect(simdTileCycles(design(s, 2), 2, 2, 64, 4), `S = ${s}`).toBe(17 + 16 + s + 1);
  });

  it('a 4 × 2 × 8 tile is two passes: each 2 · 1 reads + 2 words + S + 1', () => {
    for (const s of [1, 3, 7]) expect(simdTileCycles(design(s), 4, 2, 8, 4), `S = ${s}`).toBe(2 * (2 + 2 + s + 1));
  });
});
