/**
 * The plan walk of src/estimate/plan-cost.ts weights each repeat's first iteration by its count: its DRAM
 * port cycles, bytes, DMA queue cycles and tile-instruction count must equal a plain count over the
 * flattened program (every instruction visited), for ragged shapes on every example design.
 */
import { describe, expect, it } from 'vitest';
import { compileGemm } from '../../src/compile/program.js';
import { resolveTarget } from '../../src/compile/target.js';
import { costPlan } from '../../src/estimate/plan-cost.js';
import { exampleAccelerators } from '../sim/helpers.js';

describe('plan cost', () => {
  for (const example of ['bitmod', 'xr-npe', 'svdquant']) {
    it(`equals a count over the flattened program (${example})`, () => {
      for (const accel of exampleAccelerators(example)) {
        const t = resolveTarget(accel);
        const beat = Math.max(1, Math.floor(accel.dramBitsPerCycle / 8));
        for (const [m, k, n] of [[1, 256, 40], [37, 640, 70], [70, 2048, 33]]) {
          if (example === 'xr-npe' && k > 1024) continue; // beyond its max_dot_length
          const c = compileGemm(t, { m, k, n }, undefined, { timingOnly: true });
          let port = 0;
          let read = 0;
          let written = 0;
          let loadQ = 0;
          let storeQ = 0;
          let tiles = 0;
          for (const inst of c.program) {
            if (inst.kind === 'load' || inst.kind === 'store') {
              const p = inst.rows * Math.ceil(inst.row_bytes / beat);
              port += p;
              if (inst.kind === 'load') {
                read += inst.rows * inst.row_bytes;
                loadQ += p + 64;
              } else {
                written += inst.rows * inst.row_bytes;
                storeQ += p + 64;
              }
            }
            if (/_tile$/.test(inst.kind)) tiles++;
          }
          const pc = costPlan(t, c.plan);
          const what = `${accel.name} ${m}×${k}×${n}`;
          expect([pc.dramCycles, pc.dramReadBytes, pc.dramWriteBytes, pc.loadQueueCycles, pc.storeQueueCycles], what).toEqual([port, read, written, loadQ, storeQ]);
          // every main tile instruction is counted (lowrank also counts lr_down / lr_up)
          expect(pc.tileOps, what).toBeGreaterThanOrEqual(tiles);
          expect(pc.computeCycles, what).toBeGreaterThan(0);
        }
      }
    });
  }
});
