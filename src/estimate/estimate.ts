/**
 * `estimateDesign(accel, options)`: the EstimateReport of one accelerator (types.ts) — area per component,
 * energy rates, peak rates per mode, and, with a workload, per-layer cycles, bound and energy by the chosen
 * cost model (qacc's own, qacc-model.ts, or the BitMoD authors', bitmod2025.ts). Totals: cycles, compute and
 * DRAM cycles and energy are Σ over layers of the value × count; qacc's model then takes off what the layer
 * chains save (compile/layer-overlap.ts, timed by the same queue model: equal to `qacc sim --timing-only`). What `qacc estimate --json` prints and what
 * `qacc sweep` collects per design point. Never prints; user errors are CompileError / EstimateError.
 */
import { transitionOverlaps } from '../compile/layer-overlap.js';
import { resolveTarget } from '../compile/target.js';
import type { Workload } from '../compile/workload.js';
import { parseWorkload } from '../compile/workload.js';
import type { IrAccelerator } from '../ir/types.js';
import { authorsArrayArea, estimateBitmod2025 } from './bitmod2025.js';
import { componentAreas, energyRates, isEngineComponent, isOutsideEngineComponent, peakRates, unpricedComponents } from './components.js';
import { EstimateError } from './errors.js';
import { namedLayers } from './layer-names.js';
import { planCycles } from './plan-timing.js';
import { estimateQaccLayer, type QaccLayerCost } from './qacc-model.js';
import { REFERENCE_NODE_NM } from './technology.js';
import type { ComponentArea, CostModel, EnergyBreakdown, EstimateReport, LayerEstimate } from './types.js';

export const COST_MODELS: readonly CostModel[] = ['qacc', 'bitmod2025'];

export interface EstimateOptions {
  /** A workload spec (`gemm:…`, `model:…`) or a parsed workload; none: area, energy rates and peaks only. */
  readonly workload?: string | Workload | null;
  readonly costModel?: CostModel;
  /** simd_mac: the SIMD mode to run (default 0). */
  readonly simdMode?: number;
  /** qacc's model: chain consecutive layers where it pays, as `qacc sim` does (default true; false: `--no-layer-overlap`). */
  readonly layerOverlap?: boolean;
  /** Technology node in nm (default 28, the node of the built-in figures; others scale them). */
  readonly technologyNm?: number;
  /** bitmod2025: weight bits per element as the authors count them (ANT / OliVe's mixed precisions). */
  readonly weightBits?: number;
  /** bitmod2025: decode attention context (default 256). */
  readonly context?: number;
  /**
   * Synthesized component areas (`--synth`, src/estimate/synth*.ts): when given they replace the analytic
   * areas of the components of the same name, and the others stay analytic.
   */
  readonly synthAreas?: readonly ComponentArea[];
}

/** One layer instance with its energy parts, MACs and DRAM bytes (the report sums them × count). */
interface CostedLayer {
  readonly estimate: LayerEstimate;
  readonly energy: EnergyBreakdown;
  readonly macs: number;
  readonly dramBytes: number;
}

function replaceAreas(analytic: readonly ComponentArea[], synth: readonly ComponentArea[] | undefined): ComponentArea[] {
  if (!synth) return [...analytic];
  const byName = new Map(synth.map((c) => [c.name, c]));
  return [...analytic.map((c) => byName.get(c.name) ?? c), ...synth.filter((c) => !analytic.some((a) => a.name === c.name))];
}

/** qacc's model over a workload: one compile and plan count per distinct shape (see qacc-model.ts), and the chains' savings. */
function qaccLayers(accel: IrAccelerator, workload: Workload, options: EstimateOptions, nodeNm: number): { layers: CostedLayer[]; overlap: number } {
  const t = resolveTarget(accel, { simdMode: options.simdMode ?? 0 });
  const cache = new Map<string, QaccLayerCost>();
  const costOf = (layer: Workload['layers'][number]): QaccLayerCost => {
    const key = `${layer.m},${layer.k},${layer.n}`;
    let c = cache.get(key);
    if (!c) {
      c = estimateQaccLayer(t, layer, nodeNm);
      cache.set(key, c);
    }
    return c;
  };
  const layers = namedLayers(workload).map(({ name, layer, count }) => {
    const c = costOf(layer);
    const e = c.energy;
    const estimate: LayerEstimate = { name, out: layer.n, in: layer.k, tokens: layer.m, compute_cycles: c.compute_cycles, dram_cycles: c.dram_cycles, cycles: c.cycles, bound: c.bound, energy_pj: e.compute_pj + e.sram_pj + e.dram_pj, count };
    return { estimate, energy: e, macs: layer.m * layer.k * layer.n, dramBytes: c.dram_bytes };
  });
  const of = (i: number): QaccLayerCost => costOf(workload.layers[i]);
  const overlaps = transitionOverlaps(t, workload.layers, { compiled: (i) => of(i).compiled, cycles: (i) => of(i).cycles, planCycles: (plan) => Math.ceil(planCycles(t, plan)), enabled: options.layerOverlap !== false });
  return { layers, overlap: overlaps.reduce((sum, o) => sum + o.saved * o.count, 0) };
}

