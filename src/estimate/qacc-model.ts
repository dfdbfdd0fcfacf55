/**
 * qacc's own per-layer model (`--cost-model qacc`): each layer is compiled timing only exactly as `qacc sim`
 * compiles it (tiling.ts), and its plan is counted, not simulated (plan-cost.ts):
 * - compute_cycles: the cycles the compute queue is busy: tile instructions, epilogues and configuration,
 *   by the kind's engine closed forms (the same functions the simulator times them with);
 * - dram_cycles: the busier of the DRAM port (one burst per row of every load and store) and the DMA queues
 *   (each transfer's port cycles plus the DRAM latency shared by the transfers in flight, dram-timing.ts);
 * - cycles: the whole program through a model of the queues, tokens and DMA protocol (queue-model.ts), walked
 *   over the plan with recurring periods jumped over (plan-timing.ts): equal to `qacc sim --timing-only`;
 * - bound: compute when compute_cycles ≥ dram_cycles;
 * - energy: MACs × the run mode's energy per MAC, + every DRAM byte twice through SRAM (written by its DMA,
 *   read by the array; outputs written by the array, read by the store) at the buffer's per-byte energy,
 *   + DRAM bytes × 150 pJ (technology.ts).
 * The measured agreement with `qacc sim --timing-only` is in docs/estimate.md.
 */
import type { CompiledGemm } from '../compile/program.js';
import type { Target } from '../compile/target.js';
import type { GemmShape } from '../compile/workload.js';
import type { IrBuffer } from '../ir/types.js';
import { costFacet } from '../pe/facets/cost.js';
import type { TargetOf } from '../pe/facets/compile.js';
import type { PeKind } from '../pe/kinds.js';
import { bufferPjPerByte, DRAM_PJ_PER_BYTE, peCostAt } from './components.js';
import { costPlan } from './plan-cost.js';
import { planLayer } from './tiling.js';
import type { EnergyBreakdown, LayerBound } from './types.js';

/** One layer instance by qacc's model (before naming and counting). */
export interface QaccLayerCost {
  readonly compute_cycles: number;
  readonly dram_cycles: number;
  readonly cycles: number;
  readonly bound: LayerBound;
  readonly energy: EnergyBreakdown;
  readonly dram_bytes: number;
  readonly tiling: { readonly mt: number; readonly nt: number; readonly kt: number };
  /** The compiled layer (for layer chains: layer-overlap.ts). */
  readonly compiled: CompiledGemm;
}

/** The run mode's energy per MAC at `nodeNm`, pJ. */
export function energyPerMac(t: Target, nodeNm: number): number {
  const facet = costFacet(t.pe.kind);
  const modes = facet.peakModes(t.pe);
  const mode = modes[facet.modeOf(t as TargetOf<PeKind>)] ?? modes[0];
  return peCostAt(t.array, nodeNm).energyPerCyclePj / mode.macsPerCycle;
}

/** Average per-byte SRAM energy of the buffers that hold activations and weights. */
function sramPjPerByte(buffers: readonly IrBuffer[], nodeNm: number): number {
  if (buffers.length === 0) return 0;
  return buffers.reduce((s, b) => s + bufferPjPerByte(b, nodeNm), 0) / buffers.length;
}

/** qacc's estimate of one GEMM on target `t` (see the file header). */
export function estimateQaccLayer(t: Target, shape: GemmShape, nodeNm: number): QaccLayerCost {
  const { tiling, plan, compiled } = planLayer(t, shape);
  const pc = costPlan(t, plan);
  const dramBytes = pc.dramReadBytes + pc.dramWriteBytes;
  const macs = shape.m * shape.k * shape.n;
  const energy = { compute_pj: macs * energyPerMac(t, nodeNm), sram_pj: 2 * dramBytes * sramPjPerByte(t.accelerator.buffers, nodeNm), dram_pj: dramBytes * DRAM_PJ_PER_BYTE };
  const dram = Math.ceil(Math.max(pc.dramCycles, pc.loadQueueCycles, pc.storeQueueCycles));
  return {
    compute_cycles: pc.computeCycles,
    dram_cycles: dram,
    cycles: Math.ceil(pc.pipelinedCycles),
    bound: pc.computeCycles >= dram ? 'compute' : 'memory',
    energy,
    dram_bytes: dramBytes,
    tiling: { mt: tiling.mt, nt: tiling.nt, kt: tiling.kt },
    compiled,
  };
}
