/**
 * TEMPORARY ADAPTER — replace with the estimate branch's `estimateDesign(accel, options)` (src/estimate/)
 * as soon as it is merged. Until then this gives the sweep an EstimateReport of the contract type
 * (src/estimate/types.ts) from a deliberately crude placeholder model: cycles = max(MACs / peak MACs per
 * cycle, weight bytes / DRAM bytes per cycle) per layer, area and energy proportional to PE count and
 * buffer bytes. Its numbers are NOT qacc's estimate; `placeholder: true` marks every point built with it.
 */
import type { Workload } from '../../compile/workload.js';
import type { IrAccelerator } from '../../ir/types.js';
import type { EstimateReport, LayerEstimate } from '../types.js';

/** True while the sweep runs on this placeholder instead of estimateDesign. */
export const ESTIMATE_IS_PLACEHOLDER = true;

/** The estimate of one design point (see the file header: a placeholder until estimateDesign lands). */
export function estimateForSweep(accel: IrAccelerator, workload: Workload | null, weightBits: number): EstimateReport {
  const peak = accel.peakMacsPerCycle;
  const dramBytes = accel.dramBitsPerCycle / 8;
  const layers: LayerEstimate[] = (workload?.layers ?? []).map((l) => {
    const compute = Math.ceil((l.m * l.k * l.n) / peak);
    const dram = Math.ceil((l.n * l.k * weightBits) / 8 / dramBytes);
    const cycles = Math.max(compute, dram);
    return { name: l.name, out: l.n, in: l.k, tokens: l.m, compute_cycles: compute, dram_cycles: dram, cycles, bound: compute >= dram ? 'compute' : 'memory', energy_pj: l.m * l.k * l.n * 0.5 + l.n * l.k * (weightBits / 8) * 10, count: l.count };
  });
  const sum = (f: (l: LayerEstimate) => number) => layers.reduce((s, l) => s + f(l) * l.count, 0);
  const peArea = accel.totalPes * 1000;
  const bufArea = accel.totalBufferBytes * 0.5;
  return {
    accelerator: accel.name,
    pe: accel.arrays[0]?.pe.name ?? '',
    cost_model: 'qacc',
    workload: workload?.spec ?? null,
    technology_nm: 28,
    clock_mhz: accel.clockHz / 1e6,
    cycles: sum((l) => l.cycles),
    compute_cycles: sum((l) => l.compute_cycles),
    dram_cycles: sum((l) => l.dram_cycles),
    energy_pj: sum((l) => l.energy_pj),
    area_um2: peArea + bufArea,
    components: [
      { name: 'pe_array', gate_equivalents: 0, area_um2: peArea, source: 'placeholder' },
      { name: 'buffers', gate_equivalents: 0, area_um2: bufArea, source: 'placeholder' },
    ],
    energy_rates: [],
    peak: [{ mode: 'default', macs_per_cycle: peak }],
    layers,
  };
}
