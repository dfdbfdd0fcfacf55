/**
 * The plan walk of src/estimate/plan-cost.ts weights each repeat's first iteration by its count: its DRAM
 * port cycles, bytes, DMA queue cycles and tile-instruction count must equal a plain count over the
 * flattened program (every instruction visited), for ragged shapes on every example design. Its cycles
 * (plan-timing.ts: the queue model jumping over recurring periods) must equal the queue model fed the
 * whole flattened program instruction by instruction, at 1 and at several DMAs in flight.
 */
import { describe, expect, it } from 'vitest';
import { flattenPlan } from '../../src/compile/plan.js';
import { compileGemm } from '../../src/compile/program.js';
import { scheduleGemm } from '../../src/compile/schedule/index.js';
import { resolveTarget } from '../../src/compile/target.js';
import { dramBeatBytes } from '../../src/arch/microarch.js';
import { dramTiming } from '../../src/estimate/dram-timing.js';
import { costPlan } from '../../src/estimate/plan-cost.js';
import { planLayer } from '../../src/estimate/tiling.js';
import { QueueModel } from '../../src/estimate/queue-model.js';
import { findInstruction } from '../../src/isa/index.js';
import { costFacet, type TileShape } from '../../src/pe/facets/cost.js';
import type { TargetOf } from '../../src/pe/facets/compile.js';
import type { PeKind } from '../../src/pe/kinds.js';
import { exampleAccelerators } from '../sim/helpers.js';

describe('plan cost', () => {
  for (const example of ['bitmod', 'xr-npe', 'svdquant']) {
    it(`equals a count over the flattened program (${example})`, () => {
      for (const declared of exampleAccelerators(example)) for (const [dramOutstanding, dramLatencyCycles] of [[1, 64], [3, 5], [8, 200]]) {
        const accel = { ...declared, dramOutstanding, dramLatencyCycles };
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
          const stream = flattenPlan(c.plan); // the loop program's dispatch stream, what `qacc sim` times
          for (const inst of stream) {
            if (inst.kind === 'load' || inst.kind === 'store') {
              const p = inst.rows * Math.ceil(inst.row_bytes / beat);
              port += p;
              if (inst.kind === 'load') {
                read += inst.rows * inst.row_bytes;
                loadQ += Math.max(p, (p + dramLatencyCycles) / dramOutstanding);
              } else {
                written += inst.rows * inst.row_bytes;
                storeQ += Math.max(p, (p + dramLatencyCycles) / dramOutstanding);
              }
            }
            if (/_tile$/.test(inst.kind)) tiles++;
          }
          const pc = costPlan(t, c.plan);
          const what = `${accel.name} ${m}×${k}×${n} N=${dramOutstanding} L=${dramLatencyCycles}`;
          expect([pc.dramCycles, pc.dramReadBytes, pc.dramWriteBytes], what).toEqual([port, read, written]);
          expect(pc.loadQueueCycles, what).toBeCloseTo(loadQ, 6);
          expect(pc.storeQueueCycles, what).toBeCloseTo(storeQ, 6);
          // the queue model fed every instruction, no period jumped over
          const model = new QueueModel(dramTiming(t), dramBeatBytes(t));
          const facet = costFacet(t.pe.kind);
          let tile: TileShape = { m: 0, n: 0, k: 0 };
          for (const inst of stream) {
            if (inst.kind === 'settile') tile = { m: inst.m, n: inst.n, k: inst.k };
            const compute = findInstruction(inst.kind)?.def.queue === 'compute';
            model.feed(inst, inst.kind === 'settile' ? 1 : compute ? Math.max(1, facet.computeCycles(t as TargetOf<PeKind>, inst, tile)) : 0);
          }
          expect(pc.pipelinedCycles, what).toBe(model.finish());
          // the estimate's tiling is the scheduler's decision
          expect(planLayer(t, { m, k, n }).tiling, what).toEqual(scheduleGemm(t, { m, k, n }).tiling);
          // every main tile instruction is counted (lowrank also counts lr_down / lr_up)
          expect(pc.tileOps, what).toBeGreaterThanOrEqual(tiles);
          expect(pc.computeCycles, what).toBeGreaterThan(0);
        }
      }
    });
  }
});
