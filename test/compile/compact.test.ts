/**
 * Compact programs (src/compile/compact.ts): the loop program dispatches exactly the straight-line
 * program's instructions with the same DRAM addresses, and computes the same outputs on the simulator; the
 * largest layer of every model of /work/shared/reference/workloads.md fits the instruction memory on every
 * example design, prefill and decode; a program that cannot fit is a CompileError naming the layer.
 */
import { describe, expect, it } from 'vitest';
import { checkCompact, compileGemm, CompileError, flattenPlan, IMEM_WORDS, MODELS, parseWorkload, randomOperands, resolveTarget, type Target } from '../../src/compile/index.js';
import { unpackMatrix } from '../../src/compile/pack.js';
import { DEFAULT_IMEM_WORDS } from '../../src/codegen/verilog/top.js';
import type { Instruction } from '../../src/isa/index.js';
import { Machine } from '../../src/sim/index.js';
import { exampleAccelerators } from '../sim/helpers.js';

const cases: { name: string; target: Target }[] = [];
for (const file of ['bitmod', 'svdquant', 'xr-npe']) for (const accel of exampleAccelerators(file)) cases.push({ name: accel.name, target: resolveTarget(accel) });

/** Y of a program run cycle by cycle on a fresh copy of the DRAM image. */
function outputOf(t: Target, program: readonly Instruction[], dram: Uint8Array, y: number, m: number, n: number): Uint32Array {
  const image = dram.slice();
  new Machine(t, program, image).run();
  return unpackMatrix(image, y, m, n, t.bits.out);
}

describe('compact programs', () => {
  it('the instruction memory is one constant: the RTL top takes its depth from the compiler', () => {
    expect(DEFAULT_IMEM_WORDS).toBe(IMEM_WORDS);
  });

  for (const { name, target: declared } of cases) {
    it(`${name}: the loop program = the straight-line program (dispatch stream, outputs), and is shorter`, () => {
      // a multi-pass kind (lowrank_gemm: tiles of up to the declared 256 × 128) with tiles of 2 × 2 array
      // passes, so that the shape below has several tiles
      const { rows: r, cols: c0 } = declared.array;
      const target: Target = declared.tilePassesM * declared.tilePassesN > 1 ? { ...declared, maxTileM: 2 * c0, maxTileN: 2 * r, tilePassesM: 2, tilePassesN: 2, accEntries: 4 * r * c0, lrtEntries: (2 * declared.lrtEntries) / declared.tilePassesM } : declared;
      const rows = target.array.rows * target.tilePassesN;
      const cols = target.array.cols * target.tilePassesM;
      // seven m tiles (a repeat of five between the first and the last), two n tiles
      const shape = { m: 6 * cols + 1, k: 128, n: rows + 1 };
      const ops = randomOperands(target, shape, 9);
      const c = compileGemm(target, shape, ops);
      const straight = flattenPlan(c.straightPlan);
      checkCompact(straight, c.program);
      expect(c.program.some((i) => i.kind === 'loop')).toBe(true);
      expect(c.program.length).toBeLessThan(straight.length);
      const dram = c.dram as Uint8Array;
      expect(outputOf(target, c.program, dram, c.layout.y, shape.m, shape.n)).toEqual(outputOf(target, straight, dram, c.layout.y, shape.m, shape.n));
    });
  }

  it('checkCompact catches a loop program whose addresses differ', () => {
    const t = cases[0].target;
    const shape = { m: 3 * t.array.cols, k: 256, n: 3 * t.array.rows };
    const c = compileGemm(t, shape, undefined, { timingOnly: true });
    const straight = flattenPlan(c.straightPlan);
    const at = c.program.findIndex((i) => i.kind === 'addi' && i.imm !== 0);
    const broken = c.program.map((i, j) => (j === at && i.kind === 'addi' ? { ...i, imm: i.imm + 64 } : i));
    expect(() => checkCompact(straight, broken)).toThrow(/differs/);
  });

  // one test per design, stage and model, so that none holds its worker long (the svdquant prefills take longest)
  for (const { name, target } of cases) {
    for (const stage of ['prefill,tokens=2048', 'decode,tokens=1']) {
      for (const model of Object.keys(MODELS)) {
        it(`${name}: the largest layer of ${model} fits, ${stage.replace(',tokens=', ' ')} tokens`, () => {
          const layers = parseWorkload(`model:${model},stage=${stage}`).layers;
          let largest = 0;
          let designLimited = 0;
          for (const layer of layers) {
            let c;
            try {
              c = compileGemm(target, layer, undefined, { timingOnly: true, label: `layer ${layer.name}` });
            } catch (e) {
              // a simd_mac PE's max_dot_length below the model's K is a design limit, not a program size
              if (e instanceof CompileError && /max_dot_length/.test(e.message)) {
                designLimited++;
                continue;
              }
              throw e;
            }
            largest = Math.max(largest, c.program.length);
          }
          if (designLimited < layers.length) expect(largest, name).toBeGreaterThan(0);
          expect(largest, name).toBeLessThanOrEqual(IMEM_WORDS);
        }, 120_000);
      }
    }
  }

  it('a program that cannot fit is a CompileError naming the layer', () => {
    const t = cases[0].target;
    // one-byte DMA rows split every transfer into pieces with their own buffer addresses: no loop helps
    const run = (): unknown => compileGemm(t, { m: 32, k: 256, n: 32 }, undefined, { timingOnly: true, label: 'layer q', limits: { dmaRowBytes: 1, dmaRows: 1 } });
    expect(run).toThrow(CompileError);
    expect(run).toThrow(/^layer q: the program needs \d+ instruction words even with loops, the instruction memory holds 16384$/);
  });
});