/** Σ over layers of `f(layer) × count`. */
function total(layers: readonly CostedLayer[], f: (l: CostedLayer) => number): number {
  return layers.reduce((s, l) => s + f(l) * l.estimate.count, 0);
}

/** The estimate of `accel` (see the file header). */
export function estimateDesign(accel: IrAccelerator, options: EstimateOptions = {}): EstimateReport {
  const costModel = options.costModel ?? 'qacc';
  if (!COST_MODELS.includes(costModel)) throw new EstimateError(`unknown cost model '${String(costModel)}' (expected ${COST_MODELS.join(' or ')})`);
  const nodeNm = options.technologyNm ?? REFERENCE_NODE_NM;
  if (!(nodeNm > 0 && Number.isFinite(nodeNm))) throw new EstimateError(`the technology node must be a positive number of nm, got ${nodeNm}`);
  if (options.weightBits !== undefined && !(options.weightBits >= 1 && options.weightBits <= 64)) throw new EstimateError(`--weight-bits must be in 1..64, got ${options.weightBits}`);
  if (options.context !== undefined && !(Number.isSafeInteger(options.context) && options.context >= 1)) throw new EstimateError(`--context must be a positive integer, got ${options.context}`);
  if (costModel === 'qacc' && (options.weightBits !== undefined || options.context !== undefined)) throw new EstimateError("--weight-bits and --context belong to --cost-model bitmod2025 (qacc's model takes both from the design and the workload)");
  const workload = typeof options.workload === 'string' ? parseWorkload(options.workload) : (options.workload ?? null);
  let areas = componentAreas(accel, nodeNm);
  let layers: CostedLayer[] = [];
  let overlap = 0;
  if (costModel === 'bitmod2025') {
    if (workload) layers = estimateBitmod2025(accel, workload, { nodeNm, ...(options.weightBits !== undefined ? { weightBits: options.weightBits } : {}), ...(options.context !== undefined ? { context: options.context } : {}) });
    // the authors' PE area replaces qacc's for the (first) array; buffers stay qacc's (theirs come from CACTI)
    if (accel.arrays.length > 0) areas = areas.map((c, i) => (i === 0 ? authorsArrayArea(accel, options.weightBits, c) : c));
    // their accounting has PEs and buffers only: no tile engine, no port logic, controller or instruction RAMs
    areas = areas.filter((c) => !isEngineComponent(accel, c.name) && !isOutsideEngineComponent(c.name));
  } else if (workload) {
    ({ layers, overlap } = qaccLayers(accel, workload, options, nodeNm));
  }
  // the synthesized tile engine, buffer port logic, controller and RAMs (synthComponentAreas) replace the analytic ones
  areas = replaceAreas(options.synthAreas ? areas.filter((c) => !isEngineComponent(accel, c.name) && !isOutsideEngineComponent(c.name)) : areas, options.synthAreas);
  const cycles = total(layers, (l) => l.estimate.cycles) - overlap;
  if (!Number.isSafeInteger(cycles)) throw new EstimateError(`the workload's ${cycles} cycles exceed 2^53 − 1, the largest count qacc reports exactly`);
  const energy = { compute_pj: total(layers, (l) => l.energy.compute_pj), sram_pj: total(layers, (l) => l.energy.sram_pj), dram_pj: total(layers, (l) => l.energy.dram_pj) };
  return {
    accelerator: accel.name,
    pe: accel.arrays[0]?.pe.kind ?? 'none',
    cost_model: costModel,
    workload: workload?.spec ?? null,
    technology_nm: nodeNm,
    clock_mhz: accel.clockHz / 1e6,
    cycles,
    overlap_cycles: overlap,
    compute_cycles: total(layers, (l) => l.estimate.compute_cycles),
    dram_cycles: total(layers, (l) => l.estimate.dram_cycles),
    energy_pj: total(layers, (l) => l.estimate.energy_pj),
    energy_breakdown: energy,
    macs: total(layers, (l) => l.macs),
    dram_bytes: total(layers, (l) => l.dramBytes),
    seconds: cycles / accel.clockHz,
    area_um2: areas.reduce((s, c) => s + c.area_um2, 0),
    components: areas,
    // the authors' accounting leaves every engine out by design; `--synth` synthesizes the engine
    unpriced: costModel === 'qacc' && !options.synthAreas ? unpricedComponents(accel) : [],
    energy_rates: energyRates(accel, nodeNm),
    peak: peakRates(accel),
    layers: layers.map((l) => l.estimate),
  };
}
