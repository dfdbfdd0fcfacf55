/**
 * The compiler carries lowrank_gemm's declared optional operands (examples/svdquant.qacc: svdquant_w4a4
 * declares `channel_scales = fp16` and `lora_scales = fp32`, svdquant_nvfp4 neither): the operands exist,
 * the DRAM image holds them where the layout says, the program loads them into the last k step's meta slot
 * and uses them (`dequant use_cscale`, `lr_up use_lscale`) at those addresses; an undeclared PE gets none.
 */
import { describe, expect, it } from 'vitest';
import { randomOperands } from '../../../src/compile/operands.js';
import { compileGemm } from '../../../src/compile/program.js';
import { flattenPlan } from '../../../src/compile/plan.js';
import { resolveTarget, type Target } from '../../../src/compile/target.js';
import type { LowRankGemmOperands } from '../../../src/pe/lowrank-gemm/golden.js';
import { exampleAccelerators } from '../../sim/helpers.js';

function target(name: string): Target {
  const accel = exampleAccelerators('svdquant').find((a) => a.name === name);
  if (!accel) throw new Error(`no accelerator ${name}`);
  return resolveTarget(accel);
}

describe('lowrank_gemm optional operands in the compiled program', () => {
  it('svdquant_w4a4: channel scales [N] (fp16) and LoRA scales [r/16] (fp32) are packed, loaded and used', () => {
    const t = target('svdquant_w4a4');
    expect(t.formats.cscale).toBe('fp16');
    const shape = { m: 2, k: 128, n: 3 };
    const ops = randomOperands(t, shape, 7) as LowRankGemmOperands;
    expect(ops.channelScales?.length).toBe(3);
    expect(ops.loraScales?.length).toBe(2);
    const g = compileGemm(t, shape, ops);
    const dram = g.dram as Uint8Array;
    const u16 = (at: number): number => dram[at] | (dram[at + 1] << 8);
    const u32 = (at: number): number => (dram[at] | (dram[at + 1] << 8) | (dram[at + 2] << 16) | (dram[at + 3] << 24)) >>> 0;
    for (let j = 0; j < 3; j++) expect(u16(g.layout.cscale + 2 * j)).toBe(ops.channelScales?.[j]);
    for (let q = 0; q < 2; q++) expect(u32(g.layout.lscale + 4 * q)).toBe(ops.loraScales?.[q]);
    // the straight-line program (each DMA right after its `seti a1`; the loop program steps region registers)
    const program = flattenPlan(g.straightPlan);
    const deq = program.filter((i) => i.kind === 'dequant');
    const up = program.filter((i) => i.kind === 'lr_up');
    expect(deq.length).toBeGreaterThan(0);
    expect(up.length).toBe(deq.length);
    // every epilogue reads the scales from where a load of the same tile put them
    const loads = program.flatMap((i, at) => (i.kind === 'load' && i.buf === 'meta' ? [{ i, at }] : []));
    const seti = (at: number): number => {
      for (let p = at - 1; p >= 0; p--) {
        const s = program[p];
        if (s.kind === 'seti' && s.rd === 1) return s.imm;
      }
      throw new Error('no seti');
    };
    const loadedFrom = (bufAddr: number, before: number): number | undefined => loads.filter((l) => l.at < before && l.i.kind === 'load' && l.i.buf_addr === bufAddr).map((l) => seti(l.at)).pop();
    program.forEach((i, at) => {
      if (i.kind === 'dequant') {
        expect(i.use_cscale).toBe(true);
        expect(loadedFrom(i.cscale, at)).toBe(g.layout.cscale + 0); // one n tile: n0 = 0
      }
      if (i.kind === 'lr_up') {
        expect(i.use_lscale).toBe(true);
        expect(loadedFrom(i.lscale, at)).toBe(g.layout.lscale);
      }
    });
  });

  it('svdquant_nvfp4 declares none: no operands, no region, no use', () => {
    const t = target('svdquant_nvfp4');
    expect(t.formats.cscale).toBe('none');
    const shape = { m: 2, k: 64, n: 2 };
    const ops = randomOperands(t, shape, 7) as LowRankGemmOperands;
    expect(ops.channelScales).toBeUndefined();
    expect(ops.loraScales).toBeUndefined();
    const g = compileGemm(t, shape, ops);
    expect(g.layout.cscale).toBe(-1);
    expect(g.layout.lscale).toBe(-1);
    expect(g.program.some((i) => (i.kind === 'dequant' && i.use_cscale) || (i.kind === 'lr_up' && i.use_lscale))).toBe(false);
  });
});
