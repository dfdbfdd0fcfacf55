/**
 * The figures of the simulation report mean what their definitions say (src/sim/run.ts SimReport):
 * `peak_macs_per_cycle` is PEs × MACs per PE per cycle of the configuration run — for a SIMD MAC the
 * lanes of the mode run, not of its widest mode (computed here from the description's rows, cols and
 * mode list); `utilization` is macs / (cycles · peak); and since a busy cycle does at most the peak work,
 * utilization never exceeds `pe_busy`, on every example accelerator, every XR-NPE mode, edge and
 * steady-state shapes, timing-only and arithmetic runs.
 */
import { describe, expect, it } from 'vitest';
import { parseWorkload } from '../../src/compile/workload.js';
import { simulateWorkload } from '../../src/sim/index.js';
import { exampleAccelerators } from './helpers.js';

const runs: { name: string; accel: ReturnType<typeof exampleAccelerators>[number]; mode: number; lanes: number }[] = [];
for (const file of ['bitmod', 'svdquant', 'xr-npe']) {
  for (const accel of exampleAccelerators(file)) {
    const pe = accel.arrays[0].pe;
    if (pe.kind === 'simd_mac') pe.modes.forEach((m, mode) => runs.push({ name: `${accel.name} mode ${mode}`, accel, mode, lanes: m.lanes }));
    else runs.push({ name: accel.name, accel, mode: 0, lanes: 0 });
  }
}

describe('sim report figures', () => {
  for (const { name, accel, mode, lanes } of runs) {
    it(`${name}: peak of the configuration run, utilization = macs / (cycles · peak) ≤ pe_busy`, () => {
      const array = accel.arrays[0];
      const pe = array.pe;
      // per-PE rate from the description: SIMD lanes of the mode; mac / lowrank lanes; bit-serial lanes per 2-bit-per-cycle weight
      const perPe = pe.kind === 'simd_mac' ? lanes : pe.kind === 'bit_serial_mod' ? pe.lanes / Math.ceil(pe.weights.elementBits / 2) : pe.lanes;
      for (const spec of ['gemm:m=1,k=64,n=1', 'gemm:m=37,k=520,n=45', 'gemm:m=256,k=1024,n=256']) {
        for (const timingOnly of [true, false]) {
          if (!timingOnly && spec.includes('256')) continue;
          const { report } = simulateWorkload(accel, parseWorkload(spec), { simdMode: mode, timingOnly, seed: 3 });
          expect(report.peak_macs_per_cycle).toBe(array.rows * array.cols * perPe);
          expect(report.utilization).toBeCloseTo(report.macs / (report.cycles * report.peak_macs_per_cycle), 12);
          expect(report.utilization, `${spec} utilization ${report.utilization} vs busy ${report.pe_busy}`).toBeLessThanOrEqual(report.pe_busy);
          expect(report.pe_busy).toBeLessThanOrEqual(1);
        }
      }
    });
  }
});
