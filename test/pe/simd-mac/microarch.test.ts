/**
 * The simd_mac geometry stated once (src/pe/simd-mac/microarch.ts): the operand stagings' depth
 * (simdStagingDepths), which the RTL generator declares and the cost model prices as RAM bits. Oracles: the depths
 * by hand for xr-npe.qacc (the deepest tile row, maxTileK = 1,024 posit16 elements, is 2,048 bytes; a port chunk
 * is the port's even bytes: 8, 64 or 128 at size = 2, 16, 32), and the stagings the generated Verilog declares,
 * whose bits the cost model's RAM-bit term (simdMacEngineGrowth's memory term) must count.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateAcceleratorRtl } from '../../../src/codegen/verilog/design.js';
import { resolveTarget } from '../../../src/compile/target.js';
import { compileFile } from '../../../src/ir/elaborate.js';
import { simdMacEngineGrowth } from '../../../src/pe/simd-mac/cost-engine.js';
import { simdStagingDepths } from '../../../src/pe/simd-mac/microarch.js';
import { rtlTemplates } from '../../../src/verify/rtl/templates.js';

const host = { readFile: (p: string) => readFileSync(p, 'utf8') };
const xrNpe = (size: number) => compileFile(resolve(import.meta.dirname, '../../../examples/xr-npe.qacc'), host, { overrides: [`size=${size}`] }).design!.accelerators[0];

describe('simd_mac operand stagings (simdStagingDepths)', () => {
  it('xr-npe.qacc: 2,048 bytes per row in chunks of the port', () => {
    for (const [size, chunk] of [
      [2, 8],
      [16, 64],
      [32, 128],
    ] as const) {
      const t = resolveTarget(xrNpe(size));
      expect([t.maxTileK, t.portBytes.act, t.portBytes.wgt], `size ${size}`).toEqual([1024, chunk, chunk]);
      expect(simdStagingDepths(t), `size ${size}`).toEqual({ act: 2048 / chunk, wgt: 2048 / chunk });
    }
  });

  it("the engine's Verilog declares those stagings, and the cost model's RAM bits are theirs", () => {
    for (const size of [2, 4]) {
      const a = xrNpe(size);
      const t = resolveTarget(a);
      const engine = generateAcceleratorRtl(a, rtlTemplates, { source: 'test', version: 'test' }).files.find((f) => f.path.endsWith('_engine_simd_mac.v'));
      expect(engine, `size ${size}`).toBeDefined();
      // one RAM per column (g_stage_a, activations) and one per row (g_stage_w, weights)
      const ram = (block: string): { width: number; depth: number } => {
        const m = new RegExp(`begin : ${block}\\n[^\\n]*\\n\\s*reg \\[(\\d+):0\\] mem \\[0:(\\d+)-1\\];`).exec(engine!.text);
        expect(m, block).not.toBeNull();
        return { width: Number(m![1]) + 1, depth: Number(m![2]) };
      };
      const act = ram('g_stage_a');
      const wgt = ram('g_stage_w');
      expect([act.depth, wgt.depth], `size ${size}`).toEqual([simdStagingDepths(t).act, simdStagingDepths(t).wgt]);
      expect(simdMacEngineGrowth(t).memoryTerms![0].at(size, size), `size ${size}`).toBe(size * act.width * act.depth + size * wgt.width * wgt.depth);
    }
  });
});
